import { isMatrix, outputMatrix, type Matrix } from './matrix.js';
import type { Targets } from './targets.js';

/** The rows `idx` of m, in that order, as a new matrix of the same dtype. */
export function takeRows(m: Matrix, idx: Uint32Array): Matrix {
  const out = outputMatrix(m, idx.length, m.cols);
  for (let r = 0; r < idx.length; r++) {
    const i = idx[r];
    out.data.set(m.data.subarray(i * m.cols, (i + 1) * m.cols), r * m.cols);
  }
  return out;
}

/** How many rows `y` has: labels or indicator rows. */
export function targetLength(y: Targets): number {
  return isMatrix(y) ? y.rows : y.length;
}

/** The entries `idx` of y, in the same container kind (array, typed array, rows or Matrix). */
export function takeTargets<Y extends Targets>(y: Y, idx: Uint32Array): Y {
  if (isMatrix(y)) return takeRows(y, idx) as Y;
  if (ArrayBuffer.isView(y)) {
    const Ctor = (y as unknown as { constructor: new (n: number) => { [i: number]: unknown } }).constructor;
    const out = new Ctor(idx.length);
    for (let r = 0; r < idx.length; r++) out[r] = (y as ArrayLike<unknown>)[idx[r]];
    return out as unknown as Y;
  }
  const src = y as ArrayLike<unknown>;
  return Array.from(idx, (i) => {
    const v = src[i];
    return Array.isArray(v) ? v.slice() : v;
  }) as unknown as Y;
}
