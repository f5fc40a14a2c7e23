// The compute roofline: one core's f32x4 multiply-add throughput, measured, not looked up.
// Twelve independent chains keep every FMA pipe busy past its latency (two pipes x four to five
// cycles on current x86 cores need eight to ten). Built twice by bench/lib/peak.js: with relaxed
// SIMD each step is one fused relaxed_madd, without it a multiply and an add, as the library's
// simd build does.

// @ts-ignore: decorator
@inline function step(c: v128, a: v128, b: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(c, a, b);
  return f32x4.add(f32x4.mul(c, a), b);
}

/** Runs `iters` rounds of 12 chains c = c * a + b (4 lanes each: 96 flops a round); returns a lane sum so nothing is elided. */
export function fma_chains(iters: i32, a: f32, b: f32): f32 {
  const va = f32x4.splat(a), vb = f32x4.splat(b);
  let c0 = f32x4.splat(0), c1 = f32x4.splat(1), c2 = f32x4.splat(2), c3 = f32x4.splat(3);
  let c4 = f32x4.splat(4), c5 = f32x4.splat(5), c6 = f32x4.splat(6), c7 = f32x4.splat(7);
  let c8 = f32x4.splat(8), c9 = f32x4.splat(9), c10 = f32x4.splat(10), c11 = f32x4.splat(11);
  for (let i = 0; i < iters; i++) {
    c0 = step(c0, va, vb); c1 = step(c1, va, vb); c2 = step(c2, va, vb); c3 = step(c3, va, vb);
    c4 = step(c4, va, vb); c5 = step(c5, va, vb); c6 = step(c6, va, vb); c7 = step(c7, va, vb);
    c8 = step(c8, va, vb); c9 = step(c9, va, vb); c10 = step(c10, va, vb); c11 = step(c11, va, vb);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(c0, c1), f32x4.add(c2, c3)), f32x4.add(f32x4.add(c4, c5), f32x4.add(c6, c7)));
  const t = f32x4.add(s, f32x4.add(f32x4.add(c8, c9), f32x4.add(c10, c11)));
  return f32x4.extract_lane(t, 0) + f32x4.extract_lane(t, 1) + f32x4.extract_lane(t, 2) + f32x4.extract_lane(t, 3);
}
