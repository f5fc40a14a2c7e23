import { madd, hsum } from './simd';

/**
 * Dot product of two f32 vectors of `stride` floats (a multiple of 4, zero-padded), four
 * independent accumulators so the adds do not wait on each other.
 */
// @ts-ignore: decorator
@inline export function dot4_f32_padded(a: usize, b: usize, stride: i32): f32 {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  const bytes = <usize>stride << 2;
  let k: usize = 0;
  for (; k + 64 <= bytes; k += 64) {
    a0 = madd(v128.load(a + k), v128.load(b + k), a0);
    a1 = madd(v128.load(a + k, 16), v128.load(b + k, 16), a1);
    a2 = madd(v128.load(a + k, 32), v128.load(b + k, 32), a2);
    a3 = madd(v128.load(a + k, 48), v128.load(b + k, 48), a3);
  }
  for (; k < bytes; k += 16) a0 = madd(v128.load(a + k), v128.load(b + k), a0);
  return hsum(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)));
}

/** Scalar dot product of the first `d` floats. */
// @ts-ignore: decorator
@inline export function dot1_f32(a: usize, b: usize, d: i32): f32 {
  let s: f32 = 0;
  for (let j = 0; j < d; j++) s += load<f32>(a + (<usize>j << 2)) * load<f32>(b + (<usize>j << 2));
  return s;
}
