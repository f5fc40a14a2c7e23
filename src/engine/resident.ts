import type { Dtype, Engine, FloatArray, FloatBuf, Rows } from './engine.js';
import { floats, paddedStride } from './engine.js';
import type { Matrix } from '../core/matrix.js';
import { fail } from '../core/errors.js';

/**
 * Copies X into engine memory once, converted to `dtype` and with each row zero-padded to the SIMD
 * stride; the kernels then read it in place for every epoch. The copy is checked there for NaN
 * and Infinity (including finite float64 values beyond float32's range), naming the first.
 */
export function uploadMatrix(engine: Engine, X: Matrix, name = 'X', dtype: Dtype = 'float32'): { buf: FloatBuf; stride: number } {
  const stride = paddedStride(X.cols);
  const buf = floats(engine, dtype, X.rows * stride);
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

/** Values as a typed array of `dtype` (rounded to float32, or kept exactly). */
export function valuesIn(dtype: Dtype, values: ArrayLike<number>): FloatArray {
  return dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
}

/** Values in a new engine buffer of `dtype`. */
export function uploadValues(engine: Engine, values: ArrayLike<number>, dtype: Dtype): FloatBuf {
  const buf = floats(engine, dtype, values.length);
  buf.view().set(values);
  return buf;
}

/** Uploads X, the 0/1 targets and optional sample weights, all in `dtype`, as one resident training set. */
export function uploadRows(engine: Engine, X: Matrix, y: ArrayLike<number>, sw: ArrayLike<number> | null, dtype: Dtype = 'float32'): Rows {
  const { buf, stride } = uploadMatrix(engine, X, 'X', dtype);
  return { X: buf, y: uploadValues(engine, y, dtype), sw: sw && uploadValues(engine, sw, dtype), n: X.rows, d: X.cols, stride };
}

export function freeRows(engine: Engine, rows: Rows): void {
  engine.free(rows.X);
  engine.free(rows.y);
  if (rows.sw) engine.free(rows.sw);
}
