import { BACKENDS, type Dtype } from '../engine/engine.js';
import { getEngine, type BackendChoice } from '../engine/index.js';
import type { Activation, OptimizerConfig } from '../engine/net.js';
import { fail } from '../core/errors.js';
import { encodeClasses, sortLabels, type Label } from '../core/labels.js';
import { checkMatrix, type Matrix, type MatrixLike } from '../core/matrix.js';
import { checkModelJson, isPlainObject, registerLoader, type ModelJson } from '../persist.js';
import { positiveInteger, restoreOptions, savedModel } from './saved.js';
import { Xoshiro128 } from '../core/rng.js';
import { bool, classWeightedSamples, integerAtLeast, nonNegative, oneOf, positive, sampleWeights, type ClassWeight } from '../core/check.js';
import type { EpochLog, SolveOptions } from '../solvers/solve.js';
import { NetEstimator, type Prepared } from './net-estimator.js';
import { checkControl, CONTROL_DEFAULTS, holdOut, partialEpoch, type TrainingControlOptions } from './training.js';
import { takeRows } from '../core/rows.js';
import type { EpochConfig, NetTargets, NetTrainer } from '../objectives/dense-net.js';
import { encodeTargets, type EncodedTargets, type Targets } from '../core/targets.js';
import { argmaxRows, subsetAccuracy, thresholded } from '../core/predictions.js';

export interface MLPClassifierOptions extends TrainingControlOptions {
  hiddenLayerSizes: number[];
  activation: Activation;
  solver: 'adam' | 'sgd' | 'lbfgs';
  /** L2 penalty: the objective gains alpha / (2 n) ||W||^2, as scikit-learn's. */
  alpha: number;
  /** Rows per mini-batch; 'auto' is min(200, n). */
  batchSize: number | 'auto';
  learningRateInit: number;
  /** Epochs (adam, sgd) or iterations (lbfgs). */
  maxIter: number;
  tol: number;
  nIterNoChange: number;
  shuffle: boolean;
  seed: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** sgd's momentum; 0 for plain SGD. */
  momentum: number;
  nesterovsMomentum: boolean;
  classWeight: ClassWeight;
  /** What the engine computes in: 'float32' (fast) or 'float64' (scikit-learn's precision). */
  dtype: Dtype;
  backend: BackendChoice;
}

export interface MLPFitOptions {
  sampleWeight?: ArrayLike<number>;
  /** Held-out rows scored after every epoch (valLoss, valAccuracy in history); early stopping uses them. */
  validationData?: [MatrixLike, Targets];
  onEpochEnd?: (log: EpochLog) => boolean | void;
}

const DEFAULTS: MLPClassifierOptions = {
  ...CONTROL_DEFAULTS, classWeight: null,
  hiddenLayerSizes: [100], activation: 'relu', solver: 'adam', alpha: 1e-4, batchSize: 'auto',
  learningRateInit: 1e-3, maxIter: 200, tol: 1e-4, nIterNoChange: 10, shuffle: true, seed: 0,
  beta1: 0.9, beta2: 0.999, epsilon: 1e-8, momentum: 0.9, nesterovsMomentum: true, dtype: 'float32', backend: 'auto',
};

function checkOptions(o: MLPClassifierOptions): void {
  if (!Array.isArray(o.hiddenLayerSizes)) fail('BAD_OPTION', `hiddenLayerSizes must be an array of layer widths; got ${JSON.stringify(o.hiddenLayerSizes)}`);
  o.hiddenLayerSizes.forEach((h, i) => integerAtLeast(`hiddenLayerSizes[${i}]`, h, 1));
  oneOf('activation', o.activation, ['relu', 'tanh', 'logistic', 'identity']);
  oneOf('solver', o.solver, ['adam', 'sgd', 'lbfgs']);
  nonNegative('alpha', o.alpha);
  if (o.batchSize !== 'auto') integerAtLeast('batchSize', o.batchSize, 1);
  positive('learningRateInit', o.learningRateInit);
  integerAtLeast('maxIter', o.maxIter, 1);
  positive('tol', o.tol);
  integerAtLeast('nIterNoChange', o.nIterNoChange, 1);
  bool('shuffle', o.shuffle);
  integerAtLeast('seed', o.seed, 0);
  for (const k of ['beta1', 'beta2', 'momentum'] as const) {
    if (!(o[k] >= 0 && o[k] < 1)) fail('BAD_OPTION', `${k} must be in [0, 1); got ${o[k]}`);
  }
  positive('epsilon', o.epsilon);
  bool('nesterovsMomentum', o.nesterovsMomentum);
  checkControl(o);
  if (o.earlyStopping && o.solver === 'lbfgs') fail('BAD_OPTION', "earlyStopping needs solver 'adam' or 'sgd' (epochs to compare)");
  oneOf('dtype', o.dtype, ['float32', 'float64']);
  oneOf('backend', o.backend, ['auto', ...BACKENDS]);
}

/** What the output layer predicts: two classes (one logistic unit), several (softmax), or k labels. */
type Task = { kind: 'binary' | 'multiclass'; classes: Label[] } | { kind: 'multilabel'; outputs: number };

/**
 * A multi-layer perceptron with scikit-learn's options and defaults: Glorot-uniform initialization,
 * Adam, SGD with momentum or L-BFGS, L2 penalty alpha; binary, multiclass and multi-label (y an
 * indicator matrix). Every epoch runs inside the engine in one call.
 */
export class MLPClassifier extends NetEstimator {
  protected readonly modelName = 'MLPClassifier';
  readonly options: Readonly<MLPClassifierOptions>;
  private task: Task | null = null;

  constructor(options: Partial<MLPClassifierOptions> = {}) {
    super();
    const o = { ...DEFAULTS, ...options, hiddenLayerSizes: [...(options.hiddenLayerSizes ?? DEFAULTS.hiddenLayerSizes)] };
    checkOptions(o);
    this.options = Object.freeze(o);
  }

  fit(X: MatrixLike, y: Targets, opts: MLPFitOptions = {}): this {
    this.alive();
    const engine = getEngine(this.options.backend);
    const Xm = checkMatrix(X, { checkFinite: false });
    const task = taskOf(encodeTargets(y, Xm.rows));
    const o = this.options;
    let train = { X: Xm, prepared: this.prepareFor(task, Xm, y, opts.sampleWeight) };
    let val: { X: Matrix; targets: NetTargets } | null = null;
    if (opts.validationData) {
      const [Xv, yv] = opts.validationData;
      const Xvm = checkMatrix(Xv as MatrixLike, { name: 'validationData X', checkFinite: false });
      val = { X: Xvm, targets: scoringTargets(this.prepareFor(task, Xvm, yv as Targets).targets) };
    } else if (o.earlyStopping) {
      const t = train.prepared.targets;
      const strata = 'classes' in t ? Array.from(t.classes) : task.kind === 'binary' ? Array.from(t.indicators.data) : null;
      const split = holdOut(Xm.rows, o.validationFraction, o.seed, strata);
      const sw = train.prepared.sw;
      val = { X: takeRows(Xm, split.val), targets: scoringTargets(takeTargets(t, split.val)) };
      train = { X: takeRows(Xm, split.train), prepared: { ...train.prepared, targets: takeTargets(t, split.train), sw: sw && Float64Array.from(split.train, (i) => sw[i]) } };
    }
    const batchSize = this.batchFor(train.X.rows);
    this.task = task;
    const trainer = this.startTrainer(engine, this.netSpec(Xm.cols, task), { batchSize });
    trainer.setParameters(glorotUniform(trainer, o.activation, o.seed));
    const epochs = o.solver === 'lbfgs' ? null : this.epochConfig(batchSize);
    this.train(train.X, train.prepared, val, epochs, this.solveOptions(train.X.rows, train.prepared.terms, opts.onEpochEnd));
    return this;
  }

  /**
   * One epoch over a chunk of rows, continuing from the previous call (optimizer state, shuffling
   * stream, schedule): for data that streams through in pieces. The first call needs every class
   * in `classes` (not needed for a multi-label y).
   */
  partialFit(X: MatrixLike, y: Targets, opts: MLPFitOptions & { classes?: ArrayLike<Label> } = {}): this {
    this.alive();
    const o = this.options;
    if (o.solver === 'lbfgs') fail('BAD_OPTION', "partialFit needs solver 'adam' or 'sgd'");
    const Xm = checkMatrix(X, { checkFinite: false });
    if (!this.trainer?.epochsStarted) {
      const encoded = encodeTargets(y, Xm.rows);
      if (encoded.kind === 'classes' && !opts.classes) fail('BAD_OPTION', 'the first partialFit call needs { classes }: every label the model will ever see');
      const task = taskOf(encoded.kind === 'classes' ? { kind: 'classes', ...encodeClasses(opts.classes!) } : encoded);
      this.task = task;
      const batchSize = o.batchSize === 'auto' ? 200 : o.batchSize;
      const trainer = this.startTrainer(getEngine(o.backend), this.netSpec(Xm.cols, task), { batchSize });
      trainer.setParameters(glorotUniform(trainer, o.activation, o.seed));
      trainer.startEpochs(this.epochConfig(batchSize));
      this.solved = { nIter: 0, converged: false, diverged: false, message: 'trained by partialFit', history: [] };
    }
    const Xc = this.inputs(Xm);
    const prepared = this.prepareFor(this.task!, Xc, y, opts.sampleWeight);
    partialEpoch(this.trainer!, Xc, prepared, this.solveOptions(Xc.rows, prepared.terms, opts.onEpochEnd), this.fitted());
    return this;
  }

  private batchFor(rows: number): number {
    const b = this.options.batchSize;
    return b === 'auto' ? Math.min(200, rows) : Math.min(b, rows);
  }

  private epochConfig(batchSize: number): EpochConfig {
    return { optimizer: this.optimizer(), batchSize, shuffle: this.options.shuffle, seed: this.options.seed, penaltyPerBatch: 'alpha' };
  }

  private solveOptions(rows: number, terms: { l2: number; l1: number }, onEpochEnd?: MLPFitOptions['onEpochEnd']): SolveOptions {
    const o = this.options;
    return {
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
    const outputs = task.kind === 'multilabel' ? task.outputs : task.kind === 'binary' ? 1 : task.classes.length;
    return {
      sizes: [nFeatures, ...this.options.hiddenLayerSizes, outputs],
      hidden: this.options.activation,
      output: task.kind === 'multiclass' ? ('softmax' as const) : ('sigmoid' as const),
      dtype: this.options.dtype,
    };
  }

  protected prepare(X: Matrix, y: unknown, sampleWeight?: ArrayLike<number>): Prepared {
    return this.prepareFor(this.task!, X, y as Targets, sampleWeight);
  }

  private prepareFor(task: Task, X: Matrix, y: Targets, sampleWeight?: ArrayLike<number>): Prepared {
    // scikit-learn: mean loss over rows (summed over outputs) + alpha / (2 n) ||W||^2.
    const terms = { l2: this.options.alpha / X.rows, l1: 0 };
    const encoded = encodeTargets(y, X.rows);
    if (task.kind === 'multilabel') {
      if (encoded.kind !== 'indicators' || encoded.indicators.cols !== task.outputs) fail('SHAPE_MISMATCH', `y must be an n x ${task.outputs} indicator matrix, as in fit`);
      const sw = sampleWeight === undefined ? null : sampleWeights(sampleWeight, X.rows);
      return { targets: { indicators: encoded.indicators }, sw, terms };
    }
    if (encoded.kind !== 'classes') return fail('SHAPE_MISMATCH', 'y must be class labels, as in fit');
    const index = new Map(task.classes.map((c, k) => [c, k]));
    const codes = encoded.classes.map((c) => index.get(c) ?? fail('BAD_LABEL', `y holds ${JSON.stringify(c)}, which is not one of the classes ${JSON.stringify(task.classes)}`));
    const classes = Uint32Array.from(encoded.codes, (k) => codes[k]);
    const sw = classWeightedSamples(classes, task.classes, this.options.classWeight, sampleWeight);
    if (task.kind === 'binary') return { targets: { indicators: { data: Float32Array.from(classes), rows: X.rows, cols: 1 } }, sw, terms };
    return { targets: { classes }, sw, terms };
  }

  /** Class probabilities (rows x classes; binary: P(classes[0]), P(classes[1])) or, multi-label, k probabilities. */
  predictProba(X: MatrixLike): Matrix {
    const p = this.outputs(X);
    if (this.task!.kind !== 'binary') return p;
    const out = new Float64Array(p.rows * 2);
    for (let i = 0; i < p.rows; i++) {
      out[2 * i] = 1 - p.data[i];
      out[2 * i + 1] = p.data[i];
    }
    return { data: out, rows: p.rows, cols: 2 };
  }

  /** Labels of the kind given to fit, or a 0/1 Matrix for multi-label models. */
  predict(X: MatrixLike): Label[] | Matrix {
    const p = this.outputs(X);
    const task = this.task!;
    if (task.kind === 'multilabel') return thresholded(p);
    if (task.kind === 'binary') return Array.from(p.data, (v) => task.classes[v > 0.5 ? 1 : 0]);
    return Array.from(argmaxRows(p), (k) => task.classes[k]);
  }

  /** Accuracy; for multi-label models, the fraction of rows with every label right (scikit-learn's). */
  score(X: MatrixLike, y: Targets): number {
    const pred = this.predict(X);
    if (Array.isArray(pred)) {
      const labels = y as ArrayLike<Label>;
      if (labels.length !== pred.length) fail('SHAPE_MISMATCH', `X has ${pred.length} rows but y has ${labels.length} labels`);
      return pred.filter((p, i) => p === labels[i]).length / pred.length;
    }
    const truth = encodeTargets(y, pred.rows);
    if (truth.kind !== 'indicators') fail('SHAPE_MISMATCH', `y must be an n x ${pred.cols} indicator matrix`);
    return subsetAccuracy(pred, truth.indicators);
  }

  get classes(): Label[] {
    this.fitted();
    const task = this.task!;
    if (task.kind === 'multilabel') fail('UNSUPPORTED', 'a multi-label MLPClassifier has outputs, not classes');
    return [...task.classes];
  }

  /** The objective after each epoch (iteration for lbfgs). */
  get lossCurve(): number[] {
    return this.fitted().history.map((h) => h.loss);
  }

  /** Each layer's weights, outputs x inputs (scikit-learn's coefs_ transposed, as PyTorch stores them). */
  get coefs(): Matrix[] {
    return this.layers().map((l) => l.W);
  }
  get intercepts(): Float64Array[] {
    return this.layers().map((l) => l.b);
  }

  private layers(): { W: Matrix; b: Float64Array }[] {
    const p = this.getParameters();
    let k = 0;
    return this.trainer!.net.layout.layers.map((L) => {
      const W = { data: p.slice(k, k + L.nOut * L.nIn), rows: L.nOut, cols: L.nIn };
      k += L.nOut * L.nIn;
      const b = p.slice(k, k + L.nOut);
      k += L.nOut;
      return { W, b };
    });
  }

  toJSON(): ModelJson {
    return savedModel('MLPClassifier', this.options, this.fitted(), { task: this.task, nFeatures: this.nFeatures, parameters: this.savedParameters() });
  }

  static fromJSON(obj: unknown, { backend = 'auto' }: { backend?: BackendChoice } = {}): MLPClassifier {
    const name = 'MLPClassifier';
    const o = checkModelJson(obj, name, 1);
    const model = restoreOptions(name, o.options, DEFAULTS, (opts) => new MLPClassifier({ ...opts, backend }));
    const task = parseTask(o.task, (why) => fail('BAD_MODEL_JSON', `${name}: ${why}`));
    const d = positiveInteger(name, 'nFeatures', o.nFeatures);
    model.task = task;
    model.restoreNet(getEngine(backend), model.netSpec(d, task), {}, o, name);
    return model;
  }
}

function taskOf(encoded: EncodedTargets): Task {
  if (encoded.kind === 'indicators') return { kind: 'multilabel', outputs: encoded.indicators.cols };
  if (encoded.classes.length < 2) fail('BAD_LABEL', `y has a single class (${JSON.stringify(encoded.classes[0])}); a classifier needs at least two`);
  return { kind: encoded.classes.length === 2 ? 'binary' : 'multiclass', classes: encoded.classes };
}

/** Training targets as validation scores them: a binary model's 0/1 column as class indices. */
function scoringTargets(t: NetTargets): NetTargets {
  return 'indicators' in t && t.indicators.cols === 1 ? { classes: Uint32Array.from(t.indicators.data) } : t;
}

function takeTargets(t: NetTargets, idx: Uint32Array): NetTargets {
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
function glorotUniform(trainer: NetTrainer, activation: Activation, seed: number): Float64Array {
  const rng = new Xoshiro128(seed);
  const factor = activation === 'logistic' ? 2 : 6;
  const out: number[] = [];
  for (const L of trainer.net.layout.layers) {
    const bound = Math.sqrt(factor / (L.nIn + L.nOut));
    for (let i = 0; i < L.nOut * (L.nIn + 1); i++) out.push((2 * rng.nextFloat() - 1) * bound);
  }
  return Float64Array.from(out);
}

registerLoader('MLPClassifier', (obj) => MLPClassifier.fromJSON(obj));
