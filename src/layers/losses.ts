// Losses for the layer API: the loss over the batch and its gradient with respect to the
// network's output, computed by the engine's fused kernels (stable log-sum-exp and log1p forms),
// in the dtype of the input (a Matrix's own, float32 for number[][]).
import { paddedStride, type Buf, type Dtype, type Engine, type FloatArray } from '../engine/engine.js';
import type { BackendChoice } from '../engine/index.js';
import { fail } from '../core/errors.js';
import type { Matrix, MatrixLike } from '../core/matrix.js';
import { dtypeOf, fitDtype, isNumberArray, isRowsLike, layerOptions, matrixArg, oneOfOption, shown } from './args.js';
import { alloc, readRows, writeRows } from './memory.js';
import { engineOf } from './module.js';

/** A reduced loss and its gradient. */
export interface LossResult {
  /** The loss: the mean over the batch (the default reduction), or the sum. */
  loss: number;
  /** dLoss/dInput, the shape of the input: what `backward` takes. */
  grad: Matrix;
}

/** What reduction 'none' returns: the loss of each row (each entry, for a binary loss of several outputs). */
export interface UnreducedLossResult {
  /** softmaxCrossEntropy: one loss per row; binaryCrossEntropy: one per entry, row by row (one per row for one output). */
  loss: Float64Array;
  /** The derivative of each entry's own loss: the gradient of their sum. */
  grad: Matrix;
}

/** How a loss combines its entries: their 'mean', 'sum', or 'none' (each entry's own). */
export type Reduction = 'mean' | 'sum' | 'none';

/** Options of softmaxCrossEntropy and binaryCrossEntropy (PyTorch's names). */
export interface LossOptions {
  /**
   * Default: the backend `init` chose.
   * @default 'auto'
   */
  backend?: BackendChoice;
  /**
   * What the input holds: 'logits' (default; the stable fused forms) or 'probabilities' (their
   * logs clamped at -100, as PyTorch's BCELoss; softmaxCrossEntropy normalises each row first).
   * @default 'logits'
   */
  from?: 'logits' | 'probabilities';
  /**
   * 'mean' (default) over rows (and outputs, for binaryCrossEntropy), 'sum', or 'none': each one's loss.
   * @default 'mean'
   */
  reduction?: Reduction;
}

/** Class indices (number[] or Uint32Array, one per row), or rows of targets (number[][] or a Matrix). */
export type LossTargets = ArrayLike<number> | MatrixLike;

const LOSS_OPTIONS = ['backend', 'from', 'reduction'] as const;
const FROM = ['logits', 'probabilities'] as const;
const REDUCTIONS = ['mean', 'sum', 'none'] as const;

/** log(p) as PyTorch's BCELoss takes it: never below -100, so p = 0 costs 100, not Infinity. */
const LOG_FLOOR = -100;
/** The smallest p (1 - p) PyTorch's BCELoss divides by in its gradient. */
const GRAD_EPS = 1e-12;

function lossOptions(owner: string, options: unknown): { engine: Engine; from: 'logits' | 'probabilities'; reduction: Reduction } {
  const o = layerOptions(owner, options, LOSS_OPTIONS);
  return {
    from: o.from === undefined ? 'logits' : oneOfOption('from', o.from, FROM),
    reduction: o.reduction === undefined ? 'mean' : oneOfOption('reduction', o.reduction, REDUCTIONS),
    engine: engineOf(o.backend),
  };
}

/**
 * Softmax cross-entropy of rows x K logits against class indices in [0, K) or one-hot rows:
 * log sum_k e^{z_k} - z_y per row, and its gradient softmax(z) - onehot(y) (over rows for the
 * mean). It takes logits, as PyTorch's CrossEntropyLoss does, so a net trained with it ends in a
 * Linear layer, not a Softmax. With `from: 'probabilities'` it takes rows of probabilities
 * instead: -log p_y of each row normalised to sum 1 (as Keras does), the log clamped at -100.
 */
export function softmaxCrossEntropy(input: MatrixLike, target: LossTargets, options: LossOptions & { reduction: 'none' }): UnreducedLossResult;
export function softmaxCrossEntropy(input: MatrixLike, target: LossTargets, options?: LossOptions & { reduction?: 'mean' | 'sum' }): LossResult;
export function softmaxCrossEntropy(input: MatrixLike, target: LossTargets, options?: LossOptions): LossResult | UnreducedLossResult;
export function softmaxCrossEntropy(input: MatrixLike, target: LossTargets, options: LossOptions = {}): LossResult | UnreducedLossResult {
  const { engine, from, reduction } = lossOptions('softmaxCrossEntropy', options);
  const name = from === 'logits' ? 'logits' : 'probabilities';
  const t = dtypeOf(input);
  const X = fitDtype(matrixArg(input, name), t, name);
  const labels = classIndices(target, X, name);
  const P = from === 'probabilities' ? probabilityRows(X) : null;
  const Z = P ? clampedLogs(X) : X;
  const m = X.rows, K = X.cols, stride = paddedStride(K);
  return withBuffers(engine, (take) => {
    const z = take(alloc(engine, t, m * stride, 'softmaxCrossEntropy input'));
    const d = take(alloc(engine, t, m * stride, 'softmaxCrossEntropy gradient'));
    const y = take(engine.u32(m));
    writeRows(z.view(), Z, stride);
    y.view().set(labels);
    const total = engine.softmaxCeRows(z, stride, m, K, y, null, d, stride);
    const scale = reduction === 'mean' ? 1 / m : 1;
    let grad: Matrix;
    if (P) {
      // d/dp_k of -log(p_y / S): 1/S - [k = y] / p_y.
      grad = outputLike(t, m, K);
      for (let i = 0; i < m; i++) {
        const inv = 1 / P.sums[i], c = labels[i];
        for (let k = 0; k < K; k++) grad.data[i * K + k] = scale * (inv - (k === c ? 1 / Math.max(X.data[i * K + k], GRAD_EPS) : 0));
      }
    } else grad = scaled(readRows(d.view(), m, K, stride), scale);
    if (reduction === 'none') return { loss: finiteLosses(rowCrossEntropies(z.view(), stride, m, K, labels), name), grad };
    return { loss: finiteLosses([total * scale], name)[0], grad };
  });
}

/**
 * Binary cross-entropy of rows x K independent outputs against targets in [0, 1]. From logits
 * (the default): max(z, 0) - z y + log1p(e^-|z|), the stable form of PyTorch's
 * BCEWithLogitsLoss, with gradient sigmoid(z) - y. From probabilities: -(y log p + (1 - y)
 * log(1 - p)), each log clamped at -100 as PyTorch's BCELoss does, with gradient
 * (p - y) / max(p (1 - p), 1e-12). 'mean' averages over every entry (rows and outputs).
 * Targets: rows x K (number[][] or a Matrix), or one number per row when K = 1.
 */
export function binaryCrossEntropy(input: MatrixLike, target: LossTargets, options: LossOptions & { reduction: 'none' }): UnreducedLossResult;
export function binaryCrossEntropy(input: MatrixLike, target: LossTargets, options?: LossOptions & { reduction?: 'mean' | 'sum' }): LossResult;
export function binaryCrossEntropy(input: MatrixLike, target: LossTargets, options?: LossOptions): LossResult | UnreducedLossResult;
export function binaryCrossEntropy(input: MatrixLike, target: LossTargets, options: LossOptions = {}): LossResult | UnreducedLossResult {
  const { engine, from, reduction } = lossOptions('binaryCrossEntropy', options);
  const name = from === 'logits' ? 'logits' : 'probabilities';
  const t = dtypeOf(input);
  const X = fitDtype(matrixArg(input, name), t, name);
  const T = binaryTargets(target, X, name);
  if (from === 'probabilities') inUnitInterval(X, 'probabilities');
  // Probabilities become the logits log p - log(1 - p) of the clamped logs, whose fused loss is theirs.
  const Z = from === 'probabilities' ? bernoulliLogits(X) : X;
  const m = X.rows, K = X.cols, stride = paddedStride(K), n = m * K;
  return withBuffers(engine, (take) => {
    const z = take(alloc(engine, t, m * stride, 'binaryCrossEntropy input'));
    const y = take(alloc(engine, t, m * stride, 'binaryCrossEntropy targets'));
    const d = take(alloc(engine, t, m * stride, 'binaryCrossEntropy gradient'));
    writeRows(z.view(), Z, stride);
    writeRows(y.view(), T, stride);
    const total = engine.sigmoidBceRows(z, stride, m, K, y, stride, null, d, stride);
    const scale = reduction === 'mean' ? 1 / n : 1;
    let grad: Matrix;
    if (from === 'probabilities') {
      grad = outputLike(t, m, K);
      for (let k = 0; k < n; k++) {
        const p = X.data[k];
        grad.data[k] = (scale * (p - T.data[k])) / Math.max(p * (1 - p), GRAD_EPS);
      }
    } else grad = scaled(readRows(d.view(), m, K, stride), scale);
    if (reduction === 'none') return { loss: finiteLosses(entryBinaryCrossEntropies(z.view(), y.view(), stride, m, K), name), grad };
    return { loss: finiteLosses([total * scale], name)[0], grad };
  });
}

/** Runs fn with a `take` that records each engine buffer it allocates; all are freed after, whatever happens. */
export function withBuffers<R>(engine: Engine, fn: (take: <B extends Buf>(b: B) => B) => R): R {
  const taken: Buf[] = [];
  try {
    return fn((b) => {
      taken.push(b);
      return b;
    });
  } finally {
    for (const b of taken) engine.free(b);
  }
}

/** Each row's log sum_k e^{z_k} - z_y, in float64 from the values the kernel read (max subtracted first). */
function rowCrossEntropies(z: FloatArray, stride: number, m: number, K: number, labels: Uint32Array): Float64Array {
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const row = i * stride;
    let max = -Infinity;
    for (let k = 0; k < K; k++) max = Math.max(max, z[row + k]);
    let sum = 0;
    for (let k = 0; k < K; k++) sum += Math.exp(z[row + k] - max);
    out[i] = max + Math.log(sum) - z[row + labels[i]];
  }
  return out;
}

/** Each entry's max(z, 0) - z y + log1p(e^-|z|), in float64 from the values the kernel read, row by row. */
function entryBinaryCrossEntropies(z: FloatArray, y: FloatArray, stride: number, m: number, K: number): Float64Array {
  const out = new Float64Array(m * K);
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < K; k++) {
      const v = z[i * stride + k];
      out[i * K + k] = Math.max(v, 0) - v * y[i * stride + k] + Math.log1p(Math.exp(-Math.abs(v)));
    }
  }
  return out;
}

/** The losses, refused when one overflows float64 (logits near +-1e308): no Infinity comes out of a finite input. */
function finiteLosses<A extends ArrayLike<number>>(losses: A, name: string): A {
  for (let i = 0; i < losses.length; i++) {
    if (!Number.isFinite(losses[i])) fail('NON_FINITE_INPUT', `the loss overflows float64: ${name} this far apart (near +-1e308) have no finite cross-entropy; scale them down`);
  }
  return losses;
}

function outputLike(dtype: Dtype, rows: number, cols: number): Matrix {
  return { data: dtype === 'float64' ? new Float64Array(rows * cols) : new Float32Array(rows * cols), rows, cols };
}

function inUnitInterval(P: Matrix, name: string): void {
  const bad = P.data.findIndex((v) => !(v >= 0 && v <= 1));
  if (bad >= 0) {
    const i = Math.floor(bad / P.cols);
    fail('BAD_OPTION', `${name} has ${P.data[bad]} at row ${i}, column ${bad - i * P.cols}; probabilities must be in [0, 1] (pass from: 'logits' for logits)`);
  }
}

/** Rows of probabilities in [0, 1], each with a positive sum (returned, for the normalisation). */
function probabilityRows(P: Matrix): { sums: Float64Array } {
  inUnitInterval(P, 'probabilities');
  const sums = new Float64Array(P.rows);
  for (let i = 0; i < P.rows; i++) {
    for (let k = 0; k < P.cols; k++) sums[i] += P.data[i * P.cols + k];
    if (!(sums[i] > 0)) fail('BAD_OPTION', `probabilities row ${i} sums to 0; each row must hold a distribution`);
  }
  return { sums };
}

/** max(log p, -100): logits whose softmax is p normalised, and whose log-sum-exp minus z_y is -log(p_y / S). */
function clampedLogs(P: Matrix): Matrix {
  return { data: Float64Array.from(P.data, (p) => Math.max(Math.log(p), LOG_FLOOR)), rows: P.rows, cols: P.cols };
}

/** log p - log(1 - p), both logs clamped at -100: its fused loss is -(y log p + (1 - y) log(1 - p)) with the clamps. */
function bernoulliLogits(P: Matrix): Matrix {
  return { data: Float64Array.from(P.data, (p) => Math.max(Math.log(p), LOG_FLOOR) - Math.max(Math.log1p(-p), LOG_FLOOR)), rows: P.rows, cols: P.cols };
}

/** Class indices from labels or one-hot rows, each checked against K. */
function classIndices(target: unknown, Z: Matrix, name: string): Uint32Array {
  const K = Z.cols;
  if (isRowsLike(target)) {
    const T = matrixArg(target, 'target');
    sameShape(T, Z, name);
    return Uint32Array.from({ length: T.rows }, (_, i) => {
      const row = Array.from(T.data.subarray(i * K, (i + 1) * K));
      const hot = row.indexOf(1);
      if (hot < 0 || row.some((v, k) => k !== hot && v !== 0)) fail('BAD_LABEL', `target row ${i} is not one-hot: [${row.join(', ')}]`);
      return hot;
    });
  }
  if (!isNumberArray(target)) fail('SHAPE_MISMATCH', `target must be class indices (an array) or one-hot rows (number[][] or a Matrix); got ${shown(target)}`);
  if (target.length !== Z.rows) fail('SHAPE_MISMATCH', `${name} has ${Z.rows} rows but target has ${target.length} labels`);
  return Uint32Array.from({ length: Z.rows }, (_, i) => {
    const c: unknown = target[i];
    if (typeof c !== 'number' || !Number.isInteger(c) || c < 0 || c >= K) fail('BAD_LABEL', `target[${i}] is ${shown(c)}; labels must be integers in [0, ${K})`);
    return c;
  });
}

/** Targets in [0, 1] shaped like Z. */
function binaryTargets(target: unknown, Z: Matrix, name: string): Matrix {
  let T: Matrix;
  if (isRowsLike(target)) {
    T = matrixArg(target, 'target');
    sameShape(T, Z, name);
  } else {
    if (!isNumberArray(target)) fail('SHAPE_MISMATCH', `target must be numbers in [0, 1] (one per row) or rows of them (number[][] or a Matrix); got ${shown(target)}`);
    if (Z.cols !== 1) fail('SHAPE_MISMATCH', `${name} has ${Z.cols} columns: give target as rows of ${Z.cols} values`);
    if (target.length !== Z.rows) fail('SHAPE_MISMATCH', `${name} has ${Z.rows} rows but target has ${target.length} values`);
    const data = new Float64Array(Z.rows);
    for (let i = 0; i < Z.rows; i++) {
      const v: unknown = target[i];
      if (typeof v !== 'number') fail('BAD_LABEL', `target[${i}] is ${shown(v)}; binary targets must be numbers in [0, 1]`);
      data[i] = v;
    }
    T = { data, rows: Z.rows, cols: 1 };
  }
  const bad = T.data.findIndex((v) => !(v >= 0 && v <= 1));
  if (bad >= 0) {
    const i = Math.floor(bad / T.cols);
    fail('BAD_LABEL', `target has ${T.data[bad]} at row ${i}, column ${bad - i * T.cols}; binary targets must be in [0, 1]`);
  }
  return T;
}

function sameShape(T: Matrix, Z: Matrix, name: string): void {
  if (T.rows !== Z.rows || T.cols !== Z.cols) fail('SHAPE_MISMATCH', `target is ${T.rows} x ${T.cols} but ${name} is ${Z.rows} x ${Z.cols}`);
}

function scaled(m: Matrix, s: number): Matrix {
  if (s !== 1) for (let i = 0; i < m.data.length; i++) m.data[i] *= s;
  return m;
}
