import { BACKENDS, paddedStride, type Engine, type F32Buf } from '../engine/engine.js';
import { getEngine, type BackendChoice } from '../engine/index.js';
import { fail, WasmlearnError } from '../errors.js';
import { checkMatrix, type Matrix, type MatrixLike } from '../matrix.js';
import { encodeClasses, sortLabels, type Label } from '../labels.js';
import { checkModelJson, decodeArray, encodeArray, isPlainObject, registerLoader, type ModelJson } from '../persist.js';
import { bool, integerAtLeast, oneOf, positive, sampleWeights } from './check.js';
import { uploadMatrix, uploadRows, freeRows } from './rows.js';
import { solveGd, solveLbfgs, solveSgd, type EpochLog, type SolverConfig, type SolverResult } from './logistic-solvers.js';

export type { EpochLog } from './logistic-solvers.js';

export interface LogisticRegressionOptions {
  solver: 'lbfgs' | 'gd' | 'sgd';
  /** Inverse regularization strength: the objective is sum of losses + ||w||^2 / (2C). */
  C: number;
  penalty: 'l2' | 'none';
  fitIntercept: boolean;
  /** Iterations (lbfgs, gd) or epochs (sgd). */
  maxIter: number;
  tol: number;
  learningRate: number;
  batchSize: number;
  shuffle: boolean;
  seed: number;
  optimizer: 'sgd';
  classWeight: 'balanced' | Record<string, number> | null;
  nIterNoChange: number;
  dtype: 'float32';
  backend: BackendChoice;
}

export interface FitOptions {
  sampleWeight?: ArrayLike<number>;
  /** Called after every epoch (iteration for lbfgs and gd); returning false stops training. */
  onEpochEnd?: (log: EpochLog) => boolean | void;
}

const DEFAULTS: LogisticRegressionOptions = {
  solver: 'lbfgs', C: 1, penalty: 'l2', fitIntercept: true, maxIter: 100, tol: 1e-4,
  learningRate: 0.1, batchSize: 256, shuffle: true, seed: 0, optimizer: 'sgd', classWeight: null,
  nIterNoChange: 5, dtype: 'float32', backend: 'auto',
};

function checkOptions(o: LogisticRegressionOptions): void {
  oneOf('solver', o.solver, ['lbfgs', 'gd', 'sgd']);
  positive('C', o.C);
  oneOf('penalty', o.penalty, ['l2', 'none']);
  bool('fitIntercept', o.fitIntercept);
  integerAtLeast('maxIter', o.maxIter, 1);
  positive('tol', o.tol);
  positive('learningRate', o.learningRate);
  integerAtLeast('batchSize', o.batchSize, 1);
  bool('shuffle', o.shuffle);
  integerAtLeast('seed', o.seed, 0);
  integerAtLeast('nIterNoChange', o.nIterNoChange, 1);
  oneOf('backend', o.backend, ['auto', ...BACKENDS]);
  if (o.optimizer !== 'sgd') fail('UNSUPPORTED', `optimizer '${o.optimizer}' is not available yet; this version has 'sgd' only`);
  if (o.dtype !== 'float32') fail('UNSUPPORTED', `dtype '${o.dtype}' is not available yet; this version computes in 'float32'`);
}

/** Frees a model's WASM memory if it is garbage-collected without dispose(). */
const leaks = new FinalizationRegistry<{ engine: Engine; w: F32Buf }>(({ engine, w }) => engine.free(w));

/**
 * Binary logistic regression with scikit-learn's objective and defaults: `fit` / `predict` /
 * `predictProba` on any backend, trained by L-BFGS, full-batch gradient descent or mini-batch SGD.
 */
export class LogisticRegression {
  readonly options: Readonly<LogisticRegressionOptions>;
  private engine: Engine | null = null;
  private w: F32Buf | null = null;
  private d = 0;
  private classList: Label[] = [];
  private coefficients = new Float64Array(0);
  private bias = 0;
  private solved: SolverResult | null = null;
  private disposed = false;

  constructor(options: Partial<LogisticRegressionOptions> = {}) {
    const o = { ...DEFAULTS, ...options };
    checkOptions(o);
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
    if (classes.length > 2) {
      fail('UNSUPPORTED', `y has ${classes.length} classes (${JSON.stringify(classes.slice(0, 5))}${classes.length > 5 ? ', ...' : ''}); this version of LogisticRegression is binary, multinomial comes next`);
    }
    const sw = this.weights(codes, classes, opts.sampleWeight);
    let weightSum = Xm.rows;
    if (sw) weightSum = sw.reduce((a, b) => a + b, 0);

    const rows = uploadRows(engine, Xm, codes, sw);
    this.release();
    this.engine = engine;
    this.classList = classes;
    this.d = Xm.cols;
    const w = engine.f32(rows.stride + 4);
    this.w = w;
    leaks.register(this, { engine, w }, this);
    try {
      const o = this.options;
      const cfg: SolverConfig = {
        maxIter: o.maxIter, tol: o.tol, l2: o.penalty === 'l2' ? 1 / (o.C * weightSum) : 0, weightSum,
        fitIntercept: o.fitIntercept, learningRate: o.learningRate, batchSize: o.batchSize, shuffle: o.shuffle,
        seed: o.seed, nIterNoChange: o.nIterNoChange, onEpochEnd: opts.onEpochEnd,
      };
      const solve = o.solver === 'lbfgs' ? solveLbfgs : o.solver === 'gd' ? solveGd : solveSgd;
      this.solved = solve(engine, rows, w, cfg);
    } catch (e) {
      this.release();
      throw e;
    } finally {
      freeRows(engine, rows);
    }
    const wv = w.view();
    this.coefficients = Float64Array.from(wv.subarray(0, this.d));
    this.bias = wv[rows.stride];
    return this;
  }

  /** A plain, versioned object holding the options, classes and float32 weights exactly. */
  toJSON(): ModelJson {
    const solved = this.fitted();
    const { backend: _backend, ...options } = this.options;
    return {
      name: 'LogisticRegression', version: 1, options, classes: [...this.classList], nFeatures: this.d,
      coef: encodeArray(Float32Array.from(this.coefficients)), intercept: encodeArray(Float32Array.of(this.bias)),
      nIter: solved.nIter, converged: solved.converged, stopReason: solved.message,
    };
  }

  /** Rebuilds a model saved by `toJSON`, on `backend` (default: the one `init` chose). */
  static fromJSON(obj: unknown, { backend = 'auto' }: { backend?: BackendChoice } = {}): LogisticRegression {
    const o = checkModelJson(obj, 'LogisticRegression', 1);
    const bad = (why: string): never => fail('BAD_MODEL_JSON', `LogisticRegression: ${why}`);
    if (!isPlainObject(o.options)) bad('options must be an object');
    const saved = o.options as Record<string, unknown>;
    const options: Record<string, unknown> = {};
    for (const key of Object.keys(DEFAULTS)) if (key in saved) options[key] = saved[key];
    let model: LogisticRegression;
    try {
      model = new LogisticRegression({ ...(options as Partial<LogisticRegressionOptions>), backend });
    } catch (e) {
      throw e instanceof WasmlearnError && e.code === 'BAD_OPTION' ? new WasmlearnError('BAD_MODEL_JSON', `LogisticRegression: ${e.message}`) : e;
    }
    const classes = o.classes;
    if (!Array.isArray(classes) || classes.length !== 2 || classes.some((c) => !['number', 'string', 'boolean'].includes(typeof c))) {
      bad('classes must be two labels');
    }
    const sorted = sortLabels([...(classes as Label[])], 'classes');
    if (sorted[0] === sorted[1] || sorted.some((c, i) => c !== (classes as Label[])[i])) bad('classes must be distinct and sorted');
    const d = o.nFeatures;
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 1) bad(`nFeatures must be a positive integer, got ${JSON.stringify(d)}`);
    const coef = decodeArray(o.coef, { name: 'LogisticRegression.coef', dtype: 'float32', expectedLength: d as number, finite: true });
    const intercept = decodeArray(o.intercept, { name: 'LogisticRegression.intercept', dtype: 'float32', expectedLength: 1, finite: true });
    const nIter = typeof o.nIter === 'number' && Number.isInteger(o.nIter) && o.nIter >= 0 ? o.nIter : bad('nIter must be a whole number');
    model.restore(classes as Label[], coef, intercept[0], {
      nIter, converged: o.converged === true, message: typeof o.stopReason === 'string' ? o.stopReason : '', history: [],
    });
    return model;
  }

  private restore(classes: Label[], coef: Float32Array, bias: number, solved: SolverResult): void {
    const engine = getEngine(this.options.backend);
    const d = coef.length;
    const stride = paddedStride(d);
    const w = engine.f32(stride + 4);
    w.view().set(coef);
    w.view()[stride] = bias;
    this.engine = engine;
    this.w = w;
    leaks.register(this, { engine, w }, this);
    this.d = d;
    this.classList = classes;
    this.coefficients = Float64Array.from(coef);
    this.bias = bias;
    this.solved = solved;
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

  /** The logits X w + b, as a rows x 1 Matrix. */
  decisionFunction(X: MatrixLike): Matrix {
    return { data: this.forward(X, false), rows: this.rowsOf(X), cols: 1 };
  }

  /** P(classes[0]) and P(classes[1]) for each row, as a rows x 2 Matrix. */
  predictProba(X: MatrixLike): Matrix {
    const p = this.forward(X, true);
    const out = new Float64Array(p.length * 2);
    for (let i = 0; i < p.length; i++) {
      out[2 * i] = 1 - p[i];
      out[2 * i + 1] = p[i];
    }
    return { data: out, rows: p.length, cols: 2 };
  }

  predict(X: MatrixLike): Label[] {
    const z = this.forward(X, false);
    const [neg, pos] = this.classList;
    return Array.from(z, (v) => (v > 0 ? pos : neg));
  }

  /** Mean accuracy on (X, y). */
  score(X: MatrixLike, y: ArrayLike<Label>): number {
    const pred = this.predict(X);
    if (y.length !== pred.length) fail('SHAPE_MISMATCH', `X has ${pred.length} rows but y has ${y.length} labels`);
    let hits = 0;
    for (let i = 0; i < pred.length; i++) if (pred[i] === y[i]) hits++;
    return hits / pred.length;
  }

  get coef(): Matrix {
    this.fitted();
    return { data: Float64Array.from(this.coefficients), rows: 1, cols: this.d };
  }
  get intercept(): Float64Array {
    this.fitted();
    return Float64Array.of(this.bias);
  }
  get classes(): Label[] {
    this.fitted();
    return [...this.classList];
  }
  get nIter(): number {
    return this.fitted().nIter;
  }
  get history(): EpochLog[] {
    return this.fitted().history.map((h) => ({ ...h }));
  }
  /** Whether the solver met its stopping rule, and why it stopped. */
  get converged(): boolean {
    return this.fitted().converged;
  }
  get stopReason(): string {
    return this.fitted().message;
  }

  /** Frees the model's WASM memory; any later call throws DISPOSED. */
  dispose(): void {
    this.release();
    this.disposed = true;
  }

  private release(): void {
    if (this.engine && this.w) {
      leaks.unregister(this);
      this.engine.free(this.w);
    }
    this.w = null;
    this.solved = null;
  }

  private alive(): void {
    if (this.disposed) fail('DISPOSED', 'this LogisticRegression was disposed; create a new one');
  }

  private fitted(): SolverResult {
    this.alive();
    if (!this.solved) fail('NOT_FITTED', 'this LogisticRegression is not fitted yet; call fit(X, y) first');
    return this.solved;
  }

  private rowsOf(X: MatrixLike): number {
    return Array.isArray(X) ? X.length : (X as Matrix).rows;
  }

  /** Logits (or probabilities) of the rows of X, computed by the engine the model was fitted on. */
  private forward(X: MatrixLike, probability: boolean): Float64Array {
    this.fitted();
    const engine = this.engine!;
    const Xm = checkMatrix(X, { checkFinite: false });
    if (Xm.cols !== this.d) fail('SHAPE_MISMATCH', `X has ${Xm.cols} features but the model was fitted with ${this.d}`);
    const { buf, stride } = uploadMatrix(engine, Xm);
    const out = engine.f32(Xm.rows);
    try {
      engine.gemvBias(buf, Xm.rows, this.d, stride, this.w!, out);
      if (probability) engine.sigmoid(out, out, Xm.rows);
      return Float64Array.from(out.view());
    } finally {
      engine.free(buf);
      engine.free(out);
    }
  }
}

registerLoader('LogisticRegression', (obj) => LogisticRegression.fromJSON(obj));
