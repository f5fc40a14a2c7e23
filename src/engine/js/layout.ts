import type { FloatArray } from '../engine.js';

/** The twin of assembly/kernels/layout.ts: rows of d values spread in place to rows of stride. */
export function padRows(X: FloatArray, n: number, d: number, stride: number): void {
  if (d === stride) return;
  for (let i = n - 1; i >= 0; i--) {
    X.copyWithin(i * stride, i * d, i * d + d);
    X.fill(0, i * stride + d, (i + 1) * stride);
  }
}

export function findNonFinite(x: FloatArray, n: number): number {
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (v - v !== 0) return i;
  }
  return -1;
}
