// Twins of assembly/kernels/loss.ts. The output heads write the gradient of the summed loss with
// respect to m rows of logits into D (padding columns up to ldd zeroed) and return the summed
// (sample-weighted) loss; targets and sample weights belong to data rows, through idx from start.
import type { ArrayOps } from '../../kernels.js';
import type { FloatArray } from '../../memory.js';
import { bce1, sigmoid1 } from '../inline/scalar.js';
import { exp_shifted_row, row_max } from './activation.js';

type F32 = ArrayOps<Float32Array>;
type F64 = ArrayOps<Float64Array>;

export function bce_logits(z: FloatArray, y: FloatArray, n: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) total += bce1(z[i], y[i]);
  return total;
}
export const bce_logits_f32: F32['bce_logits'] = bce_logits;
export const bce_logits_f64: F64['bce_logits'] = bce_logits;

/** Softmax cross-entropy against class indices: D = (p - onehot) sw. */
export function softmax_ce_rows(
  Z: FloatArray, ldz: number, m: number, K: number, labels: Uint32Array,
  idx: Uint32Array | null, start: number, sw: FloatArray | null, D: FloatArray, ldd: number,
): number {
  let total = 0;
  for (let i = 0; i < m; i++) {
    const z = i * ldz, d = i * ldd;
    const r = idx ? idx[start + i] : start + i;
    const weight = sw === null ? 1 : sw[r];
    const mx = row_max(Z, z, K);
    const sum = exp_shifted_row(Z, z, K, mx, D, d);
    const scale = weight / sum;
    for (let k = 0; k < K; k++) D[d + k] *= scale;
    const y = labels[r];
    D[d + y] -= weight;
    D.fill(0, d + K, d + ldd);
    // -log p_y = log(sum) + max - z_y
    total += weight * (Math.log(sum) + mx - Z[z + y]);
  }
  return total;
}
export const softmax_ce_rows_f32: F32['softmax_ce_rows'] = softmax_ce_rows;
export const softmax_ce_rows_f64: F64['softmax_ce_rows'] = softmax_ce_rows;

/** Binary cross-entropy of K independent sigmoid outputs against 0/1 targets Y (ldy values per data row). */
export function sigmoid_bce_rows(
  Z: FloatArray, ldz: number, m: number, K: number, Y: FloatArray, ldy: number,
  idx: Uint32Array | null, start: number, sw: FloatArray | null, D: FloatArray, ldd: number,
): number {
  let total = 0;
  for (let i = 0; i < m; i++) {
    const z = i * ldz, d = i * ldd;
    const r = idx ? idx[start + i] : start + i;
    const y = r * ldy;
    const weight = sw === null ? 1 : sw[r];
    let rowLoss = 0;
    for (let k = 0; k < K; k++) {
      const zk = Z[z + k], yk = Y[y + k];
      D[d + k] = (sigmoid1(zk) - yk) * weight;
      rowLoss += bce1(zk, yk);
    }
    D.fill(0, d + K, d + ldd);
    total += rowLoss * weight;
  }
  return total;
}
export const sigmoid_bce_rows_f32: F32['sigmoid_bce_rows'] = sigmoid_bce_rows;
export const sigmoid_bce_rows_f64: F64['sigmoid_bce_rows'] = sigmoid_bce_rows;
