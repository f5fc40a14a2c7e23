// The f64 twin of logistic-f32.ts: the same layout and contract with X, y, sw and w in f64, for
// results that agree with an f64 reference to the last digits.
//
// Only the wide, row-wise layout: with two lanes per vector, putting rows in lanes gains nothing on
// narrow data. Four rows share each pass over the gradient, which accumulates straight into grad
// (already f64, so no blocks). exp and log1p are NativeMath's, one lane at a time.

import { madd, hsum } from './simd';
import { dot_padded } from './dot';
import { row_index } from './rows';
import { logistic_row } from './logistic-row';

/** Lanes e^(-|z|) of the two lanes of z. */
// @ts-ignore: decorator
@inline function exp2_neg_abs(z: v128): v128 {
  const e = f64x2.splat(Math.exp(-Math.abs(f64x2.extract_lane(z, 0))));
  return f64x2.replace_lane(e, 1, Math.exp(-Math.abs(f64x2.extract_lane(z, 1))));
}

/** sigmoid(z) from e = e^(-|z|), two lanes: e / (1 + e), mirrored for z > 0. */
// @ts-ignore: decorator
@inline function sigmoid2_from(z: v128, e: v128): v128 {
  const f = f64x2.div(e, f64x2.add(e, f64x2.splat(1.0)));
  return v128.bitselect(f64x2.sub(f64x2.splat(1.0), f), f, f64x2.gt(z, f64x2.splat(0.0)));
}

/** Binary cross-entropy max(z, 0) - z y + log1p(e), two lanes. */
// @ts-ignore: decorator
@inline function bce2_from(z: v128, y: v128, e: v128): v128 {
  let l1p = f64x2.splat(Math.log1p(f64x2.extract_lane(e, 0)));
  l1p = f64x2.replace_lane(l1p, 1, Math.log1p(f64x2.extract_lane(e, 1)));
  return f64x2.add(f64x2.sub(f64x2.max(z, f64x2.splat(0.0)), f64x2.mul(z, y)), l1p);
}

/** Lanes a[r0], a[r1] of a per-row f64 array (labels, weights). */
// @ts-ignore: decorator
@inline function rows2(a: usize, r0: usize, r1: usize): v128 {
  return v128.load64_lane(a + (r1 << 3), v128.load64_splat(a + (r0 << 3)), 1);
}

/** Adds the loss gradient of rows start..start+count (of `idx`) into grad; returns their loss sum. */
export function logistic_rows_f64(
  X: usize, y: usize, sw: usize, idx: usize, start: i32, count: i32,
  d: i32, stride: i32, w: usize, grad: usize,
): f64 {
  let loss: f64 = 0;
  let k = start;
  const end = start + count;
  if (ASC_FEATURE_SIMD) {
    const rowBytes = <usize>stride << 3;
    const bias = v128.load64_splat(w + rowBytes);
    let lossAcc = f64x2.splat(0), errAcc = f64x2.splat(0);
    for (; k + 4 <= end; k += 4) {
      const r0 = row_index(idx, k), r1 = row_index(idx, k + 1), r2 = row_index(idx, k + 2), r3 = row_index(idx, k + 3);
      const x0 = X + r0 * rowBytes, x1 = X + r1 * rowBytes, x2 = X + r2 * rowBytes, x3 = X + r3 * rowBytes;
      const z01 = f64x2.add(f64x2.replace_lane(f64x2.splat(dot_padded<f64>(x0, w, stride)), 1, dot_padded<f64>(x1, w, stride)), bias);
      const z23 = f64x2.add(f64x2.replace_lane(f64x2.splat(dot_padded<f64>(x2, w, stride)), 1, dot_padded<f64>(x3, w, stride)), bias);
      const y01 = rows2(y, r0, r1), y23 = rows2(y, r2, r3);
      const s01 = sw ? rows2(sw, r0, r1) : f64x2.splat(1), s23 = sw ? rows2(sw, r2, r3) : f64x2.splat(1);
      const e01 = exp2_neg_abs(z01), e23 = exp2_neg_abs(z23);
      const err01 = f64x2.mul(f64x2.sub(sigmoid2_from(z01, e01), y01), s01);
      const err23 = f64x2.mul(f64x2.sub(sigmoid2_from(z23, e23), y23), s23);
      lossAcc = madd<f64>(bce2_from(z01, y01, e01), s01, madd<f64>(bce2_from(z23, y23, e23), s23, lossAcc));
      errAcc = f64x2.add(errAcc, f64x2.add(err01, err23));
      const g0 = f64x2.splat(f64x2.extract_lane(err01, 0)), g1 = f64x2.splat(f64x2.extract_lane(err01, 1));
      const g2 = f64x2.splat(f64x2.extract_lane(err23, 0)), g3 = f64x2.splat(f64x2.extract_lane(err23, 1));
      for (let o: usize = 0; o < rowBytes; o += 16) {
        let g = v128.load(grad + o);
        g = madd<f64>(v128.load(x0 + o), g0, g);
        g = madd<f64>(v128.load(x1 + o), g1, g);
        g = madd<f64>(v128.load(x2 + o), g2, g);
        g = madd<f64>(v128.load(x3 + o), g3, g);
        v128.store(grad + o, g);
      }
    }
    const gb = grad + rowBytes;
    store<f64>(gb, load<f64>(gb) + hsum<f64>(errAcc));
    loss = hsum<f64>(lossAcc);
  }
  for (; k < end; k++) loss += logistic_row<f64>(X, y, sw, row_index(idx, k), d, stride, w, grad);
  return loss;
}
