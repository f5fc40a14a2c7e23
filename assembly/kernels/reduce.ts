import { hsum } from '../inline/simd';

/**
 * Sum of n f32 values (n a multiple of 16 on SIMD builds; the rest is ignored there).
 * Its only job is the roofline: the time it takes merely to read the data once.
 */
export function sum_f32(x: usize, n: i32): f64 {
  if (ASC_FEATURE_SIMD) {
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    const bytes = <usize>(n & ~15) << 2;
    for (let k: usize = 0; k < bytes; k += 64) {
      a0 = f32x4.add(a0, v128.load(x + k));
      a1 = f32x4.add(a1, v128.load(x + k, 16));
      a2 = f32x4.add(a2, v128.load(x + k, 32));
      a3 = f32x4.add(a3, v128.load(x + k, 48));
    }
    return <f64>hsum(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)));
  }
  let s: f64 = 0;
  for (let i = 0; i < n; i++) s += <f64>load<f32>(x + (<usize>i << 2));
  return s;
}
