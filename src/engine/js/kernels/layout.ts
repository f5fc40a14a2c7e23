// Twins of assembly/kernels/layout.ts.
import type { ArrayOps } from '../../kernels.js';
import type { FloatArray } from '../../memory.js';

type F32 = ArrayOps<Float32Array>;
type F64 = ArrayOps<Float64Array>;

/** Rows of d values spread in place to rows of stride, padding zeroed; from the last row, as they overlap. */
export function pad_rows(X: FloatArray, n: number, d: number, stride: number): void {
  if (d === stride) return;
  for (let i = n - 1; i >= 0; i--) {
    X.copyWithin(i * stride, i * d, i * d + d);
    X.fill(0, i * stride + d, (i + 1) * stride);
  }
}
export const pad_rows_f32: F32['pad_rows'] = pad_rows;
export const pad_rows_f64: F64['pad_rows'] = pad_rows;

export function find_nonfinite(x: FloatArray, n: number): number {
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (v - v !== 0) return i;
  }
  return -1;
}
export const find_nonfinite_f32: F32['find_nonfinite'] = find_nonfinite;
export const find_nonfinite_f64: F64['find_nonfinite'] = find_nonfinite;
