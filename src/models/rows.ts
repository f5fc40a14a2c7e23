import type { Engine, F32Buf, RowsF32 } from '../engine/engine.js';
import { paddedStride } from '../engine/engine.js';
import type { Matrix } from '../matrix.js';
import { fail } from '../errors.js';

/**
 * Copies X into engine memory once, converted to f32 and with each row zero-padded to the SIMD
 * stride; the kernels then read it in place for every epoch. The copy is checked there for NaN
 * and Infinity (including finite float64 values beyond float32's range), naming the first.
 */
export function uploadMatrix(engine: Engine, X: Matrix, name = 'X'): { buf: F32Buf; stride: number } {
  const stride = paddedStride(X.cols);
  const buf = engine.f32(X.rows * stride);
  buf.view().set(X.data);
  engine.padRows(buf, X.rows, X.cols, stride);
  const bad = engine.findNonFinite(buf, X.rows * stride);
  if (bad >= 0) {
    engine.free(buf);
    const row = Math.floor(bad / stride), col = bad % stride;
    const v = X.data[row * X.cols + col];
    const why = Number.isFinite(v) ? ' (beyond float32 range)' : '';
    fail('NON_FINITE_INPUT', `${name} has ${v} at row ${row}, column ${col}${why}`);
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
