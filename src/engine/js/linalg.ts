import type { FloatArray } from '../engine.js';

/** out[i] = X[i] . w + w[stride] over padded rows (the logits of a linear model). */
export function gemvBias(X: FloatArray, n: number, d: number, stride: number, w: FloatArray, out: FloatArray): void {
  const bias = w[stride];
  for (let i = 0; i < n; i++) {
    const base = i * stride;
    let z = bias;
    for (let j = 0; j < d; j++) z += X[base + j] * w[j];
    out[i] = z;
  }
}

export function sum(x: FloatArray, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i];
  return s;
}

// The three products of backpropagation, twins of assembly/kernels/linalg.ts. Matrices are
// row-major, of either dtype, at an offset into their array, rows padded to multiples of 4; rows of A may
// be taken through idx from start (idx null: in order).

/** C[i][o] = A_i . W_o + bias[o] for m rows and nOut outputs. */
export function gemmNT(
  A: FloatArray, aOff: number, lda: number, idx: Uint32Array | null, start: number, m: number,
  W: FloatArray, wOff: number, nOut: number, k: number, bias: FloatArray | null, bOff: number,
  C: FloatArray, cOff: number, ldc: number,
): void {
  for (let i = 0; i < m; i++) {
    const a = aOff + (idx ? idx[start + i] : start + i) * lda;
    const c = cOff + i * ldc;
    for (let o = 0; o < nOut; o++) {
      const w = wOff + o * k;
      let s = bias ? bias[bOff + o] : 0;
      for (let q = 0; q < k; q++) s += A[a + q] * W[w + q];
      C[c + o] = s;
    }
  }
}

/** dW[o] += sum_i D[i][o] A_i over m rows; dW is nOut x k. */
export function gemmTNAcc(
  D: FloatArray, dOff: number, ldd: number, m: number, nOut: number,
  A: FloatArray, aOff: number, lda: number, idx: Uint32Array | null, start: number, k: number,
  dW: FloatArray, gOff: number,
): void {
  for (let i = 0; i < m; i++) {
    const a = aOff + (idx ? idx[start + i] : start + i) * lda;
    const d = dOff + i * ldd;
    for (let o = 0; o < nOut; o++) {
      const g = D[d + o];
      if (g === 0) continue;
      const w = gOff + o * k;
      for (let q = 0; q < k; q++) dW[w + q] += g * A[a + q];
    }
  }
}

/** Out[i] = sum_o D[i][o] W[o] for m rows. */
export function gemmNN(
  D: FloatArray, dOff: number, ldd: number, m: number, nOut: number, W: FloatArray, wOff: number, k: number,
  Out: FloatArray, oOff: number, ldo: number,
): void {
  for (let i = 0; i < m; i++) {
    const out = oOff + i * ldo;
    Out.fill(0, out, out + k);
    const d = dOff + i * ldd;
    for (let o = 0; o < nOut; o++) {
      const g = D[d + o];
      if (g === 0) continue;
      const w = wOff + o * k;
      for (let q = 0; q < k; q++) Out[out + q] += g * W[w + q];
    }
  }
}
