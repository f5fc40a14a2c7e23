// The logistic-regression forward and backward pass over 4-row blocks: the layout of narrow data
// (the *_blocks kernels of kernels/logistic.ts), where every lane of every vector load is a value.
//
// Data layout, for every function here (T = f32 or f64, nb = ceil(n / 4) blocks):
//   X        T[nb * d * 4], block b column-major: feature j of its lane l at X[(b * d + j) * 4 + l]
//   y, sw    T[nb * 4], labels and sample weights (sw 0 for all ones), lane l of block b at 4 b + l
//   order    u32[nb] block order, or 0 for blocks in storage order
//   w        T[stride + 4]: weights 0..d-1, the intercept at w[stride]
//   grad     f64[stride + 1]: gradient accumulated into (not zeroed), intercept at grad[stride]
//   scratch  16-byte aligned, 32 * d bytes: the f32 SIMD pass's weight splats and accumulators
// Lane l of block b holds data row l * nb + b (src/engine/blocks.ts says why); a lane whose row is
// n or beyond is padding and counts nowhere. The rows are taken as slots: position p of the order
// is lane p % 4 of block order[p / 4], and a pass covers positions start..end.

import { madd, hsum } from './simd';
import {
  expConst, exp4_nonpos_k, sigmoid4_from_k, log1pConst, log1p4_unit_k, EXP_LOG2E, EXP_MAGIC, EXP_NLN2_HI, EXP_NLN2_LO, EXP_Q5, EXP_Q4, EXP_Q3,
  EXP_Q2, EXP_Q1, EXP_ONE, EXP_FLOOR, EXP_SIGN, LOG1P_TWO, LOG1P_C11, LOG1P_C9, LOG1P_C7, LOG1P_C5, LOG1P_C3,
} from './expf';
import { exp1, sigmoid_from1, bce_from1 } from './scalar';
import { row_index } from './rows';

/** Blocks folded into the f64 gradient at a time (128 rows): bounds the f32 accumulators' rounding error. */
const FOLD_BLOCKS: i32 = 32;

/** Whether lane l of block b is a data row: row l * nb + b is below n. */
// @ts-ignore: decorator
@inline function is_row(b: i32, l: i32, n: i32, nb: i32): bool {
  return l * nb + b < n;
}

/** The data rows among positions start..end of the order: padding lanes do not count. */
export function live_slots(order: usize, n: i32, start: i32, end: i32): i32 {
  if ((n & 3) == 0) return end - start;
  const nb = (n + 3) >> 2;
  let live = 0;
  for (let p = start; p < end; p++) if (is_row(<i32>row_index(order, p >> 2), p & 3, n, nb)) live++;
  return live;
}

/** Adds the loss gradient of positions start..end into grad; returns their loss sum. */
export function logistic_blocks<T>(
  X: usize, y: usize, sw: usize, order: usize, n: i32, d: i32, stride: i32,
  w: usize, grad: usize, scratch: usize, start: i32, end: i32,
): f64 {
  if (ASC_FEATURE_SIMD && sizeof<T>() == 4) return blocks_f32x4(X, y, sw, order, n, d, stride, w, grad, scratch, start, end);
  return blocks_lanes<T>(X, y, sw, order, n, d, stride, w, grad, start, end);
}

/** Lanes of block b at position k that are data rows and inside positions start..end, as an i32x4 mask. */
// @ts-ignore: decorator
@inline function live_lanes(b: i32, k: i32, n: i32, nb: i32, start: i32, end: i32): v128 {
  const lane = i32x4(0, 1, 2, 3);
  const pos = i32x4.add(i32x4.splat(k << 2), lane);
  const row = i32x4.add(i32x4.splat(b), i32x4.mul(lane, i32x4.splat(nb)));
  const inside = v128.and(i32x4.ge_s(pos, i32x4.splat(start)), i32x4.lt_s(pos, i32x4.splat(end)));
  return v128.and(inside, i32x4.lt_s(row, i32x4.splat(n)));
}

/** Lane weights of block b at position k: its sample weights (or ones), zero on lanes that do not count. */
// @ts-ignore: decorator
@inline function lane_weights(sw: usize, ones: v128, b: i32, k: i32, n: i32, nb: i32, start: i32, end: i32): v128 {
  const weights = sw ? v128.load(sw + (<usize>b << 4)) : ones;
  // Only blocks from n - 3 nb on hold padding lanes, and only the range's first and last blocks are partial.
  if (b < n - 3 * nb && k << 2 >= start && (k << 2) + 4 <= end) return weights;
  return v128.and(weights, live_lanes(b, k, n, nb, start, end));
}

/** (sigmoid(z) - y) s from e = e^(-|z|): the error of 4 rows, weighted. */
// @ts-ignore: decorator
@inline function err4(z: v128, y: v128, e: v128, s: v128, one: v128): v128 {
  return f32x4.mul(f32x4.sub(sigmoid4_from_k(z, e, one), y), s);
}

/** Binary cross-entropy of 4 rows in the stable form max(z, 0) - z y + log1p(e), constants as loaded. */
// @ts-ignore: decorator
@inline function bce4_k(z: v128, y: v128, e: v128, zero: v128, two: v128, c11: v128, c9: v128, c7: v128, c5: v128, c3: v128): v128 {
  return f32x4.add(f32x4.sub(f32x4.max(z, zero), f32x4.mul(z, y)), log1p4_unit_k(e, two, c11, c9, c7, c5, c3));
}

/**
 * f32x4: four blocks per step, their 16 rows in the lanes of four vectors that share each load of
 * a weight and each update of a gradient accumulator (per-feature accumulators in scratch). Blocks
 * past the range stand in as the step's first block at weight zero.
 */
function blocks_f32x4(
  X: usize, y: usize, sw: usize, order: usize, n: i32, d: i32, stride: i32,
  w: usize, grad: usize, scratch: usize, start: i32, end: i32,
): f64 {
  const nb = (n + 3) >> 2;
  const blockBytes = <usize>d << 4;
  const ws = scratch, acc = scratch + blockBytes;
  for (let o: usize = 0; o < blockBytes; o += 16) v128.store(ws + o, v128.load32_splat(w + (o >> 2)));
  const bias = v128.load32_splat(w + (<usize>stride << 2));
  // V8 rebuilds a vector constant at every use: each is loaded once, here (see expf.ts).
  const log2e = expConst(EXP_LOG2E), magic = expConst(EXP_MAGIC), nln2hi = expConst(EXP_NLN2_HI), nln2lo = expConst(EXP_NLN2_LO);
  const q5 = expConst(EXP_Q5), q4 = expConst(EXP_Q4), q3 = expConst(EXP_Q3), q2 = expConst(EXP_Q2), q1 = expConst(EXP_Q1);
  const one = expConst(EXP_ONE), floor = expConst(EXP_FLOOR), sign = expConst(EXP_SIGN);
  const two = log1pConst(LOG1P_TWO), c11 = log1pConst(LOG1P_C11), c9 = log1pConst(LOG1P_C9), c7 = log1pConst(LOG1P_C7);
  const c5 = log1pConst(LOG1P_C5), c3 = log1pConst(LOG1P_C3);
  const zero = f32x4.splat(0);
  let loss: f64 = 0;
  let k = start >> 2;
  const kEnd = (end + 3) >> 2;
  while (k < kEnd) {
    const kStop = min(k + FOLD_BLOCKS, kEnd);
    memory.fill(acc, 0, blockBytes);
    let errAcc = zero;
    for (; k < kStop; k += 4) {
      const b0 = <i32>row_index(order, k);
      const b1 = k + 1 < kStop ? <i32>row_index(order, k + 1) : b0;
      const b2 = k + 2 < kStop ? <i32>row_index(order, k + 2) : b0;
      const b3 = k + 3 < kStop ? <i32>row_index(order, k + 3) : b0;
      const x0 = X + <usize>b0 * blockBytes, x1 = X + <usize>b1 * blockBytes, x2 = X + <usize>b2 * blockBytes, x3 = X + <usize>b3 * blockBytes;
      let z0 = bias, z1 = bias, z2 = bias, z3 = bias;
      for (let o: usize = 0; o < blockBytes; o += 16) {
        const wj = v128.load(ws + o);
        z0 = madd<f32>(v128.load(x0 + o), wj, z0);
        z1 = madd<f32>(v128.load(x1 + o), wj, z1);
        z2 = madd<f32>(v128.load(x2 + o), wj, z2);
        z3 = madd<f32>(v128.load(x3 + o), wj, z3);
      }
      const s0 = lane_weights(sw, one, b0, k, n, nb, start, end);
      const s1 = k + 1 < kStop ? lane_weights(sw, one, b1, k + 1, n, nb, start, end) : zero;
      const s2 = k + 2 < kStop ? lane_weights(sw, one, b2, k + 2, n, nb, start, end) : zero;
      const s3 = k + 3 < kStop ? lane_weights(sw, one, b3, k + 3, n, nb, start, end) : zero;
      const y0 = v128.load(y + (<usize>b0 << 4)), y1 = v128.load(y + (<usize>b1 << 4));
      const y2 = v128.load(y + (<usize>b2 << 4)), y3 = v128.load(y + (<usize>b3 << 4));
      // e^(-|z|), the one exponential both the sigmoid and the log-loss need.
      const e0 = exp4_nonpos_k(v128.or(z0, sign), log2e, magic, nln2hi, nln2lo, q5, q4, q3, q2, q1, one, floor);
      const e1 = exp4_nonpos_k(v128.or(z1, sign), log2e, magic, nln2hi, nln2lo, q5, q4, q3, q2, q1, one, floor);
      const e2 = exp4_nonpos_k(v128.or(z2, sign), log2e, magic, nln2hi, nln2lo, q5, q4, q3, q2, q1, one, floor);
      const e3 = exp4_nonpos_k(v128.or(z3, sign), log2e, magic, nln2hi, nln2lo, q5, q4, q3, q2, q1, one, floor);
      const err0 = err4(z0, y0, e0, s0, one), err1 = err4(z1, y1, e1, s1, one);
      const err2 = err4(z2, y2, e2, s2, one), err3 = err4(z3, y3, e3, s3, one);
      let l = f32x4.mul(bce4_k(z0, y0, e0, zero, two, c11, c9, c7, c5, c3), s0);
      l = madd<f32>(bce4_k(z1, y1, e1, zero, two, c11, c9, c7, c5, c3), s1, l);
      l = madd<f32>(bce4_k(z2, y2, e2, zero, two, c11, c9, c7, c5, c3), s2, l);
      l = madd<f32>(bce4_k(z3, y3, e3, zero, two, c11, c9, c7, c5, c3), s3, l);
      // The loss goes to f64 every 16 rows: L-BFGS's line search and stopping rule compare losses
      // of nearby weights, where f32 sums over many rows blur the difference.
      loss += <f64>hsum<f32>(l);
      errAcc = f32x4.add(errAcc, f32x4.add(f32x4.add(err0, err1), f32x4.add(err2, err3)));
      for (let o: usize = 0; o < blockBytes; o += 16) {
        const g = madd<f32>(err1, v128.load(x1 + o), madd<f32>(err0, v128.load(x0 + o), v128.load(acc + o)));
        v128.store(acc + o, madd<f32>(err3, v128.load(x3 + o), madd<f32>(err2, v128.load(x2 + o), g)));
      }
    }
    for (let j = 0; j < d; j++) {
      const gj = grad + (<usize>j << 3);
      store<f64>(gj, load<f64>(gj) + <f64>hsum<f32>(v128.load(acc + (<usize>j << 4))));
    }
    const gb = grad + (<usize>stride << 3);
    store<f64>(gb, load<f64>(gb) + <f64>hsum<f32>(errAcc));
  }
  return loss;
}

/** Scalar, one lane at a time, accumulating straight into the f64 gradient: the scalar build and f64. */
function blocks_lanes<T>(
  X: usize, y: usize, sw: usize, order: usize, n: i32, d: i32, stride: i32,
  w: usize, grad: usize, start: i32, end: i32,
): f64 {
  const nb = (n + 3) >> 2;
  const featureBytes = <usize>4 << alignof<T>();
  const bias = load<T>(w + (<usize>stride << alignof<T>()));
  let loss: f64 = 0, gb: f64 = 0;
  for (let p = start; p < end; p++) {
    const b = <i32>row_index(order, p >> 2), l = p & 3;
    if (!is_row(b, l, n, nb)) continue;
    const x = X + ((<usize>b * <usize>d * 4 + <usize>l) << alignof<T>());
    let z = bias;
    for (let j = 0; j < d; j++) z += load<T>(x + <usize>j * featureBytes) * load<T>(w + (<usize>j << alignof<T>()));
    const slot = ((<usize>b << 2) + <usize>l) << alignof<T>();
    const label = load<T>(y + slot);
    const weight: T = sw ? load<T>(sw + slot) : 1;
    const e = exp1<T>(-abs<T>(z));
    const err = (sigmoid_from1<T>(z, e) - label) * weight;
    for (let j = 0; j < d; j++) {
      const gj = grad + (<usize>j << 3);
      store<f64>(gj, load<f64>(gj) + <f64>(err * load<T>(x + <usize>j * featureBytes)));
    }
    gb += <f64>err;
    loss += <f64>(bce_from1<T>(z, label, e) * weight);
  }
  const g = grad + (<usize>stride << 3);
  store<f64>(g, load<f64>(g) + gb);
  return loss;
}
