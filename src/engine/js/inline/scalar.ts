// Scalar nonlinearities of the twin kernels, as assembly/inline/scalar.ts: computed in f64 whatever
// the arrays' dtype, in the stable forms.

/** sigmoid(z) from e = e^(-|z|): e / (1 + e) for z <= 0, mirrored to 1 - that for z > 0. */
export function sigmoid1(z: number): number {
  const e = Math.exp(-Math.abs(z));
  const f = e / (1 + e);
  return z > 0 ? 1 - f : f;
}

/** Binary cross-entropy of logit z and label y: max(z, 0) - z y + log1p(e^(-|z|)). */
export function bce1(z: number, y: number): number {
  return Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
}
