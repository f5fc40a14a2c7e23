import { exp4_neg_abs, bce4_from, bce1, sigmoid4_from, sigmoid1 } from '../inline/expf';
import { row_max, exp_shifted_row } from './activation';
import { row_index } from '../inline/rows';
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

// Output heads of the network kernels: from m rows of logits Z (row stride ldz floats, K real
// outputs) they write the gradient of the summed loss with respect to Z into D (stride ldd, the
// padding columns zeroed) and return the summed loss. Targets and sample weights belong to data
// rows, taken through `idx` from `start` (or in order when idx is 0), like X.

/** Softmax cross-entropy against class indices `labels` (u32 per data row): D = (p - onehot) sw. */
export function softmax_ce_rows_f32(
  Z: usize, ldz: i32, m: i32, K: i32, labels: usize, idx: usize, start: i32, sw: usize, D: usize, ldd: i32,
): f64 {
  let total: f64 = 0;
  for (let i = 0; i < m; i++) {
    const z = Z + <usize>i * (<usize>ldz << 2), d = D + <usize>i * (<usize>ldd << 2);
    const r = row_index(idx, start + i);
    const weight: f32 = sw ? load<f32>(sw + (r << 2)) : 1;
    const mx = row_max(z, K);
    const sum = exp_shifted_row(z, K, mx, d);
    const scale = weight / sum;
    for (let k = 0; k < K; k++) store<f32>(d + (<usize>k << 2), load<f32>(d + (<usize>k << 2)) * scale);
    const y = <usize>load<u32>(labels + (r << 2));
    store<f32>(d + (y << 2), load<f32>(d + (y << 2)) - weight);
    for (let k = K; k < ldd; k++) store<f32>(d + (<usize>k << 2), 0);
    // -log p_y = log(sum) + max - z_y
    total += <f64>weight * (Math.log(<f64>sum) + <f64>mx - <f64>load<f32>(z + (y << 2)));
  }
  return total;
}

/** Binary cross-entropy of K independent sigmoid outputs against 0/1 targets Y (ldy floats per data row). */
export function sigmoid_bce_rows_f32(
  Z: usize, ldz: i32, m: i32, K: i32, Y: usize, ldy: i32, idx: usize, start: i32, sw: usize, D: usize, ldd: i32,
): f64 {
  let total: f64 = 0;
  for (let i = 0; i < m; i++) {
    const z = Z + <usize>i * (<usize>ldz << 2), d = D + <usize>i * (<usize>ldd << 2);
    const r = row_index(idx, start + i);
    const y = Y + r * (<usize>ldy << 2);
    const weight: f32 = sw ? load<f32>(sw + (r << 2)) : 1;
    let k = 0;
    let rowLoss: f32 = 0;
    if (ASC_FEATURE_SIMD) {
      let acc = f32x4.splat(0);
      const wv = f32x4.splat(weight);
      for (; k + 4 <= K; k += 4) {
        const o = <usize>k << 2;
        const zv = v128.load(z + o), yv = v128.load(y + o);
        const e = exp4_neg_abs(zv);
        v128.store(d + o, f32x4.mul(f32x4.sub(sigmoid4_from(zv, e), yv), wv));
        acc = f32x4.add(acc, bce4_from(zv, yv, e));
      }
      rowLoss = hsum(acc);
    }
    for (; k < K; k++) {
      const o = <usize>k << 2;
      const zk = load<f32>(z + o), yk = load<f32>(y + o);
      store<f32>(d + o, (sigmoid1(zk) - yk) * weight);
      rowLoss += bce1(zk, yk);
    }
    for (k = K; k < ldd; k++) store<f32>(d + (<usize>k << 2), 0);
    total += <f64>rowLoss * <f64>weight;
  }
  return total;
}
