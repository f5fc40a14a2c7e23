import { hsum, elem } from '../inline/simd';

/**
 * Sum of n values of T, accumulated in T's lanes on SIMD builds (16 values a step, then the tail)
 * and in f64 on the scalar build. Its job is the roofline: the time it takes merely to read the data once.
 */
function sum<T>(x: usize, n: i32): f64 {
  let s: f64 = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    let a0 = v128.splat<T>(0), a1 = v128.splat<T>(0), a2 = v128.splat<T>(0), a3 = v128.splat<T>(0);
    i = n & ~15;
    const bytes = <usize>i << alignof<T>();
    for (let k: usize = 0; k < bytes; k += 64) {
      a0 = v128.add<T>(a0, v128.load(x + k));
      a1 = v128.add<T>(a1, v128.load(x + k, 16));
      a2 = v128.add<T>(a2, v128.load(x + k, 32));
      a3 = v128.add<T>(a3, v128.load(x + k, 48));
    }
    s = <f64>hsum<T>(v128.add<T>(v128.add<T>(a0, a1), v128.add<T>(a2, a3)));
  }
  for (; i < n; i++) s += <f64>load<T>(elem<T>(x, i));
  return s;
}

export function sum_f32(x: usize, n: i32): f64 {
  return sum<f32>(x, n);
}
export function sum_f64(x: usize, n: i32): f64 {
  return sum<f64>(x, n);
}

/**
 * out[j] = the sum over blocks b, in block order, of slots[b * step + j], for j < width: the
 * threads' per-block partial gradients reduced the same way whatever the thread count.
 */
function sum_slots<T>(slots: usize, blocks: i32, step: i32, width: i32, out: usize): void {
  const stride = <usize>step << alignof<T>();
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    for (; j + 16 / sizeof<T>() <= width; j += 16 / sizeof<T>()) {
      let acc = v128.splat<T>(0);
      let p = elem<T>(slots, j);
      for (let b = 0; b < blocks; b++, p += stride) acc = v128.add<T>(acc, v128.load(p));
      v128.store(elem<T>(out, j), acc);
    }
  }
  for (; j < width; j++) {
    let acc: T = 0;
    let p = elem<T>(slots, j);
    for (let b = 0; b < blocks; b++, p += stride) acc += load<T>(p);
    store<T>(elem<T>(out, j), acc);
  }
}

export function sum_slots_f32(slots: usize, blocks: i32, step: i32, width: i32, out: usize): void {
  sum_slots<f32>(slots, blocks, step, width, out);
}
export function sum_slots_f64(slots: usize, blocks: i32, step: i32, width: i32, out: usize): void {
  sum_slots<f64>(slots, blocks, step, width, out);
}
