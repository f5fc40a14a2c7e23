// Twins of assembly/kernels/logistic.ts: the same layouts and contracts, computed in f64 over data
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
  let loss = 0;
  for (let start = 0; start < n; start += batch) {
    const rows = Math.min(batch, n - start);
    grad.fill(0, 0, stride + 1);
    loss += logistic_rows(X, y, sw, idx, start, rows, d, stride, w, grad);
    sgdStep(w, grad, d, stride, rows, lr, l2, l1, fitIntercept);
  }
  return loss;
}
export const epoch_sgd_logistic_f32: F32['epoch_sgd_logistic'] = epoch_sgd_logistic;
export const epoch_sgd_logistic_f64: F64['epoch_sgd_logistic'] = epoch_sgd_logistic;

/** The SGD update from a batch's summed gradient over `rows` rows, as the kernel's sgd_step. */
function sgdStep(w: FloatArray, grad: Float64Array, d: number, stride: number, rows: number, lr: number, l2: number, l1: number, fitIntercept: number): void {
  const scale = lr / rows, decay = lr * l2, shrink = lr * l1;
  for (let j = 0; j < d; j++) w[j] = softThreshold(w[j] - scale * grad[j] - decay * w[j], shrink);
  if (fitIntercept) w[stride] -= scale * grad[stride];
}

// 4-row blocks (assembly/inline/logistic-blocks.ts): feature j of lane l of block b at X[(b d + j) 4 + l],
// lane l of block b data row l nb + b, padding lanes (row >= n) skipped; position p is lane p % 4 of
// block order[p / 4].

/** Whether lane l of block b is a data row. */
function isRow(b: number, l: number, n: number, nb: number): boolean {
  return l * nb + b < n;
}

/** The data rows among positions start..end of the order. */
function liveSlots(order: Uint32Array | null, n: number, start: number, end: number): number {
  const nb = Math.ceil(n / 4);
  let live = 0;
  for (let p = start; p < end; p++) if (isRow(order ? order[p >> 2] : p >> 2, p & 3, n, nb)) live++;
  return live;
}

/** Adds the gradient of positions start..end of the block order into grad; returns their loss. */
function logistic_blocks(
  X: FloatArray, y: FloatArray, sw: FloatArray | null, order: Uint32Array | null, n: number, d: number, stride: number,
  w: FloatArray, grad: Float64Array, start: number, end: number,
): number {
  const nb = Math.ceil(n / 4);
  const bias = w[stride];
  let loss = 0;
  let gb = 0;
  for (let p = start; p < end; p++) {
    const b = order ? order[p >> 2] : p >> 2, l = p & 3;
    if (!isRow(b, l, n, nb)) continue;
    const base = b * d * 4 + l;
    let z = bias;
    for (let j = 0; j < d; j++) z += X[base + 4 * j] * w[j];
    const e = Math.exp(-Math.abs(z));
    const f = e / (1 + e);
    const q = z > 0 ? 1 - f : f;
    const slot = 4 * b + l;
    const label = y[slot];
    const weight = sw === null ? 1 : sw[slot];
    const err = (q - label) * weight;
    for (let j = 0; j < d; j++) grad[j] += err * X[base + 4 * j];
    gb += err;
    loss += (Math.max(z, 0) - z * label + Math.log1p(e)) * weight;
  }
  grad[stride] += gb;
  return loss;
}

export function loss_grad_logistic_blocks(
  X: FloatArray, y: FloatArray, sw: FloatArray | null, n: number, d: number, stride: number, w: FloatArray, grad: Float64Array, _scratch: FloatArray | null,
): number {
  grad.fill(0, 0, stride + 1);
  return logistic_blocks(X, y, sw, null, n, d, stride, w, grad, 0, 4 * Math.ceil(n / 4));
}
export const loss_grad_logistic_blocks_f32: F32['loss_grad_logistic_blocks'] = loss_grad_logistic_blocks;
export const loss_grad_logistic_blocks_f64: F64['loss_grad_logistic_blocks'] = loss_grad_logistic_blocks;

export function epoch_sgd_logistic_blocks(
  X: FloatArray, y: FloatArray, sw: FloatArray | null, order: Uint32Array, n: number, d: number, stride: number,
  w: FloatArray, grad: Float64Array, _scratch: FloatArray | null, rng: Uint32Array, start: number, count: number,
  batch: number, lr: number, l2: number, l1: number, fitIntercept: number, shuffle: number,
): number {
  if (shuffle) shuffleU32(order, Math.ceil(n / 4), rng);
  let loss = 0;
  for (let s = start, end = start + count; s < end; s += batch) {
    const e = Math.min(s + batch, end);
    const rows = liveSlots(order, n, s, e);
    if (rows === 0) continue;
    grad.fill(0, 0, stride + 1);
    loss += logistic_blocks(X, y, sw, order, n, d, stride, w, grad, s, e);
    sgdStep(w, grad, d, stride, rows, lr, l2, l1, fitIntercept);
  }
  return loss;
}
export const epoch_sgd_logistic_blocks_f32: F32['epoch_sgd_logistic_blocks'] = epoch_sgd_logistic_blocks;
export const epoch_sgd_logistic_blocks_f64: F64['epoch_sgd_logistic_blocks'] = epoch_sgd_logistic_blocks;
