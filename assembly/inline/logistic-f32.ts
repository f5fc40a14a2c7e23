// The logistic-regression forward and backward pass over a run of f32 rows, shared by the
// full-batch gradient and the mini-batch epoch (kernels/logistic.ts).
//
// Data layout, for every function here:
//   X        f32[n * stride], row-major, each row zero-padded from d to stride (a multiple of 4)
//   y        f32[n], labels 0 or 1
//   sw       f32[n] sample weights, or 0 for all ones
//   idx      u32[n] row order, or 0 for rows in storage order
//   w        f32[stride + 4]: weights (zero-padded), the intercept at w[stride]
//   grad     f64[stride + 1]: gradient accumulated into (not zeroed), intercept at grad[stride]
//   scratch  16-byte aligned, 32 * stride + 16 bytes, for vector accumulators
//
// Vectorized along each row, 4 rows at a time, read one after another (sequential streams the
// prefetcher follows). Narrow data trains in 4-row blocks instead (logistic-blocks.ts).
// logistic-f64.ts is the f64 twin (X, y, sw and w in f64, no scratch); logistic-row.ts serves both.

import { madd, hsum, gather4 } from './simd';
import { exp4_neg_abs, sigmoid4_from, bce4_from } from './expf';
import { dot_padded } from './dot';
import { row_index } from './rows';
import { logistic_row } from './logistic-row';

/** Rows folded into the f64 gradient at a time: bounds the f32 accumulators' rounding error. */
const BLOCK: i32 = 256;

/** Lanes: the f32 values of rows r0..r3 of a per-row array (labels, weights). */
// @ts-ignore: decorator
@inline function rows4(a: usize, r0: usize, r1: usize, r2: usize, r3: usize): v128 {
  return gather4(a + (r0 << 2), a + (r1 << 2), a + (r2 << 2), a + (r3 << 2));
}

/** Adds a block's intercept gradient into grad[stride] and returns the block's loss, in f64. */
// @ts-ignore: decorator
@inline function fold_intercept_and_loss(grad: usize, stride: i32, errAcc: v128, lossAcc: v128): f64 {
  const gb = grad + (<usize>stride << 3);
  store<f64>(gb, load<f64>(gb) + <f64>hsum<f32>(errAcc));
  return <f64>hsum<f32>(lossAcc);
}

/** Adds the loss gradient of rows start..start+count (of `idx`) into grad; returns their loss sum. */
export function logistic_rows_f32(
  X: usize, y: usize, sw: usize, idx: usize, start: i32, count: i32,
  d: i32, stride: i32, w: usize, grad: usize, scratch: usize,
): f64 {
  let loss: f64 = 0;
  for (let b = start, end = start + count; b < end; b += BLOCK) {
    const m = min(BLOCK, end - b);
    if (!ASC_FEATURE_SIMD) {
      for (let k = b; k < b + m; k++) loss += logistic_row<f32>(X, y, sw, row_index(idx, k), d, stride, w, grad);
    } else {
      loss += rows_wide(X, y, sw, idx, b, m, d, stride, w, grad, scratch);
    }
  }
  return loss;
}

/** Up to BLOCK rows, vectorized along each row, 4 rows at a time sharing one gradient update. */
function rows_wide(
  X: usize, y: usize, sw: usize, idx: usize, start: i32, count: i32,
  d: i32, stride: i32, w: usize, grad: usize, scratch: usize,
): f64 {
  const rowBytes = <usize>stride << 2;
  const acc = scratch; // f32[stride] gradient for this block
  memory.fill(acc, 0, rowBytes);
  const bias = v128.load32_splat(w + rowBytes);
  let lossAcc = f32x4.splat(0), errAcc = f32x4.splat(0);
  let k = start;
  const end = start + count;
  for (; k + 4 <= end; k += 4) {
    const r0 = row_index(idx, k), r1 = row_index(idx, k + 1), r2 = row_index(idx, k + 2), r3 = row_index(idx, k + 3);
    const x0 = X + r0 * rowBytes, x1 = X + r1 * rowBytes, x2 = X + r2 * rowBytes, x3 = X + r3 * rowBytes;
    // Each row's logit read start to end: 4 rows in lockstep (one load of w for 4 rows) measured
    // 3x slower on 256-wide rows streamed from RAM.
    let z = f32x4.splat(dot_padded<f32>(x0, w, stride));
    z = f32x4.replace_lane(z, 1, dot_padded<f32>(x1, w, stride));
    z = f32x4.replace_lane(z, 2, dot_padded<f32>(x2, w, stride));
    z = f32x4.replace_lane(z, 3, dot_padded<f32>(x3, w, stride));
    z = f32x4.add(z, bias);
    const labels = rows4(y, r0, r1, r2, r3);
    const weights = sw ? rows4(sw, r0, r1, r2, r3) : f32x4.splat(1);
    const e = exp4_neg_abs(z);
    const err = f32x4.mul(f32x4.sub(sigmoid4_from(z, e), labels), weights);
    lossAcc = madd<f32>(bce4_from(z, labels, e), weights, lossAcc);
    errAcc = f32x4.add(errAcc, err);
    const e0 = f32x4.splat(f32x4.extract_lane(err, 0)), e1 = f32x4.splat(f32x4.extract_lane(err, 1));
    const e2 = f32x4.splat(f32x4.extract_lane(err, 2)), e3 = f32x4.splat(f32x4.extract_lane(err, 3));
    for (let o: usize = 0; o < rowBytes; o += 16) {
      let g = v128.load(acc + o);
      g = madd<f32>(v128.load(x0 + o), e0, g);
      g = madd<f32>(v128.load(x1 + o), e1, g);
      g = madd<f32>(v128.load(x2 + o), e2, g);
      g = madd<f32>(v128.load(x3 + o), e3, g);
      v128.store(acc + o, g);
    }
  }
  for (let j = 0; j < d; j++) {
    const gj = grad + (<usize>j << 3);
    store<f64>(gj, load<f64>(gj) + <f64>load<f32>(acc + (<usize>j << 2)));
  }
  let loss = fold_intercept_and_loss(grad, stride, errAcc, lossAcc);
  for (; k < end; k++) loss += logistic_row<f32>(X, y, sw, row_index(idx, k), d, stride, w, grad);
  return loss;
}
