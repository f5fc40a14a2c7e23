// exp, sigmoid and log-loss on f32x4, built for logistic outputs and softmax.
//
// Only exp of a non-positive argument is ever needed: sigmoid and log1p(exp(-|z|)) are computed on
// -|z| and mirrored by sign (XNNPACK's f32-vsigmoid rr2-p5 scheme), softmax on z - max(z), so
// nothing overflows and no logit, however large, gives NaN or Infinity.
//
// exp(x) as XNNPACK's rr2 kernels compute it: n = round(x log2 e) by the magic-bias trick (adding
// 1.5 * 2^23 + 127 leaves n + 127 in the low mantissa bits, so the sum's bits shifted left by 23
// are 2^n: no float-to-int conversion, no clamp), t = x - n ln2 in two steps (Cody–Waite, so t
// keeps its low bits), then e^x = 2^n (1 + t q(t)) with q of degree 5 (relative error 2e-8; XNNPACK's
// degree 4 has 9e-8, which made the sigmoid's error 2.5e-7 where this gives 1.7e-7).
//
// V8 rebuilds a v128 constant with three instructions at every use and hoists nothing out of a
// loop, so the constants are read from memory: hot loops load them once into locals (expConst,
// then the `_k` helpers, which take them as parameters); the plain helpers load them where they
// are used.

/** The constants, as f32 scalars at the byte offsets below (read with v128.load32_splat). */
const EXP_CONSTS = memory.data<f32>([
  1.44269502162933349609375, // log2 e
  12583039.0, // magic bias: 1.5 * 2^23 + 127
  -0.693145751953125, // -ln 2, top bits: n * this is exact
  -1.428606765330187e-6, // -ln 2, the rest
  0.0013843626948073506, // q5 .. q1, q0 = 1: e^t = 1 + t q(t) on [-ln2/2, ln2/2]
  0.008374162018299103,
  0.04166800156235695,
  0.16666431725025177,
  0.4999999403953552,
  1.0,
  -88.0, // the floor of x: round(-88 log2 e) = -127, so 2^n is 0
  -0.0, // the sign bit
]);
export const EXP_LOG2E: usize = 0;
export const EXP_MAGIC: usize = 4;
export const EXP_NLN2_HI: usize = 8;
export const EXP_NLN2_LO: usize = 12;
export const EXP_Q5: usize = 16;
export const EXP_Q4: usize = 20;
export const EXP_Q3: usize = 24;
export const EXP_Q2: usize = 28;
export const EXP_Q1: usize = 32;
export const EXP_ONE: usize = 36;
export const EXP_FLOOR: usize = 40;
export const EXP_SIGN: usize = 44;

/** The constant at byte offset `at` of EXP_CONSTS in all four lanes. */
// @ts-ignore: decorator
@inline export function expConst(at: usize): v128 {
  return v128.load32_splat(EXP_CONSTS + at);
}

/** a * b + c: fused on relaxed-SIMD builds. */
// @ts-ignore: decorator
@inline function fmadd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/**
 * e^x for x <= 0 from constants loaded by expConst (one local each, in EXP_CONSTS' order), four
 * lanes; relative error 1e-7 where the result is a normal f32. Below -87.7 (and for -Infinity) the
 * result is 0: x is clamped to -88, where n = -127 makes the scale 2^n exactly 0. NaN stays NaN.
 */
// @ts-ignore: decorator
@inline export function exp4_nonpos_k(
  x: v128, log2e: v128, magic: v128, nln2hi: v128, nln2lo: v128,
  q5: v128, q4: v128, q3: v128, q2: v128, q1: v128, one: v128, floor: v128,
): v128 {
  x = f32x4.pmax(x, floor);
  let n = fmadd(x, log2e, magic);
  const s = i32x4.shl(n, 23);
  n = f32x4.sub(n, magic);
  let t = fmadd(n, nln2hi, x);
  t = fmadd(n, nln2lo, t);
  let p = fmadd(q5, t, q4);
  p = fmadd(p, t, q3);
  p = fmadd(p, t, q2);
  p = fmadd(p, t, q1);
  p = fmadd(p, t, one);
  // 2^n + (2^n t) q(t)
  return fmadd(f32x4.mul(t, s), p, s);
}

/** e^x for x <= 0, four lanes (see exp4_nonpos_k). */
// @ts-ignore: decorator
@inline export function exp4_nonpos(x: v128): v128 {
  return exp4_nonpos_k(
    x, expConst(EXP_LOG2E), expConst(EXP_MAGIC), expConst(EXP_NLN2_HI), expConst(EXP_NLN2_LO),
    expConst(EXP_Q5), expConst(EXP_Q4), expConst(EXP_Q3), expConst(EXP_Q2), expConst(EXP_Q1),
    expConst(EXP_ONE), expConst(EXP_FLOOR),
  );
}

/** log1p4_unit's constants, as f32 scalars at the byte offsets below (read with v128.load32_splat). */
const LOG1P_CONSTS = memory.data<f32>([2.0, <f32>(2.0 / 11.0), <f32>(2.0 / 9.0), <f32>(2.0 / 7.0), <f32>(2.0 / 5.0), <f32>(2.0 / 3.0)]);
export const LOG1P_TWO: usize = 0;
export const LOG1P_C11: usize = 4;
export const LOG1P_C9: usize = 8;
export const LOG1P_C7: usize = 12;
export const LOG1P_C5: usize = 16;
export const LOG1P_C3: usize = 20;

/** The constant at byte offset `at` of LOG1P_CONSTS in all four lanes. */
// @ts-ignore: decorator
@inline export function log1pConst(at: usize): v128 {
  return v128.load32_splat(LOG1P_CONSTS + at);
}

/** log1p4_unit from constants loaded by log1pConst (one local each, in LOG1P_CONSTS' order). */
// @ts-ignore: decorator
@inline export function log1p4_unit_k(u: v128, two: v128, c11: v128, c9: v128, c7: v128, c5: v128, c3: v128): v128 {
  const s = f32x4.div(u, f32x4.add(u, two));
  const s2 = f32x4.mul(s, s);
  // 2 (s + s^3/3 + ... + s^11/11); the next term is below 2e-7 relative for s <= 1/3.
  let q = f32x4.add(f32x4.mul(s2, c11), c9);
  q = f32x4.add(f32x4.mul(q, s2), c7);
  q = f32x4.add(f32x4.mul(q, s2), c5);
  q = f32x4.add(f32x4.mul(q, s2), c3);
  q = f32x4.add(f32x4.mul(q, s2), two);
  return f32x4.mul(q, s);
}

/** log(1 + u) for u in [0, 1]: 2 atanh(s) with s = u / (2 + u) <= 1/3, no cancellation for tiny u. */
// @ts-ignore: decorator
@inline export function log1p4_unit(u: v128): v128 {
  return log1p4_unit_k(
    u, log1pConst(LOG1P_TWO), log1pConst(LOG1P_C11), log1pConst(LOG1P_C9), log1pConst(LOG1P_C7), log1pConst(LOG1P_C5), log1pConst(LOG1P_C3),
  );
}

/** e^(-|z|), the one exponential both the sigmoid and the log-loss of z need. */
// @ts-ignore: decorator
@inline export function exp4_neg_abs(z: v128): v128 {
  return exp4_nonpos(v128.or(z, expConst(EXP_SIGN)));
}

/** sigmoid(z) from e = e^(-|z|) and one = 1 in each lane: f = e / (1 + e) for z < 0, mirrored to 1 - f for z >= 0. */
// @ts-ignore: decorator
@inline export function sigmoid4_from_k(z: v128, e: v128, one: v128): v128 {
  // 1 - f, not 1 / (1 + e): near 1 the subtraction rounds once (f is small and accurate), where
  // 1 + e and the division round twice, up to 1.5 ulp; 1 - sigmoid, the other class's probability,
  // turns each ulp near 1 into a relative error of 3.6e-4 at z = 8.7.
  const f = f32x4.div(e, f32x4.add(e, one));
  const negative = i32x4.shr_s(z, 31);
  if (ASC_FEATURE_RELAXED_SIMD) return i32x4.relaxed_laneselect(f, f32x4.sub(one, f), negative);
  return v128.bitselect(f, f32x4.sub(one, f), negative);
}

/** sigmoid(z) from e = e^(-|z|): e / (1 + e) for z < 0, mirrored to 1 - that for z >= 0. */
// @ts-ignore: decorator
@inline export function sigmoid4_from(z: v128, e: v128): v128 {
  return sigmoid4_from_k(z, e, expConst(EXP_ONE));
}

/** Binary cross-entropy of logit z and label y, stable form max(z, 0) - z y + log1p(e^(-|z|)). */
// @ts-ignore: decorator
@inline export function bce4_from(z: v128, y: v128, e: v128): v128 {
  const hinge = f32x4.max(z, f32x4.splat(0.0));
  return f32x4.add(f32x4.sub(hinge, f32x4.mul(z, y)), log1p4_unit(e));
}
