// The TypeScript twin of assembly/inline/logistic.ts and kernels/train.ts: the same layout and
// contract, computed in f64 over data of either dtype.
import { shuffleU32 } from '../../core/rng.js';
import { softThreshold } from '../../core/prox.js';
import type { FloatArray, SgdEpochOptions } from '../engine.js';

export interface RowsView {
  X: FloatArray;
  y: FloatArray;
  sw: FloatArray | null;
  d: number;
  stride: number;
}

/** Adds the gradient of rows idx[start..start+count) (or start.. in order) into grad; returns their loss sum. */
export function logisticRows(r: RowsView, idx: Uint32Array | null, start: number, count: number, w: FloatArray, grad: Float64Array): number {
  const { X, y, sw, d, stride } = r;
  const bias = w[stride];
  let loss = 0;
  let gb = 0;
  for (let k = start, end = start + count; k < end; k++) {
    const row = idx ? idx[k] : k;
    const base = row * stride;
    let z = bias;
    for (let j = 0; j < d; j++) z += X[base + j] * w[j];
    // One exponential serves both the sigmoid and the loss, as in the WASM kernel.
    const e = Math.exp(-Math.abs(z));
    const f = e / (1 + e);
    const p = z > 0 ? 1 - f : f;
    const label = y[row];
    const weight = sw === null ? 1 : sw[row];
    const err = (p - label) * weight;
    for (let j = 0; j < d; j++) grad[j] += err * X[base + j];
    gb += err;
    loss += (Math.max(z, 0) - z * label + Math.log1p(e)) * weight;
  }
  grad[stride] += gb;
  return loss;
}

export function lossGradLogistic(r: RowsView, n: number, w: FloatArray, grad: Float64Array): number {
  grad.fill(0, 0, r.stride + 1);
  return logisticRows(r, null, 0, n, w, grad);
}

/** One epoch of mini-batch SGD; grad (f64[stride + 1]) is scratch. */
export function epochSgdLogistic(
  r: RowsView, n: number, idx: Uint32Array, w: FloatArray, rng: Uint32Array, grad: Float64Array, o: SgdEpochOptions,
): number {
  if (o.shuffle) shuffleU32(idx, n, rng);
  const { d, stride } = r;
  let loss = 0;
  for (let start = 0; start < n; start += o.batch) {
    const rows = Math.min(o.batch, n - start);
    grad.fill(0, 0, stride + 1);
    loss += logisticRows(r, idx, start, rows, w, grad);
    const scale = o.lr / rows;
    const decay = o.lr * o.l2, shrink = o.lr * o.l1;
    for (let j = 0; j < d; j++) w[j] = softThreshold(w[j] - scale * grad[j] - decay * w[j], shrink);
    if (o.fitIntercept) w[stride] -= scale * grad[stride];
  }
  return loss;
}
