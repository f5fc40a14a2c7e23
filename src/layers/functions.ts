// sigmoid, logSigmoid, softmax and logSoftmax as plain functions over arrays and matrices, on the
// engine's kernels (the sign trick for the sigmoid, the row max subtracted for softmax) and stable
// for any finite input: no NaN and no Infinity at +-1e4, logSigmoid(-1e4) = -1e4.
import { paddedStride, type Dtype, type Engine, type FloatArray } from '../engine/engine.js';
import type { BackendChoice } from '../engine/index.js';
import type { Matrix, MatrixLike } from '../core/matrix.js';
import { DTYPES, fitDtype, isNumberArray, isRowsLike, layerOptions, matrixArg, numbersArg, oneOfOption, shown } from './args.js';
import { fail } from '../core/errors.js';
import { withBuffers } from './losses.js';
import { alloc, readRows, writeRows } from './memory.js';
import { engineOf } from './module.js';

/** Options of sigmoid, logSigmoid, softmax and logSoftmax. */
export interface FunctionOptions {
  /**
   * Default: the backend `init` chose.
   * @default 'auto'
   */
  backend?: BackendChoice;
  /**
   * The dtype computed in and returned: default a typed array's own (a Matrix's data), float64 for plain numbers.
   * @default the input's (float64 for number arrays)
   */
  dtype?: Dtype;
}

/** What the functions take: flat numbers (an array or typed array) or a matrix (number[][] or a Matrix, row by row). */
export type FunctionInput = ArrayLike<number> | MatrixLike;

/** A typed array for flat input, a Matrix for a matrix. */
export type FunctionOutput<X> = X extends MatrixLike ? Matrix : Float32Array | Float64Array;

/** The logistic function 1 / (1 + e^-x), elementwise. */
export function sigmoid<X extends FunctionInput>(x: X, options?: FunctionOptions): FunctionOutput<X> {
  return elementwise('sigmoid', x, options, (engine, values, t) => {
    const n = values.length;
    return withBuffers(engine, (take) => {
      const buf = take(alloc(engine, t, n, 'sigmoid input'));
      buf.view().set(values);
      engine.sigmoid(buf, buf, n);
      return buf.view().slice(0, n);
    });
  });
}

/**
 * log sigmoid(x) = min(x, 0) - log1p(e^-|x|), elementwise: the engine's sigmoid of -|x| gives
 * q = e^-|x| / (1 + e^-|x|), so e^-|x| = q / (1 - q) without an overflow; -1e4 gives -1e4.
 */
export function logSigmoid<X extends FunctionInput>(x: X, options?: FunctionOptions): FunctionOutput<X> {
  return elementwise('logSigmoid', x, options, (engine, values, t) => {
    const n = values.length;
    return withBuffers(engine, (take) => {
      const buf = take(alloc(engine, t, n, 'logSigmoid input'));
      const v = buf.view();
      for (let i = 0; i < n; i++) v[i] = -Math.abs(values[i]);
      engine.sigmoid(buf, buf, n);
      const q = buf.view(), out = t === 'float64' ? new Float64Array(n) : new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = Math.min(values[i], 0) - Math.log1p(q[i] / (1 - q[i]));
      return out;
    });
  });
}

/** e^x / sum e^x over each row of a matrix (over the whole array for flat input), its max subtracted first. */
export function softmax<X extends FunctionInput>(x: X, options?: FunctionOptions): FunctionOutput<X> {
  return rowwise('softmax', x, options, (p) => p);
}

/**
 * log softmax(x) = x - max - log sum e^(x - max) per row. The sum comes from the engine's softmax:
 * at the row's largest entry p = 1 / sum, which never underflows (p >= 1 / K), so the log is finite.
 */
export function logSoftmax<X extends FunctionInput>(x: X, options?: FunctionOptions): FunctionOutput<X> {
  return rowwise('logSoftmax', x, options, (p, Z) => {
    const out = p.data instanceof Float64Array ? new Float64Array(p.data.length) : new Float32Array(p.data.length);
    for (let i = 0; i < Z.rows; i++) {
      const row = i * Z.cols;
      let top = row;
      for (let k = row + 1; k < row + Z.cols; k++) if (Z.data[k] > Z.data[top]) top = k;
      const logSum = -Math.log(p.data[top]);
      for (let k = row; k < row + Z.cols; k++) out[k] = Z.data[k] - Z.data[top] - logSum;
    }
    return { data: out, rows: Z.rows, cols: Z.cols };
  });
}

function functionOptions(owner: string, x: unknown, options: unknown): { engine: Engine; dtype: Dtype } {
  const o = layerOptions(owner, options, ['backend', 'dtype']);
  let dtype: Dtype;
  if (o.dtype !== undefined) dtype = oneOfOption('dtype', o.dtype, DTYPES);
  else {
    const data = isRowsLike(x) ? (x as { data?: unknown }).data : x;
    dtype = data instanceof Float32Array ? 'float32' : 'float64';
  }
  return { engine: engineOf(o.backend), dtype };
}

/** Flat input as its numbers, or a matrix as a Matrix; each checked finite. */
function inputOf(name: string, x: unknown): { flat: Float64Array | FloatArray | null; matrix: Matrix | null } {
  if (isRowsLike(x)) return { flat: null, matrix: matrixArg(x, 'x') };
  if (isNumberArray(x)) return { flat: x instanceof Float32Array || x instanceof Float64Array ? checkedFinite(x) : numbersArg(x, 'x'), matrix: null };
  return fail('SHAPE_MISMATCH', `${name} takes numbers (an array or typed array) or a matrix (number[][] or a Matrix); got ${shown(x)}`);
}

function checkedFinite(x: FloatArray): FloatArray {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) fail('NON_FINITE_INPUT', `x[${i}] is ${x[i]}; expected a finite number`);
  return x;
}

function elementwise<X>(name: string, x: X, options: unknown, run: (engine: Engine, values: ArrayLike<number>, t: Dtype) => FloatArray): FunctionOutput<X> {
  const { engine, dtype } = functionOptions(name, x, options);
  const { flat, matrix } = inputOf(name, x);
  const values = flat ?? matrix!.data;
  fitDtype({ data: values, cols: matrix ? matrix.cols : values.length }, dtype, 'x');
  const out = values.length === 0 ? (dtype === 'float64' ? new Float64Array(0) : new Float32Array(0)) : run(engine, values, dtype);
  return (matrix ? { data: out, rows: matrix.rows, cols: matrix.cols } : out) as FunctionOutput<X>;
}

function rowwise<X>(name: string, x: X, options: unknown, finish: (p: Matrix, Z: Matrix) => Matrix): FunctionOutput<X> {
  const { engine, dtype } = functionOptions(name, x, options);
  const { flat, matrix } = inputOf(name, x);
  const Z = fitDtype(matrix ?? { data: flat!, rows: flat!.length === 0 ? 0 : 1, cols: flat!.length }, dtype, 'x');
  let out: Matrix;
  if (Z.data.length === 0) out = { data: dtype === 'float64' ? new Float64Array(0) : new Float32Array(0), rows: Z.rows, cols: Z.cols };
  else {
    const m = Z.rows, K = Z.cols, stride = paddedStride(K);
    const p = withBuffers(engine, (take) => {
      const z = take(alloc(engine, dtype, m * stride, `${name} input`));
      const q = take(alloc(engine, dtype, m * stride, `${name} output`));
      writeRows(z.view(), Z, stride);
      engine.softmaxRows(z, stride, m, K, q, stride);
      return readRows(q.view(), m, K, stride);
    });
    out = finish(p, Z);
  }
  return (matrix ? out : out.data) as FunctionOutput<X>;
}
