// Small vector helpers shared by kernels. Each build picks its own body at compile time.

/** a * b + c: one fused instruction on relaxed-SIMD builds, a multiply and an add elsewhere. */
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** Sum of the four f32 lanes. */
// @ts-ignore: decorator
@inline export function hsum(v: v128): f32 {
  const s = f32x4.add(v, f32x4.shuffle(v, v, 2, 3, 0, 1));
  return f32x4.extract_lane(f32x4.add(s, f32x4.shuffle(s, s, 1, 0, 3, 2)), 0);
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
@inline export function soft_threshold(v: f32, t: f32): f32 {
  return v > t ? v - t : v < -t ? v + t : 0;
}
