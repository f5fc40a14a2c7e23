import type { Net, NetData, NetEpochOptions, OptimizerBufs } from './net.js';

/** The backends, fastest first. */
export const BACKENDS = ['wasm-relaxed', 'wasm-simd', 'wasm-scalar', 'js'] as const;
export type BackendName = (typeof BACKENDS)[number];

/**
 * An array owned by an engine: WASM linear memory or a plain typed array. `view()` is valid until
 * the engine next allocates (a `memory.grow` detaches WASM views), so take it fresh each time.
 */
export interface Buf<A extends Float32Array | Float64Array | Uint32Array> {
  readonly length: number;
  view(): A;
}
export type F32Buf = Buf<Float32Array>;
export type F64Buf = Buf<Float64Array>;
export type U32Buf = Buf<Uint32Array>;

/** The element type models compute in: float32 (the default, fastest) or float64 (scikit-learn's). */
export type Dtype = 'float32' | 'float64';
export type FloatArray = Float32Array | Float64Array;
/**
 * Values of either dtype. A kernel runs in the dtype of its data: every float buffer of one call
 * (data, weights, targets, sample weights, scratch) must share it.
 */
export type FloatBuf = Buf<FloatArray>;

/** A new zeroed buffer of `length` values of `dtype`. */
export function floats(engine: Engine, dtype: Dtype, length: number): FloatBuf {
  return dtype === 'float64' ? engine.f64(length) : engine.f32(length);
}

/**
 * Training rows resident in an engine. X is row-major with each row zero-padded from d to
 * `stride` values (a multiple of 4); y holds 0/1 labels; sw the sample weights or null. All three
 * share one dtype.
 */
export interface Rows {
  X: FloatBuf;
  y: FloatBuf;
  sw: FloatBuf | null;
  n: number;
  d: number;
  stride: number;
}

export interface SgdEpochOptions {
  batch: number;
  lr: number;
  /** Coefficient of the L2 term in the mean objective: w_j's gradient gains l2 * w_j. */
  l2: number;
  /** After each step the weights are soft-thresholded by lr * l1 (0: no L1 penalty). */
  l1: number;
  fitIntercept: boolean;
  shuffle: boolean;
}

/**
 * Every kernel the models use, implemented once in WASM (three builds) and once in TypeScript,
 * each in float32 and float64: a call runs in the dtype of the float buffers it is given.
 * Parameter vectors `w` are [stride + 4] values: weights then the intercept at w[stride].
 */
export interface Engine {
  readonly name: BackendName;
  f32(length: number): F32Buf;
  f64(length: number): F64Buf;
  u32(length: number): U32Buf;
  free(buf: Buf<Float32Array | Float64Array | Uint32Array>): void;

  /** Spreads n rows of d floats, stored back to back, to padded rows of `stride`, in place. */
  padRows(X: FloatBuf, n: number, d: number, stride: number): void;
  /** Index of the first NaN or Infinity in x[0..n), or -1. */
  findNonFinite(x: FloatBuf, n: number): number;
  /** out[i] = sigmoid(z[i]); out may be z. */
  sigmoid(z: FloatBuf, out: FloatBuf, n: number): void;
  /** Summed binary cross-entropy of logits z against 0/1 labels y. */
  bceLogits(z: FloatBuf, y: FloatBuf, n: number): number;
  /** out[i] = X[i] . w + intercept. */
  gemvBias(X: FloatBuf, n: number, d: number, stride: number, w: FloatBuf, out: FloatBuf): void;
  /** Full-batch summed loss, returned, and its gradient into grad (f64[stride + 1]). */
  lossGradLogistic(rows: Rows, w: FloatBuf, grad: F64Buf): number;
  /** One epoch of mini-batch SGD, updating w in place; returns the summed loss. */
  epochSgdLogistic(rows: Rows, idx: U32Buf, w: FloatBuf, rng: U32Buf, opts: SgdEpochOptions): number;
  /** Sum of x[0..n): the roofline read of benchmarks. */
  sum(x: FloatBuf, n: number): number;

  // Dense networks (src/engine/net.ts): whole batches and epochs in one call.
  /** Adds the gradient of the summed loss of rows start..start+count of idx into net.grads; returns that loss. */
  netBatchGrad(net: Net, data: NetData, idx: U32Buf | null, start: number, count: number): number;
  /** The full-batch summed loss, and its gradient written to net.grads. */
  netLossGrad(net: Net, data: NetData): number;
  /** One epoch: shuffle, then per batch gradient, penalty and optimizer step; returns the summed loss. */
  epochNet(net: Net, optimizer: OptimizerBufs, data: NetData, idx: U32Buf, rng: U32Buf, opts: NetEpochOptions): number;
  /** Output probabilities of rows start..start+count (count <= maxBatch) into out, ldo floats per row. */
  netPredict(net: Net, X: FloatBuf, start: number, count: number, out: FloatBuf, ldo: number): void;

  // Building blocks for the layer API. Matrices are row-major with rows padded to multiples of 4.
  optimizerStep(optimizer: OptimizerBufs, params: FloatBuf, grads: FloatBuf, n: number): void;
  /** C = A W^T + bias (bias may be null). */
  gemmNT(A: FloatBuf, lda: number, m: number, W: FloatBuf, nOut: number, k: number, bias: FloatBuf | null, C: FloatBuf, ldc: number): void;
  /** dW += D^T A. */
  gemmTNAcc(D: FloatBuf, ldd: number, m: number, nOut: number, A: FloatBuf, lda: number, k: number, dW: FloatBuf): void;
  /** Out = D W. */
  gemmNN(D: FloatBuf, ldd: number, m: number, nOut: number, W: FloatBuf, k: number, Out: FloatBuf, ldo: number): void;
  activation(kind: number, x: FloatBuf, out: FloatBuf, n: number): void;
  activationGrad(kind: number, a: FloatBuf, g: FloatBuf, out: FloatBuf, n: number): void;
  softmaxRows(Z: FloatBuf, ldz: number, m: number, K: number, P: FloatBuf, ldp: number): void;
  softmaxCeRows(Z: FloatBuf, ldz: number, m: number, K: number, labels: U32Buf, sw: FloatBuf | null, D: FloatBuf, ldd: number): number;
  sigmoidBceRows(Z: FloatBuf, ldz: number, m: number, K: number, Y: FloatBuf, ldy: number, sw: FloatBuf | null, D: FloatBuf, ldd: number): number;
}

/** Values per padded row: d rounded up to a multiple of 4, so SIMD rows need no scalar tail. */
export function paddedStride(d: number): number {
  return (d + 3) & ~3;
}
