import { exp4_neg_abs, sigmoid4_from, sigmoid1 } from '../inline/expf';

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
