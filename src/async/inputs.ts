// fitAsync's inputs, checked on the calling thread as the engine's upload checks them in fit (the
// same first fault, the same message), so that bad data is refused before a worker starts; and X
// in one typed array that the request transfers: the data crosses once.
import { fail } from '../core/errors.js';
import { describe } from '../core/options.js';
import type { Matrix } from '../core/matrix.js';

type FloatArray = Float32Array | Float64Array;

/**
 * The magnitude from which a number rounds to Infinity in float32: halfway between its largest
 * value, (2 - 2^-23) 2^127, and 2^128.
 */
const FLOAT32_OVERFLOW = (2 - 2 ** -24) * 2 ** 127;

/** X's values, checked as the upload checks them: the first value that is not finite once stored in `dtype` is refused. */
export function checkedValues(X: Matrix, name: string, dtype: 'float32' | 'float64'): FloatArray {
  // One comparison per value, false for NaN too.
  const limit = dtype === 'float32' ? FLOAT32_OVERFLOW : Infinity;
  const { data, cols } = X;
  for (let k = 0; k < data.length; k++) {
    if (!(Math.abs(data[k]) < limit)) nonFinite(name, Math.floor(k / cols), k % cols, data[k]);
  }
  return data;
}

/** X as a request transfers it: `data` itself when it was converted here (`fresh`), a copy of the caller's array otherwise. */
export function transferable(X: Matrix, data: FloatArray, fresh: boolean): { X: Matrix; transfer: ArrayBuffer[] } {
  const own = fresh ? data : data.slice();
  return { X: { data: own, rows: X.rows, cols: X.cols }, transfer: [own.buffer as ArrayBuffer] };
}

/** The upload's message for a value that is not finite in the model's dtype. */
function nonFinite(name: string, row: number, col: number, value: number): never {
  fail('NON_FINITE_INPUT', `${name} has ${value} at row ${row}, column ${col}${Number.isFinite(value) ? ' (beyond float32 range)' : ''}`);
}

/** fitAsync's options split into its `signal`, checked, and fit's own options, left for fit's checks. */
export function splitSignal(opts: unknown): { signal: AbortSignal | undefined; fitOptions: unknown } {
  if (typeof opts !== 'object' || opts === null || !('signal' in opts)) return { signal: undefined, fitOptions: opts };
  const { signal, ...fitOptions } = opts as { signal?: unknown };
  if (signal !== undefined && !(typeof AbortSignal === 'function' && signal instanceof AbortSignal)) fail('BAD_OPTION', `signal must be an AbortSignal; got ${describe(signal)}`);
  return { signal: signal as AbortSignal | undefined, fitOptions };
}
