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

/**
 * Training rows resident in an engine. X is row-major with each row zero-padded from d to
 * `stride` floats (a multiple of 4); y holds 0/1 labels; sw the sample weights or null.
 */
export interface RowsF32 {
  X: F32Buf;
  y: F32Buf;
  sw: F32Buf | null;
  n: number;
  d: number;
  stride: number;
}

export interface SgdEpochOptions {
  batch: number;
  lr: number;
  /** Coefficient of the L2 term in the mean objective: w_j's gradient gains l2 * w_j. */
  l2: number;
  fitIntercept: boolean;
  shuffle: boolean;
}

/**
 * Every kernel the models use, implemented once in WASM (three builds) and once in TypeScript.
 * Parameter vectors `w` are f32[stride + 4]: weights then the intercept at w[stride].
 */
export interface Engine {
  readonly name: BackendName;
  f32(length: number): F32Buf;
  f64(length: number): F64Buf;
  u32(length: number): U32Buf;
  free(buf: Buf<Float32Array | Float64Array | Uint32Array>): void;

  /** Spreads n rows of d floats, stored back to back, to padded rows of `stride`, in place. */
  padRows(X: F32Buf, n: number, d: number, stride: number): void;
  /** Index of the first NaN or Infinity in x[0..n), or -1. */
  findNonFinite(x: F32Buf, n: number): number;
  /** out[i] = sigmoid(z[i]); out may be z. */
  sigmoid(z: F32Buf, out: F32Buf, n: number): void;
  /** Summed binary cross-entropy of logits z against 0/1 labels y. */
  bceLogits(z: F32Buf, y: F32Buf, n: number): number;
  /** out[i] = X[i] . w + intercept. */
  gemvBias(X: F32Buf, n: number, d: number, stride: number, w: F32Buf, out: F32Buf): void;
  /** Full-batch summed loss, returned, and its gradient into grad (f64[stride + 1]). */
  lossGradLogistic(rows: RowsF32, w: F32Buf, grad: F64Buf): number;
  /** One epoch of mini-batch SGD, updating w in place; returns the summed loss. */
  epochSgdLogistic(rows: RowsF32, idx: U32Buf, w: F32Buf, rng: U32Buf, opts: SgdEpochOptions): number;
  /** Sum of x[0..n): the roofline read of benchmarks. */
  sum(x: F32Buf, n: number): number;
}

/** Floats per padded row: d rounded up to a multiple of 4, so SIMD rows need no scalar tail. */
export function paddedStride(d: number): number {
  return (d + 3) & ~3;
}
