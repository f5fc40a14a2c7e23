import { dot4_f32_padded, dot1_f32 } from '../inline/dot';
import { madd } from '../inline/simd';
import { row_ptr } from '../inline/rows';

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

// The three products of backpropagation. Every matrix is row-major f32 with rows padded to a
// multiple of 4 floats (padding zero); `k` and `nOut` below are those padded sizes. Rows of A may
// be taken through an index array (a shuffled mini-batch) with `idx` and `start`, else idx = 0.

/** Lanes i = the sum of the four lanes of a_i. */
// @ts-ignore: decorator
@inline function hsum4x4(a0: v128, a1: v128, a2: v128, a3: v128): v128 {
  const u = f32x4.add(f32x4.shuffle(a0, a1, 0, 1, 4, 5), f32x4.shuffle(a0, a1, 2, 3, 6, 7));
  const v = f32x4.add(f32x4.shuffle(a2, a3, 0, 1, 4, 5), f32x4.shuffle(a2, a3, 2, 3, 6, 7));
  return f32x4.add(f32x4.shuffle(u, v, 0, 2, 4, 6), f32x4.shuffle(u, v, 1, 3, 5, 7));
}

/**
 * C[i][o] = A_i . W_o + bias[o]  (A W^T: a layer's forward pass), for m rows and nOut outputs;
 * W is nOut x k, bias f32[nOut] or 0, C has ldc floats per row.
 */
export function gemm_nt_f32(
  A: usize, lda: i32, idx: usize, start: i32, m: i32, W: usize, nOut: i32, k: i32, bias: usize, C: usize, ldc: i32,
): void {
  const aBytes = <usize>lda << 2, wBytes = <usize>k << 2, kBytes = <usize>k << 2;
  for (let i = 0; i < m; i++) {
    const a = row_ptr(A, aBytes, idx, start + i);
    const c = C + <usize>i * (<usize>ldc << 2);
    for (let o = 0; o < nOut; o += 4) {
      const w0 = W + <usize>o * wBytes;
      if (ASC_FEATURE_SIMD) {
        const w1 = w0 + wBytes, w2 = w1 + wBytes, w3 = w2 + wBytes;
        let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
        for (let q: usize = 0; q < kBytes; q += 16) {
          const av = v128.load(a + q);
          s0 = madd(av, v128.load(w0 + q), s0);
          s1 = madd(av, v128.load(w1 + q), s1);
          s2 = madd(av, v128.load(w2 + q), s2);
          s3 = madd(av, v128.load(w3 + q), s3);
        }
        let r = hsum4x4(s0, s1, s2, s3);
        if (bias) r = f32x4.add(r, v128.load(bias + (<usize>o << 2)));
        v128.store(c + (<usize>o << 2), r);
      } else {
        for (let j = 0; j < 4; j++) {
          const w = w0 + <usize>j * wBytes;
          let s: f32 = bias ? load<f32>(bias + (<usize>(o + j) << 2)) : 0;
          for (let q: usize = 0; q < kBytes; q += 4) s += load<f32>(a + q) * load<f32>(w + q);
          store<f32>(c + (<usize>(o + j) << 2), s);
        }
      }
    }
  }
}

/**
 * dW[o] += sum_i D[i][o] A_i  (D^T A: a layer's weight gradient), for m rows; dW is nOut x k.
 * Four output rows by one vector of k are accumulated in registers across all m rows.
 */
export function gemm_tn_acc_f32(
  D: usize, ldd: i32, m: i32, nOut: i32, A: usize, lda: i32, idx: usize, start: i32, k: i32, dW: usize,
): void {
  const aBytes = <usize>lda << 2, dBytes = <usize>ldd << 2, wBytes = <usize>k << 2;
  for (let o = 0; o < nOut; o += 4) {
    const g0 = dW + <usize>o * wBytes;
    for (let q: usize = 0; q < wBytes; q += 16) {
      if (ASC_FEATURE_SIMD) {
        const g1 = g0 + wBytes, g2 = g1 + wBytes, g3 = g2 + wBytes;
        let s0 = v128.load(g0 + q), s1 = v128.load(g1 + q), s2 = v128.load(g2 + q), s3 = v128.load(g3 + q);
        for (let i = 0; i < m; i++) {
          const av = v128.load(row_ptr(A, aBytes, idx, start + i) + q);
          const d = D + <usize>i * dBytes + (<usize>o << 2);
          s0 = madd(av, v128.load32_splat(d), s0);
          s1 = madd(av, v128.load32_splat(d, 4), s1);
          s2 = madd(av, v128.load32_splat(d, 8), s2);
          s3 = madd(av, v128.load32_splat(d, 12), s3);
        }
        v128.store(g0 + q, s0);
        v128.store(g1 + q, s1);
        v128.store(g2 + q, s2);
        v128.store(g3 + q, s3);
      } else {
        for (let j = 0; j < 4; j++) {
          for (let l: usize = 0; l < 16; l += 4) {
            const g = g0 + <usize>j * wBytes + q + l;
            let s = load<f32>(g);
            for (let i = 0; i < m; i++) {
              s += load<f32>(D + <usize>i * dBytes + (<usize>(o + j) << 2)) * load<f32>(row_ptr(A, aBytes, idx, start + i) + q + l);
            }
            store<f32>(g, s);
          }
        }
      }
    }
  }
}

/** Out[i] = sum_o D[i][o] W[o]  (D W: the gradient passed to the layer below), for m rows. */
export function gemm_nn_f32(D: usize, ldd: i32, m: i32, nOut: i32, W: usize, k: i32, Out: usize, ldo: i32): void {
  const dBytes = <usize>ldd << 2, wBytes = <usize>k << 2, oBytes = <usize>ldo << 2;
  for (let i = 0; i < m; i++) {
    const d = D + <usize>i * dBytes;
    const out = Out + <usize>i * oBytes;
    let q: usize = 0;
    if (ASC_FEATURE_SIMD) {
      for (; q + 64 <= wBytes; q += 64) {
        let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
        for (let o = 0; o < nOut; o++) {
          const dv = v128.load32_splat(d + (<usize>o << 2));
          const w = W + <usize>o * wBytes + q;
          s0 = madd(dv, v128.load(w), s0);
          s1 = madd(dv, v128.load(w, 16), s1);
          s2 = madd(dv, v128.load(w, 32), s2);
          s3 = madd(dv, v128.load(w, 48), s3);
        }
        v128.store(out + q, s0);
        v128.store(out + q, s1, 16);
        v128.store(out + q, s2, 32);
        v128.store(out + q, s3, 48);
      }
      for (; q < wBytes; q += 16) {
        let s = f32x4.splat(0);
        for (let o = 0; o < nOut; o++) s = madd(v128.load32_splat(d + (<usize>o << 2)), v128.load(W + <usize>o * wBytes + q), s);
        v128.store(out + q, s);
      }
    } else {
      for (; q < wBytes; q += 4) {
        let s: f32 = 0;
        for (let o = 0; o < nOut; o++) s += load<f32>(d + (<usize>o << 2)) * load<f32>(W + <usize>o * wBytes + q);
        store<f32>(out + q, s);
      }
    }
  }
}
