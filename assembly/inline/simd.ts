// Small vector helpers shared by kernels, generic over the lane type T (f32: four lanes, f64: two).
// Each build picks its own body at compile time.

/** a * b + c: one fused instruction on relaxed-SIMD builds, a multiply and an add elsewhere. */
// @ts-ignore: decorator
@inline export function madd<T>(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return v128.relaxed_madd<T>(a, b, c);
  return v128.add<T>(v128.mul<T>(a, b), c);
}

/** Sum of the lanes. */
// @ts-ignore: decorator
@inline export function hsum<T>(v: v128): T {
  if (sizeof<T>() == 4) {
    const s = f32x4.add(v, f32x4.shuffle(v, v, 2, 3, 0, 1));
    return <T>f32x4.extract_lane(f32x4.add(s, f32x4.shuffle(s, s, 1, 0, 3, 2)), 0);
  }
  return <T>(f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1));
}

/** Lanes a[p0], a[p1], a[p2], a[p3] of four f32 values at four byte addresses. */
// @ts-ignore: decorator
@inline export function gather4(p0: usize, p1: usize, p2: usize, p3: usize): v128 {
  let v = v128.load32_splat(p0);
  v = v128.load32_lane(p1, v, 1);
  v = v128.load32_lane(p2, v, 2);
  return v128.load32_lane(p3, v, 3);
}

/** sign(v) max(|v| - t, 0): the proximal step of an L1 penalty. */
// @ts-ignore: decorator
@inline export function soft_threshold<T>(v: T, t: T): T {
  return v > t ? v - t : v < -t ? v + t : <T>0;
}

/** Byte address of element i of an array of T at base. */
// @ts-ignore: decorator
@inline export function elem<T>(base: usize, i: i32): usize {
  return base + (<usize>i << alignof<T>());
}
