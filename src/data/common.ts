import { fail, WasmlearnError } from '../core/errors.js';
import { checkMatrix, isMatrix, type CheckOptions, type Matrix, type MatrixLike } from '../core/matrix.js';
import { describe } from '../core/options.js';
import type { Label } from '../core/labels.js';

/**
 * `checkMatrix` for the data module's entry points, with one guarantee more: whatever `X` holds
 * (a BigInt, a Symbol, a row that is a string, a getter that throws), the caller gets a
 * WasmlearnError naming the row and column, never a TypeError from building the message.
 */
export function readMatrix(X: unknown, owner: string, opts: CheckOptions = {}): Matrix {
  try {
    return checkMatrix(X as MatrixLike, opts);
  } catch (e) {
    if (e instanceof WasmlearnError) throw e;
    return explainBadMatrix(X, owner, opts.name ?? 'X', e);
  }
}

function explainBadMatrix(X: unknown, owner: string, name: string, e: unknown): never {
  if (Array.isArray(X)) {
    for (let i = 0; i < X.length; i++) {
      const row: unknown = X[i];
      if (!Array.isArray(row) && !ArrayBuffer.isView(row)) fail('SHAPE_MISMATCH', `${owner}: ${name}[${i}] is ${describe(row)}, not a row of numbers`);
      const cells = row as ArrayLike<unknown>;
      for (let j = 0; j < cells.length; j++) {
        const v = cells[j];
        if (typeof v !== 'number') fail('NON_FINITE_INPUT', `${owner}: ${name}[${i}][${j}] is ${describe(v)}, not a number`);
      }
    }
  }
  return fail('SHAPE_MISMATCH', `${owner}: ${name} cannot be read as number[][] or a Matrix (${e instanceof Error ? e.message : describe(e)})`);
}

/** Validates the X given to `transform` against what `fit` saw. */
export function checkFitted(X: MatrixLike, nFeatures: number | undefined, owner: string, allowNaN = false): Matrix {
  if (nFeatures === undefined) fail('NOT_FITTED', `${owner} is not fitted: call fit(X) before transform(X)`);
  const m = readMatrix(X, owner, { allowNaN });
  if (m.cols !== nFeatures) fail('SHAPE_MISMATCH', `${owner} was fitted on ${nFeatures} columns but X has ${m.cols}`);
  return m;
}

/** A new rows x cols matrix of `like`'s dtype, or a typed error when the runtime cannot hold it. */
export function outputMatrix(like: Matrix, rows: number, cols: number, owner: string): Matrix {
  const n = rows * cols;
  const float32 = like.data instanceof Float32Array;
  try {
    return { data: float32 ? new Float32Array(n) : new Float64Array(n), rows, cols };
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    return fail('OUT_OF_MEMORY', `${owner}: a ${rows} x ${cols} output (${n * (float32 ? 4 : 8)} bytes) cannot be allocated (${e.message})`);
  }
}

/**
 * Refuses an output cell that came out non-finite from finite input: the value is out of the
 * range the transform (or the output's dtype) can represent. `k` is the cell's flat index.
 */
export function outOfRange(owner: string, X: Matrix, k: number, why: string): never {
  const i = Math.floor(k / X.cols);
  const j = k - i * X.cols;
  const dtype = X.data instanceof Float32Array ? 'float32' : 'float64';
  return fail('NON_FINITE_INPUT', `${owner}: X[${i}][${j}] = ${X.data[k]} maps to a value beyond ${dtype}'s range (${why}); scale this column down first`);
}

/** y for a label-only call: an array or typed array, never a string, null or an object with a made-up length. */
export function labelArray(y: unknown, owner: string, name = 'y'): ArrayLike<Label> {
  if (Array.isArray(y) || (ArrayBuffer.isView(y) && !(y instanceof DataView))) return y as ArrayLike<Label>;
  if (isMatrix(y)) fail('SHAPE_MISMATCH', `${owner}: ${name} must be a list of labels, not a Matrix`);
  return fail('SHAPE_MISMATCH', `${owner}: ${name} must be an array (or typed array) of labels, got ${describe(y)}`);
}

/** A label as messages show it: strings quoted and clipped, anything else without ever throwing. */
export function showLabel(v: unknown): string {
  if (typeof v === 'string') return v.length <= 40 ? JSON.stringify(v) : `${JSON.stringify(v.slice(0, 40))}...`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return describe(v);
}

/** At most `max` items of a list, for messages: '1, 2, 3, ... (1000 in all)'. */
export function showList(items: ArrayLike<unknown>, max = 20): string {
  const shown = Array.from({ length: Math.min(items.length, max) }, (_, k) => showLabel(items[k])).join(', ');
  return items.length > max ? `${shown}, ... (${items.length} in all)` : shown;
}

/** `obj[key]` if it is one of `allowed`, else BAD_MODEL_JSON. */
export function jsonEnum<T extends string | boolean>(obj: Record<string, unknown>, key: string, allowed: readonly T[], owner: string): T {
  const v = obj[key];
  if (!allowed.includes(v as T)) fail('BAD_MODEL_JSON', `${owner}.${key} must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${describe(v)}`);
  return v as T;
}

/** `obj[key]` if it is a finite number, else BAD_MODEL_JSON. */
export function jsonNumber(obj: Record<string, unknown>, key: string, owner: string): number {
  const v = obj[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) fail('BAD_MODEL_JSON', `${owner}.${key} must be a finite number, got ${describe(v)}`);
  return v;
}
