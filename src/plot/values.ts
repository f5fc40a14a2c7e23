// The numbers behind the figures, computed here rather than by Vega-Lite's transforms so that a
// figure's marks are exactly the values a test (or a reader of the spec) can check.
import { fail } from '../core/errors.js';
import { describe } from '../core/options.js';
import { isMatrix } from '../core/matrix.js';

/** Numbers in: an array, a typed array, a Matrix or rows (number[][]), flattened row by row. */
export type Values = ArrayLike<number> | {
  /** Row-major values. */
  data: ArrayLike<number>;
  /** Number of rows. */
  rows: number;
  /** Number of columns. */
  cols: number;
} | number[][];

/** `values` flattened to a Float64Array; a non-number is BAD_OPTION, a non-finite one NON_FINITE_INPUT unless allowed. */
export function numbers(values: unknown, name: string, opts: { allowNonFinite?: boolean } = {}): Float64Array {
  let flat: ArrayLike<unknown>;
  if (isMatrix(values)) flat = values.data.subarray(0, values.rows * values.cols);
  else if (Array.isArray(values) && values.length > 0 && values.every((r) => Array.isArray(r))) flat = (values as unknown[][]).flat();
  else if (Array.isArray(values) || (ArrayBuffer.isView(values) && !(values instanceof DataView))) flat = values as ArrayLike<unknown>;
  else fail('BAD_OPTION', `${name} must be an array of numbers, a typed array or a Matrix; got ${describe(values)}`);
  const out = new Float64Array(flat.length);
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i];
    if (typeof v !== 'number' && typeof v !== 'bigint') fail('BAD_OPTION', `${name}[${i}] must be a number; got ${describe(v)}`);
    const x = Number(v);
    if (!opts.allowNonFinite && !Number.isFinite(x)) fail('NON_FINITE_INPUT', `${name}[${i}] is ${x}`);
    out[i] = x;
  }
  return out;
}

/**
 * Trailing moving average over `window` values: entry i is the mean of the finite values among
 * the last `window` (fewer at the start), or NaN when none of them is finite.
 */
export function movingAverage(values: ArrayLike<number>, window: number): Float64Array {
  const out = new Float64Array(values.length);
  let sum = 0, count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) { sum += v; count++; }
    if (i >= window) {
      const old = values[i - window];
      if (Number.isFinite(old)) { sum -= old; count--; }
    }
    out[i] = count > 0 ? sum / count : NaN;
  }
  return out;
}

/** One histogram bin: its edges and how many values fell in it. */
export interface Bin {
  /** Lower edge. */
  start: number;
  /** Upper edge. */
  end: number;
  /** Values in the bin. */
  count: number;
}

/**
 * `bins` equal-width bins over [lo, hi] (the data's range by default), as numpy.histogram: every
 * bin is half-open except the last, which holds hi; values outside the range are not counted.
 */
export function histogramBins(values: Float64Array, bins: number, range?: readonly [number, number]): Bin[] {
  let lo = range ? range[0] : Infinity, hi = range ? range[1] : -Infinity;
  if (!range) for (const v of values) { if (v < lo) lo = v; if (v > hi) hi = v; }
  if (!(lo < hi)) { lo -= 0.5; hi += 0.5; }
  const width = (hi - lo) / bins;
  const out: Bin[] = Array.from({ length: bins }, (_, b) => ({ start: lo + b * width, end: b === bins - 1 ? hi : lo + (b + 1) * width, count: 0 }));
  for (const v of values) {
    if (v < lo || v > hi) continue;
    out[Math.min(bins - 1, Math.floor((v - lo) / width))].count++;
  }
  return out;
}

/** Pearson's correlation of two equally long vectors (NaN when either is constant). */
export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) { ma += a[i]; mb += b[i]; }
  ma /= n; mb /= n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i] - ma, db = b[i] - mb;
    sab += da * db; saa += da * da; sbb += db * db;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** A number for the figure's data: null where it cannot be drawn (Vega-Lite leaves such points out). */
export function plottable(v: number, logScale: boolean): number | null {
  return Number.isFinite(v) && (!logScale || v > 0) ? v : null;
}
