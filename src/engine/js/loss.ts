// Output heads, twins of the ones in assembly/kernels/loss.ts: the gradient of the summed loss
// with respect to m rows of logits goes to D (padding columns zeroed); the summed loss is returned.
import type { FloatArray } from '../engine.js';
import { bceLogit, sigmoid } from './activation.js';

export function softmaxCeRows(
  Z: FloatArray, zOff: number, ldz: number, m: number, K: number, labels: Uint32Array,
  idx: Uint32Array | null, start: number, sw: FloatArray | null, D: FloatArray, dOff: number, ldd: number,
): number {
  let total = 0;
  for (let i = 0; i < m; i++) {
    const z = zOff + i * ldz, d = dOff + i * ldd;
    const r = idx ? idx[start + i] : start + i;
    const weight = sw === null ? 1 : sw[r];
    let mx = Z[z];
    for (let k = 1; k < K; k++) mx = Math.max(mx, Z[z + k]);
    let sum = 0;
    for (let k = 0; k < K; k++) sum += (D[d + k] = Math.exp(Z[z + k] - mx));
    const scale = weight / sum;
    for (let k = 0; k < K; k++) D[d + k] *= scale;
    const y = labels[r];
    D[d + y] -= weight;
    D.fill(0, d + K, d + ldd);
    total += weight * (Math.log(sum) + mx - Z[z + y]);
  }
  return total;
}

export function sigmoidBceRows(
  Z: FloatArray, zOff: number, ldz: number, m: number, K: number, Y: FloatArray, ldy: number,
  idx: Uint32Array | null, start: number, sw: FloatArray | null, D: FloatArray, dOff: number, ldd: number,
): number {
  let total = 0;
  for (let i = 0; i < m; i++) {
    const z = zOff + i * ldz, d = dOff + i * ldd;
    const r = idx ? idx[start + i] : start + i;
    const y = r * ldy;
    const weight = sw === null ? 1 : sw[r];
    let rowLoss = 0;
    for (let k = 0; k < K; k++) {
      D[d + k] = (sigmoid(Z[z + k]) - Y[y + k]) * weight;
      rowLoss += bceLogit(Z[z + k], Y[y + k]);
    }
    D.fill(0, d + K, d + ldd);
    total += rowLoss * weight;
  }
  return total;
}
