import { elem } from '../inline/simd';

/**
 * Settles rows start..start+n of X, written back to back from row start's place (n rows of d
 * values), into rows of `stride` values with zeroed padding, in place, and returns the index
 * (r * stride + j, from row start) of the first NaN or ±Infinity among them, or -1. An upload
 * copies X in chunks small enough to be still in cache here, so X is read from memory once.
 */
function settle_rows<T>(X: usize, start: i32, n: i32, d: i32, stride: i32): i32 {
  const rowBytes = <usize>d << alignof<T>(), strideBytes = <usize>stride << alignof<T>();
  const base = X + <usize>start * strideBytes;
  if (d != stride) {
    // From the last row to the first: a row's new place overlaps only rows after it, already moved.
    const padBytes = strideBytes - rowBytes;
    for (let i = n - 1; i >= 0; i--) {
      const dst = base + <usize>i * strideBytes, src = base + <usize>i * rowBytes;
      if (d < 16) {
        // Short rows: a plain loop beats memory.copy's per-call cost. Backwards, as rows overlap.
        for (let j = d - 1; j >= 0; j--) store<T>(elem<T>(dst, j), load<T>(elem<T>(src, j)));
      } else {
        memory.copy(dst, src, rowBytes);
      }
      memory.fill(dst + rowBytes, 0, padBytes);
    }
  }
  return first_nonfinite<T>(base, n * stride);
}

/** Index of the first NaN or ±Infinity among n values of T, or -1 when all are finite. */
// @ts-ignore: decorator
@inline function first_nonfinite<T>(x: usize, n: i32): i32 {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    // x - x is 0 for every finite x and NaN otherwise; test 64 bytes per step.
    const step = 64 >> alignof<T>();
    const zero = v128.splat<T>(0);
    for (; i + step <= n; i += step) {
      const p = elem<T>(x, i);
      const a = v128.load(p), b = v128.load(p, 16), c = v128.load(p, 32), e = v128.load(p, 48);
      const bad = v128.or(
        v128.or(v128.ne<T>(v128.sub<T>(a, a), zero), v128.ne<T>(v128.sub<T>(b, b), zero)),
        v128.or(v128.ne<T>(v128.sub<T>(c, c), zero), v128.ne<T>(v128.sub<T>(e, e), zero)),
      );
      if (v128.any_true(bad)) break;
    }
  }
  for (; i < n; i++) {
    const v = load<T>(elem<T>(x, i));
    if (v - v != 0) return i;
  }
  return -1;
}

export function settle_rows_f32(X: usize, start: i32, n: i32, d: i32, stride: i32): i32 {
  return settle_rows<f32>(X, start, n, d, stride);
}
export function settle_rows_f64(X: usize, start: i32, n: i32, d: i32, stride: i32): i32 {
  return settle_rows<f64>(X, start, n, d, stride);
}
