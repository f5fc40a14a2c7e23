import type { BufSize, Dtype, Engine, FloatArray, FloatBuf, Rows } from './engine.js';
import { grouped, paddedStride } from './engine.js';
import { nonFiniteAt, notANumber, rowArraysOf, type Matrix } from '../core/matrix.js';
import { residentValues } from './alloc-matrix.js';

/**
 * Copies X into engine memory once, converted to `dtype` and with each row zero-padded to the SIMD
 * stride; the kernels then read it in place for every epoch. The copy reads each value of X once,
 * checking it on the way for NaN and Infinity (including finite float64 values beyond float32's
 * range), and names the first.
 */
export function uploadMatrix(engine: Engine, X: Matrix, name = 'X', dtype: Dtype = 'float32'): { buf: FloatBuf; stride: number } {
  const stride = paddedStride(X.cols);
  const own = residentValues(X, engine, dtype);
  if (own) {
    // Already in place: only checked, and never freed by the model (freeUpload).
    const k = engine.settleRows(own, 0, X.rows, X.cols, stride);
    if (k >= 0) nonFiniteAt(name, Math.floor(k / stride), k % stride, own.view()[k]);
    borrowed.add(own);
    return { buf: own, stride };
  }
  engine.checkRoom(matrixWhat(name, X, dtype), [matrixSize(X, dtype)]);
  // Not cleared first: writeRows writes every value, padding included.
  const buf = engine.blank(dtype, X.rows * stride);
  try {
    const bad = writeRows(engine, buf, X, stride);
    if (bad) nonFiniteAt(name, bad.row, bad.col, bad.value);
  } catch (e) {
    engine.free(buf);
    throw e;
  }
  return { buf, stride };
}

/** Buffers of allocMatrix matrices that uploads handed out as they are: the user's to free. */
const borrowed = new WeakSet<FloatBuf>();

/** Frees what uploadMatrix returned, unless it is the user's own matrix. */
export function freeUpload(engine: Engine, buf: FloatBuf): void {
  if (!borrowed.has(buf)) engine.free(buf);
}

/** The first value of X that is not finite once in the buffer's dtype. */
interface Fault {
  row: number;
  col: number;
  value: number;
}

/** Bytes of rows copied at a time: small enough to be settled while still in cache. */
const CHUNK_BYTES = 1 << 18;

/** Writes X into buf as rows of `stride` values; the first value not finite in buf's dtype, or null. */
function writeRows(engine: Engine, buf: FloatBuf, X: Matrix, stride: number): Fault | null {
  const arrays = rowArraysOf(X);
  if (arrays) return writeArrayRows(buf.view(), arrays.rows, X.cols, stride, arrays.name);
  // A typed array: copied (and converted) natively a chunk of rows at a time, back to back, then
  // padded and checked in place by the engine while the chunk is in cache.
  const { rows, cols, data } = X;
  const step = Math.max(1, Math.floor(CHUNK_BYTES / (stride * (buf.dtype === 'float64' ? 8 : 4))));
  for (let r = 0; r < rows; r += step) {
    const m = Math.min(step, rows - r);
    buf.view().set(data.subarray(r * cols, (r + m) * cols), r * stride);
    const k = engine.settleRows(buf, r, m, cols, stride);
    if (k >= 0) {
      const row = r + Math.floor(k / stride), col = k % stride;
      return { row, col, value: data[row * cols + col] };
    }
  }
  return null;
}

/** number[][] rows written straight into out, each value read once and checked to be a number. */
function writeArrayRows(out: FloatArray, rows: readonly ArrayLike<unknown>[], cols: number, stride: number, name: string): Fault | null {
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i], o = i * stride;
    // v * 0 is 0 for a finite v and NaN otherwise: one test per row, on the stored (rounded) values.
    let check = 0;
    for (let j = 0; j < cols; j++) {
      const v = row[j];
      if (typeof v !== 'number') notANumber(name, i, j, v);
      out[o + j] = v;
      check += out[o + j] * 0;
    }
    for (let j = cols; j < stride; j++) out[o + j] = 0;
    if (check !== check) {
      for (let j = 0; j < cols; j++) if (out[o + j] - out[o + j] !== 0) return { row: i, col: j, value: row[j] as number };
    }
  }
  return null;
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
  const buf = engine.blank(dtype, values.length);
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
  let yBuf: FloatBuf | null = null;
  try {
    yBuf = uploadValues(engine, y, dtype);
    return { X: buf, y: yBuf, sw: sw && uploadValues(engine, sw, dtype), n: X.rows, d: X.cols, stride };
  } catch (e) {
    freeUpload(engine, buf);
    if (yBuf) engine.free(yBuf);
    throw e;
  }
}

export function freeRows(engine: Engine, rows: Rows): void {
  freeUpload(engine, rows.X);
  engine.free(rows.y);
  if (rows.sw) engine.free(rows.sw);
}
