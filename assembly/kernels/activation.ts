import {
  expConst, exp4_nonpos, exp4_nonpos_k, sigmoid4_from_k, EXP_LOG2E, EXP_MAGIC, EXP_NLN2_HI, EXP_NLN2_LO,
  EXP_Q5, EXP_Q4, EXP_Q3, EXP_Q2, EXP_Q1, EXP_ONE, EXP_FLOOR, EXP_SIGN,
} from '../inline/expf';
import { exp1, sigmoid1, tanh1 } from '../inline/scalar';
import { elem } from '../inline/simd';
import { ACT_IDENTITY, ACT_RELU, ACT_TANH, ACT_LOGISTIC } from '../../src/engine/formats';

// Elementwise kernels over n values of T. f32 takes the f32x4 exp, its constants loaded into
// locals before the loop (see inline/expf.ts) and loops unrolled by four vectors so the divisions
// and polynomials of independent vectors overlap; the last 1-3 values of a row go through the same
// lanes (loaded and stored lane by lane), so no value takes another path and nothing past the end
// is read. f64 takes NativeMath one value at a time (accuracy first) and vectors only where the
// work is plain arithmetic.

/** The r = 1..3 f32 values at p in the low lanes; the upper lanes repeat them (masked where it matters). */
// @ts-ignore: decorator
@inline export function load_part(p: usize, r: usize): v128 {
  if (r == 1) return v128.load32_splat(p);
  const v = v128.load64_splat(p);
  return r == 2 ? v : v128.load32_lane(p + 8, v, 2);
}

/** Stores the low r = 1..3 lanes of v at p. */
// @ts-ignore: decorator
@inline export function store_part(p: usize, v: v128, r: usize): void {
  if (r == 1) {
    v128.store32_lane(p, v, 0);
  } else {
    v128.store64_lane(p, v, 0);
    if (r == 3) v128.store32_lane(p + 8, v, 2);
  }
}

/** All lanes set in the low r = 0..3 lanes. */
// @ts-ignore: decorator
@inline export function lanes_below(r: usize): v128 {
  return i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(<i32>r));
}

/** sigmoid of four values from the exp constants (EXP_CONSTS' order) and the sign bit. */
// @ts-ignore: decorator
@inline function sigmoid4_k(
  x: v128, log2e: v128, magic: v128, nln2hi: v128, nln2lo: v128,
  q5: v128, q4: v128, q3: v128, q2: v128, q1: v128, one: v128, floor: v128, sign: v128,
): v128 {
  const e = exp4_nonpos_k(v128.or(x, sign), log2e, magic, nln2hi, nln2lo, q5, q4, q3, q2, q1, one, floor);
  return sigmoid4_from_k(x, e, one);
}

/** out[i] = sigmoid(z[i]) for n f32 values, four vectors at a time; out may alias z. */
// @ts-ignore: decorator
@inline function sigmoid_f32x4(z: usize, out: usize, n: i32): void {
  const log2e = expConst(EXP_LOG2E), magic = expConst(EXP_MAGIC), nln2hi = expConst(EXP_NLN2_HI), nln2lo = expConst(EXP_NLN2_LO);
  const q5 = expConst(EXP_Q5), q4 = expConst(EXP_Q4), q3 = expConst(EXP_Q3), q2 = expConst(EXP_Q2), q1 = expConst(EXP_Q1);
  const one = expConst(EXP_ONE), floor = expConst(EXP_FLOOR), sign = expConst(EXP_SIGN);
  const bytes = <usize>max(n, 0) << 2; // n < 0 is no values, not 4 GiB of them
  let o: usize = 0;
  for (; o + 64 <= bytes; o += 64) {
    const a = sigmoid4_k(v128.load(z + o), log2e, magic, nln2hi, nln2lo, q5, q4, q3, q2, q1, one, floor, sign);
    const b = sigmoid4_k(v128.load(z + o, 16), log2e, magic, nln2hi, nln2lo, q5, q4, q3, q2, q1, one, floor, sign);
    const c = sigmoid4_k(v128.load(z + o, 32), log2e, magic, nln2hi, nln2lo, q5, q4, q3, q2, q1, one, floor, sign);
    const d = sigmoid4_k(v128.load(z + o, 48), log2e, magic, nln2hi, nln2lo, q5, q4, q3, q2, q1, one, floor, sign);
    v128.store(out + o, a);
    v128.store(out + o, b, 16);
    v128.store(out + o, c, 32);
    v128.store(out + o, d, 48);
  }
  for (; o + 16 <= bytes; o += 16) {
    v128.store(out + o, sigmoid4_k(v128.load(z + o), log2e, magic, nln2hi, nln2lo, q5, q4, q3, q2, q1, one, floor, sign));
  }
  const r = (bytes - o) >> 2;
  if (r) store_part(out + o, sigmoid4_k(load_part(z + o, r), log2e, magic, nln2hi, nln2lo, q5, q4, q3, q2, q1, one, floor, sign), r);
}

/** out[i] = sigmoid(z[i]) for n values; out may alias z. Exact 0 and 1 only in the limit. */
export function sigmoid<T>(z: usize, out: usize, n: i32): void {
  if (ASC_FEATURE_SIMD && sizeof<T>() == 4) {
    sigmoid_f32x4(z, out, n);
    return;
  }
  for (let i = 0; i < n; i++) store<T>(elem<T>(out, i), sigmoid1<T>(load<T>(elem<T>(z, i))));
}

export function sigmoid_f32(z: usize, out: usize, n: i32): void {
  sigmoid<f32>(z, out, n);
}
export function sigmoid_f64(z: usize, out: usize, n: i32): void {
  sigmoid<f64>(z, out, n);
}

/** tanh(x) = sign(x) (1 - e) / (1 + e) with e = exp(-2|x|): no overflow for any x. */
// @ts-ignore: decorator
@inline function tanh4(x: v128): v128 {
  const e = exp4_nonpos(f32x4.mul(f32x4.abs(x), f32x4.splat(-2)));
  const t = f32x4.div(f32x4.sub(f32x4.splat(1), e), f32x4.add(f32x4.splat(1), e));
  // Copy x's sign bit onto t (t >= 0).
  return v128.or(t, v128.and(x, i32x4.splat(<i32>0x80000000)));
}

/** out = act(x) elementwise over n values (out may alias x); kind an ACT_* of src/engine/formats.ts. */
export function activation<T>(kind: i32, x: usize, out: usize, n: i32): void {
  const bytes = <usize>max(n, 0) << alignof<T>();
  if (kind == ACT_IDENTITY) {
    if (out != x) memory.copy(out, x, bytes);
    return;
  }
  if (kind == ACT_LOGISTIC) {
    sigmoid<T>(x, out, n);
    return;
  }
  let o: usize = 0;
  if (ASC_FEATURE_SIMD && kind == ACT_RELU) {
    // pmax(0, v) = 0 < v ? v : 0, one instruction where max is six (NaN and -0 handling), and the
    // scalar tail's and the JS twin's answer for NaN and -0 too.
    for (; o + 16 <= bytes; o += 16) v128.store(out + o, v128.pmax<T>(v128.splat<T>(0), v128.load(x + o)));
  } else if (ASC_FEATURE_SIMD && sizeof<T>() == 4) {
    for (; o + 16 <= bytes; o += 16) v128.store(out + o, tanh4(v128.load(x + o)));
  }
  for (; o < bytes; o += sizeof<T>()) {
    const v = load<T>(x + o);
    store<T>(out + o, kind == ACT_RELU ? (v > 0 ? v : 0) : tanh1<T>(v));
  }
}

export function activation_f32(kind: i32, x: usize, out: usize, n: i32): void {
  activation<f32>(kind, x, out, n);
}
export function activation_f64(kind: i32, x: usize, out: usize, n: i32): void {
  activation<f64>(kind, x, out, n);
}

/**
 * out = g * act'(.) elementwise, with the derivative written in terms of the activation's output
 * a (as scikit-learn does): relu a > 0, tanh 1 - a^2, logistic a (1 - a), identity 1. out may alias g.
 */
export function activation_grad<T>(kind: i32, a: usize, g: usize, out: usize, n: i32): void {
  const bytes = <usize>max(n, 0) << alignof<T>();
  if (kind == ACT_IDENTITY) {
    if (out != g) memory.copy(out, g, bytes);
    return;
  }
  let o: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const one = v128.splat<T>(1);
    for (; o + 16 <= bytes; o += 16) {
      const av = v128.load(a + o), gv = v128.load(g + o);
      let r: v128;
      if (kind == ACT_RELU) r = v128.and(gv, v128.gt<T>(av, v128.splat<T>(0)));
      else if (kind == ACT_TANH) r = v128.mul<T>(gv, v128.sub<T>(one, v128.mul<T>(av, av)));
      else r = v128.mul<T>(gv, v128.mul<T>(av, v128.sub<T>(one, av)));
      v128.store(out + o, r);
    }
  }
  for (; o < bytes; o += sizeof<T>()) {
    const av = load<T>(a + o), gv = load<T>(g + o);
    store<T>(out + o, kind == ACT_RELU ? (av > 0 ? gv : 0) : kind == ACT_TANH ? gv * (1 - av * av) : gv * av * (1 - av));
  }
}

export function activation_grad_f32(kind: i32, a: usize, g: usize, out: usize, n: i32): void {
  activation_grad<f32>(kind, a, g, out, n);
}
export function activation_grad_f64(kind: i32, a: usize, g: usize, out: usize, n: i32): void {
  activation_grad<f64>(kind, a, g, out, n);
}

/** The largest of a row's values in all four lanes: `full` bytes of whole vectors, then r = 0..3 values. */
// @ts-ignore: decorator
@inline export function row_max_f32x4(z: usize, full: usize, r: usize): v128 {
  let mx = r ? load_part(z + full, r) : v128.load(z);
  for (let o: usize = 0; o < full; o += 16) mx = f32x4.pmax(mx, v128.load(z + o));
  mx = f32x4.pmax(mx, f32x4.shuffle(mx, mx, 2, 3, 0, 1));
  return f32x4.pmax(mx, f32x4.shuffle(mx, mx, 1, 0, 3, 2));
}

/** acc + the four lanes of v, widened to f64: a row's sum of exps keeps its last bits (an f32 sum of 26 exps was off by 2.7e-7). */
// @ts-ignore: decorator
@inline function add_wide(acc: v128, v: v128): v128 {
  return f64x2.add(f64x2.add(acc, f64x2.promote_low_f32x4(v)), f64x2.promote_low_f32x4(f32x4.shuffle(v, v, 2, 3, 2, 3)));
}

/**
 * out = exp(z - mx) over a row of `full` bytes of whole vectors then r = 0..3 values (keep: the low
 * r lanes set), from the exp constants; returns their sum.
 */
// @ts-ignore: decorator
@inline export function exp_shifted_row_k(
  z: usize, out: usize, full: usize, r: usize, keep: v128, mx: v128,
  log2e: v128, magic: v128, nln2hi: v128, nln2lo: v128, q5: v128, q4: v128, q3: v128, q2: v128, q1: v128, one: v128, floor: v128,
): f64 {
  let acc = f64x2.splat(0);
  for (let o: usize = 0; o < full; o += 16) {
    const e = exp4_nonpos_k(f32x4.sub(v128.load(z + o), mx), log2e, magic, nln2hi, nln2lo, q5, q4, q3, q2, q1, one, floor);
    v128.store(out + o, e);
    acc = add_wide(acc, e);
  }
  if (r) {
    const x = f32x4.sub(load_part(z + full, r), mx);
    const e = v128.and(exp4_nonpos_k(x, log2e, magic, nln2hi, nln2lo, q5, q4, q3, q2, q1, one, floor), keep);
    store_part(out + full, e, r);
    acc = add_wide(acc, e);
  }
  return f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
}

/** Row-wise softmax of m rows of K f32 logits: a max pass, an exp-and-sum pass storing the exps, a scale pass (XNNPACK's). */
// @ts-ignore: decorator
@inline function softmax_rows_f32x4(Z: usize, ldz: i32, m: i32, K: i32, P: usize, ldp: i32): void {
  const log2e = expConst(EXP_LOG2E), magic = expConst(EXP_MAGIC), nln2hi = expConst(EXP_NLN2_HI), nln2lo = expConst(EXP_NLN2_LO);
  const q5 = expConst(EXP_Q5), q4 = expConst(EXP_Q4), q3 = expConst(EXP_Q3), q2 = expConst(EXP_Q2), q1 = expConst(EXP_Q1);
  const one = expConst(EXP_ONE), floor = expConst(EXP_FLOOR);
  const full = (<usize>K & ~3) << 2, r = <usize>K & 3;
  const keep = lanes_below(r);
  const zStep = <usize>ldz << 2, pStep = <usize>ldp << 2;
  let z = Z, p = P;
  for (let i = 0; i < m; i++, z += zStep, p += pStep) {
    const mx = row_max_f32x4(z, full, r);
    const sum = exp_shifted_row_k(z, p, full, r, keep, mx, log2e, magic, nln2hi, nln2lo, q5, q4, q3, q2, q1, one, floor);
    const inv = f32x4.splat(<f32>(1 / sum));
    for (let o: usize = 0; o < full; o += 16) v128.store(p + o, f32x4.mul(v128.load(p + o), inv));
    if (r) store_part(p + full, f32x4.mul(load_part(p + full, r), inv), r);
  }
}

/** Row-wise softmax of m rows of K logits (row strides ldz, ldp values), the row max subtracted first. P may alias Z when ldp = ldz. */
export function softmax_rows<T>(Z: usize, ldz: i32, m: i32, K: i32, P: usize, ldp: i32): void {
  if (K <= 0) return;
  if (ASC_FEATURE_SIMD && sizeof<T>() == 4) {
    softmax_rows_f32x4(Z, ldz, m, K, P, ldp);
    return;
  }
  for (let i = 0; i < m; i++) {
    const z = Z + <usize>i * (<usize>ldz << alignof<T>()), p = P + <usize>i * (<usize>ldp << alignof<T>());
    const sum = exp_shifted_row<T>(z, K, row_max<T>(z, K), p);
    const inv: T = 1 / sum;
    for (let k = 0; k < K; k++) store<T>(elem<T>(p, k), load<T>(elem<T>(p, k)) * inv);
  }
}

export function softmax_rows_f32(Z: usize, ldz: i32, m: i32, K: i32, P: usize, ldp: i32): void {
  softmax_rows<f32>(Z, ldz, m, K, P, ldp);
}
export function softmax_rows_f64(Z: usize, ldz: i32, m: i32, K: i32, P: usize, ldp: i32): void {
  softmax_rows<f64>(Z, ldz, m, K, P, ldp);
}

/** The largest of K values. */
export function row_max<T>(z: usize, K: i32): T {
  if (ASC_FEATURE_SIMD && sizeof<T>() == 4) {
    return <T>f32x4.extract_lane(row_max_f32x4(z, (<usize>K & ~3) << 2, <usize>K & 3), 0);
  }
  let mx = load<T>(z);
  for (let k = 1; k < K; k++) mx = max<T>(mx, load<T>(elem<T>(z, k)));
  return mx;
}

/** out[k] = exp(z[k] - mx) for K values (all arguments <= 0); returns their sum. */
export function exp_shifted_row<T>(z: usize, K: i32, mx: T, out: usize): T {
  if (ASC_FEATURE_SIMD && sizeof<T>() == 4) {
    const r = <usize>K & 3;
    const sum = exp_shifted_row_k(
      z, out, (<usize>K & ~3) << 2, r, lanes_below(r), f32x4.splat(<f32>mx),
      expConst(EXP_LOG2E), expConst(EXP_MAGIC), expConst(EXP_NLN2_HI), expConst(EXP_NLN2_LO), expConst(EXP_Q5),
      expConst(EXP_Q4), expConst(EXP_Q3), expConst(EXP_Q2), expConst(EXP_Q1), expConst(EXP_ONE), expConst(EXP_FLOOR),
    );
    return <T>sum;
  }
  let sum: f64 = 0; // f64 for f32 too: an f32 sum of 256 exps was off by 2.4e-7
  for (let k = 0; k < K; k++) {
    const e = exp1<T>(load<T>(elem<T>(z, k)) - mx);
    store<T>(elem<T>(out, k), e);
    sum += <f64>e;
  }
  return <T>sum;
}
