import { fail } from './errors.js';
import { describe } from './options.js';

/** A dense row-major matrix: element (i, j) is `data[i * cols + j]`. */
export interface Matrix {
  /** The values, row by row (row-major): entry (i, j) is data[i * cols + j]. */
  data: Float32Array | Float64Array;
  /** Number of rows (samples). */
  rows: number;
  /** Number of columns (features). */
  cols: number;
}

/** What inputs accept: a Matrix, or an array of equal-length rows. */
export type MatrixLike = number[][] | Matrix;

export function isMatrix(x: unknown): x is Matrix {
  if (x instanceof RowArrays) return true;
  return (
    typeof x === 'object' && x !== null && 'data' in x && 'rows' in x && 'cols' in x &&
    ((x as Matrix).data instanceof Float32Array || (x as Matrix).data instanceof Float64Array)
  );
}

export function matrix(rows: number, cols: number, data?: Float32Array | Float64Array): Matrix {
  return { data: data ?? new Float64Array(rows * cols), rows, cols };
}

/**
 * number[][] rows behind the Matrix interface, checked for shape: `data` is converted on first
 * use only, so an upload into engine memory reads the rows themselves, each value once.
 */
class RowArrays implements Matrix {
  #data: Float64Array | null = null;
  constructor(
    readonly source: readonly ArrayLike<unknown>[],
    readonly rows: number,
    readonly cols: number,
    readonly name: string,
  ) {}
  get data(): Float64Array {
    this.#data ??= toFloat64(this.source, this.cols, this.name);
    return this.#data;
  }
  get converted(): boolean {
    return this.#data !== null;
  }
}

/** The rows of a number[][] input not converted yet, with the input's name; null for any other matrix. */
export function rowArraysOf(X: Matrix): { rows: readonly ArrayLike<unknown>[]; name: string } | null {
  return X instanceof RowArrays && !X.converted ? { rows: X.source, name: X.name } : null;
}

/**
 * `${name} has v at row i, column j`: a value that is NaN or Infinity, or a finite float64 that
 * would become Infinity in a float32 copy (said so).
 */
export function nonFiniteAt(name: string, i: number, j: number, v: number): never {
  const why = Number.isFinite(v) ? ' (beyond float32 range)' : '';
  fail('NON_FINITE_INPUT', `${name} has ${v} at row ${i}, column ${j}${why}`);
}

/** `${name}[i][j] is v, not a number`: a value of number[][] input that is not a number. */
export function notANumber(name: string, i: number, j: number, v: unknown): never {
  fail('NON_FINITE_INPUT', `${name}[${i}][${j}] is ${describe(v)}, not a number`);
}

function toFloat64(rows: readonly ArrayLike<unknown>[], cols: number, name: string): Float64Array {
  const data = new Float64Array(rows.length * cols);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    for (let j = 0; j < cols; j++) {
      const v = row[j];
      if (typeof v !== 'number') notANumber(name, i, j, v);
      data[i * cols + j] = v;
    }
  }
  return data;
}

export interface CheckOptions {
  /** Name used in messages, e.g. 'X'. */
  name?: string;
  /** Let NaN through (imputers want it); Infinity is still refused. */
  allowNaN?: boolean;
  /** Refuse a matrix without rows. Default true. */
  requireRows?: boolean;
  /** Scan for NaN and Infinity. Default true; models skip it because their upload scans. */
  checkFinite?: boolean;
}

/**
 * Validates `X` and returns it as a Matrix without copying a Matrix input.
 * Ragged rows, empty input and non-finite values are refused, naming the row and column.
 */
export function checkMatrix(X: MatrixLike, opts: CheckOptions = {}): Matrix {
  const name = opts.name ?? 'X';
  const requireRows = opts.requireRows ?? true;
  let m: Matrix;
  if (X instanceof RowArrays) {
    m = X;
  } else if (isMatrix(X)) {
    if (!Number.isInteger(X.rows) || !Number.isInteger(X.cols) || X.rows < 0 || X.cols < 0) {
      fail('SHAPE_MISMATCH', `${name} has rows=${describe(X.rows)}, cols=${describe(X.cols)}; both must be non-negative integers`);
    }
    if (X.data.length !== X.rows * X.cols) {
      fail('SHAPE_MISMATCH', `${name}.data has ${X.data.length} values but rows x cols = ${X.rows} x ${X.cols} = ${X.rows * X.cols}`);
    }
    m = X;
  } else if (Array.isArray(X)) {
    const rows = X.length;
    const first = X[0];
    if (rows > 0 && !Array.isArray(first) && !ArrayBuffer.isView(first)) {
      fail('SHAPE_MISMATCH', `${name} must be an array of rows (number[][]) or a Matrix; row 0 is ${typeof first}`);
    }
    const cols = rows > 0 ? (first as number[]).length : 0;
    for (let i = 0; i < rows; i++) {
      const row = X[i] as ArrayLike<number> | undefined;
      if (!row || typeof row !== 'object' || row.length !== cols) {
        fail('SHAPE_MISMATCH', `${name} is ragged: row ${i} has ${row?.length ?? 'no'} values, row 0 has ${cols}`);
      }
    }
    // The values are checked where they are read: on conversion, or by the upload that reads them.
    m = new RowArrays(X as ArrayLike<unknown>[], rows, cols, name);
  } else {
    return fail('SHAPE_MISMATCH', `${name} must be number[][] or a Matrix { data, rows, cols }`);
  }
  if (requireRows && m.rows === 0) fail('EMPTY_INPUT', `${name} has no rows`);
  if (m.rows > 0 && m.cols === 0) fail('EMPTY_INPUT', `${name} has no columns`);
  if (opts.checkFinite === false) return m;
  const d = m.data;
  for (let k = 0; k < d.length; k++) {
    const v = d[k];
    if (v - v !== 0 && !(opts.allowNaN && v !== v)) {
      const i = Math.floor(k / m.cols);
      nonFiniteAt(name, i, k - i * m.cols, v);
    }
  }
  return m;
}

/** A new rows x cols matrix: float32 when `like` is float32, float64 otherwise. */
export function outputMatrix(like: Matrix, rows: number, cols: number): Matrix {
  const n = rows * cols;
  return { data: like.data instanceof Float32Array ? new Float32Array(n) : new Float64Array(n), rows, cols };
}
