// Binary logistic regression, whole: the full-batch loss and gradient, and a mini-batch SGD epoch,
// over padded rows (layout as in inline/logistic-f32.ts) or, for narrow data, over 4-row blocks
// (the *_blocks kernels, layout as in inline/logistic-blocks.ts). X, y, sw and w in T; grad
// f64[stride + 1]. `scratch` is the f32 kernels' vector scratch (16-byte aligned, 32 * stride + 16
// bytes); the f64 kernels take the same parameter list and ignore it.
import { logistic_rows_f32 } from '../inline/logistic-f32';
import { logistic_rows_f64 } from '../inline/logistic-f64';
import { logistic_blocks, live_slots } from '../inline/logistic-blocks';
import { shuffle_u32 } from '../inline/rng';
import { soft_threshold } from '../inline/simd';

/** Adds the loss gradient of rows start..start+count of idx into grad and returns their loss, in T's kernel. */
// @ts-ignore: decorator
@inline function logistic_rows<T>(
  X: usize, y: usize, sw: usize, idx: usize, start: i32, count: i32, d: i32, stride: i32, w: usize, grad: usize, scratch: usize,
): f64 {
  return sizeof<T>() == 4
    ? logistic_rows_f32(X, y, sw, idx, start, count, d, stride, w, grad, scratch)
    : logistic_rows_f64(X, y, sw, idx, start, count, d, stride, w, grad);
}

/**
 * The full-batch pass, fused: logits, sigmoid, the summed (sample-weighted) log-loss, returned,
 * and its gradient sum_i sw_i (p_i - y_i) [x_i, 1], written to grad (intercept last). No penalty.
 */
function loss_grad_logistic<T>(X: usize, y: usize, sw: usize, n: i32, d: i32, stride: i32, w: usize, grad: usize, scratch: usize): f64 {
  memory.fill(grad, 0, <usize>(stride + 1) << 3);
  return logistic_rows<T>(X, y, sw, 0, 0, n, d, stride, w, grad, scratch);
}

export function loss_grad_logistic_f32(X: usize, y: usize, sw: usize, n: i32, d: i32, stride: i32, w: usize, grad: usize, scratch: usize): f64 {
  return loss_grad_logistic<f32>(X, y, sw, n, d, stride, w, grad, scratch);
}
export function loss_grad_logistic_f64(X: usize, y: usize, sw: usize, n: i32, d: i32, stride: i32, w: usize, grad: usize, scratch: usize): f64 {
  return loss_grad_logistic<f64>(X, y, sw, n, d, stride, w, grad, scratch);
}

/**
 * One whole epoch of mini-batch SGD in one call: shuffle the row order `idx` (u32[n]) with the
 * xoshiro128** state at `rng` when `shuffle` is set, then for each batch of `batch` rows: forward,
 * backward, and the plain SGD update of sgd_step. grad is scratch here. Returns the epoch's summed (sample-weighted) loss, each row's taken before
 * its batch's update.
 */
function epoch_sgd_logistic<T>(
  X: usize, y: usize, sw: usize, idx: usize, n: i32, d: i32, stride: i32,
  w: usize, grad: usize, scratch: usize, rng: usize,
  batch: i32, lr: T, l2: T, l1: T, fitIntercept: bool, shuffle: bool,
): f64 {
  if (shuffle) shuffle_u32(idx, n, rng);
  let loss: f64 = 0;
  const gradBytes = <usize>(stride + 1) << 3;
  for (let start = 0; start < n; start += batch) {
    const rows = min(batch, n - start);
    memory.fill(grad, 0, gradBytes);
    loss += logistic_rows<T>(X, y, sw, idx, start, rows, d, stride, w, grad, scratch);
    sgd_step<T>(w, grad, d, stride, rows, lr, l2, l1, fitIntercept);
  }
  return loss;
}

/**
 * The plain SGD update from a batch's summed gradient over `rows` rows:
 *   w_j -= lr * (grad_j / rows + l2 * w_j),   intercept -= lr * grad_b / rows (when fitIntercept),
 * then w_j soft-thresholded by lr * l1 (truncated gradient: an L1 penalty gives exact zeros).
 */
// @ts-ignore: decorator
@inline function sgd_step<T>(w: usize, grad: usize, d: i32, stride: i32, rows: i32, lr: T, l2: T, l1: T, fitIntercept: bool): void {
  const scale = <f64>lr / <f64>rows;
  for (let j = 0; j < d; j++) {
    const wj = w + (<usize>j << alignof<T>());
    const v = load<T>(wj);
    store<T>(wj, soft_threshold<T>(v - <T>(scale * load<f64>(grad + (<usize>j << 3))) - lr * l2 * v, lr * l1));
  }
  if (fitIntercept) {
    const wb = w + (<usize>stride << alignof<T>());
    store<T>(wb, load<T>(wb) - <T>(scale * load<f64>(grad + (<usize>stride << 3))));
  }
}

export function epoch_sgd_logistic_f32(
  X: usize, y: usize, sw: usize, idx: usize, n: i32, d: i32, stride: i32,
  w: usize, grad: usize, scratch: usize, rng: usize,
  batch: i32, lr: f32, l2: f32, l1: f32, fitIntercept: bool, shuffle: bool,
): f64 {
  return epoch_sgd_logistic<f32>(X, y, sw, idx, n, d, stride, w, grad, scratch, rng, batch, lr, l2, l1, fitIntercept, shuffle);
}
export function epoch_sgd_logistic_f64(
  X: usize, y: usize, sw: usize, idx: usize, n: i32, d: i32, stride: i32,
  w: usize, grad: usize, scratch: usize, rng: usize,
  batch: i32, lr: f64, l2: f64, l1: f64, fitIntercept: bool, shuffle: bool,
): f64 {
  return epoch_sgd_logistic<f64>(X, y, sw, idx, n, d, stride, w, grad, scratch, rng, batch, lr, l2, l1, fitIntercept, shuffle);
}

/** The full-batch pass of loss_grad_logistic over 4-row blocks (n rows, blocks in storage order). */
function loss_grad_logistic_blocks<T>(X: usize, y: usize, sw: usize, n: i32, d: i32, stride: i32, w: usize, grad: usize, scratch: usize): f64 {
  memory.fill(grad, 0, <usize>(stride + 1) << 3);
  return logistic_blocks<T>(X, y, sw, 0, n, d, stride, w, grad, scratch, 0, ((n + 3) >> 2) << 2);
}

export function loss_grad_logistic_blocks_f32(X: usize, y: usize, sw: usize, n: i32, d: i32, stride: i32, w: usize, grad: usize, scratch: usize): f64 {
  return loss_grad_logistic_blocks<f32>(X, y, sw, n, d, stride, w, grad, scratch);
}
export function loss_grad_logistic_blocks_f64(X: usize, y: usize, sw: usize, n: i32, d: i32, stride: i32, w: usize, grad: usize, scratch: usize): f64 {
  return loss_grad_logistic_blocks<f64>(X, y, sw, n, d, stride, w, grad, scratch);
}

/**
 * epoch_sgd_logistic over 4-row blocks: shuffle the block order `order` (u32[ceil(n / 4)]) when
 * `shuffle` is set, then take positions start..start+count of it (4 per block: the whole epoch is
 * 0..4 ceil(n / 4)) in batches of `batch` positions, each updated by sgd_step over its data rows
 * (padding lanes do not count; a batch of padding only is skipped). count 0 only shuffles.
 */
function epoch_sgd_logistic_blocks<T>(
  X: usize, y: usize, sw: usize, order: usize, n: i32, d: i32, stride: i32,
  w: usize, grad: usize, scratch: usize, rng: usize, start: i32, count: i32,
  batch: i32, lr: T, l2: T, l1: T, fitIntercept: bool, shuffle: bool,
): f64 {
  if (shuffle) shuffle_u32(order, (n + 3) >> 2, rng);
  let loss: f64 = 0;
  const gradBytes = <usize>(stride + 1) << 3;
  for (let s = start, end = start + count; s < end; s += batch) {
    const e = min(s + batch, end);
    const rows = live_slots(order, n, s, e);
    if (rows == 0) continue;
    memory.fill(grad, 0, gradBytes);
    loss += logistic_blocks<T>(X, y, sw, order, n, d, stride, w, grad, scratch, s, e);
    sgd_step<T>(w, grad, d, stride, rows, lr, l2, l1, fitIntercept);
  }
  return loss;
}

export function epoch_sgd_logistic_blocks_f32(
  X: usize, y: usize, sw: usize, order: usize, n: i32, d: i32, stride: i32,
  w: usize, grad: usize, scratch: usize, rng: usize, start: i32, count: i32,
  batch: i32, lr: f32, l2: f32, l1: f32, fitIntercept: bool, shuffle: bool,
): f64 {
  return epoch_sgd_logistic_blocks<f32>(X, y, sw, order, n, d, stride, w, grad, scratch, rng, start, count, batch, lr, l2, l1, fitIntercept, shuffle);
}
export function epoch_sgd_logistic_blocks_f64(
  X: usize, y: usize, sw: usize, order: usize, n: i32, d: i32, stride: i32,
  w: usize, grad: usize, scratch: usize, rng: usize, start: i32, count: i32,
  batch: i32, lr: f64, l2: f64, l1: f64, fitIntercept: bool, shuffle: bool,
): f64 {
  return epoch_sgd_logistic_blocks<f64>(X, y, sw, order, n, d, stride, w, grad, scratch, rng, start, count, batch, lr, l2, l1, fitIntercept, shuffle);
}
