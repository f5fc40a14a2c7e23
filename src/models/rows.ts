import type { Engine, F32Buf, RowsF32 } from '../engine/engine.js';
import { paddedStride } from '../engine/engine.js';
import type { Matrix } from '../matrix.js';

/**
 * Copies X into engine memory once, converted to f32 and with each row zero-padded to the SIMD
 * stride; the kernels then read it in place for every epoch.
 */
export function uploadMatrix(engine: Engine, X: Matrix): { buf: F32Buf; stride: number } {
  const stride = paddedStride(X.cols);
  const buf = engine.f32(X.rows * stride);
  const dst = buf.view();
  const src = X.data;
  if (stride === X.cols) {
    dst.set(src);
  } else {
    for (let i = 0, d = X.cols; i < X.rows; i++) {
      for (let j = 0; j < d; j++) dst[i * stride + j] = src[i * d + j];
    }
  }
  return { buf, stride };
}

/** Uploads X, the 0/1 targets and optional sample weights as one resident training set. */
export function uploadRows(engine: Engine, X: Matrix, y: ArrayLike<number>, sw: ArrayLike<number> | null): RowsF32 {
  const { buf, stride } = uploadMatrix(engine, X);
  const yBuf = engine.f32(X.rows);
  yBuf.view().set(y);
  let swBuf: F32Buf | null = null;
  if (sw) {
    swBuf = engine.f32(X.rows);
    swBuf.view().set(sw);
  }
  return { X: buf, y: yBuf, sw: swBuf, n: X.rows, d: X.cols, stride };
}

export function freeRows(engine: Engine, rows: RowsF32): void {
  engine.free(rows.X);
  engine.free(rows.y);
  if (rows.sw) engine.free(rows.sw);
}
