import { floats, paddedStride, type Dtype, type Engine, type FloatBuf } from '../engine/engine.js';
import { getEngine, type BackendChoice } from '../engine/index.js';
import { fail } from '../core/errors.js';
import { checkMatrix, type Matrix, type MatrixLike } from '../core/matrix.js';
import { encodeClasses, sortLabels, type Label } from '../core/labels.js';
import { checkModelJson, decodeArray, encodeArray, registerLoader, type ModelJson } from '../persist.js';
import { classWeightedSamples, fittedInputs } from '../core/check.js';
import { BaseEstimator } from './estimator.js';
import { checkLinearOptions, linearEpochs, linearOptimizer, linearSolveOptions, LINEAR_DEFAULTS, penaltyTerms, type LinearFitOptions, type LinearOptions } from './linear-options.js';
import { DivergedError, objective, type SolveOptions } from '../solvers/solve.js';
import { BinaryProblem } from '../objectives/binary-logistic.js';
import { holdOut, partialEpoch, runSolver, scoreProbabilities } from './training.js';
import { takeRows } from '../core/rows.js';
import { NetTrainer, type NetTargets } from '../objectives/dense-net.js';
import { uploadMatrix, uploadRows, freeRows, valuesIn } from '../engine/resident.js';
import { positiveInteger, restoreOptions, restoreSolved, savedModel } from './saved.js';
import { argmaxRows } from '../core/predictions.js';

export type { EpochLog } from '../solvers/solve.js';

interface TrainRows {
  X: Matrix;
  codes: Uint32Array;
  sw: Float64Array | null;
}

export interface LogisticRegressionOptions extends LinearOptions {
  classWeight: 'balanced' | Record<string, number> | null;
}

export type FitOptions = LinearFitOptions;

const DEFAULTS: LogisticRegressionOptions = { ...LINEAR_DEFAULTS, classWeight: null };

/** Weights of a binary model resident in an engine: w ([stride + 4] values of the model's dtype) with the intercept at w[stride]. */
interface BinaryWeights {
  engine: Engine;
  w: FloatBuf;
  stride: number;
}

/**
 * Logistic regression with scikit-learn's objective and defaults: binary, or multinomial
 * (softmax + cross-entropy) for more than two classes; trained by L-BFGS, full-batch gradient
 * descent, or mini-batch epochs with SGD, momentum, Nesterov, Adam or AMSGrad, on any backend.
 */
export class LogisticRegression extends BaseEstimator {
  protected readonly modelName = 'LogisticRegression';
  readonly options: Readonly<LogisticRegressionOptions>;
  private classList: Label[] = [];
  private nFeatures = 0;
  /** classes x features (one row for a binary model) and the intercepts, as fitted. */
  private W = new Float64Array(0);
  private b = new Float64Array(0);
  /** The predictor: a binary model's weights, or a multinomial model's one-layer network. */
  private binary: BinaryWeights | null = null;
  private multinomial: NetTrainer | null = null;
  /** partialFit's network, whose optimizer state carries over from call to call. */
  private stream: NetTrainer | null = null;

  constructor(options: Partial<LogisticRegressionOptions> = {}) {
    super();
    const o = { ...DEFAULTS, ...options };
    checkLinearOptions(o);
    this.options = Object.freeze(o);
  }

  fit(X: MatrixLike, y: ArrayLike<Label>, opts: FitOptions = {}): this {
    this.alive();
    const engine = getEngine(this.options.backend);
    const Xm = checkMatrix(X, { checkFinite: false });
    if (!y || typeof y.length !== 'number') fail('SHAPE_MISMATCH', 'y must be an array of labels, one per row of X');
    if (y.length !== Xm.rows) fail('SHAPE_MISMATCH', `X has ${Xm.rows} rows but y has ${y.length} labels`);
    const { classes, codes } = encodeClasses(y);
    if (classes.length < 2) fail('BAD_LABEL', `y has a single class (${JSON.stringify(classes[0])}); a classifier needs at least two`);
    const o = this.options;
    let train = { X: Xm, codes, sw: classWeightedSamples(codes, classes, o.classWeight, opts.sampleWeight) };
    let val: { X: Matrix; codes: Uint32Array } | null = null;
    if (opts.validationData) {
      const [Xv, yv] = opts.validationData;
      val = { X: fittedInputs(Xv, Xm.cols), codes: codesIn(yv as ArrayLike<Label>, classes, 'validationData y') };
    } else if (o.earlyStopping) {
      const split = holdOut(Xm.rows, o.validationFraction, o.seed, y);
      val = { X: takeRows(Xm, split.val), codes: split.val.map((i) => codes[i]) };
      train = { X: takeRows(Xm, split.train), codes: split.train.map((i) => codes[i]), sw: train.sw && Float64Array.from(split.train, (i) => train.sw![i]) };
    }
    const weightSum = train.sw ? train.sw.reduce((a, b) => a + b, 0) : train.X.rows;
    const solveOptions = linearSolveOptions(o, train.X.rows, penaltyTerms(o, weightSum), opts.onEpochEnd);
    // Plain SGD, L-BFGS and gradient descent on two classes take the dedicated binary kernels.
    if (classes.length === 2 && o.optimizer === 'sgd') this.fitBinary(engine, train, val, classes, solveOptions);
    else this.fitNet(engine, train, val, classes, solveOptions);
    return this;
  }

  private fitBinary(engine: Engine, train: TrainRows, val: { X: Matrix; codes: Uint32Array } | null, classes: Label[], solveOptions: SolveOptions): void {
    const { X, codes, sw } = train;
    const rows = uploadRows(engine, X, codes, sw, this.options.dtype);
    const binary = this.holdBinary(engine, X.cols);
    this.classList = classes;
    this.nFeatures = X.cols;
    const o = this.options;
    const problem = new BinaryProblem(engine, rows, binary.w, { batchSize: o.batchSize, shuffle: o.shuffle, seed: o.seed, fitIntercept: o.fitIntercept });
    if (val) problem.validation = () => scoreProbabilities({ data: this.binaryForward(val.X, true), rows: val.X.rows, cols: 1 }, { classes: val.codes });
    try {
      runSolver(problem, solveOptions, (result) => {
        this.setPacked(problem.getParameters(), X.cols, 1);
        this.solved = result;
      });
    } catch (e) {
      if (!(e instanceof DivergedError)) this.release();
      throw e;
    } finally {
      problem.dispose();
      freeRows(engine, rows);
    }
  }

  private fitNet(engine: Engine, train: TrainRows, val: { X: Matrix; codes: Uint32Array } | null, classes: Label[], solveOptions: SolveOptions): void {
    const o = this.options;
    const K = classes.length;
    const trainer = new NetTrainer(engine, netSpec(train.X.cols, K, o), { batchSize: o.batchSize });
    try {
      trainer.upload(train.X, targetsOf(train.codes, K), train.sw);
    } catch (e) {
      trainer.dispose(); // bad data: the previous fit, if any, stays usable
      throw e;
    }
    const epochs = linearEpochs(o);
    if (epochs) trainer.startEpochs(epochs);
    if (val) trainer.validation = () => scoreProbabilities(trainer.predictProba(val.X), { classes: val.codes });
    try {
      runSolver(trainer, solveOptions, (result) => {
        trainer.release();
        this.setPacked(trainer.getParameters(), train.X.cols, K === 2 ? 1 : K);
        this.classList = classes;
        this.nFeatures = train.X.cols;
        this.holdPredictor(engine, trainer, K);
        this.solved = result;
      });
    } catch (e) {
      if (!(e instanceof DivergedError)) {
        trainer.dispose();
        this.release();
      }
      throw e;
    }
  }

  /**
   * One epoch of solver 'sgd' over a chunk of rows, continuing from the previous call (optimizer
   * state, shuffling stream, schedule): for data that streams through in pieces. The first call
   * needs every class in `classes`.
   */
  partialFit(X: MatrixLike, y: ArrayLike<Label>, opts: FitOptions & { classes?: ArrayLike<Label> } = {}): this {
    this.alive();
    const o = this.options;
    if (o.solver !== 'sgd') fail('BAD_OPTION', "partialFit needs solver 'sgd'");
    const Xm = checkMatrix(X, { checkFinite: false });
    if (!this.stream) this.startStream(Xm.cols, opts.classes);
    const Xc = this.inputs(Xm);
    const codes = codesIn(y, this.classList, 'y');
    if (codes.length !== Xc.rows) fail('SHAPE_MISMATCH', `X has ${Xc.rows} rows but y has ${codes.length} labels`);
    const sw = classWeightedSamples(codes, this.classList, o.classWeight, opts.sampleWeight);
    const weightSum = sw ? sw.reduce((a, b) => a + b, 0) : Xc.rows;
    const K = this.classList.length;
    const stream = this.stream!;
    partialEpoch(stream, Xc, { targets: targetsOf(codes, K), sw }, linearSolveOptions(o, Xc.rows, penaltyTerms(o, weightSum), opts.onEpochEnd), this.solved!);
    this.setPacked(stream.getParameters(), Xc.cols, K === 2 ? 1 : K);
    if (this.binary) this.writeBinary();
    return this;
  }

  private startStream(d: number, classesGiven?: ArrayLike<Label>): void {
    if (!classesGiven) fail('BAD_OPTION', 'the first partialFit call needs { classes }: every label the model will ever see');
    const { classes } = encodeClasses(classesGiven, 'classes');
    if (classes.length < 2) fail('BAD_LABEL', 'classes must hold at least two labels');
    const o = this.options;
    const engine = getEngine(o.backend);
    const K = classes.length;
    const trainer = new NetTrainer(engine, netSpec(d, K, o), { batchSize: o.batchSize });
    trainer.startEpochs({ optimizer: linearOptimizer(o), batchSize: o.batchSize, shuffle: o.shuffle, seed: o.seed, penaltyPerBatch: 'mean' });
    this.setPacked(trainer.getParameters(), d, K === 2 ? 1 : K);
    this.holdPredictor(engine, trainer, K, true);
    this.stream = trainer;
    this.classList = classes;
    this.nFeatures = d;
    this.solved = { nIter: 0, converged: false, diverged: false, message: 'trained by partialFit', history: [] };
  }

  protected release(): void {
    super.release();
    this.stream = null;
  }

  /** Makes `trainer` the multinomial predictor, or moves a binary model's weights to the binary kernels. */
  private holdPredictor(engine: Engine, trainer: NetTrainer, K: number, keepTrainer = false): void {
    if (K > 2) {
      this.own(() => trainer.dispose());
      this.multinomial = trainer;
      this.binary = null;
      return;
    }
    const d = trainer.spec.sizes[0];
    this.holdBinary(engine, d, keepTrainer ? trainer : null);
    if (!keepTrainer) trainer.dispose();
    this.writeBinary();
  }

  /** Copies the fitted W and b to a binary model's engine weights (rounded to the model's dtype). */
  private writeBinary(): void {
    const { w, stride } = this.binary!;
    const v = w.view();
    v.set(this.W);
    v[stride] = this.b[0];
  }

  /** A binary model's weight buffer, owned (with a partialFit network that trains it, if any). */
  private holdBinary(engine: Engine, d: number, trainer: NetTrainer | null = null): BinaryWeights {
    const stride = paddedStride(d);
    const w = floats(engine, this.options.dtype, stride + 4);
    this.own(() => {
      engine.free(w);
      trainer?.dispose();
    });
    this.binary = { engine, w, stride };
    this.multinomial = null;
    return this.binary;
  }

  /** The logits X W^T + b: rows x 1 for a binary model, rows x classes otherwise. */
  decisionFunction(X: MatrixLike): Matrix {
    const Xm = this.inputs(X);
    if (this.binary) return { data: this.binaryForward(Xm, false), rows: Xm.rows, cols: 1 };
    // A small product, done here in f64 from the fitted weights.
    const K = this.b.length, d = this.nFeatures;
    const out = new Float64Array(Xm.rows * K);
    for (let i = 0; i < Xm.rows; i++) {
      for (let k = 0; k < K; k++) {
        let z = this.b[k];
        for (let j = 0; j < d; j++) z += Xm.data[i * d + j] * this.W[k * d + j];
        out[i * K + k] = z;
      }
    }
    return { data: out, rows: Xm.rows, cols: K };
  }

  /** Class probabilities, rows x classes (binary: P(classes[0]), P(classes[1])), each row summing to 1. */
  predictProba(X: MatrixLike): Matrix {
    const Xm = this.inputs(X);
    if (this.multinomial) return this.multinomial.predictProba(Xm);
    const p = this.binaryForward(Xm, true);
    const out = new Float64Array(p.length * 2);
    for (let i = 0; i < p.length; i++) {
      out[2 * i] = 1 - p[i];
      out[2 * i + 1] = p[i];
    }
    return { data: out, rows: p.length, cols: 2 };
  }

  predict(X: MatrixLike): Label[] {
    const Xm = this.inputs(X);
    const classes = this.classList;
    if (this.binary) return Array.from(this.binaryForward(Xm, false), (z) => classes[z > 0 ? 1 : 0]);
    return Array.from(argmaxRows(this.multinomial!.predictProba(Xm)), (k) => classes[k]);
  }

  /** Mean accuracy on (X, y). */
  score(X: MatrixLike, y: ArrayLike<Label>): number {
    const pred = this.predict(X);
    if (y.length !== pred.length) fail('SHAPE_MISMATCH', `X has ${pred.length} rows but y has ${y.length} labels`);
    let hits = 0;
    for (let i = 0; i < pred.length; i++) if (pred[i] === y[i]) hits++;
    return hits / pred.length;
  }

  /** 1 x features for a binary model, classes x features otherwise. */
  get coef(): Matrix {
    this.fitted();
    return { data: Float64Array.from(this.W), rows: this.b.length, cols: this.nFeatures };
  }
  get intercept(): Float64Array {
    this.fitted();
    return Float64Array.from(this.b);
  }
  get classes(): Label[] {
    this.fitted();
    return [...this.classList];
  }

  // The GradCheckable interface of src/layers/gradcheck.ts: W row-major, then b.
  getParameters(): Float64Array {
    this.fitted();
    const out = new Float64Array(this.W.length + this.b.length);
    out.set(this.W);
    out.set(this.b, this.W.length);
    return out;
  }
  setParameters(values: ArrayLike<number>): void {
    this.fitted();
    if (values.length !== this.W.length + this.b.length) fail('SHAPE_MISMATCH', `expected ${this.W.length + this.b.length} parameters, got ${values.length}`);
    this.setPacked(values, this.nFeatures, this.b.length);
    if (this.multinomial) this.multinomial.setParameters(values);
    else this.writeBinary();
  }
  /** The training objective at the current parameters on (X, y), and its gradient in getParameters() order. */
  lossAndGradient(X: MatrixLike, y: ArrayLike<Label>): { loss: number; gradient: Float64Array } {
    const Xm = this.inputs(X);
    const K = this.classList.length;
    const codes = codesIn(y, this.classList, 'y');
    if (codes.length !== Xm.rows) fail('SHAPE_MISMATCH', `X has ${Xm.rows} rows but y has ${codes.length} labels`);
    const engine = this.binary?.engine ?? this.multinomial!.engine;
    const trainer = new NetTrainer(engine, netSpec(this.nFeatures, K, this.options));
    try {
      trainer.setParameters(this.getParameters());
      trainer.upload(Xm, targetsOf(codes, K), null);
      const { l2, l1 } = penaltyTerms(this.options, Xm.rows);
      return objective(trainer, l2, l1);
    } finally {
      trainer.dispose();
    }
  }

  private setPacked(values: ArrayLike<number>, d: number, rows: number): void {
    this.W = Float64Array.from({ length: rows * d }, (_, i) => values[i]);
    this.b = Float64Array.from({ length: rows }, (_, k) => values[rows * d + k]);
  }

  private inputs(X: MatrixLike): Matrix {
    this.fitted();
    return fittedInputs(X, this.nFeatures);
  }

  /** Logits (or probabilities) of a binary model, computed by the engine it was fitted on. */
  private binaryForward(X: Matrix, probability: boolean): Float64Array {
    const { engine, w } = this.binary!;
    const dtype = this.options.dtype;
    const { buf, stride } = uploadMatrix(engine, X, 'X', dtype);
    const out = floats(engine, dtype, X.rows);
    try {
      engine.gemvBias(buf, X.rows, X.cols, stride, w, out);
      if (probability) engine.sigmoid(out, out, X.rows);
      return Float64Array.from(out.view());
    } finally {
      engine.free(buf);
      engine.free(out);
    }
  }

  /** A plain, versioned object holding the options, classes and weights exactly, in the model's dtype. */
  toJSON(): ModelJson {
    const { dtype } = this.options;
    return savedModel('LogisticRegression', this.options, this.fitted(), {
      classes: [...this.classList], nFeatures: this.nFeatures,
      coef: encodeArray(valuesIn(dtype, this.W)), intercept: encodeArray(valuesIn(dtype, this.b)),
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
    const K = list.length === 2 ? 1 : list.length;
    const dtype = model.options.dtype;
    const W = decodeArray(o.coef, { name: `${name}.coef`, dtype, expectedLength: K * d, finite: true });
    const b = decodeArray(o.intercept, { name: `${name}.intercept`, dtype, expectedLength: K, finite: true });
    const solved = restoreSolved(name, o);
    const packed = new Float64Array(K * (d + 1));
    packed.set(W);
    packed.set(b, K * d);
    model.setPacked(packed, d, K);
    model.classList = list;
    model.nFeatures = d;
    const engine = getEngine(backend);
    const trainer = new NetTrainer(engine, netSpec(d, list.length, model.options));
    trainer.setParameters(packed);
    model.holdPredictor(engine, trainer, list.length);
    model.solved = solved;
    return model;
  }
}

/** A one-layer network: one sigmoid output for two classes, softmax over K otherwise. */
function netSpec(d: number, K: number, { fitIntercept: bias, dtype }: { fitIntercept: boolean; dtype: Dtype }) {
  return K === 2
    ? { sizes: [d, 1], hidden: 'identity' as const, output: 'sigmoid' as const, bias, dtype }
    : { sizes: [d, K], hidden: 'identity' as const, output: 'softmax' as const, bias, dtype };
}

/** Each label's index in `classes`; a label outside them is refused, naming its row. */
function codesIn(y: ArrayLike<Label>, classes: readonly Label[], name: string): Uint32Array {
  const index = new Map(classes.map((c, k) => [c, k]));
  return Uint32Array.from({ length: y.length }, (_, i) => index.get(y[i]) ?? fail('BAD_LABEL', `${name}[${i}] is ${JSON.stringify(y[i])}, which is not one of the classes ${JSON.stringify(classes)}`));
}

function targetsOf(codes: Uint32Array, K: number): NetTargets {
  return K === 2 ? { indicators: { data: Float32Array.from(codes), rows: codes.length, cols: 1 } } : { classes: codes };
}

registerLoader('LogisticRegression', (obj) => LogisticRegression.fromJSON(obj));
