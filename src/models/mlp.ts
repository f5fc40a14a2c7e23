import { describe } from '../core/options.js';
import { bool, checkClassWeight, inRange, classWeightedSamples, fittedInputs, integerAtLeast, nonNegative, oneOf, positive, sampleWeights, type ClassWeight } from '../core/check.js';
import { fail } from '../core/errors.js';
import { encodeClasses, sortLabels, type Label } from '../core/labels.js';
import type { Matrix, MatrixLike } from '../core/matrix.js';
import { argmaxRows, subsetAccuracy, thresholded } from '../core/predictions.js';
import { Xoshiro128 } from '../core/rng.js';
import { takeRows } from '../core/rows.js';
import { encodeTargets, type EncodedTargets, type Targets, type TrainingTargets } from '../core/targets.js';
import { BACKENDS, type Dtype, type Engine } from '../engine/engine.js';
import type { BackendChoice } from '../engine/index.js';
import type { Activation, OptimizerConfig } from '../engine/net.js';
import { valuesIn } from '../engine/resident.js';
import { DenseNet } from '../objectives/dense-net.js';
import type { EpochConfig } from '../objectives/objective.js';
import { checkModelJson, decodeArray, encodeArray, isPlainObject, registerLoader, type ModelJson } from '../persist.js';
import type { SolveOptions } from '../solvers/solve.js';
import { Estimator, type FitCallbacks, type PartialStart, type TrainingPlan, type TrainingSet } from './estimator.js';
import { positiveInteger, restoreOptions, restoreSolved, savedModel } from './saved.js';
import { packStart, type LayerShape } from './start.js';
import { checkControl, CONTROL_DEFAULTS, holdOut, type TrainingControlOptions } from './training.js';

/** MLPClassifier's options, as scikit-learn's MLPClassifier in camelCase. */
export interface MLPClassifierOptions extends TrainingControlOptions {
  /**
   * The width of each hidden layer; a number is one layer (scikit-learn accepts both).
   * @default [100]
   */
  hiddenLayerSizes: number[];
  /**
   * The hidden layers' activation: 'relu', 'tanh', 'logistic' or 'identity'.
   * @default 'relu'
   */
  activation: Activation;
  /**
   * 'adam', 'sgd' (with momentum) or 'lbfgs' (full batch).
   * @default 'adam'
   */
  solver: 'adam' | 'sgd' | 'lbfgs';
  /**
   * L2 penalty: the objective gains alpha / (2 n) ||W||^2, as scikit-learn's.
   * @default 1e-4
   */
  alpha: number;
  /**
   * Rows per mini-batch; 'auto' is min(200, n).
   * @default 'auto'
   */
  batchSize: number | 'auto';
  /**
   * The step size of adam and sgd (before the schedule).
   * @default 1e-3
   */
  learningRateInit: number;
  /**
   * Epochs (adam, sgd) or iterations (lbfgs).
   * @default 200
   */
  maxIter: number;
  /**
   * Stop when the loss improves by less than tol for nIterNoChange epochs.
   * @default 1e-4
   */
  tol: number;
  /**
   * Epochs without an improvement of tol before training stops.
   * @default 10
   */
  nIterNoChange: number;
  /**
   * Reshuffle the rows before every epoch.
   * @default true
   */
  shuffle: boolean;
  /**
   * Seeds initialization, shuffling and the validation split (scikit-learn's random_state).
   * @default 0
   */
  seed: number;
  /**
   * Adam's first-moment decay.
   * @default 0.9
   */
  beta1: number;
  /**
   * Adam's second-moment decay.
   * @default 0.999
   */
  beta2: number;
  /**
   * Adam's denominator guard.
   * @default 1e-8
   */
  epsilon: number;
  /**
   * sgd's momentum; 0 for plain SGD.
   * @default 0.9
   */
  momentum: number;
  /**
   * Nesterov's momentum for sgd.
   * @default true
   */
  nesterovsMomentum: boolean;
  /**
   * Per-class row weights: 'balanced', a map or [label, weight] pairs, or null (all 1). Not for multi-label y.
   * @default null
   */
  classWeight: ClassWeight;
  /**
   * What the engine computes in: 'float32' (fast) or 'float64' (scikit-learn's precision).
   * @default 'float32'
   */
  dtype: Dtype;
  /**
   * Where it computes: 'auto' (the one `init` chose) or a backend's name.
   * @default 'auto'
   */
  backend: BackendChoice;
}

const MAX_WIDTH = 2 ** 24;

/** The constructor's options: as MLPClassifierOptions, with one hidden layer given as a number. */
export type MLPClassifierInit = Omit<MLPClassifierOptions, 'hiddenLayerSizes'> & {
  /**
   * The width of each hidden layer, or one number for one layer.
   * @default [100]
   */
  hiddenLayerSizes: number | number[];
};

/** MLPClassifier's fit options. */
export interface MLPFitOptions extends FitCallbacks {
  /**
   * Starting weights per layer, outputs x inputs (as `coefs`).
   * @default undefined (Glorot-uniform from `seed`)
   */
  coefsInit?: MatrixLike[];
  /**
   * Starting intercepts per layer (as `intercepts`).
   * @default undefined
   */
  interceptsInit?: ArrayLike<number>[];
  /**
   * One weight per row (scikit-learn's sample_weight); none: all 1.
   * @default undefined (all 1)
   */
  sampleWeight?: ArrayLike<number>;
  /**
   * Held-out rows scored after every epoch (valLoss, valAccuracy in history); early stopping uses them.
   * @default undefined (none)
   */
  validationData?: [MatrixLike, Targets];
}

const DEFAULTS: MLPClassifierOptions = {
  ...CONTROL_DEFAULTS, classWeight: null,
  hiddenLayerSizes: [100], activation: 'relu', solver: 'adam', alpha: 1e-4, batchSize: 'auto',
  learningRateInit: 1e-3, maxIter: 200, tol: 1e-4, nIterNoChange: 10, shuffle: true, seed: 0,
  beta1: 0.9, beta2: 0.999, epsilon: 1e-8, momentum: 0.9, nesterovsMomentum: true, dtype: 'float32', backend: 'auto',
};

function checked(o: MLPClassifierOptions): MLPClassifierOptions {
  if (typeof o.hiddenLayerSizes === 'number') o.hiddenLayerSizes = [o.hiddenLayerSizes];
  else if (Array.isArray(o.hiddenLayerSizes)) o.hiddenLayerSizes = [...o.hiddenLayerSizes];
  if (!Array.isArray(o.hiddenLayerSizes)) fail('BAD_OPTION', `hiddenLayerSizes must be an array of layer widths; got ${describe(o.hiddenLayerSizes)}`);
  o.hiddenLayerSizes.forEach((h, i) => {
    integerAtLeast(`hiddenLayerSizes[${i}]`, h, 1);
    // Wider than any network wasm32 memory holds; the parameter count is checked against the engine at fit.
    if (h > MAX_WIDTH) fail('BAD_OPTION', `hiddenLayerSizes[${i}] is ${h}; layers wider than ${MAX_WIDTH} units cannot fit in engine memory`);
  });
  oneOf('activation', o.activation, ['relu', 'tanh', 'logistic', 'identity']);
  oneOf('solver', o.solver, ['adam', 'sgd', 'lbfgs']);
  nonNegative('alpha', o.alpha);
  if (o.batchSize !== 'auto') integerAtLeast('batchSize', o.batchSize, 1);
  positive('learningRateInit', o.learningRateInit);
  integerAtLeast('maxIter', o.maxIter, 1);
  nonNegative('tol', o.tol);
  integerAtLeast('nIterNoChange', o.nIterNoChange, 1);
  bool('shuffle', o.shuffle);
  integerAtLeast('seed', o.seed, 0);
  for (const k of ['beta1', 'beta2', 'momentum'] as const) inRange(k, o[k], 0, 1, { hi: true });
  positive('epsilon', o.epsilon);
  bool('nesterovsMomentum', o.nesterovsMomentum);
  checkControl(o);
  checkClassWeight(o.classWeight);
  if (o.earlyStopping && o.solver === 'lbfgs') fail('BAD_OPTION', "earlyStopping needs solver 'adam' or 'sgd' (epochs to compare)");
  oneOf('dtype', o.dtype, ['float32', 'float64']);
  oneOf('backend', o.backend, ['auto', ...BACKENDS]);
  return o;
}

/** What the output layer predicts: two classes (one logistic unit), several (softmax), or k labels. */
type Task = { kind: 'binary' | 'multiclass'; classes: Label[] } | { kind: 'multilabel'; outputs: number };

/**
 * A multi-layer perceptron with scikit-learn's options and defaults: Glorot-uniform initialization,
 * Adam, SGD with momentum or L-BFGS, L2 penalty alpha; binary, multiclass and multi-label (y an
 * indicator matrix). Every epoch runs inside the engine in one call.
 *
 * @example
 * ```ts
 * import { init, MLPClassifier } from 'wasmlearn';
 * import { loadDigits } from 'wasmlearn/datasets';
 *
 * await init();
 * const { train, test } = await loadDigits();
 * const model = new MLPClassifier({ hiddenLayerSizes: [64], maxIter: 50 }).fit(train.X, train.y);
 * console.log(model.predict(test.X).slice(0, 5), model.score(test.X, test.y));
 * model.dispose();
 * ```
 */
export class MLPClassifier extends Estimator<MLPClassifierOptions, Task, Targets, MLPFitOptions> {
  /** @internal */
  protected readonly startKeys = ['coefsInit', 'interceptsInit'];

  constructor(options: Partial<MLPClassifierInit> = {}) {
    super('MLPClassifier', options, DEFAULTS, checked);
  }

  /** @internal */
  protected plan(X: Matrix, y: Targets, opts: MLPFitOptions): TrainingPlan<Task> {
    const encoded = encodeTargets(y, X.rows);
    const task = taskOf(encoded);
    const o = this.options;
    let train = { X, ...this.trainingSet(task, encoded, X.rows, opts.sampleWeight) };
    let val: { X: Matrix; targets: TrainingTargets } | null = null;
    if (opts.validationData) {
      const [Xv, yv] = opts.validationData;
      const Xvm = fittedInputs(Xv as MatrixLike, X.cols, 'validationData X');
      val = { X: Xvm, targets: this.encode(task, Xvm, yv).targets };
    } else if (o.earlyStopping) {
      const t = train.targets;
      const strata = 'classes' in t ? Array.from(t.classes) : null;
      const split = holdOut(X.rows, o.validationFraction, o.seed, strata);
      const sw = train.sw;
      val = { X: takeRows(X, split.val), targets: takeTargets(t, split.val) };
      train = { ...train, X: takeRows(X, split.train), targets: takeTargets(t, split.train), sw: sw && Float64Array.from(split.train, (i) => sw[i]) };
    }
    const batchSize = this.batchFor(train.X.rows);
    return {
      meta: task, nFeatures: X.cols,
      create: (engine) => {
        const net = this.objective(engine, X.cols, task, batchSize);
        net.setParameters(glorotUniform(net, o.activation, o.seed));
        return net;
      },
      train, val,
      epochs: o.solver === 'lbfgs' ? null : this.epochConfig(batchSize),
      solve: this.solveOptions(train.X.rows, train.terms, opts),
      start: packStart(this.layerShapes(X.cols, task), opts.coefsInit, opts.interceptsInit, { coef: 'coefsInit', intercept: 'interceptsInit' }),
    };
  }

  private objective(engine: Engine, d: number, task: Task, batchSize: number): DenseNet {
    return new DenseNet(engine, this.netSpec(d, task), { batchSize });
  }

  /** @internal */
  protected startPartial(X: Matrix, y: Targets, opts: MLPFitOptions & { classes?: ArrayLike<unknown> }): PartialStart<Task> {
    if (this.options.solver === 'lbfgs') fail('BAD_OPTION', "partialFit needs solver 'adam' or 'sgd'");
    const encoded = encodeTargets(y, X.rows);
    if (encoded.kind === 'classes' && !opts.classes) fail('BAD_OPTION', 'the first partialFit call needs { classes }: every label the model will ever see');
    const task = taskOf(encoded.kind === 'classes' ? { kind: 'classes', ...encodeClasses(opts.classes as ArrayLike<Label>, 'classes') } : encoded);
    return {
      meta: task,
      create: (engine) => {
        const net = this.objective(engine, X.cols, task, this.partialBatch());
        net.setParameters(glorotUniform(net, this.options.activation, this.options.seed));
        return net;
      },
    };
  }

  /** @internal */
  protected partialEpochs(): EpochConfig {
    if (this.options.solver === 'lbfgs') fail('BAD_OPTION', "partialFit needs solver 'adam' or 'sgd'");
    return this.epochConfig(this.partialBatch());
  }

  private partialBatch(): number {
    const b = this.options.batchSize;
    return b === 'auto' ? 200 : b;
  }

  private batchFor(rows: number): number {
    const b = this.options.batchSize;
    return b === 'auto' ? Math.min(200, rows) : Math.min(b, rows);
  }

  private epochConfig(batchSize: number): EpochConfig {
    return { optimizer: this.optimizer(), batchSize, shuffle: this.options.shuffle, seed: this.options.seed, penaltyPerBatch: 'alpha' };
  }

  /** Each layer's inputs and outputs. */
  private layerShapes(d: number, task: Task): LayerShape[] {
    const sizes = [d, ...this.options.hiddenLayerSizes, outputsOf(task)];
    return sizes.slice(1).map((nOut, l) => ({ nIn: sizes[l], nOut }));
  }

  /** @internal */
  protected solveOptions(rows: number, terms: { l2: number; l1: number }, { onEpochEnd, onBatchEnd }: FitCallbacks): SolveOptions {
    const o = this.options;
    return {
      onBatchEnd,
      solver: o.solver === 'lbfgs' ? 'lbfgs' : 'sgd', maxIter: o.maxIter, tol: o.tol, nIterNoChange: o.nIterNoChange, ...terms,
      learningRate: o.learningRateInit, schedule: { schedule: o.learningRateSchedule, powerT: o.powerT, gamma: o.gamma, stepSize: o.stepSize },
      rows, earlyStopping: o.earlyStopping, onDivergence: o.onDivergence, onEpochEnd,
    };
  }

  private optimizer(): OptimizerConfig {
    const o = this.options;
    if (o.solver === 'adam') return { kind: 'adam', lr: o.learningRateInit, beta1: o.beta1, beta2: o.beta2, eps: o.epsilon };
    const kind = o.momentum === 0 ? 'sgd' : o.nesterovsMomentum ? 'nesterov' : 'momentum';
    return { kind, lr: o.learningRateInit, beta1: o.momentum, beta2: 0, eps: 0 };
  }

  private netSpec(nFeatures: number, task: Task) {
    return {
      sizes: [nFeatures, ...this.options.hiddenLayerSizes, outputsOf(task)],
      hidden: this.options.activation,
      output: task.kind === 'multiclass' ? ('softmax' as const) : ('sigmoid' as const),
      dtype: this.options.dtype,
    };
  }

  /** @internal */
  protected encode(task: Task, X: Matrix, y: Targets, sampleWeight?: ArrayLike<number>): TrainingSet {
    return this.trainingSet(task, encodeTargets(y, X.rows), X.rows, sampleWeight);
  }

  /**
   * Encoded targets as the task trains on them, with the weights and scikit-learn's penalty
   * alpha / (2 S) ||W||^2, S the rows' total weight (n unweighted), so that a weight of 2 is a
   * repeated row.
   */
  private trainingSet(task: Task, encoded: EncodedTargets, rows: number, sampleWeight?: ArrayLike<number>): TrainingSet {
    const terms = (sw: Float64Array | null) => ({ l2: this.options.alpha / (sw ? sw.reduce((a, b) => a + b, 0) : rows), l1: 0 });
    if (task.kind === 'multilabel') {
      if (encoded.kind !== 'indicators' || encoded.indicators.cols !== task.outputs) fail('SHAPE_MISMATCH', `y must be an n x ${task.outputs} indicator matrix, as in fit`);
      const sw = sampleWeight === undefined ? null : sampleWeights(sampleWeight, rows);
      return { targets: { indicators: encoded.indicators }, sw, terms: terms(sw) };
    }
    if (encoded.kind !== 'classes') return fail('SHAPE_MISMATCH', 'y must be class labels, as in fit');
    const index = new Map(task.classes.map((c, k) => [c, k]));
    const codes = encoded.classes.map((c) => index.get(c) ?? fail('BAD_LABEL', `y holds ${describe(c)}, which is not one of the classes ${describe(task.classes)}`));
    const classes = Uint32Array.from(encoded.codes, (k) => codes[k]);
    const sw = classWeightedSamples(classes, task.classes, this.options.classWeight, sampleWeight);
    return { targets: { classes }, sw, terms: terms(sw) };
  }

  /** Class probabilities (rows x classes; binary: P(classes[0]), P(classes[1])) or, multi-label, k probabilities. */
  predictProba(X: MatrixLike): Matrix {
    const p = this.outputs(X);
    if (this.fitted().meta.kind !== 'binary') return p;
    const out = new Float64Array(p.rows * 2);
    for (let i = 0; i < p.rows; i++) {
      out[2 * i] = 1 - p.data[i];
      out[2 * i + 1] = p.data[i];
    }
    return { data: out, rows: p.rows, cols: 2 };
  }

  /** Log-probabilities, as predictProba's columns; finite for any finite X. */
  predictLogProba(X: MatrixLike): Matrix {
    const { kind } = this.fitted().meta;
    return this.logProbabilities(X, kind === 'binary', kind === 'multiclass');
  }

  /** Labels of the kind given to fit, or a 0/1 Matrix for multi-label models. */
  predict(X: MatrixLike): Label[] | Matrix {
    const p = this.outputs(X);
    const task = this.fitted().meta;
    if (task.kind === 'multilabel') return thresholded(p);
    if (task.kind === 'binary') return Array.from(p.data, (v) => task.classes[v > 0.5 ? 1 : 0]);
    return Array.from(argmaxRows(p), (k) => task.classes[k]);
  }

  /** Accuracy; for multi-label models, the fraction of rows with every label right (scikit-learn's). */
  score(X: MatrixLike, y: Targets): number {
    const pred = this.predict(X);
    if (Array.isArray(pred)) {
      const labels = y as ArrayLike<Label>;
      if (!labels || typeof labels !== 'object' || typeof labels.length !== 'number') fail('SHAPE_MISMATCH', `y must be an array of labels; got ${describe(labels)}`);
      if (labels.length !== pred.length) fail('SHAPE_MISMATCH', `X has ${pred.length} rows but y has ${labels.length} labels`);
      return pred.filter((p, i) => p === labels[i]).length / pred.length;
    }
    const truth = encodeTargets(y, pred.rows);
    if (truth.kind !== 'indicators') fail('SHAPE_MISMATCH', `y must be an n x ${pred.cols} indicator matrix`);
    return subsetAccuracy(pred, truth.indicators);
  }

  /** The classes seen in fit, sorted; a multi-label model has none (throws UNSUPPORTED). */
  get classes(): Label[] {
    const task = this.fitted().meta;
    if (task.kind === 'multilabel') fail('UNSUPPORTED', 'a multi-label MLPClassifier has outputs, not classes');
    return [...task.classes];
  }

  /** The objective after each epoch (iteration for lbfgs). */
  get lossCurve(): number[] {
    return this.history.map((h) => h.loss);
  }

  /** Each layer's weights, outputs x inputs (scikit-learn's coefs_ transposed, as PyTorch stores them). */
  get coefs(): Matrix[] {
    return this.layers().map((l) => l.W);
  }
  /** Each layer's intercepts (scikit-learn's intercepts_). */
  get intercepts(): Float64Array[] {
    return this.layers().map((l) => l.b);
  }

  private layers(): { W: Matrix; b: Float64Array }[] {
    const p = this.getParameters();
    const sizes = [this.fitted().nFeatures, ...this.options.hiddenLayerSizes, outputsOf(this.fitted().meta)];
    let k = 0;
    return sizes.slice(1).map((nOut, l) => {
      const L = { nIn: sizes[l], nOut };
      const W = { data: p.slice(k, k + L.nOut * L.nIn), rows: L.nOut, cols: L.nIn };
      k += L.nOut * L.nIn;
      const b = p.slice(k, k + L.nOut);
      k += L.nOut;
      return { W, b };
    });
  }

  /** A plain, versioned object holding the options, classes and weights exactly, in the model's dtype. */
  toJSON(): ModelJson {
    const { solved, meta, nFeatures } = this.fitted();
    const parameters = encodeArray(valuesIn(this.options.dtype, this.getParameters()));
    return savedModel('MLPClassifier', this.options, solved, { task: meta, nFeatures, parameters });
  }

  /** Rebuilds a model saved by `toJSON`, on `backend` (default: the one `init` chose). */
  static fromJSON(obj: unknown, { backend = 'auto' }: { backend?: BackendChoice } = {}): MLPClassifier {
    const name = 'MLPClassifier';
    const o = checkModelJson(obj, name, 1);
    const model = restoreOptions(name, o.options, DEFAULTS, (opts) => new MLPClassifier({ ...opts, backend }));
    const task = parseTask(o.task, (why) => fail('BAD_MODEL_JSON', `${name}: ${why}`));
    const d = positiveInteger(name, 'nFeatures', o.nFeatures);
    const sizes = [d, ...model.options.hiddenLayerSizes, outputsOf(task)];
    const expectedLength = sizes.slice(1).reduce((n, nOut, l) => n + nOut * (sizes[l] + 1), 0);
    const solved = restoreSolved(name, o);
    const parameters = decodeArray(o.parameters, { name: `${name}.parameters`, dtype: model.options.dtype, expectedLength, finite: true });
    model.restore((engine) => model.objective(engine, d, task, model.partialBatch()), d, task, solved, parameters);
    return model;
  }
}

function taskOf(encoded: EncodedTargets): Task {
  if (encoded.kind === 'indicators') return { kind: 'multilabel', outputs: encoded.indicators.cols };
  if (encoded.classes.length < 2) fail('BAD_LABEL', `y has a single class (${describe(encoded.classes[0])}); a classifier needs at least two`);
  return { kind: encoded.classes.length === 2 ? 'binary' : 'multiclass', classes: encoded.classes };
}

/** Units of the output layer. */
function outputsOf(task: Task): number {
  return task.kind === 'multilabel' ? task.outputs : task.kind === 'binary' ? 1 : task.classes.length;
}

function takeTargets(t: TrainingTargets, idx: Uint32Array): TrainingTargets {
  return 'classes' in t ? { classes: idx.map((i) => t.classes[i]) } : { indicators: takeRows(t.indicators, idx) };
}

function parseTask(t: unknown, bad: (why: string) => never): Task {
  if (!isPlainObject(t)) return bad('task must be an object');
  if (t.kind === 'multilabel') {
    const k = t.outputs;
    if (typeof k !== 'number' || !Number.isInteger(k) || k < 1) bad('task.outputs must be a positive integer');
    return { kind: 'multilabel', outputs: k as number };
  }
  if (t.kind !== 'binary' && t.kind !== 'multiclass') bad(`task.kind must be 'binary', 'multiclass' or 'multilabel'`);
  const classes = t.classes;
  if (!Array.isArray(classes) || classes.some((c) => !['number', 'string', 'boolean'].includes(typeof c))) bad('task.classes must be labels');
  const list = classes as Label[];
  if (list.length !== (t.kind === 'binary' ? 2 : Math.max(3, list.length))) bad(`a ${t.kind as string} task has the wrong number of classes`);
  const sorted = sortLabels([...list], 'classes');
  if (sorted.some((c, i) => c !== list[i] || (i > 0 && c === sorted[i - 1]))) bad('task.classes must be distinct and sorted');
  return { kind: t.kind as 'binary' | 'multiclass', classes: list };
}

/**
 * scikit-learn's initialization: W and b uniform in ±sqrt(6 / (fan_in + fan_out)), the 6 a 2 for
 * logistic hidden units; seeded, so every backend starts from the same parameters.
 */
function glorotUniform(net: DenseNet, activation: Activation, seed: number): Float64Array {
  const rng = new Xoshiro128(seed);
  const factor = activation === 'logistic' ? 2 : 6;
  const out: number[] = [];
  for (const L of net.layers) {
    const bound = Math.sqrt(factor / (L.nIn + L.nOut));
    for (let i = 0; i < L.nOut * (L.nIn + 1); i++) out.push((2 * rng.nextFloat() - 1) * bound);
  }
  return Float64Array.from(out);
}

registerLoader('MLPClassifier', (obj) => MLPClassifier.fromJSON(obj));
