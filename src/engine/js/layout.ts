/** The twin of assembly/kernels/layout.ts: rows of d floats spread in place to rows of stride. */
export function padRowsF32(X: Float32Array, n: number, d: number, stride: number): void {
  if (d === stride) return;
  for (let i = n - 1; i >= 0; i--) {
    X.copyWithin(i * stride, i * d, i * d + d);
    X.fill(0, i * stride + d, (i + 1) * stride);
  }
}

export function findNonFiniteF32(x: Float32Array, n: number): number {
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (v - v !== 0) return i;
  }
  return -1;
}
