// Output checks: what a result must look like when a call returns instead of throwing.
import type { Ctx } from './outcome.js';

type Label = number | string | boolean;

export interface MatrixOut {
  data: Float32Array | Float64Array;
  rows: number;
  cols: number;
}

function short(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
  if (typeof v === 'bigint') return `${v}n`;
  return String(v);
}

/** A Matrix of rows x cols (either may be null: not checked) with float data of the right length. */
export function matrixOut(ctx: Ctx, entry: string, m: unknown, rows: number | null, cols: number | null): MatrixOut {
  const M = m as MatrixOut;
  ctx.check(typeof m === 'object' && m !== null, entry, () => `returned ${short(m)}, not a Matrix`);
  ctx.check(M.data instanceof Float32Array || M.data instanceof Float64Array, entry, () => `returned a Matrix whose data is ${M.data?.constructor?.name}`);
  ctx.check(Number.isInteger(M.rows) && Number.isInteger(M.cols) && M.rows >= 0 && M.cols >= 0, entry, () => `returned a Matrix of ${M.rows} x ${M.cols}`);
  ctx.check(M.data.length === M.rows * M.cols, entry, () => `returned a Matrix of ${M.rows} x ${M.cols} with ${M.data.length} values`);
  if (rows !== null) ctx.check(M.rows === rows, entry, () => `returned ${M.rows} rows for ${rows} input rows`);
  if (cols !== null) ctx.check(M.cols === cols, entry, () => `returned ${M.cols} columns, expected ${cols}`);
  return M;
}

/** Every value finite. */
export function finite(ctx: Ctx, entry: string, m: MatrixOut): void {
  const bad = m.data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) ctx.bad(entry, `returned ${m.data[bad]} at row ${Math.floor(bad / Math.max(1, m.cols))}, column ${bad % Math.max(1, m.cols)}`);
}

/** Probabilities: finite, in [0, 1], and when `sumsToOne` each row summing to 1 within tol. */
export function probabilities(ctx: Ctx, entry: string, m: MatrixOut, sumsToOne: boolean, tol: number): void {
  finite(ctx, entry, m);
  const bad = m.data.findIndex((v) => v < 0 || v > 1);
  if (bad >= 0) ctx.bad(entry, `returned the probability ${m.data[bad]}, outside [0, 1]`);
  if (!sumsToOne) return;
  for (let i = 0; i < m.rows; i++) {
    let s = 0;
    for (let k = 0; k < m.cols; k++) s += m.data[i * m.cols + k];
    if (!(Math.abs(s - 1) <= tol)) ctx.bad(entry, `returned probabilities summing to ${s} in row ${i}`);
  }
}

/** A label per row, each one of `classes` (SameValueZero). */
export function labelsOut(ctx: Ctx, entry: string, pred: unknown, rows: number, classes: readonly Label[]): Label[] {
  ctx.check(Array.isArray(pred), entry, () => `returned ${short(pred)}, not an array of labels`);
  const p = pred as Label[];
  ctx.check(p.length === rows, entry, () => `returned ${p.length} labels for ${rows} rows`);
  for (let i = 0; i < p.length; i++) {
    if (!classes.includes(p[i])) ctx.bad(entry, `returned the label ${short(p[i])} (row ${i}), which is not one of the classes [${classes.map(short).join(', ')}]`);
  }
  return p;
}

/** A 0/1 matrix of rows x cols. */
export function indicatorsOut(ctx: Ctx, entry: string, m: unknown, rows: number, cols: number | null): MatrixOut {
  const M = matrixOut(ctx, entry, m, rows, cols);
  const bad = M.data.findIndex((v) => v !== 0 && v !== 1);
  if (bad >= 0) ctx.bad(entry, `returned ${M.data[bad]} in a 0/1 indicator matrix`);
  return M;
}

/** A number in [lo, hi]. */
export function numberIn(ctx: Ctx, entry: string, v: unknown, lo: number, hi: number): number {
  ctx.check(typeof v === 'number' && v >= lo && v <= hi, entry, () => `returned ${short(v)}, not a number in [${lo}, ${hi}]`);
  return v as number;
}

/** A finite number. */
export function finiteNumber(ctx: Ctx, entry: string, v: unknown): number {
  ctx.check(typeof v === 'number' && Number.isFinite(v), entry, () => `returned ${short(v)}, not a finite number`);
  return v as number;
}

/** Row i's argmax, or -1 when the top two are within `tie`. */
export function argmaxRow(m: MatrixOut, i: number, tie: number): number {
  let best = 0, second = -Infinity;
  for (let k = 1; k < m.cols; k++) {
    const v = m.data[i * m.cols + k];
    if (v > m.data[i * m.cols + best]) {
      second = m.data[i * m.cols + best];
      best = k;
    } else if (v > second) second = v;
  }
  if (m.cols > 1 && m.data[i * m.cols + best] - second <= tie) return -1;
  return best;
}

/** Distinct labels, sorted as the library promises (numbers ascending, strings by code unit, false < true). */
export function sortedDistinct(ctx: Ctx, entry: string, classes: unknown): Label[] {
  ctx.check(Array.isArray(classes), entry, () => `classes is ${short(classes)}, not an array`);
  const c = classes as Label[];
  for (let i = 1; i < c.length; i++) {
    const a = c[i - 1], b = c[i];
    const ordered = typeof a === 'string' ? a < (b as string) : Number(a) < Number(b);
    if (typeof a !== typeof b || !ordered) ctx.bad(entry, `classes [${c.map(short).join(', ')}] are not distinct and sorted`);
  }
  return c;
}
