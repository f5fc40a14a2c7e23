// Twins of assembly/kernels/ingest.ts.
import type { ArrayOps } from '../../kernels.js';
import type { FloatArray } from '../../memory.js';

type F32 = ArrayOps<Float32Array>;
type F64 = ArrayOps<Float64Array>;

/** Rows start..start+n, back to back, spread in place to rows of stride (padding zeroed); the first non-finite index from row start, or -1. */
export function settle_rows(X: FloatArray, start: number, n: number, d: number, stride: number): number {
  const base = start * stride;
  if (d !== stride) {
    for (let i = n - 1; i >= 0; i--) {
      X.copyWithin(base + i * stride, base + i * d, base + i * d + d);
      X.fill(0, base + i * stride + d, base + (i + 1) * stride);
    }
  }
  for (let k = 0; k < n * stride; k++) {
    const v = X[base + k];
    if (v - v !== 0) return k;
  }
  return -1;
}
export const settle_rows_f32: F32['settle_rows'] = settle_rows;
export const settle_rows_f64: F64['settle_rows'] = settle_rows;
