import { fail } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import type { FieldSink } from './csv-tokenizer.js';
import { parseDecimal, parseNumberText, trimText } from './csv-number.js';
import { CSV_LIMITS, cellText, type CsvLimits } from './csv-limits.js';
import type { Label } from '../core/labels.js';
import { residentMatrix } from '../engine/alloc-matrix.js';
import { floats, grouped, type Engine, type FloatBuf } from '../engine/engine.js';

/** A CSV column: its header name, or its 0-based index. */
export type ColumnRef = string | number;

export interface BuildOptions {
  header: boolean | undefined;
  missing: readonly string[];
  target: ColumnRef | undefined;
  columns: readonly ColumnRef[] | undefined;
  dtype: 'float32' | 'float64';
  /** The engine whose memory X is read into (the allocMatrix option), or null for a typed array. */
  engine: Engine | null;
}

/** A parsed CSV file. */
export interface CsvResult {
  /** The feature columns, rows x features; missing cells are NaN. */
  X: Matrix;
  /** The target column's cells, when `target` was given: numbers if every cell parses, else booleans if all are true/false, else strings. */
  y?: Label[];
  /** Names of the feature columns of X, in order ('0', '1', ... without a header). */
  columns: string[];
}

const SKIP = -1;
const TARGET = -2;
const MIN_ROWS = 1024;
/** The first matrix holds MIN_ROWS rows, or fewer when rows are wide: never more values than this. */
const FIRST_VALUES = 1 << 20;
const SPACE = 0x20;
const TAB = 0x09;

/**
 * The first rows, held back until they decide whether there is a header: their cells' bytes end
 * to end in one buffer, and per cell where it ends and whether it was quoted. No object per cell,
 * so a row of a million empty cells costs a few megabytes, not a few hundred.
 */
class Prelude {
  bytes = new Uint8Array(256);
  len = 0;
  /** Per cell: the end offset of its bytes (it starts where the one before ends). */
  readonly ends: number[] = [];
  readonly quoted: boolean[] = [];
  /** Per row: the index one past its last cell, and the line it began on. */
  readonly rowEnds: number[] = [];
  readonly lines: number[] = [];

  add(buf: Uint8Array, s: number, e: number, quoted: boolean): void {
    const need = this.len + (e - s);
    if (need > this.bytes.length) {
      const next = new Uint8Array(Math.max(need, this.bytes.length * 2));
      next.set(this.bytes.subarray(0, this.len));
      this.bytes = next;
    }
    this.bytes.set(buf.subarray(s, e), this.len);
    this.len = need;
    this.ends.push(need);
    this.quoted.push(quoted);
  }

  endRow(line: number): void {
    this.rowEnds.push(this.ends.length);
    this.lines.push(line);
  }

  start(k: number): number {
    return k === 0 ? 0 : this.ends[k - 1];
  }

  /** Cells [from, to) of row r. */
  row(r: number): [number, number] {
    return [r === 0 ? 0 : this.rowEnds[r - 1], this.rowEnds[r]];
  }
}

/**
 * Turns fields into a matrix. The first two rows are held back (they decide whether there is
 * a header), then every feature cell is parsed straight into a growing typed array, and the
 * label column is interned, so no row arrays or per-cell strings pile up.
 */
export class CsvBuilder implements FieldSink {
  /** Total bytes of the input if known (file or Blob size), to size the matrix without doubling. */
  sizeHint = 0;
  /** Bytes of the data rows so far (fields plus separators); with `sizeHint` it predicts the row count. */
  private rowBytes = 0;
  private prelude: Prelude | null = new Prelude();
  private col = 0;
  private ncols = 0;
  private firstLine = 1;
  private slot = new Int32Array(0);
  private nf = 0;
  private data: Float32Array | Float64Array = new Float32Array(0);
  /** The engine buffer `data` views, with the allocMatrix option: its view is taken afresh per chunk (a memory.grow detaches it). */
  private buf: FloatBuf | null = null;
  private rows = 0;
  private base = 0;
  private bad: string | null = null;
  private header = false;
  private names: string[] = [];
  private featureNames: string[] = [];
  private targetIndex = -1;
  private labelIds: number[] = [];
  private labelMap = new Map<string, number>();
  private readonly missingBytes: Uint8Array[];
  private readonly numericMissing: boolean;
  private readonly decoder = new TextDecoder('utf-8', { ignoreBOM: true });

  constructor(
    private readonly opts: BuildOptions,
    private readonly limits: CsvLimits = CSV_LIMITS,
  ) {
    const enc = new TextEncoder();
    this.missingBytes = opts.missing.map((m) => enc.encode(trimText(m)));
    this.numericMissing = opts.missing.some((m) => parseNumberText(m) !== null);
  }

  field(buf: Uint8Array, s: number, e: number, quoted: boolean): void {
    const col = this.col++;
    if (this.prelude !== null) {
      this.prelude.add(buf, s, e, quoted);
      return;
    }
    this.rowBytes += e - s + 1;
    if (col >= this.ncols) return;
    const slot = this.slot[col];
    if (slot >= 0) {
      let v = this.numericMissing && this.isMissing(buf, s, e) ? NaN : parseDecimal(buf, s, e);
      if (v !== v) v = this.slowCell(buf, s, e, col);
      this.data[this.base + slot] = v;
    } else if (slot === TARGET) {
      this.label(buf, s, e, quoted);
    }
  }

  endRow(line: number): void {
    const prelude = this.prelude;
    if (prelude !== null) {
      prelude.endRow(line);
      this.col = 0;
      if (prelude.rowEnds.length === 2) this.setup();
      return;
    }
    if (this.col !== this.ncols) {
      fail('PARSE_ERROR', `line ${line} has ${this.col} fields, expected ${this.ncols} like line ${this.firstLine}`);
    }
    if (this.bad !== null) fail('PARSE_ERROR', `line ${line}, ${this.bad}`);
    this.col = 0;
    this.rows++;
    this.base += this.nf;
    if (this.base + this.nf > this.data.length) this.grow(line);
  }

  /** Takes the engine buffer's view afresh: called before each chunk, as anything may have grown the memory in between. */
  refresh(): void {
    if (this.buf) this.data = this.buf.view();
  }

  /** Frees the engine buffer of a read that failed. */
  abandon(): void {
    if (this.buf) this.opts.engine!.free(this.buf);
    this.buf = null;
  }

  result(): CsvResult {
    if (this.prelude !== null) this.setup();
    const len = this.rows * this.nf;
    const y = this.targetIndex >= 0 ? this.labels() : null;
    let X: Matrix;
    if (this.buf) {
      // Handed over as it is: the rows read, in the buffer they were parsed into.
      X = residentMatrix(this.opts.engine!, this.buf, this.rows, this.nf);
      this.buf = null;
    } else {
      X = { data: this.data.length === len ? this.data : this.data.slice(0, len), rows: this.rows, cols: this.nf };
    }
    const out: CsvResult = { X, columns: this.featureNames };
    if (y) out.y = y;
    return out;
  }

  /** Decides the header and the columns from the first rows, then parses them as data. */
  private setup(): void {
    const pre = this.prelude!;
    this.prelude = null;
    const nrows = pre.rowEnds.length;
    if (nrows === 0) fail('EMPTY_INPUT', 'the CSV has no rows');
    const text = (k: number) => this.text(pre, k);
    const [first, firstEnd] = pre.row(0);
    const ncols = firstEnd - first;
    const header = this.opts.header ?? this.looksLikeHeader(pre);
    this.header = header;
    this.ncols = ncols;
    this.firstLine = pre.lines[0];
    this.names = Array.from({ length: ncols }, (_, j) => (header ? text(first + j) : String(j)));
    const { target, columns } = this.opts;
    const lookup = new ColumnLookup(this.names);
    this.targetIndex = target === undefined ? -1 : this.resolve(target, 'target', lookup);
    const features = columns ? columns.map((c) => this.resolve(c, 'column', lookup)) : this.names.map((_, j) => j).filter((j) => j !== this.targetIndex);
    this.slot = new Int32Array(ncols).fill(SKIP);
    features.forEach((j, pos) => {
      if (j === this.targetIndex) fail('BAD_OPTION', `column ${cellText(this.names[j])} is the target; it cannot also be a feature`);
      if (this.slot[j] !== SKIP) fail('BAD_OPTION', `column ${cellText(this.names[j])} is listed twice in columns`);
      this.slot[j] = pos;
    });
    if (this.targetIndex >= 0) this.slot[this.targetIndex] = TARGET;
    this.nf = features.length;
    this.featureNames = features.map((j) => this.names[j]);
    this.data = this.allocate(Math.max(1, Math.min(MIN_ROWS, Math.floor(FIRST_VALUES / Math.max(1, this.nf)))), pre.lines[0]);
    for (let r = header ? 1 : 0; r < nrows; r++) {
      const [from, to] = pre.row(r);
      for (let k = from; k < to; k++) this.field(pre.bytes, pre.start(k), pre.ends[k], pre.quoted[k]);
      this.endRow(pre.lines[r]);
    }
  }

  /** A header when some column reads as text in the first row and as a number in the second. */
  private looksLikeHeader(pre: Prelude): boolean {
    const isText = (k: number) => !this.isMissing(pre.bytes, pre.start(k), pre.ends[k]) && parseNumberText(this.text(pre, k)) === null;
    const [a, aEnd] = pre.row(0);
    if (pre.rowEnds.length < 2) {
      for (let k = a; k < aEnd; k++) if (!isText(k)) return false;
      return true;
    }
    const [b, bEnd] = pre.row(1);
    for (let j = 0; j < aEnd - a && b + j < bEnd; j++) {
      if (isText(a + j) && parseNumberText(this.text(pre, b + j)) !== null) return true;
    }
    return false;
  }

  private resolve(ref: ColumnRef, what: string, lookup: ColumnLookup): number {
    const names = this.names;
    if (typeof ref !== 'number' && typeof ref !== 'string') fail('BAD_OPTION', `${what} must be a column name or a 0-based index, got ${typeof ref}`);
    const j = typeof ref === 'number' ? (Number.isInteger(ref) && ref >= 0 && ref < names.length ? ref : -1) : lookup.indexOf(ref);
    if (j < 0) {
      const shown = names.slice(0, 40).map(cellText).join(', ') + (names.length > 40 ? `, ... (${names.length} in all)` : '');
      const asked = typeof ref === 'number' ? `index ${ref} is out of range` : `${cellText(ref)} is not a column`;
      const hint = typeof ref === 'string' && !this.header ? '; the first row was not taken as a header: pass header: true if it is one' : '';
      fail('BAD_OPTION', `${what} ${asked}; the ${names.length} columns (0-based) are ${shown}${hint}`);
    }
    return j;
  }

  /** A feature cell the fast path did not read: missing, an exotic number, or an error. */
  private slowCell(buf: Uint8Array, s: number, e: number, col: number): number {
    if (this.isMissing(buf, s, e)) return NaN;
    if (this.bad !== null) return NaN; // the row fails at its end anyway; don't decode what nobody reads
    const text = this.decoder.decode(buf.subarray(s, e));
    const v = parseNumberText(text);
    if (v !== null) return v;
    const missing = this.opts.missing.map(cellText).join(', ');
    this.bad = `column ${cellText(this.names[col])} (index ${col}): ${cellText(text)} is not a number (missing values are written as one of: ${missing})`;
    return NaN;
  }

  private label(buf: Uint8Array, s: number, e: number, quoted: boolean): void {
    if (!quoted) [s, e] = trimBytes(buf, s, e);
    if (this.isMissing(buf, s, e) && this.bad === null) {
      this.bad = `target column ${cellText(this.names[this.targetIndex])} (index ${this.targetIndex}): the label is missing`;
    }
    const text = this.decoder.decode(buf.subarray(s, e));
    let id = this.labelMap.get(text);
    if (id === undefined) {
      if (this.labelMap.size >= this.limits.labels) {
        this.bad ??= `target column ${cellText(this.names[this.targetIndex])} (index ${this.targetIndex}): more than ${this.limits.labels} distinct labels`;
        id = 0;
      } else {
        this.labelMap.set(text, (id = this.labelMap.size));
      }
    }
    this.labelIds.push(id);
  }

  /** Labels are numbers if all read as numbers, booleans if all are true/false, else strings. */
  private labels(): Label[] {
    const texts = [...this.labelMap.keys()];
    const nums = texts.map(parseNumberText);
    let values: Label[] = texts;
    if (nums.every((v) => v !== null)) values = nums as number[];
    else if (texts.every(isBooleanText)) values = texts.map((t) => t.toLowerCase() === 'true');
    return this.labelIds.map((id) => values[id]);
  }

  private isMissing(buf: Uint8Array, s: number, e: number): boolean {
    [s, e] = trimBytes(buf, s, e);
    const n = e - s;
    outer: for (const m of this.missingBytes) {
      if (m.length !== n) continue;
      for (let k = 0; k < n; k++) if (m[k] !== buf[s + k]) continue outer;
      return true;
    }
    return false;
  }

  /** Cell k of the prelude as text: trimmed unless it was quoted. */
  private text(pre: Prelude, k: number): string {
    const t = this.decoder.decode(pre.bytes.subarray(pre.start(k), pre.ends[k]));
    return pre.quoted[k] ? t : trimText(t);
  }

  /**
   * Doubles, or with a size hint grows to the row count predicted from the bytes per row so far,
   * so a file is usually sized in one step and the memory peak stays near twice the matrix.
   */
  private grow(line: number): void {
    const rows = this.rows;
    const { sizeHint, rowBytes } = this;
    let want = rows * 2;
    if (sizeHint > rowBytes && rowBytes > 0) {
      want = Math.max(Math.ceil((rows * sizeHint * 1.02) / rowBytes) + 64, rows + (rows >>> 3) + 64);
    }
    const old = this.buf;
    const next = this.allocate(want, line);
    next.set(old ? old.view() : this.data);
    if (old) this.opts.engine!.free(old);
    this.data = next;
  }

  /** Room for `rows` rows, or OUT_OF_MEMORY (never a RangeError) when the runtime cannot hold them. */
  private allocate(rows: number, line: number): Float32Array | Float64Array {
    const n = rows * this.nf;
    const float64 = this.opts.dtype === 'float64';
    const engine = this.opts.engine;
    if (engine) {
      engine.checkRoom(`reading line ${line} of the CSV: room for ${grouped(rows)} rows of ${this.nf} ${this.opts.dtype} values`, [[this.opts.dtype, n]]);
      this.buf = floats(engine, this.opts.dtype, n);
      return this.buf.view();
    }
    try {
      return float64 ? new Float64Array(n) : new Float32Array(n);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      return fail('OUT_OF_MEMORY', `reading line ${line} of the CSV: ${this.rows} rows of ${this.nf} ${this.opts.dtype} values so far, and room for ${rows} rows (${n * (float64 ? 8 : 4)} bytes) cannot be allocated (${e.message})`);
    }
  }
}

/** Column names to their first index, built on the first lookup by name. */
class ColumnLookup {
  private map: Map<string, number> | null = null;
  constructor(private readonly names: string[]) {}

  indexOf(name: string): number {
    if (this.map === null) {
      this.map = new Map();
      this.names.forEach((n, j) => {
        if (!this.map!.has(n)) this.map!.set(n, j);
      });
    }
    return this.map.get(name) ?? -1;
  }
}

function isBooleanText(t: string): boolean {
  return t.length <= 5 && /^(true|false)$/i.test(t);
}

function trimBytes(buf: Uint8Array, s: number, e: number): [number, number] {
  while (s < e && (buf[s] === SPACE || buf[s] === TAB)) s++;
  while (e > s && (buf[e - 1] === SPACE || buf[e - 1] === TAB)) e--;
  return [s, e];
}
