import { bce1, sigmoid1 } from '../inline/scalar';
import { row_max, exp_shifted_row, exp_shifted_row_k, lanes_below, load_part, row_max_f32x4, store_part } from './activation';
import {
  exp4_neg_abs, bce4_from, sigmoid4_from, expConst, EXP_LOG2E, EXP_MAGIC, EXP_NLN2_HI, EXP_NLN2_LO, EXP_Q5, EXP_Q4, EXP_Q3, EXP_Q2, EXP_Q1, EXP_ONE, EXP_FLOOR,
} from '../inline/expf';
import { row_index } from '../inline/rows';
import { hsum, elem } from '../inline/simd';

/** Sum over n rows of the binary cross-entropy of logits z (T[n]) against labels y (T[n], 0 or 1). */
function bce_logits<T>(z: usize, y: usize, n: i32): f64 {
  let total: f64 = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD && sizeof<T>() == 4) {
    // Folded into f64 every 256 rows so long inputs keep their precision.
    while (i + 4 <= n) {
      let acc = f32x4.splat(0);
      for (const stop = min(n & ~3, i + 256); i < stop; i += 4) {
        const o = <usize>i << 2;
        const v = v128.load(z + o);
        acc = f32x4.add(acc, bce4_from(v, v128.load(y + o), exp4_neg_abs(v)));
      }
      total += <f64>hsum<f32>(acc);
    }
  }
  for (; i < n; i++) total += <f64>bce1<T>(load<T>(elem<T>(z, i)), load<T>(elem<T>(y, i)));
  return total;
}

export function bce_logits_f32(z: usize, y: usize, n: i32): f64 {
  return bce_logits<f32>(z, y, n);
}
export function bce_logits_f64(z: usize, y: usize, n: i32): f64 {
  return bce_logits<f64>(z, y, n);
}

// Output heads of the network kernels: from m rows of logits Z (row stride ldz values, K real
// outputs) they write the gradient of the summed loss with respect to Z into D (stride ldd, the
// padding columns zeroed) and return the summed loss. Targets and sample weights belong to data
// rows, taken through `idx` from `start` (or in order when idx is 0), like X. Z, D, sample
// weights and sigmoid targets are all of the kernel's dtype.

/** Softmax cross-entropy against class indices `labels` (u32 per data row): D = (p - onehot) sw. */
export function softmax_ce_rows<T>(
  Z: usize, ldz: i32, m: i32, K: i32, labels: usize, idx: usize, start: i32, sw: usize, D: usize, ldd: i32,
): f64 {
  if (ASC_FEATURE_SIMD && sizeof<T>() == 4 && K > 0) return softmax_ce_rows_f32x4(Z, ldz, m, K, labels, idx, start, sw, D, ldd);
  let total: f64 = 0;
  // Without sample weights, sum_i log(sum_i) is the log of a product: one log per ROWS_PER_LOG
  // rows (each row's sum lies in [1, K], so the product stays far inside f64's range).
  let product: f64 = 1;
  for (let i = 0; i < m; i++) {
    const z = Z + <usize>i * (<usize>ldz << alignof<T>()), d = D + <usize>i * (<usize>ldd << alignof<T>());
    const r = row_index(idx, start + i);
    const weight: T = sw ? load<T>(sw + (r << alignof<T>())) : 1;
    const mx = row_max<T>(z, K);
    const sum = exp_shifted_row<T>(z, K, mx, d);
    scale_row<T>(d, K, weight / sum);
    const y = <i32>load<u32>(labels + (r << 2));
    store<T>(elem<T>(d, y), load<T>(elem<T>(d, y)) - weight);
    for (let k = K; k < ldd; k++) store<T>(elem<T>(d, k), 0);
    // -log p_y = log(sum) + max - z_y
    const shifted = <f64>mx - <f64>load<T>(elem<T>(z, y));
    if (sw) {
      total += <f64>weight * (Math.log(<f64>sum) + shifted);
    } else {
      total += shifted;
      product *= <f64>sum;
      if ((i & (ROWS_PER_LOG - 1)) == ROWS_PER_LOG - 1) {
        total += Math.log(product);
        product = 1;
      }
    }
  }
  return total + Math.log(product);
}

/** softmax_ce_rows in f32 vectors: the exp constants loaded once per call, not once per row (softmax_rows' row code). */
// @ts-ignore: decorator
@inline function softmax_ce_rows_f32x4(
  Z: usize, ldz: i32, m: i32, K: i32, labels: usize, idx: usize, start: i32, sw: usize, D: usize, ldd: i32,
): f64 {
  const log2e = expConst(EXP_LOG2E), magic = expConst(EXP_MAGIC), nln2hi = expConst(EXP_NLN2_HI), nln2lo = expConst(EXP_NLN2_LO);
  const q5 = expConst(EXP_Q5), q4 = expConst(EXP_Q4), q3 = expConst(EXP_Q3), q2 = expConst(EXP_Q2), q1 = expConst(EXP_Q1);
  const one = expConst(EXP_ONE), floor = expConst(EXP_FLOOR);
  const full = (<usize>K & ~3) << 2, r = <usize>K & 3;
  const keep = lanes_below(r);
  let total: f64 = 0, product: f64 = 1;
  for (let i = 0; i < m; i++) {
    const z = Z + <usize>i * (<usize>ldz << 2), d = D + <usize>i * (<usize>ldd << 2);
    const row = row_index(idx, start + i);
    const weight: f32 = sw ? load<f32>(sw + (row << 2)) : 1;
    const mx = row_max_f32x4(z, full, r);
    const sum = exp_shifted_row_k(z, d, full, r, keep, mx, log2e, magic, nln2hi, nln2lo, q5, q4, q3, q2, q1, one, floor);
    const scale = f32x4.splat(<f32>(<f64>weight / sum));
    for (let o: usize = 0; o < full; o += 16) v128.store(d + o, f32x4.mul(v128.load(d + o), scale));
    if (r) store_part(d + full, f32x4.mul(load_part(d + full, r), scale), r);
    const y = <usize>load<u32>(labels + (row << 2)) << 2;
    store<f32>(d + y, load<f32>(d + y) - weight);
    for (let k = K; k < ldd; k++) store<f32>(d + (<usize>k << 2), 0);
    const shifted = <f64>f32x4.extract_lane(mx, 0) - <f64>load<f32>(z + y);
    if (sw) {
      total += <f64>weight * (Math.log(sum) + shifted);
    } else {
      total += shifted;
      product *= sum;
      if ((i & (ROWS_PER_LOG - 1)) == ROWS_PER_LOG - 1) {
        total += Math.log(product);
        product = 1;
      }
    }
  }
  return total + Math.log(product);
}

/** Rows whose softmax sums are multiplied before one log: 26 classes give at most 26^16 < 2^76. */
// @ts-ignore: decorator
@inline const ROWS_PER_LOG: i32 = 16;

/** d[k] *= scale for K values, a vector at a time where whole vectors fit. */
// @ts-ignore: decorator
@inline function scale_row<T>(d: usize, K: i32, scale: T): void {
  let k = 0;
  if (ASC_FEATURE_SIMD) {
    const s = v128.splat<T>(scale);
    const step = 16 >> alignof<T>();
    for (; k + step <= K; k += step) {
      const p = elem<T>(d, k);
      v128.store(p, v128.mul<T>(v128.load(p), s));
    }
  }
  for (; k < K; k++) store<T>(elem<T>(d, k), load<T>(elem<T>(d, k)) * scale);
}

export function softmax_ce_rows_f32(Z: usize, ldz: i32, m: i32, K: i32, labels: usize, idx: usize, start: i32, sw: usize, D: usize, ldd: i32): f64 {
  return softmax_ce_rows<f32>(Z, ldz, m, K, labels, idx, start, sw, D, ldd);
}
export function softmax_ce_rows_f64(Z: usize, ldz: i32, m: i32, K: i32, labels: usize, idx: usize, start: i32, sw: usize, D: usize, ldd: i32): f64 {
  return softmax_ce_rows<f64>(Z, ldz, m, K, labels, idx, start, sw, D, ldd);
}

/** Binary cross-entropy of K independent sigmoid outputs against 0/1 targets Y (ldy values per data row). */
export function sigmoid_bce_rows<T>(
  Z: usize, ldz: i32, m: i32, K: i32, Y: usize, ldy: i32, idx: usize, start: i32, sw: usize, D: usize, ldd: i32,
): f64 {
  let total: f64 = 0;
  for (let i = 0; i < m; i++) {
    const z = Z + <usize>i * (<usize>ldz << alignof<T>()), d = D + <usize>i * (<usize>ldd << alignof<T>());
    const r = row_index(idx, start + i);
    const y = Y + r * (<usize>ldy << alignof<T>());
    const weight: T = sw ? load<T>(sw + (r << alignof<T>())) : 1;
    let k = 0;
    let rowLoss: T = 0;
    if (ASC_FEATURE_SIMD && sizeof<T>() == 4) {
      let acc = f32x4.splat(0);
      const wv = f32x4.splat(<f32>weight);
      // Where every row is padded to whole vectors, the last vector runs too, its lanes past K
      // masked to zero (a scalar exp per lane of a 10-wide row cost more than the rest of it).
      // The last row's read stays in its 16-byte block: buffers are 16-byte aligned and sized.
      const stop = ((K + 3) & ~3) <= min(ldz, min(ldy, ldd)) ? K : K & ~3;
      for (; k < stop; k += 4) {
        const o = <usize>k << 2;
        const zv = v128.load(z + o), yv = v128.load(y + o);
        const e = exp4_neg_abs(zv);
        const live = i32x4.lt_s(i32x4.add(i32x4.splat(k), i32x4(0, 1, 2, 3)), i32x4.splat(K));
        v128.store(d + o, v128.and(f32x4.mul(f32x4.sub(sigmoid4_from(zv, e), yv), wv), live));
        acc = f32x4.add(acc, v128.and(bce4_from(zv, yv, e), live));
      }
      rowLoss = <T>hsum<f32>(acc);
    }
    for (; k < K; k++) {
      const zk = load<T>(elem<T>(z, k)), yk = load<T>(elem<T>(y, k));
      store<T>(elem<T>(d, k), (sigmoid1<T>(zk) - yk) * weight);
      rowLoss += bce1<T>(zk, yk);
    }
    for (k = K; k < ldd; k++) store<T>(elem<T>(d, k), 0);
    total += <f64>rowLoss * <f64>weight;
  }
  return total;
}

export function sigmoid_bce_rows_f32(Z: usize, ldz: i32, m: i32, K: i32, Y: usize, ldy: i32, idx: usize, start: i32, sw: usize, D: usize, ldd: i32): f64 {
  return sigmoid_bce_rows<f32>(Z, ldz, m, K, Y, ldy, idx, start, sw, D, ldd);
}
export function sigmoid_bce_rows_f64(Z: usize, ldz: i32, m: i32, K: i32, Y: usize, ldy: i32, idx: usize, start: i32, sw: usize, D: usize, ldd: i32): f64 {
  return sigmoid_bce_rows<f64>(Z, ldz, m, K, Y, ldy, idx, start, sw, D, ldd);
}
