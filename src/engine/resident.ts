import type { BufSize, Dtype, Engine, FloatArray, FloatBuf, Rows } from './engine.js';
import { floats, grouped, paddedStride } from './engine.js';
import type { Matrix } from '../core/matrix.js';
import { fail } from '../core/errors.js';

/**
 * Copies X into engine memory once, converted to `dtype` and with each row zero-padded to the SIMD
 * stride; the kernels then read it in place for every epoch. The copy is checked there for NaN
 * and Infinity (including finite float64 values beyond float32's range), naming the first.
 */
export function uploadMatrix(engine: Engine, X: Matrix, name = 'X', dtype: Dtype = 'float32'): { buf: FloatBuf; stride: number } {
  const stride = paddedStride(X.cols);
  engine.checkRoom(matrixWhat(name, X, dtype), [matrixSize(X, dtype)]);
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

/** The engine buffer of X: its rows padded to the SIMD stride. */
function matrixSize(X: Matrix, dtype: Dtype): BufSize {
  return [dtype, X.rows * paddedStride(X.cols)];
}

/** X's name and shape, for an OUT_OF_MEMORY message. */
function matrixWhat(name: string, X: Matrix, dtype: Dtype): string {
  const stride = paddedStride(X.cols);
  const padded = stride === X.cols ? '' : `, rows padded to ${stride}`;
  return `${name} (${grouped(X.rows)} x ${grouped(X.cols)} ${dtype} values${padded})`;
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

/**
 * Uploads X, the 0/1 targets and optional sample weights, all in `dtype`, as one resident
 * training set. Their sizes are checked together before anything is allocated (OUT_OF_MEMORY names
 * them and the engine's limit); should an allocation fail all the same, what was uploaded is freed.
 */
export function uploadRows(engine: Engine, X: Matrix, y: ArrayLike<number>, sw: ArrayLike<number> | null, dtype: Dtype = 'float32'): Rows {
  const sizes: BufSize[] = [matrixSize(X, dtype), [dtype, y.length]];
  if (sw) sizes.push([dtype, sw.length]);
  engine.checkRoom(`the training set: ${matrixWhat('X', X, dtype)}, its targets${sw ? ' and sample weights' : ''}`, sizes);
  const { buf, stride } = uploadMatrix(engine, X, 'X', dtype);
  const done: FloatBuf[] = [buf];
  try {
    const yBuf = uploadValues(engine, y, dtype);
    done.push(yBuf);
    return { X: buf, y: yBuf, sw: sw && uploadValues(engine, sw, dtype), n: X.rows, d: X.cols, stride };
  } catch (e) {
    for (const b of done) engine.free(b);
    throw e;
  }
}

export function freeRows(engine: Engine, rows: Rows): void {
  engine.free(rows.X);
  engine.free(rows.y);
  if (rows.sw) engine.free(rows.sw);
}
