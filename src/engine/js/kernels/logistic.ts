// Twins of assembly/kernels/logistic.ts: the same layout and contract, computed in f64 over data
// of either dtype. There is no vector scratch to use: `scratch` is taken and ignored.
import { softThreshold } from '../../../core/prox.js';
import { shuffleU32 } from '../../../core/rng.js';
import type { ArrayOps } from '../../kernels.js';
import type { FloatArray } from '../../memory.js';

type F32 = ArrayOps<Float32Array>;
type F64 = ArrayOps<Float64Array>;

/** Adds the gradient of rows start..start+count (through idx, or in order) into grad; returns their loss. */
function logistic_rows(
  X: FloatArray, y: FloatArray, sw: FloatArray | null, idx: Uint32Array | null, start: number, count: number,
  d: number, stride: number, w: FloatArray, grad: Float64Array,
): number {
  const bias = w[stride];
  let loss = 0;
  let gb = 0;
  for (let k = start, end = start + count; k < end; k++) {
    const row = idx ? idx[k] : k;
    const base = row * stride;
    let z = 0;
    for (let j = 0; j < d; j++) z += X[base + j] * w[j];
    z += bias;
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

export function loss_grad_logistic(
  X: FloatArray, y: FloatArray, sw: FloatArray | null, n: number, d: number, stride: number, w: FloatArray, grad: Float64Array, _scratch: FloatArray | null,
): number {
  grad.fill(0, 0, stride + 1);
  return logistic_rows(X, y, sw, null, 0, n, d, stride, w, grad);
}
export const loss_grad_logistic_f32: F32['loss_grad_logistic'] = loss_grad_logistic;
export const loss_grad_logistic_f64: F64['loss_grad_logistic'] = loss_grad_logistic;

export function epoch_sgd_logistic(
  X: FloatArray, y: FloatArray, sw: FloatArray | null, idx: Uint32Array, n: number, d: number, stride: number,
  w: FloatArray, grad: Float64Array, _scratch: FloatArray | null, rng: Uint32Array,
  batch: number, lr: number, l2: number, l1: number, fitIntercept: number, shuffle: number,
): number {
  if (shuffle) shuffleU32(idx, n, rng);
  const decay = lr * l2, shrink = lr * l1;
  let loss = 0;
  for (let start = 0; start < n; start += batch) {
    const rows = Math.min(batch, n - start);
    grad.fill(0, 0, stride + 1);
    loss += logistic_rows(X, y, sw, idx, start, rows, d, stride, w, grad);
    const scale = lr / rows;
    for (let j = 0; j < d; j++) w[j] = softThreshold(w[j] - scale * grad[j] - decay * w[j], shrink);
    if (fitIntercept) w[stride] -= scale * grad[stride];
  }
  return loss;
}
export const epoch_sgd_logistic_f32: F32['epoch_sgd_logistic'] = epoch_sgd_logistic;
export const epoch_sgd_logistic_f64: F64['epoch_sgd_logistic'] = epoch_sgd_logistic;
