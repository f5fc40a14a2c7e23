// CSV: parseCsv on generated tables and random text, readCsv on the same bytes cut into random
// chunks (a ReadableStream, chunks at offsets into larger or shared buffers), on a file, a URL, a
// Blob, and on hostile sources. readCsv must agree with parseCsv on the same bytes.
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as W from '../../../../src/index.js';
import { matrixOut } from '../checks.js';
import { Finding, UserError, type Ctx } from '../outcome.js';
import type { Surface } from '../surface.js';
import { hostileValue, unknownKey } from '../values.js';

const CELLS = ['1', '-2.5', '0', '-0', '1e3', '1e309', '-1e309', '3.5e38', '0x10', ' 3 ', '1,5', 'NaN', 'Infinity', '-Infinity', '', '?', 'NA', '"2"', '"a""b"', '"x,y"', '"line\nbreak"', 'abc', 'é', '\u00a0', '1e-400', '.5', '5.', '+7', '１', '"', '""'];
const NAMES = ['a', 'b', 'c', 'label', 'y', '"q"', '"x,y"', '', 'é', 'a', '0', '__proto__', 'constructor'];
const SEPS = [',', ',', ';', '\t', '|'];
const EOLS = ['\n', '\r\n', '\r'];

interface Table {
  header: boolean;
  names: number[];
  cols: number;
  rows: { cells: number[]; ragged: number }[];
  sep: number;
  eol: number;
  finalEol: boolean;
  bom: boolean;
  numericBias: boolean;
}

const table: fc.Arbitrary<Table> = fc.record({
  header: fc.boolean(),
  names: fc.array(fc.nat(NAMES.length - 1), { minLength: 6, maxLength: 6 }),
  cols: fc.integer({ min: 1, max: 5 }),
  rows: fc.array(fc.record({ cells: fc.array(fc.nat(CELLS.length - 1), { minLength: 6, maxLength: 6 }), ragged: fc.oneof({ weight: 10, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -2, max: 2 }) }) }), { maxLength: 8 }),
  sep: fc.nat(SEPS.length - 1),
  eol: fc.nat(EOLS.length - 1),
  finalEol: fc.boolean(),
  bom: fc.oneof({ weight: 8, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  numericBias: fc.oneof({ weight: 2, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
});

function render(t: Table): string {
  const sep = SEPS[t.sep], eol = EOLS[t.eol];
  const lines: string[] = [];
  if (t.header) lines.push(Array.from({ length: t.cols }, (_, j) => NAMES[t.names[j % t.names.length]]).join(sep));
  for (const r of t.rows) {
    const n = Math.max(0, t.cols + r.ragged);
    lines.push(Array.from({ length: n }, (_, j) => {
      const k = r.cells[j % r.cells.length];
      return t.numericBias && k > 6 ? CELLS[k % 7] : CELLS[k];
    }).join(sep));
  }
  return (t.bom ? '\ufeff' : '') + lines.join(eol) + (t.finalEol ? eol : '');
}

type Text = { as: 'table'; t: Table } | { as: 'string'; s: string } | { as: 'bytes'; b: Uint8Array };

const text: fc.Arbitrary<Text> = fc.oneof(
  { weight: 6, arbitrary: table.map((t) => ({ as: 'table' as const, t })) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map((s) => ({ as: 'string' as const, s })) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('1', '2', ',', ';', '\t', '\n', '\r', '"', ' ', '.', '-', 'e', 'a', '?', '\ufeff', '\ud800'), maxLength: 60 }).map((s) => ({ as: 'string' as const, s })) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 60 }).map((b) => ({ as: 'bytes' as const, b })) },
);

const optionValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<unknown>(true, false, undefined, ',', ';', '\t', '"', '\n', '', ',,', 'é', 0, 1, 2, -1, 1.5, 'a', 'label', 'y', 'float32', 'float64', ['', 'NA'], [], ['a'], [0], [0, 0], ['a', 1], [5], [1n]) },
  { weight: 1, arbitrary: hostileValue },
);

type Source = 'stream' | 'file' | 'url' | 'blob' | 'missingPath' | 'directory' | 'missingUrl' | 'value' | 'stringChunks' | 'erroring' | 'emptyPath';

interface CsvCase {
  text: Text;
  mode: 'parse' | 'read';
  source: Source;
  opts: null | Record<string, unknown>;
  raw: unknown;
  useRaw: boolean;
  cuts: number[];
  views: { offset: number; shared: boolean }[];
  value: unknown;
}

const caseArb: fc.Arbitrary<CsvCase> = fc.record({
  text,
  mode: fc.constantFrom('parse' as const, 'read' as const),
  source: fc.oneof(
    { weight: 8, arbitrary: fc.constant('stream' as const) },
    { weight: 3, arbitrary: fc.constantFrom<Source>('file', 'url', 'blob') },
    { weight: 1, arbitrary: fc.constantFrom<Source>('missingPath', 'directory', 'missingUrl', 'value', 'stringChunks', 'erroring', 'emptyPath') },
  ),
  opts: fc.option(
    fc.dictionary(fc.oneof({ weight: 10, arbitrary: fc.constantFrom('header', 'delimiter', 'missing', 'target', 'columns', 'dtype', 'allocMatrix') }, { weight: 1, arbitrary: unknownKey }), optionValue, { maxKeys: 3 }),
    { freq: 2 },
  ),
  raw: hostileValue,
  useRaw: fc.oneof({ weight: 12, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  cuts: fc.array(fc.nat(80), { maxLength: 6 }),
  views: fc.array(fc.record({ offset: fc.nat(3), shared: fc.boolean() }), { minLength: 7, maxLength: 7 }),
  value: hostileValue,
});

function bytesOf(t: Text): Uint8Array {
  if (t.as === 'bytes') return t.b;
  return new TextEncoder().encode(t.as === 'table' ? render(t.t) : t.s);
}

/** The bytes cut at `cuts`, each chunk a view at an offset into a larger (maybe shared) buffer. */
function chunks(bytes: Uint8Array, c: CsvCase): Uint8Array[] {
  const at = [...new Set(c.cuts.map((k) => k % (bytes.length + 1)))].sort((a, b) => a - b);
  const bounds = [0, ...at, bytes.length];
  const out: Uint8Array[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const part = bytes.subarray(bounds[i], bounds[i + 1]);
    const v = c.views[i % c.views.length];
    const buf = v.shared ? new SharedArrayBuffer(part.length + v.offset + 2) : new ArrayBuffer(part.length + v.offset + 2);
    const whole = new Uint8Array(buf);
    whole.fill(0x2c); // commas around the view: reading outside it shows
    const view = new Uint8Array(buf, v.offset, part.length);
    view.set(part);
    out.push(view);
  }
  return out;
}

function streamOf(parts: unknown[], error?: unknown): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i < parts.length) controller.enqueue(parts[i++] as Uint8Array);
      else if (error) controller.error(error);
      else controller.close();
    },
  });
}

type Result = { X: { data: Float32Array | Float64Array; rows: number; cols: number }; y?: unknown[]; columns: string[] };

function checkResult(ctx: Ctx, entry: string, r: Result, opts: unknown): void {
  ctx.check(typeof r === 'object' && r !== null, entry, () => `returned ${String(r)}`);
  const X = matrixOut(ctx, entry, r.X, null, null);
  ctx.check(Array.isArray(r.columns) && r.columns.length === X.cols, entry, () => `returned ${Array.isArray(r.columns) ? r.columns.length : 'no'} column names for ${X.cols} columns`);
  ctx.check(r.columns.every((c) => typeof c === 'string'), entry, () => 'returned a column name that is not a string');
  if (r.y !== undefined) ctx.check(Array.isArray(r.y) && r.y.length === X.rows, entry, () => `returned ${Array.isArray(r.y) ? r.y.length : 'no'} labels for ${X.rows} rows`);
  const dtype = (opts as { dtype?: unknown } | undefined)?.dtype;
  if (dtype === 'float64') ctx.check(X.data instanceof Float64Array, entry, () => 'returned float32 data for dtype float64');
}

/** r, its X registered with the case when it has a dispose (an allocMatrix result). */
function owned(ctx: Ctx, r: Result): Result {
  if (r && typeof r === 'object') ctx.own(r.X);
  return r;
}

function same(a: Result, b: Result): string | null {
  if (JSON.stringify(a.columns) !== JSON.stringify(b.columns)) return `columns ${JSON.stringify(a.columns)} vs ${JSON.stringify(b.columns)}`;
  if (a.X.rows !== b.X.rows || a.X.cols !== b.X.cols) return `shape ${a.X.rows} x ${a.X.cols} vs ${b.X.rows} x ${b.X.cols}`;
  for (let i = 0; i < a.X.data.length; i++) if (!Object.is(a.X.data[i], b.X.data[i])) return `X value ${i}: ${a.X.data[i]} vs ${b.X.data[i]}`;
  if ((a.y === undefined) !== (b.y === undefined)) return 'y present in one only';
  if (a.y && b.y) for (let i = 0; i < a.y.length; i++) if (!Object.is(a.y[i], b.y[i])) return `y[${i}]: ${String(a.y[i])} vs ${String(b.y[i])}`;
  return null;
}

let fileCounter = 0;

export const csv: Surface<CsvCase> = {
  name: 'csv',
  weight: 11.5,
  vitestRuns: 1000,
  caseTimeoutMs: 10_000,
  arb: () => caseArb,
  async run(c, ctx, env) {
    const opts = c.useRaw ? c.raw : c.opts ?? undefined;
    const bytes = bytesOf(c.text);
    const asText = c.text.as === 'table' ? render(c.text.t) : c.text.as === 'string' ? c.text.s : new TextDecoder().decode(bytes);
    // With allocMatrix: true, X lives in engine memory: the case owns it (disposed at its end, then leak-checked).
    const parse = () => owned(ctx, ctx.call('parseCsv', [asText, opts], () => W.parseCsv(asText, opts as W.CsvOptions) as Result));
    if (c.mode === 'parse') {
      checkResult(ctx, 'parseCsv', parse(), opts);
      return;
    }
    let source: unknown;
    let comparable = true;
    switch (c.source) {
      case 'stream': source = streamOf(chunks(bytes, c)); break;
      case 'file':
      case 'url': {
        const path = join(env.tmp, `csv-${process.pid}-${fileCounter++ % 8}.csv`);
        writeFileSync(path, bytes);
        source = c.source === 'file' ? path : pathToFileURL(path);
        break;
      }
      case 'blob': source = new Blob([bytes as Uint8Array<ArrayBuffer>]); break;
      case 'missingPath': source = join(env.tmp, 'no-such-dir', 'missing.csv'); comparable = false; break;
      case 'emptyPath': source = ''; comparable = false; break;
      case 'directory': source = env.tmp; comparable = false; break;
      case 'missingUrl': source = pathToFileURL(join(env.tmp, 'missing.csv')); comparable = false; break;
      case 'value': source = c.value; comparable = false; break;
      case 'stringChunks': source = streamOf([asText]); comparable = false; break;
      case 'erroring': source = streamOf(chunks(bytes, c).slice(0, 1), new UserError()); comparable = false; break;
    }
    let read: Result | null = null;
    let readError: unknown = null;
    try {
      read = owned(ctx, await ctx.callAsync('readCsv', [source, opts], () => W.readCsv(source as W.CsvSource, opts as W.CsvOptions) as Promise<Result>));
    } catch (e) {
      readError = e;
    }
    if (!comparable) {
      if (readError) throw readError;
      checkResult(ctx, 'readCsv', read!, opts);
      return;
    }
    // The same bytes as text, through parseCsv: both must fail, or both give the same table.
    let parsed: Result | null = null;
    let parseError: unknown = null;
    const text = new TextDecoder().decode(bytes);
    try {
      parsed = owned(ctx, ctx.call('parseCsv', [text, opts], () => W.parseCsv(text, opts as W.CsvOptions) as Result));
    } catch (e) {
      parseError = e;
    }
    const failure = [readError, parseError].find((e) => e instanceof Finding);
    if (failure) throw failure; // an untyped exception or another finding in either
    if (read && parsed) {
      checkResult(ctx, 'readCsv', read, opts);
      const d = same(read, parsed);
      if (d) ctx.bad('readCsv', `readCsv (${c.source}) and parseCsv disagree on the same bytes: ${d}`);
      return;
    }
    if (read && !parsed) ctx.bad('readCsv', `readCsv (${c.source}) read what parseCsv refuses (${(parseError as Error).message.slice(0, 100)})`);
    if (!read && parsed) ctx.bad('readCsv', `readCsv (${c.source}) refused what parseCsv reads (${(readError as Error).message.slice(0, 100)})`);
    const codes = [readError, parseError].map((e) => (e as { code?: string }).code);
    if (codes[0] && codes[1] && codes[0] !== codes[1]) ctx.bad('readCsv', `readCsv (${c.source}) fails with ${codes[0]} where parseCsv fails with ${codes[1]} on the same bytes`);
    throw readError;
  },
};
