// Twins of assembly/kernels/activation.ts: each takes the export's parameters, arrays for pointers,
// computes in f64 and stores in the arrays' own dtype.
import { ACT_IDENTITY, ACT_LOGISTIC, ACT_RELU, ACT_TANH } from '../../formats.js';
import type { ArrayOps } from '../../kernels.js';
import type { FloatArray } from '../../memory.js';
import { sigmoid1 } from '../inline/scalar.js';

type F32 = ArrayOps<Float32Array>;
type F64 = ArrayOps<Float64Array>;

export function sigmoid(z: FloatArray, out: FloatArray, n: number): void {
  for (let i = 0; i < n; i++) out[i] = sigmoid1(z[i]);
}
export const sigmoid_f32: F32['sigmoid'] = sigmoid;
export const sigmoid_f64: F64['sigmoid'] = sigmoid;

export function activation(kind: number, x: FloatArray, out: FloatArray, n: number): void {
  if (kind === ACT_IDENTITY) {
    if (out !== x) out.set(x.subarray(0, Math.max(n, 0))); // subarray(0, -5) would be all but 5
  } else if (kind === ACT_LOGISTIC) {
    sigmoid(x, out, n);
  } else if (kind === ACT_RELU) {
    for (let i = 0; i < n; i++) {
      const v = x[i];
      out[i] = v > 0 ? v : 0;
    }
  } else {
    for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]);
  }
}
export const activation_f32: F32['activation'] = activation;
export const activation_f64: F64['activation'] = activation;

export function activation_grad(kind: number, a: FloatArray, g: FloatArray, out: FloatArray, n: number): void {
  if (kind === ACT_IDENTITY) {
    if (out !== g) out.set(g.subarray(0, Math.max(n, 0)));
  } else if (kind === ACT_RELU) {
    for (let i = 0; i < n; i++) out[i] = a[i] > 0 ? g[i] : 0;
  } else if (kind === ACT_TANH) {
    for (let i = 0; i < n; i++) {
      const av = a[i];
      out[i] = g[i] * (1 - av * av);
    }
  } else {
    for (let i = 0; i < n; i++) {
      const av = a[i];
      out[i] = g[i] * av * (1 - av);
    }
  }
}
export const activation_grad_f32: F32['activation_grad'] = activation_grad;
export const activation_grad_f64: F64['activation_grad'] = activation_grad;

export function softmax_rows(Z: FloatArray, ldz: number, m: number, K: number, P: FloatArray, ldp: number): void {
  for (let i = 0; i < m; i++) {
    const z = i * ldz, p = i * ldp;
    const inv = 1 / exp_shifted_row(Z, z, K, row_max(Z, z, K), P, p);
    for (let k = 0; k < K; k++) P[p + k] *= inv;
  }
}
export const softmax_rows_f32: F32['softmax_rows'] = softmax_rows;
export const softmax_rows_f64: F64['softmax_rows'] = softmax_rows;

/** The largest of the K values from Z[z]. */
export function row_max(Z: FloatArray, z: number, K: number): number {
  let mx = Z[z];
  for (let k = 1; k < K; k++) mx = Math.max(mx, Z[z + k]);
  return mx;
}

/** out[o + k] = exp(Z[z + k] - mx) for K values; returns their sum. */
export function exp_shifted_row(Z: FloatArray, z: number, K: number, mx: number, out: FloatArray, o: number): number {
  let sum = 0;
  for (let k = 0; k < K; k++) sum += out[o + k] = Math.exp(Z[z + k] - mx);
  return sum;
}
