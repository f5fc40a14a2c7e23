import { elem } from '../inline/simd';

/**
 * Spreads n rows of d values of T, stored back to back at X, to rows of `stride` values with zeroed
 * padding, in place: rows move from the last to the first, so none is overwritten before it moves.
 * X must hold n * stride values.
 */
function pad_rows<T>(X: usize, n: i32, d: i32, stride: i32): void {
  if (d === stride) return;
  const rowBytes = <usize>d << alignof<T>(), padBytes = <usize>(stride - d) << alignof<T>();
  for (let i = n - 1; i >= 0; i--) {
    const dst = X + <usize>i * (<usize>stride << alignof<T>()), src = X + <usize>i * rowBytes;
    if (d < 16) {
      // Short rows: a plain loop beats memory.copy's per-call cost. Backwards, as rows overlap.
      for (let j = d - 1; j >= 0; j--) store<T>(elem<T>(dst, j), load<T>(elem<T>(src, j)));
    } else {
      memory.copy(dst, src, rowBytes);
    }
    memory.fill(dst + rowBytes, 0, padBytes);
  }
}

export function pad_rows_f32(X: usize, n: i32, d: i32, stride: i32): void {
  pad_rows<f32>(X, n, d, stride);
}
export function pad_rows_f64(X: usize, n: i32, d: i32, stride: i32): void {
  pad_rows<f64>(X, n, d, stride);
}

/** Index of the first NaN or ±Infinity among n values of T, or -1 when all are finite. */
function find_nonfinite<T>(x: usize, n: i32): i32 {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    // x - x is 0 for every finite x and NaN otherwise; test 64 bytes per step.
    const step = 64 >> alignof<T>();
    const zero = v128.splat<T>(0);
    for (; i + step <= n; i += step) {
      const p = elem<T>(x, i);
      const a = v128.load(p), b = v128.load(p, 16), c = v128.load(p, 32), d = v128.load(p, 48);
      const bad = v128.or(
        v128.or(v128.ne<T>(v128.sub<T>(a, a), zero), v128.ne<T>(v128.sub<T>(b, b), zero)),
        v128.or(v128.ne<T>(v128.sub<T>(c, c), zero), v128.ne<T>(v128.sub<T>(d, d), zero)),
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

export function find_nonfinite_f32(x: usize, n: i32): i32 {
  return find_nonfinite<f32>(x, n);
}
export function find_nonfinite_f64(x: usize, n: i32): i32 {
  return find_nonfinite<f64>(x, n);
}
