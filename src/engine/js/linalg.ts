/** out[i] = X[i] . w + w[stride] over padded rows (the logits of a linear model). */
export function gemvBiasF32(X: Float32Array, n: number, d: number, stride: number, w: Float32Array, out: Float32Array): void {
  const bias = w[stride];
  for (let i = 0; i < n; i++) {
    const base = i * stride;
    let z = bias;
    for (let j = 0; j < d; j++) z += X[base + j] * w[j];
    out[i] = z;
  }
}

export function sumF32(x: Float32Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i];
  return s;
}
