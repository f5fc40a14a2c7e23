import { describe } from '../core/options.js';
import { checkClassWeight, classWeightedSamples, fittedInputs, type ClassWeight } from '../core/check.js';
import { fail } from '../core/errors.js';
import { encodeClasses, sortLabels, type Label } from '../core/labels.js';
import type { Matrix, MatrixLike } from '../core/matrix.js';
import { argmaxRows } from '../core/predictions.js';
import { takeRows } from '../core/rows.js';
import type { TrainingTargets } from '../core/targets.js';
import type { Dtype, Engine } from '../engine/engine.js';
import { type BackendChoice } from '../engine/index.js';
import { valuesIn } from '../engine/resident.js';
import { BinaryLogistic } from '../objectives/binary-logistic.js';
import { DenseNet } from '../objectives/dense-net.js';
import type { EpochConfig, Objective } from '../objectives/objective.js';
import { checkModelJson, decodeArray, encodeArray, registerLoader, type ModelJson } from '../persist.js';
import type { SolveOptions } from '../solvers/solve.js';
import { Estimator, type FitCallbacks, type PartialStart, type TrainingPlan, type TrainingSet } from './estimator.js';
import { checkLinearOptions, linearEpochs, linearOptimizer, linearSolveOptions, LINEAR_DEFAULTS, penaltyTerms, type LinearFitOptions, type LinearOptions } from './linear-options.js';
import { positiveInteger, restoreOptions, restoreSolved, savedModel } from './saved.js';
import { packStart } from './start.js';
import { holdOut } from './training.js';

export type { EpochLog } from '../solvers/solve.js';

/** LogisticRegression's options: the linear ones and classWeight. */
export interface LogisticRegressionOptions extends LinearOptions {
  /**
   * Per-class row weights: 'balanced' (n / (classes x count)), a map or [label, weight] pairs, or null (all 1).
   * @default null
   */
  classWeight: ClassWeight;
}

/** LogisticRegression's fit options. */
export type FitOptions = LinearFitOptions;

const DEFAULTS: LogisticRegressionOptions = { ...LINEAR_DEFAULTS, classWeight: null };

interface Meta {
  classes: Label[];
}

/**
 * Logistic regression with scikit-learn's objective and defaults: binary, or multinomial
 * (softmax + cross-entropy) for more than two classes; trained by L-BFGS, full-batch gradient
 * descent, or mini-batch epochs with SGD, momentum, Nesterov, Adam or AMSGrad, on any backend.
 *
 * @example
 * ```ts
 * import { init, LogisticRegression } from 'wasmlearn';
 * import { loadDigits } from 'wasmlearn/datasets';
 *
 * await init();
 * const { train, test } = await loadDigits();
 * const model = new LogisticRegression({ C: 1, maxIter: 200 }).fit(train.X, train.y);
 * console.log(model.predict(test.X).slice(0, 5), model.score(test.X, test.y));
 * model.dispose();
 * ```
 */
export class LogisticRegression extends Estimator<LogisticRegressionOptions, Meta, ArrayLike<Label>, FitOptions> {
  /** @internal */
  protected readonly startKeys = ['coefInit', 'interceptInit'];

  constructor(options: Partial<LogisticRegressionOptions> = {}) {
    super('LogisticRegression', options, DEFAULTS, checked);
  }

  /** @internal */
  protected plan(X: Matrix, y: ArrayLike<Label>, opts: FitOptions): TrainingPlan<Meta> {
    if (!y || typeof y.length !== 'number') fail('SHAPE_MISMATCH', 'y must be an array of labels, one per row of X');
    if (y.length !== X.rows) fail('SHAPE_MISMATCH', `X has ${X.rows} rows but y has ${y.length} labels`);
    const { classes, codes } = encodeClasses(y);
    if (classes.length < 2) fail('BAD_LABEL', `y has a single class (${describe(classes[0])}); a classifier needs at least two`);
    const o = this.options;
    let train = { X, codes, sw: classWeightedSamples(codes, classes, o.classWeight, opts.sampleWeight) };
    let val: { X: Matrix; targets: TrainingTargets } | null = null;
    if (opts.validationData) {
      const [Xv, yv] = opts.validationData;
      val = { X: fittedInputs(Xv, X.cols), targets: { classes: codesIn(yv as ArrayLike<Label>, classes, 'validationData y') } };
    } else if (o.earlyStopping) {
      const split = holdOut(X.rows, o.validationFraction, o.seed, y);
      val = { X: takeRows(X, split.val), targets: { classes: split.val.map((i) => codes[i]) } };
      const sw = train.sw;
      train = { X: takeRows(X, split.train), codes: split.train.map((i) => codes[i]), sw: sw && Float64Array.from(split.train, (i) => sw[i]) };
    }
    const weightSum = train.sw ? train.sw.reduce((a, b) => a + b, 0) : train.X.rows;
    const terms = penaltyTerms(o, weightSum);
    return {
      meta: { classes }, nFeatures: X.cols,
      create: (engine) => this.objective(engine, X.cols, classes.length),
      train: { X: train.X, targets: { classes: train.codes }, sw: train.sw, terms },
      val, epochs: linearEpochs(o), solve: this.solveOptions(train.X.rows, terms, opts),
      start: packStart([{ nIn: X.cols, nOut: outputsOf(classes.length) }], opts.coefInit && [opts.coefInit], opts.interceptInit && [opts.interceptInit], { coef: 'coefInit', intercept: 'interceptInit' }),
    };
  }

  /**
   * The binary kernels for two classes trained by plain steps (lbfgs, gd, sgd); a one-layer
   * network (softmax over K, or one sigmoid output) for more classes or another optimizer.
   */
  private objective(engine: Engine, d: number, K: number): Objective {
    const { fitIntercept, dtype, optimizer, batchSize } = this.options;
    if (K === 2 && optimizer === 'sgd') return new BinaryLogistic(engine, d, dtype, fitIntercept);
    return new DenseNet(engine, netSpec(d, K, fitIntercept, dtype), { batchSize });
  }

  /** @internal */
  protected startPartial(X: Matrix, _y: ArrayLike<Label>, opts: FitOptions & { classes?: ArrayLike<unknown> }): PartialStart<Meta> {
    if (this.options.solver !== 'sgd') fail('BAD_OPTION', "partialFit needs solver 'sgd'");
    if (!opts.classes) fail('BAD_OPTION', 'the first partialFit call needs { classes }: every label the model will ever see');
    const { classes } = encodeClasses(opts.classes as ArrayLike<Label>, 'classes');
    if (classes.length < 2) fail('BAD_LABEL', 'classes must hold at least two labels');
    return { meta: { classes }, create: (engine) => this.objective(engine, X.cols, classes.length) };
  }

  /** @internal */
  protected partialEpochs(): EpochConfig {
    if (this.options.solver !== 'sgd') fail('BAD_OPTION', "partialFit needs solver 'sgd'");
    const o = this.options;
    return { optimizer: linearOptimizer(o), batchSize: o.batchSize, shuffle: o.shuffle, seed: o.seed, penaltyPerBatch: 'mean' };
  }

  /** @internal */
  protected encode({ classes }: Meta, X: Matrix, y: ArrayLike<Label>, sampleWeight?: ArrayLike<number>): TrainingSet {
    const codes = codesIn(y, classes, 'y');
    if (codes.length !== X.rows) fail('SHAPE_MISMATCH', `X has ${X.rows} rows but y has ${codes.length} labels`);
    const sw = classWeightedSamples(codes, classes, this.options.classWeight, sampleWeight);
    const weightSum = sw ? sw.reduce((a, b) => a + b, 0) : X.rows;
    return { targets: { classes: codes }, sw, terms: penaltyTerms(this.options, weightSum) };
  }

  /** @internal */
  protected solveOptions(rows: number, terms: { l2: number; l1: number }, callbacks: FitCallbacks): SolveOptions {
    return linearSolveOptions(this.options, rows, terms, callbacks);
  }

  /** Log-probabilities, rows x classes, as predictProba's columns; finite for any finite X. */
  predictLogProba(X: MatrixLike): Matrix {
    return this.logProbabilities(X, this.fitted().meta.classes.length === 2, true);
  }

  /** Class probabilities, rows x classes (binary: P(classes[0]), P(classes[1])), each row summing to 1. */
  predictProba(X: MatrixLike): Matrix {
    const P = this.outputs(X);
    return P.cols === 1 ? twoColumns(P) : P;
  }

  /** The most probable class of each row. */
  predict(X: MatrixLike): Label[] {
    const { classes } = this.fitted().meta;
    const P = this.outputs(X);
    if (P.cols === 1) return Array.from(P.data, (p) => classes[p > 0.5 ? 1 : 0]);
    return Array.from(argmaxRows(P), (k) => classes[k]);
  }

  /** Mean accuracy on (X, y). */
  score(X: MatrixLike, y: ArrayLike<Label>): number {
    const pred = this.predict(X);
    if (!y || typeof y !== 'object' || typeof y.length !== 'number') fail('SHAPE_MISMATCH', `y must be an array of labels; got ${describe(y)}`);
    if (y.length !== pred.length) fail('SHAPE_MISMATCH', `X has ${pred.length} rows but y has ${y.length} labels`);
    let hits = 0;
    for (let i = 0; i < pred.length; i++) if (pred[i] === y[i]) hits++;
    return hits / pred.length;
  }

  /** 1 x features for a binary model, classes x features otherwise. */
  get coef(): Matrix {
    const { nFeatures: d, meta } = this.fitted();
    const K = outputsOf(meta.classes.length);
    return { data: this.getParameters().slice(0, K * d), rows: K, cols: d };
  }
  /** One intercept per row of coef. */
  get intercept(): Float64Array {
    const { nFeatures: d, meta } = this.fitted();
    return this.getParameters().slice(outputsOf(meta.classes.length) * d);
  }
  /** The classes seen in fit, sorted (scikit-learn's classes_). */
  get classes(): Label[] {
    return [...this.fitted().meta.classes];
  }

  /** A plain, versioned object holding the options, classes and weights exactly, in the model's dtype. */
  toJSON(): ModelJson {
    const { dtype } = this.options;
    const { solved, meta, nFeatures } = this.fitted();
    return savedModel('LogisticRegression', this.options, solved, {
      classes: [...meta.classes], nFeatures,
      coef: encodeArray(valuesIn(dtype, this.coef.data)), intercept: encodeArray(valuesIn(dtype, this.intercept)),
    });
  }

  /** Rebuilds a model saved by `toJSON`, on `backend` (default: the one `init` chose). */
  static fromJSON(obj: unknown, { backend = 'auto' }: { backend?: BackendChoice } = {}): LogisticRegression {
    const name = 'LogisticRegression';
    const o = checkModelJson(obj, name, 1);
    const model = restoreOptions(name, o.options, DEFAULTS, (opts) => new LogisticRegression({ ...opts, backend }));
    const classes = o.classes;
    if (!Array.isArray(classes) || classes.length < 2 || classes.some((c) => !['number', 'string', 'boolean'].includes(typeof c))) {
      fail('BAD_MODEL_JSON', `${name}: classes must be two or more labels`);
    }
    const list = classes as Label[];
    const sorted = sortLabels([...list], 'classes');
    if (sorted.some((c, i) => c !== list[i] || (i > 0 && c === sorted[i - 1]))) fail('BAD_MODEL_JSON', `${name}: classes must be distinct and sorted`);
    const d = positiveInteger(name, 'nFeatures', o.nFeatures);
    const K = outputsOf(list.length);
    const dtype = model.options.dtype;
    const W = decodeArray(o.coef, { name: `${name}.coef`, dtype, expectedLength: K * d, finite: true });
    const b = decodeArray(o.intercept, { name: `${name}.intercept`, dtype, expectedLength: K, finite: true });
    const solved = restoreSolved(name, o);
    const packed = new Float64Array(K * (d + 1));
    packed.set(W);
    packed.set(b, K * d);
    model.restore((engine) => model.objective(engine, d, list.length), d, { classes: list }, solved, packed);
    return model;
  }
}

function checked(o: LogisticRegressionOptions): LogisticRegressionOptions {
  checkLinearOptions(o);
  checkClassWeight(o.classWeight);
  return o;
}

/** Rows of coef: one for two classes, K otherwise. */
function outputsOf(K: number): number {
  return K === 2 ? 1 : K;
}

/** A one-layer network: one sigmoid output for two classes, softmax over K otherwise. */
function netSpec(d: number, K: number, bias: boolean, dtype: Dtype) {
  return K === 2
    ? { sizes: [d, 1], hidden: 'identity' as const, output: 'sigmoid' as const, bias, dtype }
    : { sizes: [d, K], hidden: 'identity' as const, output: 'softmax' as const, bias, dtype };
}

/** P(class 1) as the two columns P(classes[0]), P(classes[1]). */
function twoColumns(P: Matrix): Matrix {
  const out = new Float64Array(P.rows * 2);
  for (let i = 0; i < P.rows; i++) {
    out[2 * i] = 1 - P.data[i];
    out[2 * i + 1] = P.data[i];
  }
  return { data: out, rows: P.rows, cols: 2 };
}

/** Each label's index in `classes`; a label outside them is refused, naming its row. */
function codesIn(y: ArrayLike<Label>, classes: readonly Label[], name: string): Uint32Array {
  if (!y || typeof y.length !== 'number') fail('SHAPE_MISMATCH', `${name} must be an array of labels`);
  const index = new Map(classes.map((c, k) => [c, k]));
  return Uint32Array.from({ length: y.length }, (_, i) => index.get(y[i]) ?? fail('BAD_LABEL', `${name}[${i}] is ${describe(y[i])}, which is not one of the classes ${describe(classes)}`));
}

registerLoader('LogisticRegression', (obj) => LogisticRegression.fromJSON(obj));
