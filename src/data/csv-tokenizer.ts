import { fail } from '../core/errors.js';
import { CSV_LIMITS, sizeText, type CsvLimits } from './csv-limits.js';

/** Receives the fields of a CSV as the tokenizer finds them. */
export interface FieldSink {
  /**
   * One field: `buf[start..end)`, unescaped. `buf` is only valid during the call (it is the
   * caller's chunk or a reused scratch buffer), so a sink that keeps bytes must copy them.
   */
  field(buf: Uint8Array, start: number, end: number, quoted: boolean): void;
  /** The end of a row that began on 1-based line `line`. */
  endRow(line: number): void;
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** Where an unquoted field starting at `from` ends: the first delimiter, LF or CR in buf[from..n), else n. */
function fieldEnd(buf: Uint8Array, from: number, n: number, delim: number): number {
  let j = from;
  while (j < n) {
    const c = buf[j];
    if (c === delim || c === LF || c === CR) break;
    j++;
  }
  return j;
}

// States kept between chunks.
const START = 0; // at the start of a field
const UNQUOTED = 1; // inside an unquoted field that began in an earlier chunk
const QUOTED = 2; // inside quotes
const QUOTE_SEEN = 3; // a quote inside quotes: either a doubled quote or the closing one
const AFTER_CR = 4; // a row ended with CR: swallow the LF of a CRLF

/**
 * RFC 4180 tokenizer over byte chunks. Rows end at LF, CRLF or a lone CR; empty lines are
 * skipped. Unquoted fields inside a chunk are handed over in place, without copying; only a
 * field cut by a chunk boundary or a quoted one goes through the scratch buffer.
 *
 * Every byte is looked at a bounded number of times, and the limits (a cell, a row, the fields
 * of a row) bound what is held. Each limit is checked where the field ends, and a cell also
 * while it is copied into the scratch buffer: nothing else can happen between those two points,
 * so the first error is the same however the input is cut into chunks.
 */
export class CsvTokenizer {
  private state = START;
  private scratch = new Uint8Array(256);
  private len = 0;
  private fieldsInRow = 0;
  private line = 1;
  private rowLine = 1;
  private quoteLine = 1;
  /** Bytes of the current row so far: its finished fields and a separator after each. */
  private rowBytes = 0;

  constructor(
    private readonly delim: number,
    private readonly sink: FieldSink,
    private readonly limits: CsvLimits = CSV_LIMITS,
  ) {}

  push(buf: Uint8Array): void {
    const n = buf.length;
    const delim = this.delim;
    const sink = this.sink;
    let state = this.state;
    let i = 0;
    while (i < n) {
      if (state === START) {
        if (buf[i] === QUOTE) {
          state = QUOTED;
          this.quoteLine = this.line;
          this.len = 0;
          i++;
          continue;
        }
        const j = fieldEnd(buf, i, n, delim);
        if (j === n) {
          this.len = 0;
          this.append(buf, i, n);
          state = UNQUOTED;
          break;
        }
        const c = buf[j];
        if (c === delim) {
          this.checkField(j - i);
          sink.field(buf, i, j, false);
          this.fieldsInRow++;
        } else {
          if (j > i || this.fieldsInRow > 0) {
            this.checkField(j - i);
            sink.field(buf, i, j, false);
            this.endRow();
          } else {
            this.rowLine = ++this.line; // an empty line
          }
          if (c === CR) state = AFTER_CR;
        }
        i = j + 1;
      } else if (state === UNQUOTED) {
        const j = fieldEnd(buf, i, n, delim);
        this.append(buf, i, j);
        if (j === n) break;
        this.checkField(this.len);
        sink.field(this.scratch, 0, this.len, false);
        state = this.afterField(buf[j]);
        i = j + 1;
      } else if (state === QUOTED) {
        let j = i;
        while (j < n) {
          const c = buf[j];
          if (c === QUOTE) break;
          if (c === LF) this.line++;
          j++;
        }
        this.append(buf, i, j);
        if (j === n) break;
        state = QUOTE_SEEN;
        i = j + 1;
      } else if (state === QUOTE_SEEN) {
        const c = buf[i];
        if (c === QUOTE) {
          this.append(buf, i, i + 1);
          state = QUOTED;
        } else if (c === delim || c === LF || c === CR) {
          this.checkField(this.len);
          sink.field(this.scratch, 0, this.len, true);
          state = this.afterField(c);
        } else {
          fail('PARSE_ERROR', `line ${this.line}: unexpected ${JSON.stringify(String.fromCharCode(c))} after a closing quote; a quote inside a quoted field is written twice ("")`);
        }
        i++;
      } else {
        if (buf[i] === LF) i++;
        state = START;
      }
    }
    this.state = state;
  }

  /** Ends the input: flushes the last field and row, or reports an unterminated quote. */
  finish(): void {
    const state = this.state;
    if (state === QUOTED) {
      fail('PARSE_ERROR', `line ${this.quoteLine}: a quoted field is never closed (unterminated quote)`);
    }
    if (state === UNQUOTED || state === QUOTE_SEEN) {
      this.checkField(this.len);
      this.sink.field(this.scratch, 0, this.len, state === QUOTE_SEEN);
      this.endRow();
    } else if (state === START && this.fieldsInRow > 0) {
      this.checkField(0);
      this.sink.field(this.scratch, 0, 0, false); // "a,b," at the very end: an empty last field
      this.endRow();
    }
    this.state = START;
  }

  /** After a field that ends at `c` (a delimiter or a line break): the next state. */
  private afterField(c: number): number {
    if (c !== this.delim) {
      this.endRow();
      return c === CR ? AFTER_CR : START;
    }
    this.fieldsInRow++;
    return START;
  }

  private endRow(): void {
    this.sink.endRow(this.rowLine);
    this.fieldsInRow = 0;
    this.rowBytes = 0;
    this.rowLine = ++this.line;
  }

  /** A field of `len` bytes ends: refuses it past a limit, else counts it into its row. */
  private checkField(len: number): void {
    const { cellBytes, rowBytes, fields } = this.limits;
    if (len > cellBytes) this.cellTooLong();
    if (this.fieldsInRow >= fields) fail('PARSE_ERROR', `line ${this.rowLine} has more than ${fields} fields, the most a CSV row may have`);
    if (this.rowBytes + len > rowBytes) fail('PARSE_ERROR', `line ${this.rowLine} is longer than ${sizeText(rowBytes)}, the most a CSV row may hold`);
    this.rowBytes += len + 1;
  }

  private cellTooLong(): never {
    return fail('PARSE_ERROR', `line ${this.rowLine}, field ${this.fieldsInRow + 1}: the cell is longer than ${sizeText(this.limits.cellBytes)}, the most a CSV cell may hold`);
  }

  private append(buf: Uint8Array, s: number, e: number): void {
    const need = this.len + (e - s);
    if (need > this.limits.cellBytes) this.cellTooLong();
    if (need > this.scratch.length) {
      const next = new Uint8Array(Math.min(Math.max(need, this.scratch.length * 2), this.limits.cellBytes));
      next.set(this.scratch.subarray(0, this.len));
      this.scratch = next;
    }
    this.scratch.set(buf.subarray(s, e), this.len);
    this.len = need;
  }
}
