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
//
// SIMD builds work in register tiles of eight accumulators: two FMA pipes of four to five cycles'
// latency need eight to ten independent chains, and fifteen vector registers (V8 keeps one for
// itself) hold eight accumulators with the operands that feed them. Each loaded vector feeds two
// or four multiply-adds; pointers advance by constant steps so the loop is loads and FMAs.
// (Tiles of twelve accumulators, 3 x 4 or 4 x 3, spilled under V8 and ran at half the speed.)

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
 * The 2 x 4 tile of A W^T: rows a and a + next (next: the second row's byte offset from the
 * first, wrapping) by the four W rows from w, kBytes each; sums (plus bias) to c and c + cBytes.
 */
// @ts-ignore: decorator
@inline function dot_tile_2x4<T>(a: usize, next: usize, w: usize, kBytes: usize, bias: usize, o: i32, c: usize, cBytes: usize): void {
  const w2 = kBytes << 1, w3 = w2 + kBytes, end = a + kBytes;
  let s00 = v128.splat<T>(0), s01 = s00, s02 = s00, s03 = s00, s10 = s00, s11 = s00, s12 = s00, s13 = s00;
  for (; a < end; a += 16) {
    const x0 = v128.load(a), x1 = v128.load(a + next);
    let v = v128.load(w);
    s00 = madd<T>(x0, v, s00); s10 = madd<T>(x1, v, s10);
    v = v128.load(w + kBytes);
    s01 = madd<T>(x0, v, s01); s11 = madd<T>(x1, v, s11);
    v = v128.load(w + w2);
    s02 = madd<T>(x0, v, s02); s12 = madd<T>(x1, v, s12);
    v = v128.load(w + w3);
    s03 = madd<T>(x0, v, s03); s13 = madd<T>(x1, v, s13);
    w += 16;
  }
  store_sums4<T>(c, s00, s01, s02, s03, bias, o);
  store_sums4<T>(c + cBytes, s10, s11, s12, s13, bias, o);
}

/** The 1 x 4 tile of A W^T: row a by the four W rows from w; sums (plus bias) to c. */
// @ts-ignore: decorator
@inline function dot_tile_1x4<T>(a: usize, w: usize, kBytes: usize, bias: usize, o: i32, c: usize): void {
  const w2 = kBytes << 1, w3 = w2 + kBytes, end = a + kBytes;
  let s0 = v128.splat<T>(0), s1 = s0, s2 = s0, s3 = s0;
  for (; a < end; a += 16) {
    const x = v128.load(a);
    s0 = madd<T>(x, v128.load(w), s0);
    s1 = madd<T>(x, v128.load(w + kBytes), s1);
    s2 = madd<T>(x, v128.load(w + w2), s2);
    s3 = madd<T>(x, v128.load(w + w3), s3);
    w += 16;
  }
  store_sums4<T>(c, s0, s1, s2, s3, bias, o);
}

/**
 * C[i][o] = A_i . W_o + bias[o]  (A W^T: a layer's forward pass), for m rows and nOut outputs;
 * W is nOut x k, bias T[nOut] or 0, C has ldc values per row.
 */
export function gemm_nt<T>(
  A: usize, lda: i32, idx: usize, start: i32, m: i32, W: usize, nOut: i32, k: i32, bias: usize, C: usize, ldc: i32,
): void {
  const aBytes = <usize>lda << alignof<T>(), kBytes = <usize>k << alignof<T>(), cBytes = <usize>ldc << alignof<T>();
  if (!ASC_FEATURE_SIMD) {
    for (let i = 0; i < m; i++) {
      const a = row_ptr(A, aBytes, idx, start + i), c = C + <usize>i * cBytes;
      for (let o = 0; o < nOut; o++) {
        const w = W + <usize>o * kBytes;
        let s: T = bias ? load<T>(elem<T>(bias, o)) : 0;
        for (let q: usize = 0; q < kBytes; q += sizeof<T>()) s += load<T>(a + q) * load<T>(w + q);
        store<T>(elem<T>(c, o), s);
      }
    }
    return;
  }
  let i = 0;
  for (; i + 2 <= m; i += 2) {
    const a = row_ptr(A, aBytes, idx, start + i), next = row_ptr(A, aBytes, idx, start + i + 1) - a;
    const c = C + <usize>i * cBytes;
    for (let o = 0; o < nOut; o += 4) dot_tile_2x4<T>(a, next, W + <usize>o * kBytes, kBytes, bias, o, elem<T>(c, o), cBytes);
  }
  if (i < m) {
    const a = row_ptr(A, aBytes, idx, start + i), c = C + <usize>i * cBytes;
    for (let o = 0; o < nOut; o += 4) dot_tile_1x4<T>(a, W + <usize>o * kBytes, kBytes, bias, o, elem<T>(c, o));
  }
}

export function gemm_nt_f32(A: usize, lda: i32, idx: usize, start: i32, m: i32, W: usize, nOut: i32, k: i32, bias: usize, C: usize, ldc: i32): void {
  gemm_nt<f32>(A, lda, idx, start, m, W, nOut, k, bias, C, ldc);
}
export function gemm_nt_f64(A: usize, lda: i32, idx: usize, start: i32, m: i32, W: usize, nOut: i32, k: i32, bias: usize, C: usize, ldc: i32): void {
  gemm_nt<f64>(A, lda, idx, start, m, W, nOut, k, bias, C, ldc);
}

/**
 * The 4 x 2 tile of D^T A: gradient rows g .. g + 3 wBytes, two vectors each from g, plus the
 * sum over m rows of D[i][0..3] (from d, dBytes apart) times two vectors of A's row at position
 * start + i (A already offset to the column). `gathered` is a constant at each call: rows in the
 * order of idx, or in storage order.
 */
// @ts-ignore: decorator
@inline function axpy_tile_4x2<T>(gathered: bool, d: usize, dBytes: usize, m: i32, A: usize, aBytes: usize, idx: usize, start: i32, g: usize, wBytes: usize): void {
  const g1 = g + wBytes, g2 = g1 + wBytes, g3 = g2 + wBytes;
  let s00 = v128.load(g), s01 = v128.load(g, 16), s10 = v128.load(g1), s11 = v128.load(g1, 16);
  let s20 = v128.load(g2), s21 = v128.load(g2, 16), s30 = v128.load(g3), s31 = v128.load(g3, 16);
  let p = idx + (<usize>start << 2), row = A + <usize>start * aBytes;
  const end = d + <usize>m * dBytes;
  for (; d < end; d += dBytes) {
    let a = row;
    if (gathered) {
      a = A + <usize>load<u32>(p) * aBytes;
      p += 4;
    } else {
      row += aBytes;
    }
    const x0 = v128.load(a), x1 = v128.load(a, 16);
    let dv = v128.load_splat<T>(d);
    s00 = madd<T>(x0, dv, s00); s01 = madd<T>(x1, dv, s01);
    dv = v128.load_splat<T>(d, sizeof<T>());
    s10 = madd<T>(x0, dv, s10); s11 = madd<T>(x1, dv, s11);
    dv = v128.load_splat<T>(d, 2 * sizeof<T>());
    s20 = madd<T>(x0, dv, s20); s21 = madd<T>(x1, dv, s21);
    dv = v128.load_splat<T>(d, 3 * sizeof<T>());
    s30 = madd<T>(x0, dv, s30); s31 = madd<T>(x1, dv, s31);
  }
  v128.store(g, s00); v128.store(g, s01, 16);
  v128.store(g1, s10); v128.store(g1, s11, 16);
  v128.store(g2, s20); v128.store(g2, s21, 16);
  v128.store(g3, s30); v128.store(g3, s31, 16);
}

/** The 4 x 1 tile of D^T A: as axpy_tile_4x2, one vector per gradient row. */
// @ts-ignore: decorator
@inline function axpy_tile_4x1<T>(gathered: bool, d: usize, dBytes: usize, m: i32, A: usize, aBytes: usize, idx: usize, start: i32, g: usize, wBytes: usize): void {
  const g1 = g + wBytes, g2 = g1 + wBytes, g3 = g2 + wBytes;
  let s0 = v128.load(g), s1 = v128.load(g1), s2 = v128.load(g2), s3 = v128.load(g3);
  let p = idx + (<usize>start << 2), row = A + <usize>start * aBytes;
  const end = d + <usize>m * dBytes;
  for (; d < end; d += dBytes) {
    let a = row;
    if (gathered) {
      a = A + <usize>load<u32>(p) * aBytes;
      p += 4;
    } else {
      row += aBytes;
    }
    const x = v128.load(a);
    s0 = madd<T>(x, v128.load_splat<T>(d), s0);
    s1 = madd<T>(x, v128.load_splat<T>(d, sizeof<T>()), s1);
    s2 = madd<T>(x, v128.load_splat<T>(d, 2 * sizeof<T>()), s2);
    s3 = madd<T>(x, v128.load_splat<T>(d, 3 * sizeof<T>()), s3);
  }
  v128.store(g, s0);
  v128.store(g1, s1);
  v128.store(g2, s2);
  v128.store(g3, s3);
}

/**
 * The 2 x 4 tile of D^T A for an output count that is 2 mod 4: two gradient rows, four vectors
 * each from g, as axpy_tile_4x2.
 */
// @ts-ignore: decorator
@inline function axpy_tile_2x4<T>(gathered: bool, d: usize, dBytes: usize, m: i32, A: usize, aBytes: usize, idx: usize, start: i32, g: usize, wBytes: usize): void {
  const g1 = g + wBytes;
  let s00 = v128.load(g), s01 = v128.load(g, 16), s02 = v128.load(g, 32), s03 = v128.load(g, 48);
  let s10 = v128.load(g1), s11 = v128.load(g1, 16), s12 = v128.load(g1, 32), s13 = v128.load(g1, 48);
  let p = idx + (<usize>start << 2), row = A + <usize>start * aBytes;
  const end = d + <usize>m * dBytes;
  for (; d < end; d += dBytes) {
    let a = row;
    if (gathered) {
      a = A + <usize>load<u32>(p) * aBytes;
      p += 4;
    } else {
      row += aBytes;
    }
    const d0 = v128.load_splat<T>(d), d1 = v128.load_splat<T>(d, sizeof<T>());
    let x = v128.load(a);
    s00 = madd<T>(x, d0, s00); s10 = madd<T>(x, d1, s10);
    x = v128.load(a, 16);
    s01 = madd<T>(x, d0, s01); s11 = madd<T>(x, d1, s11);
    x = v128.load(a, 32);
    s02 = madd<T>(x, d0, s02); s12 = madd<T>(x, d1, s12);
    x = v128.load(a, 48);
    s03 = madd<T>(x, d0, s03); s13 = madd<T>(x, d1, s13);
  }
  v128.store(g, s00); v128.store(g, s01, 16); v128.store(g, s02, 32); v128.store(g, s03, 48);
  v128.store(g1, s10); v128.store(g1, s11, 16); v128.store(g1, s12, 32); v128.store(g1, s13, 48);
}

/** The 2 x 1 tile of D^T A: as axpy_tile_2x4, one vector per gradient row. */
// @ts-ignore: decorator
@inline function axpy_tile_2x1<T>(gathered: bool, d: usize, dBytes: usize, m: i32, A: usize, aBytes: usize, idx: usize, start: i32, g: usize, wBytes: usize): void {
  let s0 = v128.load(g), s1 = v128.load(g + wBytes);
  let p = idx + (<usize>start << 2), row = A + <usize>start * aBytes;
  const end = d + <usize>m * dBytes;
  for (; d < end; d += dBytes) {
    let a = row;
    if (gathered) {
      a = A + <usize>load<u32>(p) * aBytes;
      p += 4;
    } else {
      row += aBytes;
    }
    const x = v128.load(a);
    s0 = madd<T>(x, v128.load_splat<T>(d), s0);
    s1 = madd<T>(x, v128.load_splat<T>(d, sizeof<T>()), s1);
  }
  v128.store(g, s0);
  v128.store(g + wBytes, s1);
}

/** The gradient rows o..o+3 of gemm_tn_acc, or o..o+1 when `pair` (both constants at each call). */
// @ts-ignore: decorator
@inline function axpy_rows<T>(gathered: bool, pair: bool, d: usize, dBytes: usize, m: i32, A: usize, aBytes: usize, idx: usize, start: i32, g: usize, wBytes: usize): void {
  let q: usize = 0;
  if (pair) {
    for (; q + 64 <= wBytes; q += 64) axpy_tile_2x4<T>(gathered, d, dBytes, m, A + q, aBytes, idx, start, g + q, wBytes);
    for (; q < wBytes; q += 16) axpy_tile_2x1<T>(gathered, d, dBytes, m, A + q, aBytes, idx, start, g + q, wBytes);
  } else {
    for (; q + 32 <= wBytes; q += 32) axpy_tile_4x2<T>(gathered, d, dBytes, m, A + q, aBytes, idx, start, g + q, wBytes);
    if (q < wBytes) axpy_tile_4x1<T>(gathered, d, dBytes, m, A + q, aBytes, idx, start, g + q, wBytes);
  }
}

/**
 * dW[o] += sum_i D[i][o] A_i  (D^T A: a layer's weight gradient), for m rows; dW is nOut x k.
 * A tile of four gradient rows by two vectors of k stays in registers across all m rows. nOut
 * may also be 2 mod 4 (a layer's real outputs rounded up to even, its padding rows left as they
 * are): the last two rows then take a tile of two rows by four vectors.
 */
export function gemm_tn_acc<T>(
  D: usize, ldd: i32, m: i32, nOut: i32, A: usize, lda: i32, idx: usize, start: i32, k: i32, dW: usize,
): void {
  const aBytes = <usize>lda << alignof<T>(), dBytes = <usize>ldd << alignof<T>(), wBytes = <usize>k << alignof<T>();
  if (!ASC_FEATURE_SIMD) {
    for (let o = 0; o < nOut; o++) {
      const g = dW + <usize>o * wBytes;
      for (let q: usize = 0; q < wBytes; q += sizeof<T>()) {
        let s = load<T>(g + q);
        for (let i = 0; i < m; i++) s += load<T>(elem<T>(D + <usize>i * dBytes, o)) * load<T>(row_ptr(A, aBytes, idx, start + i) + q);
        store<T>(g + q, s);
      }
    }
    return;
  }
  for (let o = 0; o < nOut; o += 4) {
    const d = elem<T>(D, o), g = dW + <usize>o * wBytes;
    // Copies of the loops for each case, so the branches are decided once, not per row.
    if (o + 4 <= nOut) {
      if (idx) axpy_rows<T>(true, false, d, dBytes, m, A, aBytes, idx, start, g, wBytes);
      else axpy_rows<T>(false, false, d, dBytes, m, A, aBytes, idx, start, g, wBytes);
    } else {
      if (idx) axpy_rows<T>(true, true, d, dBytes, m, A, aBytes, idx, start, g, wBytes);
      else axpy_rows<T>(false, true, d, dBytes, m, A, aBytes, idx, start, g, wBytes);
    }
  }
}

export function gemm_tn_acc_f32(D: usize, ldd: i32, m: i32, nOut: i32, A: usize, lda: i32, idx: usize, start: i32, k: i32, dW: usize): void {
  gemm_tn_acc<f32>(D, ldd, m, nOut, A, lda, idx, start, k, dW);
}
export function gemm_tn_acc_f64(D: usize, ldd: i32, m: i32, nOut: i32, A: usize, lda: i32, idx: usize, start: i32, k: i32, dW: usize): void {
  gemm_tn_acc<f64>(D, ldd, m, nOut, A, lda, idx, start, k, dW);
}

/**
 * The 2 x 4 tile of D W: out and out + oBytes, four vectors each, = the sums over nOut of
 * D[i][o] (rows d and d + dBytes) times W_o's four vectors at w (rows wBytes apart).
 */
// @ts-ignore: decorator
@inline function axpy_rows_2x4<T>(d: usize, dBytes: usize, nOut: i32, w: usize, wBytes: usize, out: usize, oBytes: usize): void {
  let s00 = v128.splat<T>(0), s01 = s00, s02 = s00, s03 = s00, s10 = s00, s11 = s00, s12 = s00, s13 = s00;
  const end = d + (<usize>nOut << alignof<T>());
  for (; d < end; d += sizeof<T>()) {
    const d0 = v128.load_splat<T>(d), d1 = v128.load_splat<T>(d + dBytes);
    let v = v128.load(w);
    s00 = madd<T>(d0, v, s00); s10 = madd<T>(d1, v, s10);
    v = v128.load(w, 16);
    s01 = madd<T>(d0, v, s01); s11 = madd<T>(d1, v, s11);
    v = v128.load(w, 32);
    s02 = madd<T>(d0, v, s02); s12 = madd<T>(d1, v, s12);
    v = v128.load(w, 48);
    s03 = madd<T>(d0, v, s03); s13 = madd<T>(d1, v, s13);
    w += wBytes;
  }
  v128.store(out, s00); v128.store(out, s01, 16); v128.store(out, s02, 32); v128.store(out, s03, 48);
  out += oBytes;
  v128.store(out, s10); v128.store(out, s11, 16); v128.store(out, s12, 32); v128.store(out, s13, 48);
}

/** One vector of D W for `rows` (1 or 2) rows: as axpy_rows_2x4, one vector per row. */
// @ts-ignore: decorator
@inline function axpy_rows_x1<T>(rows: i32, d: usize, dBytes: usize, nOut: i32, w: usize, wBytes: usize, out: usize, oBytes: usize): void {
  let s0 = v128.splat<T>(0), s1 = s0;
  const end = d + (<usize>nOut << alignof<T>());
  for (; d < end; d += sizeof<T>()) {
    const v = v128.load(w);
    s0 = madd<T>(v128.load_splat<T>(d), v, s0);
    if (rows == 2) s1 = madd<T>(v128.load_splat<T>(d + dBytes), v, s1);
    w += wBytes;
  }
  v128.store(out, s0);
  if (rows == 2) v128.store(out + oBytes, s1);
}

/** Out[i] = sum_o D[i][o] W[o]  (D W: the gradient passed to the layer below), for m rows. */
export function gemm_nn<T>(D: usize, ldd: i32, m: i32, nOut: i32, W: usize, k: i32, Out: usize, ldo: i32): void {
  const dBytes = <usize>ldd << alignof<T>(), wBytes = <usize>k << alignof<T>(), oBytes = <usize>ldo << alignof<T>();
  if (!ASC_FEATURE_SIMD) {
    for (let i = 0; i < m; i++) {
      const d = D + <usize>i * dBytes, out = Out + <usize>i * oBytes;
      for (let q: usize = 0; q < wBytes; q += sizeof<T>()) {
        let s: T = 0;
        for (let o = 0; o < nOut; o++) s += load<T>(elem<T>(d, o)) * load<T>(W + <usize>o * wBytes + q);
        store<T>(out + q, s);
      }
    }
    return;
  }
  for (let i = 0; i < m; i += 2) {
    const rows = min(2, m - i);
    const d = D + <usize>i * dBytes, out = Out + <usize>i * oBytes;
    let q: usize = 0;
    if (rows == 2) for (; q + 64 <= wBytes; q += 64) axpy_rows_2x4<T>(d, dBytes, nOut, W + q, wBytes, out + q, oBytes);
    for (; q < wBytes; q += 16) {
      if (rows == 2) axpy_rows_x1<T>(2, d, dBytes, nOut, W + q, wBytes, out + q, oBytes);
      else axpy_rows_x1<T>(1, d, dBytes, nOut, W + q, wBytes, out + q, oBytes);
    }
  }
}

export function gemm_nn_f32(D: usize, ldd: i32, m: i32, nOut: i32, W: usize, k: i32, Out: usize, ldo: i32): void {
  gemm_nn<f32>(D, ldd, m, nOut, W, k, Out, ldo);
}
export function gemm_nn_f64(D: usize, ldd: i32, m: i32, nOut: i32, W: usize, k: i32, Out: usize, ldo: i32): void {
  gemm_nn<f64>(D, ldd, m, nOut, W, k, Out, ldo);
}
