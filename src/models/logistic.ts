import { paddedStride, type Engine, type F32Buf } from '../engine/engine.js';
import { getEngine, type BackendChoice } from '../engine/index.js';
import { fail } from '../errors.js';
import { checkMatrix, type Matrix, type MatrixLike } from '../matrix.js';
import { encodeClasses, sortLabels, type Label } from '../labels.js';
import { checkModelJson, decodeArray, encodeArray, registerLoader, type ModelJson } from '../persist.js';
import { fittedInputs, sampleWeights } from './check.js';
import { BaseEstimator } from './estimator.js';
import { checkLinearOptions, linearOptimizer, LINEAR_DEFAULTS, type LinearFitOptions, type LinearOptions } from './linear-options.js';
import { solveGd, solveLbfgs, solveSgd, type SolverConfig } from './logistic-solvers.js';
import { NetTrainer, type NetTargets } from './net-trainer.js';
import { uploadMatrix, uploadRows, freeRows } from './rows.js';
import { positiveInteger, restoreOptions, restoreSolved } from './saved.js';

export type { EpochLog } from './logistic-solvers.js';

export interface LogisticRegressionOptions extends LinearOptions {
  classWeight: 'balanced' | Record<string, number> | null;
}

export type FitOptions = LinearFitOptions;

const DEFAULTS: LogisticRegressionOptions = { ...LINEAR_DEFAULTS, classWeight: null };

/** Weights of a binary model resident in an engine: w (f32[stride + 4]) with the intercept at w[stride]. */
interface BinaryWeights {
  engine: Engine;
  w: F32Buf;
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
    const sw = this.weights(codes, classes, opts.sampleWeight);
    const weightSum = sw ? sw.reduce((a, b) => a + b, 0) : Xm.rows;
    const o = this.options;
    const penalty = o.penalty === 'l2' ? 1 / (o.C * weightSum) : 0;
    // Plain SGD, L-BFGS and gradient descent on two classes take the dedicated binary kernels.
    const solved = classes.length === 2 && o.optimizer === 'sgd'
      ? this.fitBinary(engine, Xm, codes, sw, weightSum, penalty, opts)
      : this.fitNet(engine, Xm, codes, classes.length, sw, weightSum, penalty, opts);
    this.classList = classes;
    this.nFeatures = Xm.cols;
    this.solved = solved;
    return this;
  }

  private fitBinary(engine: Engine, X: Matrix, codes: Uint32Array, sw: Float64Array | null, weightSum: number, penalty: number, opts: FitOptions) {
    const rows = uploadRows(engine, X, codes, sw);
    const binary = this.holdBinary(engine, X.cols);
    try {
      const o = this.options;
      const cfg: SolverConfig = {
        maxIter: o.maxIter, tol: o.tol, l2: penalty, weightSum, fitIntercept: o.fitIntercept, learningRate: o.learningRate,
        batchSize: o.batchSize, shuffle: o.shuffle, seed: o.seed, nIterNoChange: o.nIterNoChange, onEpochEnd: opts.onEpochEnd,
      };
      const solve = o.solver === 'lbfgs' ? solveLbfgs : o.solver === 'gd' ? solveGd : solveSgd;
      const solved = solve(engine, rows, binary.w, cfg);
      const wv = binary.w.view();
      this.W = Float64Array.from(wv.subarray(0, X.cols));
      this.b = Float64Array.of(wv[binary.stride]);
      return solved;
    } catch (e) {
      this.release();
      throw e;
    } finally {
      freeRows(engine, rows);
    }
  }

  private fitNet(
    engine: Engine, X: Matrix, codes: Uint32Array, K: number, sw: Float64Array | null, weightSum: number, penalty: number, opts: FitOptions,
  ) {
    const o = this.options;
    const trainer = new NetTrainer(engine, netSpec(X.cols, K, o.fitIntercept), o.batchSize);
    try {
      trainer.upload(X, targetsOf(codes, K), sw);
    } catch (e) {
      trainer.dispose(); // bad data: the previous fit, if any, stays usable
      throw e;
    }
    try {
      const solved = trainer.train({
        solver: o.solver, optimizer: linearOptimizer(o), maxIter: o.maxIter, tol: o.tol, nIterNoChange: o.nIterNoChange,
        batchSize: o.batchSize, shuffle: o.shuffle, seed: o.seed, penalty, weightSum, outScale: 1, penaltyPerBatch: 'mean',
        onEpochEnd: opts.onEpochEnd,
      });
      trainer.release();
      this.setPacked(trainer.getParameters(), X.cols, K === 2 ? 1 : K);
      this.holdPredictor(engine, trainer, K);
      return solved;
    } catch (e) {
      trainer.dispose();
      this.release();
      throw e;
    }
  }

  /** Makes `trainer` the multinomial predictor, or moves a binary model's weights to the binary kernels. */
  private holdPredictor(engine: Engine, trainer: NetTrainer, K: number): void {
    if (K > 2) {
      this.own(() => trainer.dispose());
      this.multinomial = trainer;
      this.binary = null;
      return;
    }
    trainer.dispose();
    const binary = this.holdBinary(engine, this.W.length);
    binary.w.view().set(Float32Array.from(this.W));
    binary.w.view()[binary.stride] = this.b[0];
  }

  private holdBinary(engine: Engine, d: number): BinaryWeights {
    const stride = paddedStride(d);
    const w = engine.f32(stride + 4);
    this.own(() => engine.free(w));
    this.binary = { engine, w, stride };
    this.multinomial = null;
    return this.binary;
  }

  /** Sample weights times class weights, or null when every row weighs 1. */
  private weights(codes: Uint32Array, classes: Label[], sampleWeight?: ArrayLike<number>): Float64Array | null {
    const n = codes.length;
    const sw = sampleWeight === undefined ? null : sampleWeights(sampleWeight, n);
    const cw = this.options.classWeight;
    if (cw === null || cw === undefined) return sw;
    const perClass = new Float64Array(classes.length);
    if (cw === 'balanced') {
      // scikit-learn: n_samples / (n_classes * count of the class).
      const counts = new Float64Array(classes.length);
      for (let i = 0; i < n; i++) counts[codes[i]]++;
      for (let k = 0; k < classes.length; k++) perClass[k] = n / (classes.length * counts[k]);
    } else {
      classes.forEach((c, k) => {
        const v = cw[String(c)] ?? 1;
        if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail('BAD_OPTION', `classWeight[${JSON.stringify(c)}] must be a finite number >= 0; got ${String(v)}`);
        perClass[k] = v;
      });
    }
    const out = sw ?? new Float64Array(n).fill(1);
    for (let i = 0; i < n; i++) out[i] *= perClass[codes[i]];
    return out;
  }

  /** The logits X W^T + b: rows x 1 for a binary model, rows x classes otherwise. */
  decisionFunction(X: MatrixLike): Matrix {
    const Xm = this.inputs(X);
    if (this.binary) return { data: this.binaryForward(Xm, false), rows: Xm.rows, cols: 1 };
    // A small product, done here in f64 from the fitted float32 weights.
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
    const p = this.multinomial!.predictProba(Xm);
    return Array.from({ length: p.rows }, (_, i) => {
      let best = 0;
      for (let k = 1; k < p.cols; k++) if (p.data[i * p.cols + k] > p.data[i * p.cols + best]) best = k;
      return classes[best];
    });
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
    else {
      const w = this.binary!.w.view();
      w.set(Float32Array.from(this.W));
      w[this.binary!.stride] = this.b[0];
    }
  }
  /** The training objective at the current parameters on (X, y), and its gradient in getParameters() order. */
  lossAndGradient(X: MatrixLike, y: ArrayLike<Label>): { loss: number; gradient: Float64Array } {
    const Xm = this.inputs(X);
    const K = this.classList.length;
    const codes = Uint32Array.from({ length: y.length }, (_, i) => {
      const k = this.classList.indexOf(y[i]);
      return k >= 0 ? k : fail('BAD_LABEL', `y[${i}] is ${JSON.stringify(y[i])}, not one of the classes`);
    });
    if (codes.length !== Xm.rows) fail('SHAPE_MISMATCH', `X has ${Xm.rows} rows but y has ${codes.length} labels`);
    const engine = this.binary?.engine ?? this.multinomial!.engine;
    const trainer = new NetTrainer(engine, netSpec(this.nFeatures, K, this.options.fitIntercept));
    try {
      trainer.setParameters(this.getParameters());
      trainer.upload(Xm, targetsOf(codes, K), null);
      const penalty = this.options.penalty === 'l2' ? 1 / (this.options.C * Xm.rows) : 0;
      return trainer.lossAndGradient({ penalty, weightSum: Xm.rows, outScale: 1 });
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
    const { buf, stride } = uploadMatrix(engine, X);
    const out = engine.f32(X.rows);
    try {
      engine.gemvBias(buf, X.rows, X.cols, stride, w, out);
      if (probability) engine.sigmoid(out, out, X.rows);
      return Float64Array.from(out.view());
    } finally {
      engine.free(buf);
      engine.free(out);
    }
  }

  /** A plain, versioned object holding the options, classes and float32 weights exactly. */
  toJSON(): ModelJson {
    const solved = this.fitted();
    const { backend: _backend, ...options } = this.options;
    return {
      name: 'LogisticRegression', version: 1, options, classes: [...this.classList], nFeatures: this.nFeatures,
      coef: encodeArray(Float32Array.from(this.W)), intercept: encodeArray(Float32Array.from(this.b)),
      nIter: solved.nIter, converged: solved.converged, stopReason: solved.message,
    };
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
    const W = decodeArray(o.coef, { name: `${name}.coef`, dtype: 'float32', expectedLength: K * d, finite: true });
    const b = decodeArray(o.intercept, { name: `${name}.intercept`, dtype: 'float32', expectedLength: K, finite: true });
    const solved = restoreSolved(name, o);
    const packed = new Float64Array(K * (d + 1));
    packed.set(W);
    packed.set(b, K * d);
    model.setPacked(packed, d, K);
    model.classList = list;
    model.nFeatures = d;
    const engine = getEngine(backend);
    const trainer = new NetTrainer(engine, netSpec(d, list.length, model.options.fitIntercept));
    trainer.setParameters(packed);
    model.holdPredictor(engine, trainer, list.length);
    model.solved = solved;
    return model;
  }
}

/** A one-layer network: one sigmoid output for two classes, softmax over K otherwise. */
function netSpec(d: number, K: number, bias: boolean) {
  return K === 2
    ? { sizes: [d, 1], hidden: 'identity' as const, output: 'sigmoid' as const, bias }
    : { sizes: [d, K], hidden: 'identity' as const, output: 'softmax' as const, bias };
}

function targetsOf(codes: Uint32Array, K: number): NetTargets {
  return K === 2 ? { indicators: { data: Float32Array.from(codes), rows: codes.length, cols: 1 } } : { classes: codes };
}

registerLoader('LogisticRegression', (obj) => LogisticRegression.fromJSON(obj));
