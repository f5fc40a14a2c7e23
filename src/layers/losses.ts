// Losses for the layer API: the mean loss over the batch and its gradient with respect to the
// network's output, computed by the engine's fused kernels (stable log-sum-exp and log1p forms),
// in the dtype of the input (a Matrix's own, float32 for number[][]).
import { paddedStride, type Buf, type Engine } from '../engine/engine.js';
import type { BackendChoice } from '../engine/index.js';
import { fail } from '../core/errors.js';
import { strictOptions } from '../core/options.js';
import type { Matrix, MatrixLike } from '../core/matrix.js';
import { dtypeOf, isNumberArray, isRowsLike, matrixArg, shown } from './args.js';
import { alloc, readRows, writeRows } from './memory.js';
import { engineOf } from './module.js';

export interface LossResult {
  /** The mean loss over the batch. */
  loss: number;
  /** dLoss/dOutput, the shape of the output: what `backward` takes. */
  grad: Matrix;
}

export interface LossOptions {
  /** Default: the backend `init` chose. */
  backend?: BackendChoice;
}

/** Class indices (number[] or Uint32Array, one per row), or rows of targets (number[][] or a Matrix). */
export type LossTargets = ArrayLike<number> | MatrixLike;

const LOSS_OPTIONS = ['backend'] as const;

/**
 * Softmax cross-entropy of logits (rows x K) against class indices in [0, K) or one-hot rows:
 * mean over rows of log sum_k e^{z_k} - z_y, and its gradient (softmax(z) - onehot(y)) / rows.
 * It takes logits, as PyTorch's CrossEntropyLoss does, so a net trained with it ends in a Linear
 * layer, not a Softmax (apply Softmax to the logits for probabilities).
 */
export function softmaxCrossEntropy(logits: MatrixLike, target: LossTargets, options: LossOptions = {}): LossResult {
  const o = strictOptions('softmaxCrossEntropy', options, LOSS_OPTIONS);
  const Z = matrixArg(logits, 'logits');
  const labels = classIndices(target, Z);
  const engine = engineOf(o.backend);
  const t = dtypeOf(logits), m = Z.rows, K = Z.cols, stride = paddedStride(K);
  return withBuffers(engine, (take) => {
    const z = take(alloc(engine, t, m * stride, 'softmaxCrossEntropy logits'));
    const d = take(alloc(engine, t, m * stride, 'softmaxCrossEntropy gradient'));
    const y = take(engine.u32(m));
    writeRows(z.view(), Z, stride);
    y.view().set(labels);
    const total = engine.softmaxCeRows(z, stride, m, K, y, null, d, stride);
    return { loss: total / m, grad: scaled(readRows(d.view(), m, K, stride), 1 / m) };
  });
}

/**
 * Binary cross-entropy of logits (rows x K independent outputs) against targets in [0, 1]:
 * max(z, 0) - z y + log1p(e^-|z|) averaged over every entry (rows and outputs, as PyTorch's
 * BCEWithLogitsLoss), and its gradient (sigmoid(z) - y) / (rows K). It takes logits, not a
 * Sigmoid layer's probabilities: the fused form stays finite and accurate where a probability
 * rounds to 0 or 1. Targets: rows x K (number[][] or a Matrix), or one number per row when K = 1.
 */
export function binaryCrossEntropy(logits: MatrixLike, target: LossTargets, options: LossOptions = {}): LossResult {
  const o = strictOptions('binaryCrossEntropy', options, LOSS_OPTIONS);
  const Z = matrixArg(logits, 'logits');
  const T = binaryTargets(target, Z);
  const engine = engineOf(o.backend);
  const t = dtypeOf(logits), m = Z.rows, K = Z.cols, stride = paddedStride(K), n = m * K;
  return withBuffers(engine, (take) => {
    const z = take(alloc(engine, t, m * stride, 'binaryCrossEntropy logits'));
    const y = take(alloc(engine, t, m * stride, 'binaryCrossEntropy targets'));
    const d = take(alloc(engine, t, m * stride, 'binaryCrossEntropy gradient'));
    writeRows(z.view(), Z, stride);
    writeRows(y.view(), T, stride);
    const total = engine.sigmoidBceRows(z, stride, m, K, y, stride, null, d, stride);
    return { loss: total / n, grad: scaled(readRows(d.view(), m, K, stride), 1 / n) };
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

/** Class indices from labels or one-hot rows, each checked against K. */
function classIndices(target: unknown, Z: Matrix): Uint32Array {
  const K = Z.cols;
  if (isRowsLike(target)) {
    const T = matrixArg(target, 'target');
    sameShape(T, Z);
    return Uint32Array.from({ length: T.rows }, (_, i) => {
      const row = Array.from(T.data.subarray(i * K, (i + 1) * K));
      const hot = row.indexOf(1);
      if (hot < 0 || row.some((v, k) => k !== hot && v !== 0)) fail('BAD_LABEL', `target row ${i} is not one-hot: [${row.join(', ')}]`);
      return hot;
    });
  }
  if (!isNumberArray(target)) fail('SHAPE_MISMATCH', `target must be class indices (an array) or one-hot rows (number[][] or a Matrix); got ${shown(target)}`);
  if (target.length !== Z.rows) fail('SHAPE_MISMATCH', `logits has ${Z.rows} rows but target has ${target.length} labels`);
  return Uint32Array.from({ length: Z.rows }, (_, i) => {
    const c: unknown = target[i];
    if (typeof c !== 'number' || !Number.isInteger(c) || c < 0 || c >= K) fail('BAD_LABEL', `target[${i}] is ${shown(c)}; labels must be integers in [0, ${K})`);
    return c;
  });
}

/** Targets in [0, 1] shaped like Z. */
function binaryTargets(target: unknown, Z: Matrix): Matrix {
  let T: Matrix;
  if (isRowsLike(target)) {
    T = matrixArg(target, 'target');
    sameShape(T, Z);
  } else {
    if (!isNumberArray(target)) fail('SHAPE_MISMATCH', `target must be numbers in [0, 1] (one per row) or rows of them (number[][] or a Matrix); got ${shown(target)}`);
    if (Z.cols !== 1) fail('SHAPE_MISMATCH', `logits has ${Z.cols} columns: give target as rows of ${Z.cols} values`);
    if (target.length !== Z.rows) fail('SHAPE_MISMATCH', `logits has ${Z.rows} rows but target has ${target.length} values`);
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

function sameShape(T: Matrix, Z: Matrix): void {
  if (T.rows !== Z.rows || T.cols !== Z.cols) fail('SHAPE_MISMATCH', `target is ${T.rows} x ${T.cols} but logits is ${Z.rows} x ${Z.cols}`);
}

function scaled(m: Matrix, s: number): Matrix {
  for (let i = 0; i < m.data.length; i++) m.data[i] *= s;
  return m;
}

