import { dot4_f32_padded, dot1_f32 } from '../inline/dot';

/**
 * out[i] = X[i] . w + w[stride] for n rows: the logits of a linear model.
 * X is f32[n * stride] with rows zero-padded to stride (a multiple of 4); w is f32[stride + 4].
 */
export function gemv_bias_f32(X: usize, n: i32, d: i32, stride: i32, w: usize, out: usize): void {
  const rowBytes = <usize>stride << 2;
  const bias = load<f32>(w + rowBytes);
  for (let i = 0; i < n; i++) {
    const x = X + <usize>i * rowBytes;
    const z = ASC_FEATURE_SIMD ? dot4_f32_padded(x, w, stride) : dot1_f32(x, w, d);
    store<f32>(out + (<usize>i << 2), z + bias);
  }
}
