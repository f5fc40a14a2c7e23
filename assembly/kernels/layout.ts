/**
 * Spreads n rows of d f32 values, stored back to back at X, to rows of `stride` floats with zeroed
 * padding, in place: rows move from the last to the first, so none is overwritten before it moves.
 * X must hold n * stride floats.
 */
export function pad_rows_f32(X: usize, n: i32, d: i32, stride: i32): void {
  if (d === stride) return;
  const rowBytes = <usize>d << 2, padBytes = <usize>(stride - d) << 2;
  for (let i = n - 1; i >= 0; i--) {
    const dst = X + <usize>i * (<usize>stride << 2), src = X + <usize>i * rowBytes;
    if (d < 16) {
      // Short rows: a plain loop beats memory.copy's per-call cost. Backwards, as rows overlap.
      for (let j = d - 1; j >= 0; j--) store<f32>(dst + (<usize>j << 2), load<f32>(src + (<usize>j << 2)));
    } else {
      memory.copy(dst, src, rowBytes);
    }
    memory.fill(dst + rowBytes, 0, padBytes);
  }
}

/** Index of the first NaN or ±Infinity among n f32 values, or -1 when all are finite. */
export function find_nonfinite_f32(x: usize, n: i32): i32 {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    // x - x is 0 for every finite x and NaN otherwise; test 16 values per step.
    for (; i + 16 <= n; i += 16) {
      const p = x + (<usize>i << 2);
      const a = v128.load(p), b = v128.load(p, 16), c = v128.load(p, 32), d = v128.load(p, 48);
      const bad = v128.or(
        v128.or(f32x4.ne(f32x4.sub(a, a), f32x4.splat(0)), f32x4.ne(f32x4.sub(b, b), f32x4.splat(0))),
        v128.or(f32x4.ne(f32x4.sub(c, c), f32x4.splat(0)), f32x4.ne(f32x4.sub(d, d), f32x4.splat(0))),
      );
      if (v128.any_true(bad)) break;
    }
  }
  for (; i < n; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    if (v - v != 0) return i;
  }
  return -1;
}
