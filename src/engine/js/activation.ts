// Twins of assembly/kernels/activation.ts over either dtype: they compute in f64 and store in the
// arrays' own precision.
import type { FloatArray } from '../engine.js';

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

export function sigmoidValues(z: FloatArray, out: FloatArray, n: number): void {
  for (let i = 0; i < n; i++) out[i] = sigmoid(z[i]);
}

export function bceLogitsSum(z: FloatArray, y: FloatArray, n: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) total += bceLogit(z[i], y[i]);
  return total;
}

export const IDENTITY = 0, RELU = 1, TANH = 2, LOGISTIC = 3;

/** out = act(x) over n values from the given offsets. */
export function activation(kind: number, x: FloatArray, xOff: number, out: FloatArray, oOff: number, n: number): void {
  for (let i = 0; i < n; i++) {
    const v = x[xOff + i];
    out[oOff + i] = kind === RELU ? (v > 0 ? v : 0) : kind === TANH ? Math.tanh(v) : kind === LOGISTIC ? sigmoid(v) : v;
  }
}

/** out = g * act'(.), the derivative written with the activation's output a. */
export function activationGrad(kind: number, a: FloatArray, aOff: number, g: FloatArray, gOff: number, out: FloatArray, oOff: number, n: number): void {
  for (let i = 0; i < n; i++) {
    const av = a[aOff + i], gv = g[gOff + i];
    out[oOff + i] = kind === RELU ? (av > 0 ? gv : 0) : kind === TANH ? gv * (1 - av * av) : kind === LOGISTIC ? gv * av * (1 - av) : gv;
  }
}

/** Row-wise softmax of m rows of K logits, the row max subtracted first. */
export function softmaxRows(Z: FloatArray, zOff: number, ldz: number, m: number, K: number, P: FloatArray, pOff: number, ldp: number): void {
  for (let i = 0; i < m; i++) {
    const z = zOff + i * ldz, p = pOff + i * ldp;
    let mx = Z[z];
    for (let k = 1; k < K; k++) mx = Math.max(mx, Z[z + k]);
    let sum = 0;
    for (let k = 0; k < K; k++) sum += (P[p + k] = Math.exp(Z[z + k] - mx));
    for (let k = 0; k < K; k++) P[p + k] /= sum;
  }
}
