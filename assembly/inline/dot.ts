import { madd, hsum } from './simd';

/**
 * Dot product of two vectors of `stride` values of T (a multiple of 4, zero-padded), four
 * independent accumulators so the adds do not wait on each other.
 */
// @ts-ignore: decorator
@inline export function dot_padded<T>(a: usize, b: usize, stride: i32): T {
  let a0 = v128.splat<T>(0), a1 = v128.splat<T>(0), a2 = v128.splat<T>(0), a3 = v128.splat<T>(0);
  const bytes = <usize>stride << alignof<T>();
  let k: usize = 0;
  for (; k + 64 <= bytes; k += 64) {
    a0 = madd<T>(v128.load(a + k), v128.load(b + k), a0);
    a1 = madd<T>(v128.load(a + k, 16), v128.load(b + k, 16), a1);
    a2 = madd<T>(v128.load(a + k, 32), v128.load(b + k, 32), a2);
    a3 = madd<T>(v128.load(a + k, 48), v128.load(b + k, 48), a3);
  }
  for (; k < bytes; k += 16) a0 = madd<T>(v128.load(a + k), v128.load(b + k), a0);
  return hsum<T>(v128.add<T>(v128.add<T>(a0, a1), v128.add<T>(a2, a3)));
}

/** Scalar dot product of the first `d` values. */
// @ts-ignore: decorator
@inline export function dot1<T>(a: usize, b: usize, d: i32): T {
  let s: T = 0;
  for (let j = 0; j < d; j++) s += load<T>(a + (<usize>j << alignof<T>())) * load<T>(b + (<usize>j << alignof<T>()));
  return s;
}
