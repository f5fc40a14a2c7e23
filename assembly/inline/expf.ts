// exp, sigmoid and log-loss on f32x4, built for logistic outputs.
//
// Only exp of a non-positive argument is ever needed: sigmoid and log1p(exp(-|z|)) are computed on
// -|z| and mirrored by sign (XNNPACK's f32-vsigmoid rr2-p5 scheme), so nothing overflows and no
// logit, however large, gives NaN or Infinity.

const LOG2E: f32 = 1.44269504;
const LN2_HI: f32 = 0.693145751953125; // the top bits of ln 2: n * LN2_HI is exact
const LN2_LO: f32 = 1.42860677e-6;
// Minimax coefficients of e^t on [-ln2/2, ln2/2] (XNNPACK rr2-p5): relative error ~1e-7.
const C5: f32 = 0.008289290592;
const C4: f32 = 0.04189782217;
const C3: f32 = 0.1666765213;
const C2: f32 = 0.4999915063;
const C1: f32 = 0.999999702;
/** Below ln(smallest normal f32) the result is flushed to 0 rather than built as a subnormal. */
const EXP_CUTOFF: f32 = -87.33654;

/** e^x for x <= 0, four lanes, relative error below 1e-6 where the result is a normal f32. */
// @ts-ignore: decorator
@inline export function exp4_nonpos(x: v128): v128 {
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(LOG2E)));
  // t = x - n ln2 in two steps (Cody–Waite), so t keeps its low bits.
  let t = f32x4.sub(x, f32x4.mul(n, f32x4.splat(LN2_HI)));
  t = f32x4.sub(t, f32x4.mul(n, f32x4.splat(LN2_LO)));
  let p = f32x4.add(f32x4.mul(f32x4.splat(C5), t), f32x4.splat(C4));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(C3));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(C2));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(C1));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(1.0));
  // 2^n from the exponent bits; n >= -126 inside the cutoff, so the scale is a normal float.
  const nClamped = f32x4.max(n, f32x4.splat(-126.0));
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(nClamped), i32x4.splat(127)), 23);
  return v128.and(f32x4.mul(p, scale), f32x4.ge(x, f32x4.splat(EXP_CUTOFF)));
}

/** log(1 + u) for u in [0, 1]: 2 atanh(s) with s = u / (2 + u) <= 1/3, no cancellation for tiny u. */
// @ts-ignore: decorator
@inline export function log1p4_unit(u: v128): v128 {
  const s = f32x4.div(u, f32x4.add(u, f32x4.splat(2.0)));
  const s2 = f32x4.mul(s, s);
  // 2 (s + s^3/3 + ... + s^11/11); the next term is below 2e-7 relative for s <= 1/3.
  let q = f32x4.add(f32x4.mul(s2, f32x4.splat(<f32>(2.0 / 11.0))), f32x4.splat(<f32>(2.0 / 9.0)));
  q = f32x4.add(f32x4.mul(q, s2), f32x4.splat(<f32>(2.0 / 7.0)));
  q = f32x4.add(f32x4.mul(q, s2), f32x4.splat(<f32>(2.0 / 5.0)));
  q = f32x4.add(f32x4.mul(q, s2), f32x4.splat(<f32>(2.0 / 3.0)));
  q = f32x4.add(f32x4.mul(q, s2), f32x4.splat(2.0));
  return f32x4.mul(q, s);
}

/** e^(-|z|), the one exponential both the sigmoid and the log-loss of z need. */
// @ts-ignore: decorator
@inline export function exp4_neg_abs(z: v128): v128 {
  return exp4_nonpos(f32x4.neg(f32x4.abs(z)));
}

/** sigmoid(z) from e = e^(-|z|): e / (1 + e) for z <= 0, mirrored to 1 - that for z > 0. */
// @ts-ignore: decorator
@inline export function sigmoid4_from(z: v128, e: v128): v128 {
  const f = f32x4.div(e, f32x4.add(e, f32x4.splat(1.0)));
  return v128.bitselect(f32x4.sub(f32x4.splat(1.0), f), f, f32x4.gt(z, f32x4.splat(0.0)));
}

/** Binary cross-entropy of logit z and label y, stable form max(z, 0) - z y + log1p(e^(-|z|)). */
// @ts-ignore: decorator
@inline export function bce4_from(z: v128, y: v128, e: v128): v128 {
  const hinge = f32x4.max(z, f32x4.splat(0.0));
  return f32x4.add(f32x4.sub(hinge, f32x4.mul(z, y)), log1p4_unit(e));
}
