// Output heads, twins of the ones in assembly/kernels/loss.ts: the gradient of the summed loss
// with respect to m rows of logits goes to D (padding columns zeroed); the summed loss is returned.
import type { FloatArray } from '../engine.js';
import { bceLogit, sigmoid } from './activation.js';

/**
 * What both heads do per row: find the row's logits z in Z and gradient d in D, its data row r
 * (through idx, from start) and sample weight; `row` writes D's K real values and returns the row's
 * unweighted loss. The padding columns of D are zeroed; returns the sample-weighted sum of the losses.
 */
function sumRows(
  zOff: number, ldz: number, m: number, K: number, idx: Uint32Array | null, start: number, sw: FloatArray | null,
  D: FloatArray, dOff: number, ldd: number, row: (z: number, d: number, r: number, weight: number) => number,
): number {
  let total = 0;
  for (let i = 0; i < m; i++) {
    const z = zOff + i * ldz, d = dOff + i * ldd;
    const r = idx ? idx[start + i] : start + i;
    const weight = sw === null ? 1 : sw[r];
    const loss = row(z, d, r, weight);
    D.fill(0, d + K, d + ldd);
    total += weight * loss;
  }
  return total;
}

export function softmaxCeRows(
  Z: FloatArray, zOff: number, ldz: number, m: number, K: number, labels: Uint32Array,
  idx: Uint32Array | null, start: number, sw: FloatArray | null, D: FloatArray, dOff: number, ldd: number,
): number {
  return sumRows(zOff, ldz, m, K, idx, start, sw, D, dOff, ldd, (z, d, r, weight) => {
    let mx = Z[z];
    for (let k = 1; k < K; k++) mx = Math.max(mx, Z[z + k]);
    let sum = 0;
    for (let k = 0; k < K; k++) sum += (D[d + k] = Math.exp(Z[z + k] - mx));
    const scale = weight / sum;
    for (let k = 0; k < K; k++) D[d + k] *= scale;
    const y = labels[r];
    D[d + y] -= weight;
    return Math.log(sum) + mx - Z[z + y];
  });
}

export function sigmoidBceRows(
  Z: FloatArray, zOff: number, ldz: number, m: number, K: number, Y: FloatArray, ldy: number,
  idx: Uint32Array | null, start: number, sw: FloatArray | null, D: FloatArray, dOff: number, ldd: number,
): number {
  return sumRows(zOff, ldz, m, K, idx, start, sw, D, dOff, ldd, (z, d, r, weight) => {
    const y = r * ldy;
    let rowLoss = 0;
    for (let k = 0; k < K; k++) {
      D[d + k] = (sigmoid(Z[z + k]) - Y[y + k]) * weight;
      rowLoss += bceLogit(Z[z + k], Y[y + k]);
    }
    return rowLoss;
  });
}
