// Generated data: a valid table first, then a few hostile edits (a cell, a ragged row, a row that
// is not a row, the wrong container, a lying shape), built by a plain function of the spec so
// that fast-check shrinks the spec and the counterexample stays readable.
import fc from 'fast-check';
import { hostileNumber, hostileValue, plainNumber, printable, typedArray, typedSpec, type TypedSpec } from './values.js';

export const MAX_ROWS = 10;

/** An empty list of T (fc.constant([]) would be typed readonly []). */
export function none<T>(): T[] {
  return [];
}
export const MAX_COLS = 4;

type Edit =
  | { e: 'cell'; at: number; v: number }
  | { e: 'cellAny'; at: number; v: unknown }
  | { e: 'ragged'; row: number; grow: boolean }
  | { e: 'row'; row: number; v: unknown }
  | { e: 'rowTyped'; row: number; t: TypedSpec }
  | { e: 'whole'; v: unknown }
  | { e: 'holes'; row: number };

export interface MatrixSpec {
  rows: number;
  cols: number;
  cells: number[];
  edits: Edit[];
  /** number[][], a Matrix { data, rows, cols } over a typed array, or rows that are typed arrays. */
  as: 'array' | 'matrix';
  t: TypedSpec;
  /** A Matrix that lies about its shape. */
  lie: null | { rows?: unknown; cols?: unknown; extra?: number };
}

const edit = (rows: number): fc.Arbitrary<Edit> =>
  fc.oneof(
    { weight: 5, arbitrary: fc.record({ e: fc.constant('cell' as const), at: fc.nat(MAX_ROWS * MAX_COLS), v: hostileNumber }) },
    { weight: 1, arbitrary: fc.record({ e: fc.constant('cellAny' as const), at: fc.nat(MAX_ROWS * MAX_COLS), v: hostileValue }) },
    { weight: 2, arbitrary: fc.record({ e: fc.constant('ragged' as const), row: fc.nat(rows), grow: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ e: fc.constant('row' as const), row: fc.nat(rows), v: hostileValue }) },
    { weight: 1, arbitrary: fc.record({ e: fc.constant('rowTyped' as const), row: fc.nat(rows), t: typedSpec }) },
    { weight: 1, arbitrary: fc.record({ e: fc.constant('whole' as const), v: hostileValue }) },
    { weight: 1, arbitrary: fc.record({ e: fc.constant('holes' as const), row: fc.nat(rows) }) },
  );

/** A matrix spec; `hostility` 0 gives only valid tables. */
export function matrixSpec(opts: { hostility?: number; minRows?: number; minCols?: number; maxRows?: number; maxCols?: number } = {}): fc.Arbitrary<MatrixSpec> {
  const h = opts.hostility ?? 1;
  const maxRows = opts.maxRows ?? MAX_ROWS, maxCols = opts.maxCols ?? MAX_COLS;
  return fc.record({
    // Mostly small; sometimes past a SIMD width (5-9 columns: padded rows with tails) and past a
    // few mini-batches (up to 40 rows).
    rows: fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: Math.max(opts.minRows ?? 1, 1), max: maxRows }) },
      { weight: opts.maxRows ? 0 : 2, arbitrary: fc.integer({ min: maxRows + 1, max: 4 * maxRows }) },
      { weight: h, arbitrary: fc.integer({ min: opts.minRows ?? 0, max: 1 }) },
    ),
    cols: fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: Math.max(opts.minCols ?? 1, 1), max: maxCols }) },
      { weight: opts.maxCols ? 0 : 2, arbitrary: fc.integer({ min: maxCols + 1, max: 2 * maxCols + 1 }) },
      { weight: h, arbitrary: fc.integer({ min: opts.minCols ?? 0, max: 1 }) },
    ),
    cells: fc.array(plainNumber, { minLength: 1, maxLength: maxRows * maxCols }),
    edits: h === 0 ? fc.constant(none<Edit>()) : fc.oneof({ weight: 4, arbitrary: fc.constant(none<Edit>()) }, { weight: 3 * h, arbitrary: fc.array(edit(maxRows), { minLength: 1, maxLength: 2 }) }),
    as: fc.constantFrom<'array' | 'matrix'>('array', 'matrix'),
    t: h === 0 ? typedSpec.filter((t) => t.ctor === 'Float32Array' || t.ctor === 'Float64Array') : typedSpec,
    lie: h === 0
      ? fc.constant(null)
      : fc.oneof(
          { weight: 12, arbitrary: fc.constant(null) },
          { weight: h, arbitrary: fc.record({ rows: hostileValue, cols: hostileValue, extra: fc.integer({ min: -2, max: 2 }) }, { requiredKeys: [] }) },
        ),
  });
}

/** The value a spec stands for; `cols` overrides the spec's width (a predict X must match fit's). */
export function buildMatrix(s: MatrixSpec, cols: number = s.cols): unknown {
  const rows: unknown[][] = [];
  // The cells repeat when there are fewer than the table needs; a fixed offset per position keeps
  // rows distinct even then (so a shrunk counterexample's few cells still make a varied table).
  for (let i = 0; i < s.rows; i++) rows.push(Array.from({ length: cols }, (_, j) => s.cells[(i * cols + j) % s.cells.length] + ((i * 7 + j * 3) % 11) / 4));
  let whole: { v: unknown } | null = null;
  for (const ed of s.edits) {
    if (ed.e === 'cell' || ed.e === 'cellAny') {
      if (rows.length === 0 || cols === 0) continue;
      const r = rows[Math.floor(ed.at / cols) % rows.length];
      if (Array.isArray(r)) r[ed.at % cols] = ed.v;
    } else if (ed.e === 'ragged') {
      if (rows.length === 0) continue;
      const r = rows[ed.row % rows.length];
      if (!Array.isArray(r)) continue;
      if (ed.grow) r.push(1);
      else r.pop();
    } else if (ed.e === 'holes') {
      if (rows.length === 0) continue;
      const r = rows[ed.row % rows.length];
      if (Array.isArray(r)) delete r[0]; // a sparse array: a hole where a number should be
    } else if (ed.e === 'row') {
      if (rows.length === 0) continue;
      rows[ed.row % rows.length] = ed.v as unknown[];
    } else if (ed.e === 'rowTyped') {
      if (rows.length === 0) continue;
      const i = ed.row % rows.length;
      if (Array.isArray(rows[i])) rows[i] = typedArray(ed.t, rows[i]) as unknown as unknown[];
    } else whole = { v: ed.v };
  }
  if (whole) return whole.v;
  if (s.as === 'array' && !s.lie) return rows;
  const flat = rows.flatMap((r) => (Array.isArray(r) ? r : ArrayBuffer.isView(r) ? Array.from(r as unknown as ArrayLike<unknown>) : [r]));
  const extra = s.lie?.extra ?? 0;
  const values = extra >= 0 ? [...flat, ...new Array<number>(extra).fill(1)] : flat.slice(0, Math.max(0, flat.length + extra));
  const m: Record<string, unknown> = { data: typedArray(s.t, values), rows: s.rows, cols };
  if (s.lie && 'rows' in s.lie) m.rows = s.lie.rows;
  if (s.lie && 'cols' in s.lie) m.cols = s.lie.cols;
  return m;
}

/** The same spec without its hostile parts: a valid table of at least two rows. */
export function cleanMatrix(s: MatrixSpec): MatrixSpec {
  const t = s.t.ctor === 'Float32Array' || s.t.ctor === 'Float64Array' ? s.t : { ...s.t, ctor: 'Float64Array' as const };
  return { ...s, rows: Math.max(2, s.rows), cols: Math.max(1, s.cols), edits: [], lie: null, t };
}

/** Rows and columns of a built value when it is a table (number[][] or a Matrix), else null. */
export function shapeOf(v: unknown): { rows: number; cols: number } | null {
  if (Array.isArray(v)) {
    const first = v[0] as ArrayLike<unknown> | undefined;
    return { rows: v.length, cols: first && typeof first === 'object' && typeof first.length === 'number' ? first.length : 0 };
  }
  const m = v as { rows?: unknown; cols?: unknown } | null;
  if (m && typeof m === 'object' && typeof m.rows === 'number' && typeof m.cols === 'number') return { rows: m.rows, cols: m.cols };
  return null;
}

/** A clean rows x cols number[][] (for data a case needs to be valid). */
export function cleanRows(rows: number, cols: number, seed: number): number[][] {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => Math.round((next() * 4 - 2) * 100) / 100));
}

// Labels.

export const LABEL_KINDS = ['int', 'string', 'bool', 'float', 'negzero', 'mixed', 'bigint', 'nan', 'object', 'nullish', 'symbol', 'big'] as const;
export type LabelKind = (typeof LABEL_KINDS)[number];

/** The classes a kind of labels draws from; the hostile kinds mix in something that is not a label. */
export function classPool(kind: LabelKind): unknown[] {
  switch (kind) {
    case 'int': return [0, 1, 2, 3];
    case 'string': return ['a', 'b', 'c', '']; // '' is a label too
    case 'bool': return [false, true];
    case 'float': return [-1.5, 0.25, 7, 1e9];
    case 'negzero': return [-0, 1, 0, 2];
    case 'mixed': return [0, '1', true, 2];
    case 'bigint': return [0n, 1n, 2n, 3n];
    case 'nan': return [0, NaN, 1, Infinity];
    case 'object': return [0, {}, 1, [1]];
    case 'nullish': return [0, null, 1, undefined];
    case 'symbol': return [0, Symbol.for('label'), 1, 2];
    case 'big': return [1e308, -1e308, 2 ** 53, Number.MIN_VALUE];
  }
}

export interface LabelSpec {
  kind: LabelKind;
  classes: number;
  picks: number[];
  /** Rows more (or fewer) than X has. */
  delta: number;
  edits: { at: number; v: unknown }[];
  as: 'array' | 'typed' | 'whole';
  t: TypedSpec;
  whole: unknown;
}

/** Labels; `hostility` 0 gives valid ones of a valid kind, with at least two classes. */
export function labelSpec(opts: { hostility?: number } = {}): fc.Arbitrary<LabelSpec> {
  const h = opts.hostility ?? 1;
  const valid: LabelKind[] = ['int', 'string', 'bool', 'float', 'negzero'];
  return fc.record({
    kind: h === 0 ? fc.constantFrom(...valid) : fc.oneof({ weight: 10, arbitrary: fc.constantFrom(...valid) }, { weight: h, arbitrary: fc.constantFrom(...LABEL_KINDS) }),
    classes: h === 0 ? fc.integer({ min: 2, max: 4 }) : fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 2, max: 4 }) }, { weight: h, arbitrary: fc.constant(1) }),
    picks: fc.array(fc.nat(3), { minLength: 1, maxLength: MAX_ROWS + 2 }),
    delta: h === 0 ? fc.constant(0) : fc.oneof({ weight: 12, arbitrary: fc.constant(0) }, { weight: h, arbitrary: fc.integer({ min: -2, max: 2 }) }),
    edits: h === 0 ? fc.constant(none<{ at: number; v: unknown }>()) : fc.oneof({ weight: 6, arbitrary: fc.constant(none<{ at: number; v: unknown }>()) }, { weight: h, arbitrary: fc.array(fc.record({ at: fc.nat(MAX_ROWS), v: hostileValue }), { maxLength: 1 }) }),
    as: h === 0 ? fc.constant('array' as const) : fc.oneof({ weight: 8, arbitrary: fc.constant('array' as const) }, { weight: h, arbitrary: fc.constantFrom('typed' as const, 'whole' as const) }),
    t: typedSpec,
    whole: hostileValue,
  });
}

/** Labels for `rows` rows: every class appears when rows allow, so a valid spec gives the classes it asks for. */
/** The same labels without hostile parts: a valid kind, two classes or more, one per row. */
export function cleanLabels(s: LabelSpec): LabelSpec {
  const valid: LabelKind[] = ['int', 'string', 'bool', 'float', 'negzero'];
  return { ...s, kind: valid.includes(s.kind) ? s.kind : 'int', classes: Math.max(2, s.classes), delta: 0, edits: [], as: 'array' };
}

export function cleanIndicators(s: IndicatorSpec): IndicatorSpec {
  return { ...s, outputs: Math.max(1, s.outputs), edits: [], delta: 0, as: s.as === 'whole' ? 'array' : s.as, t: s.t.ctor === 'Float32Array' || s.t.ctor === 'Float64Array' ? s.t : { ...s.t, ctor: 'Float64Array' } };
}

export function buildLabels(s: LabelSpec, rows: number): unknown {
  if (s.as === 'whole') return s.whole;
  const pool = classPool(s.kind).slice(0, s.classes);
  const n = Math.max(0, rows + s.delta);
  const y = Array.from({ length: n }, (_, i) => (i < pool.length ? pool[i] : pool[s.picks[i % s.picks.length] % pool.length]));
  for (const ed of s.edits) if (n > 0) y[ed.at % n] = ed.v;
  if (s.as === 'typed') return typedArray(s.t, y);
  return y;
}

export interface IndicatorSpec {
  outputs: number;
  bits: boolean[];
  edits: { at: number; v: unknown }[];
  delta: number;
  as: 'array' | 'matrix' | 'whole';
  t: TypedSpec;
  whole: unknown;
}

export function indicatorSpec(opts: { hostility?: number } = {}): fc.Arbitrary<IndicatorSpec> {
  const h = opts.hostility ?? 1;
  return fc.record({
    outputs: h === 0 ? fc.integer({ min: 1, max: 3 }) : fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 1, max: 3 }) }, { weight: h, arbitrary: fc.constant(0) }),
    bits: fc.array(fc.boolean(), { minLength: 1, maxLength: MAX_ROWS * 3 + 3 }),
    edits: h === 0 ? fc.constant(none<{ at: number; v: unknown }>()) : fc.oneof({ weight: 6, arbitrary: fc.constant(none<{ at: number; v: unknown }>()) }, { weight: h, arbitrary: fc.array(fc.record({ at: fc.nat(MAX_ROWS * 3), v: fc.oneof(hostileNumber, hostileValue) }), { maxLength: 1 }) }),
    delta: h === 0 ? fc.constant(0) : fc.oneof({ weight: 12, arbitrary: fc.constant(0) }, { weight: h, arbitrary: fc.integer({ min: -2, max: 2 }) }),
    as: h === 0 ? fc.constantFrom('array' as const, 'matrix' as const) : fc.oneof({ weight: 8, arbitrary: fc.constantFrom('array' as const, 'matrix' as const) }, { weight: h, arbitrary: fc.constant('whole' as const) }),
    t: h === 0 ? typedSpec.filter((t) => t.ctor === 'Float32Array' || t.ctor === 'Float64Array') : typedSpec,
    whole: hostileValue,
  });
}

export function buildIndicators(s: IndicatorSpec, rows: number): unknown {
  if (s.as === 'whole') return s.whole;
  const n = Math.max(0, rows + s.delta);
  const k = s.outputs;
  // Each output sees both values when there are rows enough.
  const Y: unknown[][] = Array.from({ length: n }, (_, i) => Array.from({ length: k }, (_, j) => (i === 0 ? 0 : i === 1 ? 1 : s.bits[(i * k + j) % s.bits.length] ? 1 : 0)));
  for (const ed of s.edits) if (n > 0 && k > 0) Y[Math.floor(ed.at / k) % n][ed.at % k] = ed.v;
  if (s.as === 'array') return Y;
  return { data: typedArray(s.t, Y.flat()), rows: n, cols: k };
}

/** Shown in messages: a short description of a value. */
export function brief(v: unknown): string {
  try {
    const s = fc.stringify(v);
    return s.length > 120 ? `${s.slice(0, 117)}...` : s;
  } catch {
    return typeof v;
  }
}

export { printable };
