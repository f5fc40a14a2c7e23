import { logistic_rows_f32 } from '../inline/logistic';
import { logistic_rows_f64 } from '../inline/logistic_f64';
import { shuffle_u32 } from '../inline/rng';
import { soft_threshold } from '../inline/simd';

/**
 * One whole epoch of mini-batch SGD for binary logistic regression, in one call: shuffle the row
 * order `idx` (u32[n]) with the xoshiro128** state at `rng` when `shuffle` is set, then for each
 * batch of `batch` rows: forward, backward, and the plain SGD update
 *   w_j -= lr * (grad_j / rows + l2 * w_j),   intercept -= lr * grad_b / rows (when fitIntercept),
 * then w_j soft-thresholded by lr * l1 (truncated gradient: an L1 penalty gives exact zeros).
 * Layout as in inline/logistic.ts (X, y, sw, w in T); grad (f64[stride + 1]) is scratch here, and
 * so is `scratch` for f32. Returns the epoch's summed (sample-weighted) loss, each row's taken
 * before its batch's update.
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
    loss += sizeof<T>() == 4
      ? logistic_rows_f32(X, y, sw, idx, start, rows, d, stride, w, grad, scratch)
      : logistic_rows_f64(X, y, sw, idx, start, rows, d, stride, w, grad);
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
  return loss;
}

/** epoch_sgd_logistic over f32 data; scratch as for loss_grad_logistic_f32. */
export function epoch_sgd_logistic_f32(
  X: usize, y: usize, sw: usize, idx: usize, n: i32, d: i32, stride: i32,
  w: usize, grad: usize, scratch: usize, rng: usize,
  batch: i32, lr: f32, l2: f32, l1: f32, fitIntercept: bool, shuffle: bool,
): f64 {
  return epoch_sgd_logistic<f32>(X, y, sw, idx, n, d, stride, w, grad, scratch, rng, batch, lr, l2, l1, fitIntercept, shuffle);
}

/** epoch_sgd_logistic over f64 data (no vector scratch). */
export function epoch_sgd_logistic_f64(
  X: usize, y: usize, sw: usize, idx: usize, n: i32, d: i32, stride: i32,
  w: usize, grad: usize, rng: usize,
  batch: i32, lr: f64, l2: f64, l1: f64, fitIntercept: bool, shuffle: bool,
): f64 {
  return epoch_sgd_logistic<f64>(X, y, sw, idx, n, d, stride, w, grad, 0, rng, batch, lr, l2, l1, fitIntercept, shuffle);
}
