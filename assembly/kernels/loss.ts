import { exp4_neg_abs, bce4_from, bce1 } from '../inline/expf';
import { hsum } from '../inline/simd';
import { logistic_rows_f32 } from '../inline/logistic';

/** Sum over n rows of the binary cross-entropy of logits z (f32[n]) against labels y (f32[n], 0 or 1). */
export function bce_logits_f32(z: usize, y: usize, n: i32): f64 {
  let total: f64 = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    // Folded into f64 every 256 rows so long inputs keep their precision.
    while (i + 4 <= n) {
      let acc = f32x4.splat(0);
      for (const stop = min(n & ~3, i + 256); i < stop; i += 4) {
        const o = <usize>i << 2;
        const v = v128.load(z + o);
        acc = f32x4.add(acc, bce4_from(v, v128.load(y + o), exp4_neg_abs(v)));
      }
      total += <f64>hsum(acc);
    }
  }
  for (; i < n; i++) total += <f64>bce1(load<f32>(z + (<usize>i << 2)), load<f32>(y + (<usize>i << 2)));
  return total;
}

/**
 * The full-batch pass of binary logistic regression, fused: logits, sigmoid, the summed
 * (sample-weighted) log-loss, returned, and its gradient sum_i sw_i (p_i - y_i) [x_i, 1], written
 * to grad (f64[stride + 1], intercept last). Layout as in inline/logistic.ts; no penalty term.
 */
export function loss_grad_logistic_f32(
  X: usize, y: usize, sw: usize, n: i32, d: i32, stride: i32, w: usize, grad: usize, scratch: usize,
): f64 {
  memory.fill(grad, 0, <usize>(stride + 1) << 3);
  return logistic_rows_f32(X, y, sw, 0, 0, n, d, stride, w, grad, scratch);
}
