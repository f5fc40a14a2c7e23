// Twins of assembly/kernels/linalg.ts. Rows of A may be taken through idx from start (idx null:
// rows start.. in storage order); padding columns are read like any other, as the WASM kernels do.
import type { ArrayOps } from '../../kernels.js';
import type { FloatArray } from '../../memory.js';

type F32 = ArrayOps<Float32Array>;
type F64 = ArrayOps<Float64Array>;

/** out[i] = X_i . w + w[stride] over the d real values of n padded rows. */
export function gemv_bias(X: FloatArray, n: number, d: number, stride: number, w: FloatArray, out: FloatArray): void {
  const bias = w[stride];
  for (let i = 0; i < n; i++) {
    const base = i * stride;
    let z = 0;
    for (let j = 0; j < d; j++) z += X[base + j] * w[j];
    out[i] = z + bias;
  }
}
export const gemv_bias_f32: F32['gemv_bias'] = gemv_bias;
export const gemv_bias_f64: F64['gemv_bias'] = gemv_bias;

/** C[i][o] = A_i . W_o + bias[o] for m rows and nOut outputs; W is nOut x k. */
export function gemm_nt(
  A: FloatArray, lda: number, idx: Uint32Array | null, start: number, m: number,
  W: FloatArray, nOut: number, k: number, bias: FloatArray | null, C: FloatArray, ldc: number,
): void {
  for (let i = 0; i < m; i++) {
    const a = (idx ? idx[start + i] : start + i) * lda;
    const c = i * ldc;
    for (let o = 0; o < nOut; o++) {
      const w = o * k;
      let s = 0;
      for (let q = 0; q < k; q++) s += A[a + q] * W[w + q];
      C[c + o] = bias ? s + bias[o] : s;
    }
  }
}
export const gemm_nt_f32: F32['gemm_nt'] = gemm_nt;
export const gemm_nt_f64: F64['gemm_nt'] = gemm_nt;

/** dW[o] += sum_i D[i][o] A_i over m rows; dW is nOut x k. */
export function gemm_tn_acc(
  D: FloatArray, ldd: number, m: number, nOut: number,
  A: FloatArray, lda: number, idx: Uint32Array | null, start: number, k: number, dW: FloatArray,
): void {
  for (let i = 0; i < m; i++) {
    const a = (idx ? idx[start + i] : start + i) * lda;
    const d = i * ldd;
    for (let o = 0; o < nOut; o++) {
      const g = D[d + o];
      if (g === 0) continue;
      const w = o * k;
      for (let q = 0; q < k; q++) dW[w + q] += g * A[a + q];
    }
  }
}
export const gemm_tn_acc_f32: F32['gemm_tn_acc'] = gemm_tn_acc;
export const gemm_tn_acc_f64: F64['gemm_tn_acc'] = gemm_tn_acc;

/** Out[i] = sum_o D[i][o] W[o] for m rows; W is nOut x k. */
export function gemm_nn(D: FloatArray, ldd: number, m: number, nOut: number, W: FloatArray, k: number, Out: FloatArray, ldo: number): void {
  for (let i = 0; i < m; i++) {
    const out = i * ldo;
    Out.fill(0, out, out + k);
    const d = i * ldd;
    for (let o = 0; o < nOut; o++) {
      const g = D[d + o];
      if (g === 0) continue;
      const w = o * k;
      for (let q = 0; q < k; q++) Out[out + q] += g * W[w + q];
    }
  }
}
export const gemm_nn_f32: F32['gemm_nn'] = gemm_nn;
export const gemm_nn_f64: F64['gemm_nn'] = gemm_nn;
