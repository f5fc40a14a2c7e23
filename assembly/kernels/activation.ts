import { exp4_nonpos, exp4_neg_abs, sigmoid4_from, sigmoid1 } from '../inline/expf';

/** Activation kinds, as the TypeScript side numbers them. */
export const IDENTITY = 0, RELU = 1, TANH = 2, LOGISTIC = 3;

/** out[i] = sigmoid(z[i]) for n f32 values; out may alias z. Exact 0 and 1 only in the limit. */
export function sigmoid_f32(z: usize, out: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const v = v128.load(z + o);
      v128.store(out + o, sigmoid4_from(v, exp4_neg_abs(v)));
    }
  }
  for (; i < n; i++) store<f32>(out + (<usize>i << 2), sigmoid1(load<f32>(z + (<usize>i << 2))));
}

/** tanh(x) = sign(x) (1 - e) / (1 + e) with e = exp(-2|x|): no overflow for any x. */
// @ts-ignore: decorator
@inline function tanh4(x: v128): v128 {
  const e = exp4_nonpos(f32x4.mul(f32x4.abs(x), f32x4.splat(-2)));
  const t = f32x4.div(f32x4.sub(f32x4.splat(1), e), f32x4.add(f32x4.splat(1), e));
  // Copy x's sign bit onto t (t >= 0).
  return v128.or(t, v128.and(x, i32x4.splat(<i32>0x80000000)));
}

// @ts-ignore: decorator
@inline function tanh1(x: f32): f32 {
  const e = Mathf.exp(-2 * Mathf.abs(x));
  const t: f32 = (<f32>1 - e) / (<f32>1 + e);
  return x < 0 ? -t : t;
}

/** out = act(x) elementwise over n values (out may alias x); kind: 0 identity, 1 relu, 2 tanh, 3 logistic. */
export function activation_f32(kind: i32, x: usize, out: usize, n: i32): void {
  if (kind == IDENTITY) {
    if (out != x) memory.copy(out, x, <usize>n << 2);
    return;
  }
  if (kind == LOGISTIC) {
    sigmoid_f32(x, out, n);
    return;
  }
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const v = v128.load(x + o);
      v128.store(out + o, kind == RELU ? f32x4.max(v, f32x4.splat(0)) : tanh4(v));
    }
  }
  for (; i < n; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    store<f32>(out + (<usize>i << 2), kind == RELU ? (v > 0 ? v : 0) : tanh1(v));
  }
}

/**
 * out = g * act'(.) elementwise, with the derivative written in terms of the activation's output
 * a (as scikit-learn does): relu a > 0, tanh 1 - a^2, logistic a (1 - a), identity 1. out may alias g.
 */
export function activation_grad_f32(kind: i32, a: usize, g: usize, out: usize, n: i32): void {
  if (kind == IDENTITY) {
    if (out != g) memory.copy(out, g, <usize>n << 2);
    return;
  }
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const av = v128.load(a + o), gv = v128.load(g + o);
      let r: v128;
      if (kind == RELU) r = v128.and(gv, f32x4.gt(av, f32x4.splat(0)));
      else if (kind == TANH) r = f32x4.mul(gv, f32x4.sub(f32x4.splat(1), f32x4.mul(av, av)));
      else r = f32x4.mul(gv, f32x4.mul(av, f32x4.sub(f32x4.splat(1), av)));
      v128.store(out + o, r);
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const av = load<f32>(a + o), gv = load<f32>(g + o);
    store<f32>(out + o, kind == RELU ? (av > 0 ? gv : 0) : kind == TANH ? gv * (1 - av * av) : gv * av * (1 - av));
  }
}

/** Row-wise softmax of m rows of K logits (row strides ldz, ldp floats), the row max subtracted first. */
export function softmax_rows_f32(Z: usize, ldz: i32, m: i32, K: i32, P: usize, ldp: i32): void {
  for (let i = 0; i < m; i++) {
    const z = Z + <usize>i * (<usize>ldz << 2), p = P + <usize>i * (<usize>ldp << 2);
    const sum = exp_shifted_row(z, K, row_max(z, K), p);
    const inv: f32 = 1 / sum;
    for (let k = 0; k < K; k++) store<f32>(p + (<usize>k << 2), load<f32>(p + (<usize>k << 2)) * inv);
  }
}

/** The largest of K values. */
export function row_max(z: usize, K: i32): f32 {
  let mx = load<f32>(z);
  for (let k = 1; k < K; k++) mx = max(mx, load<f32>(z + (<usize>k << 2)));
  return mx;
}

/** out[k] = exp(z[k] - mx) for K values (all arguments <= 0); returns their sum. */
export function exp_shifted_row(z: usize, K: i32, mx: f32, out: usize): f32 {
  let k = 0;
  let sum: f32 = 0;
  if (ASC_FEATURE_SIMD) {
    let acc = f32x4.splat(0);
    const shift = f32x4.splat(mx);
    for (; k + 4 <= K; k += 4) {
      const e = exp4_nonpos(f32x4.sub(v128.load(z + (<usize>k << 2)), shift));
      v128.store(out + (<usize>k << 2), e);
      acc = f32x4.add(acc, e);
    }
    sum = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
  }
  for (; k < K; k++) {
    const e = Mathf.exp(load<f32>(z + (<usize>k << 2)) - mx);
    store<f32>(out + (<usize>k << 2), e);
    sum += e;
  }
  return sum;
}
