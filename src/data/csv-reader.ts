import { fail } from '../core/errors.js';
import { describe, strictOptions } from '../core/options.js';
import { CsvBuilder, type ColumnRef, type CsvResult } from './csv-builder.js';
import { CSV_LIMITS, type CsvLimits } from './csv-limits.js';
import { getEngine } from '../engine/index.js';
import type { ByteSink } from './csv-sources.js';
import { CsvTokenizer } from './csv-tokenizer.js';

/** parseCsv's and readCsv's options. */
export interface CsvOptions {
  /**
   * true, false, or undefined to detect (a first row of names above a row of numbers).
   * @default undefined (detected)
   */
  header?: boolean;
  /**
   * One ASCII character; detected among ',', ';' and tab from the first line when absent.
   * @default undefined (detected)
   */
  delimiter?: string;
  /**
   * Cells that become NaN. Default ['', '?', 'NA', 'NaN'].
   * @default ['', '?', 'NA', 'NaN']
   */
  missing?: readonly string[];
  /**
   * The label column: a name or a 0-based index. Its cells are returned as `y`.
   * @default undefined (no y)
   */
  target?: ColumnRef;
  /**
   * The feature columns to keep, by name or 0-based index, in this order. Default: all but the target.
   * @default undefined (all but the target)
   */
  columns?: readonly ColumnRef[];
  /**
   * The float type of X.
   * @default 'float32'
   */
  dtype?: 'float32' | 'float64';
  /**
   * Parse X straight into engine memory, as an {@link allocMatrix} matrix of the default backend
   * (call `init()` first): models on that backend then read it without a copy; `X.dispose()`
   * frees it. The buffer keeps the room it grew to (with a file's size known, within about 2%).
   * @default false
   */
  allocMatrix?: boolean;
}

const DEFAULT_MISSING = ['', '?', 'NA', 'NaN'];
const OPTION_KEYS = ['header', 'delimiter', 'missing', 'target', 'columns', 'dtype', 'allocMatrix'] as const;
const UTF8_BOM = 3;
const CANDIDATES = [0x2c, 0x3b, 0x09]; // ',' ';' tab, in order of preference on a tie
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/**
 * Push-style CSV reader: feed byte chunks, then `finish()`. Bytes are held back only until the
 * first line is complete (to strip a BOM and detect the delimiter), or until a row's limit of
 * bytes is held without one; after that every chunk goes straight to the tokenizer and may be
 * reused by the caller once `push` returns.
 */
export class CsvReader implements ByteSink {
  private head: Uint8Array[] | null = [];
  private headLen = 0;
  private inQuotes = false;
  private tokenizer: CsvTokenizer | null = null;
  private readonly builder: CsvBuilder;
  private readonly delimiter: number | undefined;

  /** `owner` names the call in messages ('parseCsv', 'readCsv'); `limits` are smaller in tests only. */
  constructor(options: CsvOptions = {}, owner = 'parseCsv', private readonly limits: CsvLimits = CSV_LIMITS) {
    const opts = strictOptions(`${owner} options`, options, OPTION_KEYS) as CsvOptions;
    const { header, delimiter, missing = DEFAULT_MISSING, target, columns, dtype = 'float32', allocMatrix = false } = opts;
    if (header !== undefined && typeof header !== 'boolean') fail('BAD_OPTION', `header must be true, false or undefined, got ${describe(header)}`);
    if (delimiter !== undefined) {
      const code = typeof delimiter === 'string' && delimiter.length === 1 ? delimiter.charCodeAt(0) : -1;
      if (code < 0 || code > 0x7f || code === QUOTE || code === LF || code === CR) {
        fail('BAD_OPTION', `delimiter must be one ASCII character other than a quote or line break, got ${describe(delimiter)}`);
      }
      this.delimiter = code;
    }
    if (!Array.isArray(missing) || missing.some((m) => typeof m !== 'string')) fail('BAD_OPTION', `missing must be an array of strings, got ${describe(missing)}`);
    if (target !== undefined) columnRef(target, 'target');
    if (columns !== undefined) {
      if (!Array.isArray(columns)) fail('BAD_OPTION', `columns must be an array of names or 0-based indices, got ${describe(columns)}`);
      columns.forEach((c, i) => columnRef(c, `columns[${i}]`));
    }
    if (dtype !== 'float32' && dtype !== 'float64') fail('BAD_OPTION', `dtype must be 'float32' or 'float64', got ${describe(dtype)}`);
    if (typeof allocMatrix !== 'boolean') fail('BAD_OPTION', `allocMatrix must be true or false, got ${describe(allocMatrix)}`);
    const engine = allocMatrix ? getEngine() : null;
    this.builder = new CsvBuilder({ header, missing: [...missing], target, columns: columns && [...columns], dtype, engine }, limits);
  }

  /** Announces the total input size in bytes (0 if unknown), so the matrix is sized ahead. */
  start(size: number): void {
    this.builder.sizeHint = Number.isFinite(size) && size > 0 ? size : 0;
  }

  push(chunk: Uint8Array): void {
    this.builder.refresh();
    if (this.tokenizer) {
      this.tokenizer.push(chunk);
      return;
    }
    const complete = this.scanForLineEnd(chunk);
    const full = this.headLen + chunk.length >= this.limits.rowBytes + UTF8_BOM;
    this.head!.push(complete || full ? chunk : chunk.slice()); // begin() consumes it at once then
    this.headLen += chunk.length;
    if (complete || full) this.begin();
  }

  finish(): CsvResult {
    this.builder.refresh();
    if (!this.tokenizer) this.begin();
    this.tokenizer!.finish();
    return this.builder.result();
  }

  /** Frees what a failed read holds in engine memory. */
  abandon(): void {
    this.builder.abandon();
  }

  /** True once a line break outside quotes has been seen: the first line is complete. */
  private scanForLineEnd(chunk: Uint8Array): boolean {
    let q = this.inQuotes;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (c === QUOTE) q = !q;
      else if (!q && (c === LF || c === CR)) return true;
    }
    this.inQuotes = q;
    return false;
  }

  /**
   * Starts the tokenizer on the held bytes. The delimiter is detected from at most a row's limit
   * of bytes, which are all held by now whatever the chunks were: the same input always gets
   * the same delimiter, and a first line past the limit fails in the tokenizer like any other.
   */
  private begin(): void {
    const all = concat(this.head!, this.headLen);
    this.head = null;
    // Every leading BOM goes (a file saved twice by a BOM-adding tool has two; text decoded by a
    // TextDecoder has lost one already). Only the first row's limit of bytes is looked at, and
    // the delimiter is detected in the bytes up to that limit plus a BOM: both are always held
    // by now, so every chunking sees the same.
    const window = Math.min(all.length, this.limits.rowBytes + UTF8_BOM);
    let start = 0;
    while (start + UTF8_BOM <= Math.min(window, this.limits.rowBytes) && all[start] === 0xef && all[start + 1] === 0xbb && all[start + 2] === 0xbf) start += UTF8_BOM;
    const bytes = all.subarray(start);
    const delimiter = this.delimiter ?? detectDelimiter(all.subarray(start, Math.max(start, window)));
    this.tokenizer = new CsvTokenizer(delimiter, this.builder, this.limits);
    this.tokenizer.push(bytes);
  }
}

function columnRef(ref: unknown, what: string): void {
  if (typeof ref === 'string') return;
  if (typeof ref !== 'number' || !Number.isInteger(ref) || ref < 0) fail('BAD_OPTION', `${what} must be a column name or a 0-based index, got ${describe(ref)}`);
}

/** The candidate found most often outside quotes on the first line; ',' when none is. */
function detectDelimiter(bytes: Uint8Array): number {
  const counts = [0, 0, 0];
  let q = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === QUOTE) q = !q;
    else if (!q) {
      if (c === LF || c === CR) break;
      const k = CANDIDATES.indexOf(c!);
      if (k >= 0) counts[k]++;
    }
  }
  let best = 0;
  for (let k = 1; k < 3; k++) if (counts[k] > counts[best]) best = k;
  return CANDIDATES[best];
}

function concat(parts: Uint8Array[], len: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(len);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
