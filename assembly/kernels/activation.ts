import { exp4_nonpos, exp4_neg_abs, sigmoid4_from } from '../inline/expf';
import { exp1, sigmoid1, tanh1 } from '../inline/scalar';
import { elem } from '../inline/simd';
import { ACT_IDENTITY, ACT_RELU, ACT_TANH, ACT_LOGISTIC } from '../../src/engine/formats';

// Elementwise kernels over n values of T. f32 takes the f32x4 exp; f64 takes NativeMath one value
// at a time (accuracy first) and vectors only where the work is plain arithmetic.

/** out[i] = sigmoid(z[i]) for n values; out may alias z. Exact 0 and 1 only in the limit. */
export function sigmoid<T>(z: usize, out: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD && sizeof<T>() == 4) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const v = v128.load(z + o);
      v128.store(out + o, sigmoid4_from(v, exp4_neg_abs(v)));
    }
  }
  for (; i < n; i++) store<T>(elem<T>(out, i), sigmoid1<T>(load<T>(elem<T>(z, i))));
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
  const bytes = <usize>n << alignof<T>();
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
    for (; o + 16 <= bytes; o += 16) v128.store(out + o, v128.max<T>(v128.load(x + o), v128.splat<T>(0)));
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
  const bytes = <usize>n << alignof<T>();
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

/** Row-wise softmax of m rows of K logits (row strides ldz, ldp values), the row max subtracted first. */
export function softmax_rows<T>(Z: usize, ldz: i32, m: i32, K: i32, P: usize, ldp: i32): void {
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
  let mx = load<T>(z);
  for (let k = 1; k < K; k++) mx = max<T>(mx, load<T>(elem<T>(z, k)));
  return mx;
}

/** out[k] = exp(z[k] - mx) for K values (all arguments <= 0); returns their sum. */
export function exp_shifted_row<T>(z: usize, K: i32, mx: T, out: usize): T {
  let k = 0;
  let sum: T = 0;
  if (ASC_FEATURE_SIMD && sizeof<T>() == 4) {
    let acc = f32x4.splat(0);
    const shift = f32x4.splat(<f32>mx);
    for (; k + 4 <= K; k += 4) {
      const e = exp4_nonpos(f32x4.sub(v128.load(z + (<usize>k << 2)), shift));
      v128.store(out + (<usize>k << 2), e);
      acc = f32x4.add(acc, e);
    }
    sum = <T>(f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
  }
  for (; k < K; k++) {
    const e = exp1<T>(load<T>(elem<T>(z, k)) - mx);
    store<T>(elem<T>(out, k), e);
    sum += e;
  }
  return sum;
}
