import { fail } from '../core/errors.js';

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
 */
export class CsvTokenizer {
  private state = START;
  private scratch = new Uint8Array(256);
  private len = 0;
  private fieldsInRow = 0;
  private line = 1;
  private rowLine = 1;
  private quoteLine = 1;

  constructor(
    private readonly delim: number,
    private readonly sink: FieldSink,
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
          sink.field(buf, i, j, false);
          this.fieldsInRow++;
        } else {
          if (j > i || this.fieldsInRow > 0) {
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
      this.sink.field(this.scratch, 0, this.len, state === QUOTE_SEEN);
      this.endRow();
    } else if (state === START && this.fieldsInRow > 0) {
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
    this.rowLine = ++this.line;
  }

  private append(buf: Uint8Array, s: number, e: number): void {
    const need = this.len + (e - s);
    if (need > this.scratch.length) {
      const next = new Uint8Array(Math.max(need, this.scratch.length * 2));
      next.set(this.scratch.subarray(0, this.len));
      this.scratch = next;
    }
    this.scratch.set(buf.subarray(s, e), this.len);
    this.len = need;
  }
}
