/** Stable sigmoid: computed on -|z| so exp never overflows, mirrored for z > 0. */
export function sigmoid(z: number): number {
  const e = Math.exp(-Math.abs(z));
  const f = e / (1 + e);
  return z > 0 ? 1 - f : f;
}

/** Binary cross-entropy of logit z and label y: max(z, 0) - z y + log1p(e^(-|z|)). */
export function bceLogit(z: number, y: number): number {
  return Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
}

export function sigmoidF32(z: Float32Array, out: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) out[i] = sigmoid(z[i]);
}

export function bceLogitsF32(z: Float32Array, y: Float32Array, n: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) total += bceLogit(z[i], y[i]);
  return total;
}
