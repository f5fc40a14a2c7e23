import { fail } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import type { FieldSink } from './csv-tokenizer.js';
import { parseDecimal, parseNumberText } from './csv-number.js';
import type { Label } from '../core/labels.js';

export type ColumnRef = string | number;

export interface BuildOptions {
  header: boolean | undefined;
  missing: readonly string[];
  target: ColumnRef | undefined;
  columns: readonly ColumnRef[] | undefined;
  dtype: 'float32' | 'float64';
}

export interface CsvResult {
  X: Matrix;
  y?: Label[];
  /** Names of the feature columns of X, in order ('0', '1', ... without a header). */
  columns: string[];
}

interface Cell {
  bytes: Uint8Array;
  quoted: boolean;
}

interface PreludeRow {
  cells: Cell[];
  line: number;
}

const SKIP = -1;
const TARGET = -2;
const MIN_ROWS = 1024;
const SPACE = 0x20;
const TAB = 0x09;

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
  private prelude: PreludeRow[] | null = [];
  private cells: Cell[] = [];
  private col = 0;
  private ncols = 0;
  private firstLine = 1;
  private slot = new Int32Array(0);
  private nf = 0;
  private data: Float32Array | Float64Array = new Float32Array(0);
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

  constructor(private readonly opts: BuildOptions) {
    const enc = new TextEncoder();
    this.missingBytes = opts.missing.map((m) => enc.encode(trimText(m)));
    this.numericMissing = opts.missing.some((m) => parseNumberText(m) !== null);
  }

  field(buf: Uint8Array, s: number, e: number, quoted: boolean): void {
    const col = this.col++;
    if (this.prelude !== null) {
      this.cells.push({ bytes: buf.slice(s, e), quoted });
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
    if (this.prelude !== null) {
      this.prelude.push({ cells: this.cells, line });
      this.cells = [];
      this.col = 0;
      if (this.prelude.length === 2) this.setup();
      return;
    }
    if (this.col !== this.ncols) {
      fail('PARSE_ERROR', `line ${line} has ${this.col} fields, expected ${this.ncols} like line ${this.firstLine}`);
    }
    if (this.bad !== null) fail('PARSE_ERROR', `line ${line}, ${this.bad}`);
    this.col = 0;
    this.rows++;
    this.base += this.nf;
    if (this.base + this.nf > this.data.length) this.grow();
  }

  result(): CsvResult {
    if (this.prelude !== null) this.setup();
    const len = this.rows * this.nf;
    const data = this.data.length === len ? this.data : this.data.slice(0, len);
    const out: CsvResult = { X: { data, rows: this.rows, cols: this.nf }, columns: this.featureNames };
    if (this.targetIndex >= 0) out.y = this.labels();
    return out;
  }

  /** Decides the header and the columns from the first rows, then parses them as data. */
  private setup(): void {
    const rows = this.prelude!;
    this.prelude = null;
    if (rows.length === 0) fail('EMPTY_INPUT', 'the CSV has no rows');
    const first = rows[0];
    const ncols = first.cells.length;
    const header = this.opts.header ?? this.looksLikeHeader(rows);
    this.header = header;
    this.ncols = ncols;
    this.firstLine = first.line;
    this.names = header ? first.cells.map((c) => this.text(c)) : first.cells.map((_, j) => String(j));
    const { target, columns } = this.opts;
    this.targetIndex = target === undefined ? -1 : this.resolve(target, 'target');
    const features = columns ? columns.map((c) => this.resolve(c, 'column')) : this.names.map((_, j) => j).filter((j) => j !== this.targetIndex);
    this.slot = new Int32Array(ncols).fill(SKIP);
    features.forEach((j, pos) => {
      if (j === this.targetIndex) fail('BAD_OPTION', `column ${JSON.stringify(this.names[j])} is the target; it cannot also be a feature`);
      if (this.slot[j] !== SKIP) fail('BAD_OPTION', `column ${JSON.stringify(this.names[j])} is listed twice in columns`);
      this.slot[j] = pos;
    });
    if (this.targetIndex >= 0) this.slot[this.targetIndex] = TARGET;
    this.nf = features.length;
    this.featureNames = features.map((j) => this.names[j]);
    this.data = this.opts.dtype === 'float64' ? new Float64Array(MIN_ROWS * this.nf) : new Float32Array(MIN_ROWS * this.nf);
    for (const row of header ? rows.slice(1) : rows) {
      for (const c of row.cells) this.field(c.bytes, 0, c.bytes.length, c.quoted);
      this.endRow(row.line);
    }
  }

  /** A header when some column reads as text in the first row and as a number in the second. */
  private looksLikeHeader(rows: PreludeRow[]): boolean {
    const isText = (c: Cell) => !this.isMissing(c.bytes, 0, c.bytes.length) && parseNumberText(this.text(c)) === null;
    const [a, b] = rows as [PreludeRow, PreludeRow | undefined];
    if (!b) return a.cells.every(isText);
    return a.cells.some((c, j) => {
      const below = b.cells[j];
      return below !== undefined && isText(c) && parseNumberText(this.text(below)) !== null;
    });
  }

  private resolve(ref: ColumnRef, what: string): number {
    const names = this.names;
    if (typeof ref !== 'number' && typeof ref !== 'string') fail('BAD_OPTION', `${what} must be a column name or a 0-based index, got ${typeof ref}`);
    const j = typeof ref === 'number' ? (Number.isInteger(ref) && ref >= 0 && ref < names.length ? ref : -1) : names.indexOf(ref);
    if (j < 0) {
      const shown = names.slice(0, 40).map((n) => JSON.stringify(n)).join(', ') + (names.length > 40 ? `, ... (${names.length} in all)` : '');
      const asked = typeof ref === 'number' ? `index ${ref} is out of range` : `${JSON.stringify(ref)} is not a column`;
      const hint = typeof ref === 'string' && !this.header ? '; the first row was not taken as a header: pass header: true if it is one' : '';
      fail('BAD_OPTION', `${what} ${asked}; the ${names.length} columns (0-based) are ${shown}${hint}`);
    }
    return j;
  }

  /** A feature cell the fast path did not read: missing, an exotic number, or an error. */
  private slowCell(buf: Uint8Array, s: number, e: number, col: number): number {
    if (this.isMissing(buf, s, e)) return NaN;
    const text = this.decoder.decode(buf.subarray(s, e));
    const v = parseNumberText(text);
    if (v !== null) return v;
    if (this.bad === null) {
      const missing = this.opts.missing.map((m) => JSON.stringify(m)).join(', ');
      this.bad = `column ${JSON.stringify(this.names[col])} (index ${col}): ${JSON.stringify(text)} is not a number (missing values are written as one of: ${missing})`;
    }
    return NaN;
  }

  private label(buf: Uint8Array, s: number, e: number, quoted: boolean): void {
    if (!quoted) [s, e] = trimBytes(buf, s, e);
    if (this.isMissing(buf, s, e) && this.bad === null) {
      this.bad = `target column ${JSON.stringify(this.names[this.targetIndex])} (index ${this.targetIndex}): the label is missing`;
    }
    const text = this.decoder.decode(buf.subarray(s, e));
    let id = this.labelMap.get(text);
    if (id === undefined) this.labelMap.set(text, (id = this.labelMap.size));
    this.labelIds.push(id);
  }

  /** Labels are numbers if all read as numbers, booleans if all are true/false, else strings. */
  private labels(): Label[] {
    const texts = [...this.labelMap.keys()];
    const nums = texts.map(parseNumberText);
    let values: Label[] = texts;
    if (nums.every((v) => v !== null)) values = nums as number[];
    else if (texts.every((t) => /^(true|false)$/i.test(t))) values = texts.map((t) => t.toLowerCase() === 'true');
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

  private text(c: Cell): string {
    const t = this.decoder.decode(c.bytes);
    return c.quoted ? t : trimText(t);
  }

  /**
   * Doubles, or with a size hint grows to the row count predicted from the bytes per row so far,
   * so a file is usually sized in one step and the memory peak stays near twice the matrix.
   */
  private grow(): void {
    const rows = this.rows;
    const { sizeHint, rowBytes } = this;
    let want = rows * 2;
    if (sizeHint > rowBytes && rowBytes > 0) {
      want = Math.max(Math.ceil((rows * sizeHint * 1.02) / rowBytes) + 64, rows + (rows >>> 3) + 64);
    }
    const next = this.data instanceof Float64Array ? new Float64Array(want * this.nf) : new Float32Array(want * this.nf);
    next.set(this.data);
    this.data = next;
  }
}

function trimBytes(buf: Uint8Array, s: number, e: number): [number, number] {
  while (s < e && (buf[s] === SPACE || buf[s] === TAB)) s++;
  while (e > s && (buf[e - 1] === SPACE || buf[e - 1] === TAB)) e--;
  return [s, e];
}

function trimText(t: string): string {
  return t.replace(/^[ \t]+|[ \t]+$/g, '');
}
