import { dot_padded, dot1 } from '../inline/dot';
import { madd, elem } from '../inline/simd';
import { row_ptr } from '../inline/rows';

/**
 * out[i] = X[i] . w + w[stride] for n rows: the logits of a linear model.
 * X is T[n * stride] with rows zero-padded to stride (a multiple of 4); w is T[stride + 4].
 */
function gemv_bias<T>(X: usize, n: i32, d: i32, stride: i32, w: usize, out: usize): void {
  const rowBytes = <usize>stride << alignof<T>();
  const bias = load<T>(w + rowBytes);
  for (let i = 0; i < n; i++) {
    const x = X + <usize>i * rowBytes;
    const z = ASC_FEATURE_SIMD ? dot_padded<T>(x, w, stride) : dot1<T>(x, w, d);
    store<T>(elem<T>(out, i), z + bias);
  }
}

export function gemv_bias_f32(X: usize, n: i32, d: i32, stride: i32, w: usize, out: usize): void {
  gemv_bias<f32>(X, n, d, stride, w, out);
}
export function gemv_bias_f64(X: usize, n: i32, d: i32, stride: i32, w: usize, out: usize): void {
  gemv_bias<f64>(X, n, d, stride, w, out);
}

// The three products of backpropagation. Every matrix is row-major T with rows padded to a
// multiple of 4 values (padding zero); `k` and `nOut` below are those padded sizes. Rows of A may
// be taken through an index array (a shuffled mini-batch) with `idx` and `start`, else idx = 0.

/** c[0..3] = the lane sums of s0..s3, plus bias[o..o+3] when bias is not 0. */
// @ts-ignore: decorator
@inline function store_sums4<T>(c: usize, s0: v128, s1: v128, s2: v128, s3: v128, bias: usize, o: i32): void {
  if (sizeof<T>() == 4) {
    const u = f32x4.add(f32x4.shuffle(s0, s1, 0, 1, 4, 5), f32x4.shuffle(s0, s1, 2, 3, 6, 7));
    const v = f32x4.add(f32x4.shuffle(s2, s3, 0, 1, 4, 5), f32x4.shuffle(s2, s3, 2, 3, 6, 7));
    let r = f32x4.add(f32x4.shuffle(u, v, 0, 2, 4, 6), f32x4.shuffle(u, v, 1, 3, 5, 7));
    if (bias) r = f32x4.add(r, v128.load(elem<T>(bias, o)));
    v128.store(c, r);
  } else {
    let lo = f64x2.add(f64x2.shuffle(s0, s1, 0, 2), f64x2.shuffle(s0, s1, 1, 3));
    let hi = f64x2.add(f64x2.shuffle(s2, s3, 0, 2), f64x2.shuffle(s2, s3, 1, 3));
    if (bias) {
      lo = f64x2.add(lo, v128.load(elem<T>(bias, o)));
      hi = f64x2.add(hi, v128.load(elem<T>(bias, o), 16));
    }
    v128.store(c, lo);
    v128.store(c, hi, 16);
  }
}

/**
 * C[i][o] = A_i . W_o + bias[o]  (A W^T: a layer's forward pass), for m rows and nOut outputs;
 * W is nOut x k, bias T[nOut] or 0, C has ldc values per row.
 */
export function gemm_nt<T>(
  A: usize, lda: i32, idx: usize, start: i32, m: i32, W: usize, nOut: i32, k: i32, bias: usize, C: usize, ldc: i32,
): void {
  const aBytes = <usize>lda << alignof<T>(), kBytes = <usize>k << alignof<T>();
  for (let i = 0; i < m; i++) {
    const a = row_ptr(A, aBytes, idx, start + i);
    const c = C + <usize>i * (<usize>ldc << alignof<T>());
    for (let o = 0; o < nOut; o += 4) {
      const w0 = W + <usize>o * kBytes;
      if (ASC_FEATURE_SIMD) {
        const w1 = w0 + kBytes, w2 = w1 + kBytes, w3 = w2 + kBytes;
        let s0 = v128.splat<T>(0), s1 = v128.splat<T>(0), s2 = v128.splat<T>(0), s3 = v128.splat<T>(0);
        for (let q: usize = 0; q < kBytes; q += 16) {
          const av = v128.load(a + q);
          s0 = madd<T>(av, v128.load(w0 + q), s0);
          s1 = madd<T>(av, v128.load(w1 + q), s1);
          s2 = madd<T>(av, v128.load(w2 + q), s2);
          s3 = madd<T>(av, v128.load(w3 + q), s3);
        }
        store_sums4<T>(elem<T>(c, o), s0, s1, s2, s3, bias, o);
      } else {
        for (let j = 0; j < 4; j++) {
          const w = w0 + <usize>j * kBytes;
          let s: T = bias ? load<T>(elem<T>(bias, o + j)) : 0;
          for (let q: usize = 0; q < kBytes; q += sizeof<T>()) s += load<T>(a + q) * load<T>(w + q);
          store<T>(elem<T>(c, o + j), s);
        }
      }
    }
  }
}

export function gemm_nt_f32(A: usize, lda: i32, idx: usize, start: i32, m: i32, W: usize, nOut: i32, k: i32, bias: usize, C: usize, ldc: i32): void {
  gemm_nt<f32>(A, lda, idx, start, m, W, nOut, k, bias, C, ldc);
}
export function gemm_nt_f64(A: usize, lda: i32, idx: usize, start: i32, m: i32, W: usize, nOut: i32, k: i32, bias: usize, C: usize, ldc: i32): void {
  gemm_nt<f64>(A, lda, idx, start, m, W, nOut, k, bias, C, ldc);
}

/**
 * dW[o] += sum_i D[i][o] A_i  (D^T A: a layer's weight gradient), for m rows; dW is nOut x k.
 * Four output rows by one vector of k are accumulated in registers across all m rows.
 */
export function gemm_tn_acc<T>(
  D: usize, ldd: i32, m: i32, nOut: i32, A: usize, lda: i32, idx: usize, start: i32, k: i32, dW: usize,
): void {
  const aBytes = <usize>lda << alignof<T>(), dBytes = <usize>ldd << alignof<T>(), wBytes = <usize>k << alignof<T>();
  for (let o = 0; o < nOut; o += 4) {
    const g0 = dW + <usize>o * wBytes;
    for (let q: usize = 0; q < wBytes; q += 16) {
      if (ASC_FEATURE_SIMD) {
        const g1 = g0 + wBytes, g2 = g1 + wBytes, g3 = g2 + wBytes;
        let s0 = v128.load(g0 + q), s1 = v128.load(g1 + q), s2 = v128.load(g2 + q), s3 = v128.load(g3 + q);
        for (let i = 0; i < m; i++) {
          const av = v128.load(row_ptr(A, aBytes, idx, start + i) + q);
          const d = D + <usize>i * dBytes + (<usize>o << alignof<T>());
          s0 = madd<T>(av, v128.load_splat<T>(d), s0);
          s1 = madd<T>(av, v128.load_splat<T>(d, sizeof<T>()), s1);
          s2 = madd<T>(av, v128.load_splat<T>(d, 2 * sizeof<T>()), s2);
          s3 = madd<T>(av, v128.load_splat<T>(d, 3 * sizeof<T>()), s3);
        }
        v128.store(g0 + q, s0);
        v128.store(g1 + q, s1);
        v128.store(g2 + q, s2);
        v128.store(g3 + q, s3);
      } else {
        for (let j = 0; j < 4; j++) {
          for (let l: usize = 0; l < 16; l += sizeof<T>()) {
            const g = g0 + <usize>j * wBytes + q + l;
            let s = load<T>(g);
            for (let i = 0; i < m; i++) {
              s += load<T>(elem<T>(D + <usize>i * dBytes, o + j)) * load<T>(row_ptr(A, aBytes, idx, start + i) + q + l);
            }
            store<T>(g, s);
          }
        }
      }
    }
  }
}

export function gemm_tn_acc_f32(D: usize, ldd: i32, m: i32, nOut: i32, A: usize, lda: i32, idx: usize, start: i32, k: i32, dW: usize): void {
  gemm_tn_acc<f32>(D, ldd, m, nOut, A, lda, idx, start, k, dW);
}
export function gemm_tn_acc_f64(D: usize, ldd: i32, m: i32, nOut: i32, A: usize, lda: i32, idx: usize, start: i32, k: i32, dW: usize): void {
  gemm_tn_acc<f64>(D, ldd, m, nOut, A, lda, idx, start, k, dW);
}

/** Out[i] = sum_o D[i][o] W[o]  (D W: the gradient passed to the layer below), for m rows. */
export function gemm_nn<T>(D: usize, ldd: i32, m: i32, nOut: i32, W: usize, k: i32, Out: usize, ldo: i32): void {
  const dBytes = <usize>ldd << alignof<T>(), wBytes = <usize>k << alignof<T>(), oBytes = <usize>ldo << alignof<T>();
  for (let i = 0; i < m; i++) {
    const d = D + <usize>i * dBytes;
    const out = Out + <usize>i * oBytes;
    let q: usize = 0;
    if (ASC_FEATURE_SIMD) {
      for (; q + 64 <= wBytes; q += 64) {
        let s0 = v128.splat<T>(0), s1 = v128.splat<T>(0), s2 = v128.splat<T>(0), s3 = v128.splat<T>(0);
        for (let o = 0; o < nOut; o++) {
          const dv = v128.load_splat<T>(elem<T>(d, o));
          const w = W + <usize>o * wBytes + q;
          s0 = madd<T>(dv, v128.load(w), s0);
          s1 = madd<T>(dv, v128.load(w, 16), s1);
          s2 = madd<T>(dv, v128.load(w, 32), s2);
          s3 = madd<T>(dv, v128.load(w, 48), s3);
        }
        v128.store(out + q, s0);
        v128.store(out + q, s1, 16);
        v128.store(out + q, s2, 32);
        v128.store(out + q, s3, 48);
      }
      for (; q < wBytes; q += 16) {
        let s = v128.splat<T>(0);
        for (let o = 0; o < nOut; o++) s = madd<T>(v128.load_splat<T>(elem<T>(d, o)), v128.load(W + <usize>o * wBytes + q), s);
        v128.store(out + q, s);
      }
    } else {
      for (; q < wBytes; q += sizeof<T>()) {
        let s: T = 0;
        for (let o = 0; o < nOut; o++) s += load<T>(elem<T>(d, o)) * load<T>(W + <usize>o * wBytes + q);
        store<T>(out + q, s);
      }
    }
  }
}

export function gemm_nn_f32(D: usize, ldd: i32, m: i32, nOut: i32, W: usize, k: i32, Out: usize, ldo: i32): void {
  gemm_nn<f32>(D, ldd, m, nOut, W, k, Out, ldo);
}
export function gemm_nn_f64(D: usize, ldd: i32, m: i32, nOut: i32, W: usize, k: i32, Out: usize, ldo: i32): void {
  gemm_nn<f64>(D, ldd, m, nOut, W, k, Out, ldo);
}
