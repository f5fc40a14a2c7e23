/**
 * Number parsing for CSV cells. The fast path reads plain decimals straight from the bytes;
 * anything else goes through `parseNumberText`, so both give exactly what `Number()` gives.
 */

const SPACE = 0x20;
const TAB = 0x09;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const TWO_53 = 9007199254740992;
/** 10^k is exact in a double up to k = 22. */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * Parses `[+-]digits[.digits]` from `buf[s..e)` (spaces and tabs around it allowed).
 * Returns NaN when the cell is anything else, so the caller tries the slow path.
 *
 * Exact by Clinger's fast path: an integer mantissa below 2^53 divided by an exact power of ten
 * is one correctly rounded IEEE operation, the same double `Number()` returns.
 */
export function parseDecimal(buf: Uint8Array, s: number, e: number): number {
  while (s < e && (buf[s] === SPACE || buf[s] === TAB)) s++;
  while (e > s && (buf[e - 1] === SPACE || buf[e - 1] === TAB)) e--;
  let i = s;
  const neg = buf[i] === MINUS;
  if (neg || buf[i] === PLUS) i++;
  let mant = 0;
  let digits = 0;
  let d = 0;
  while (i < e && (d = buf[i] - 48) >= 0 && d <= 9) {
    mant = mant * 10 + d;
    digits++;
    i++;
  }
  let scale = 0;
  if (i < e && buf[i] === DOT) {
    i++;
    while (i < e && (d = buf[i] - 48) >= 0 && d <= 9) {
      mant = mant * 10 + d;
      digits++;
      scale++;
      i++;
    }
  }
  if (i !== e || digits === 0 || scale > 22 || mant >= TWO_53) return NaN;
  const v = scale === 0 ? mant : mant / POW10[scale];
  return neg ? -v : v;
}

const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const LOWER_E = 0x65;
const UPPER_E = 0x45;

/**
 * A decimal number in the usual spellings (exponents, Infinity), or null. Unlike `Number()`,
 * refuses '', hex and binary literals, which in a CSV are surely not meant as numbers.
 *
 * The grammar is `[+-]?(digits[.digits?] | .digits)([eE][+-]?digits)?` or `[+-]?Infinity`,
 * spaces and tabs around it allowed. It is read by one forward scan, never by a backtracking
 * regular expression: an 80,000-digit cell ending in 'x' costs one pass, not a quadratic search.
 */
export function parseNumberText(text: string): number | null {
  let s = 0;
  let e = text.length;
  while (s < e && isBlank(text.charCodeAt(s))) s++;
  while (e > s && isBlank(text.charCodeAt(e - 1))) e--;
  let i = s;
  const sign = text.charCodeAt(i);
  if (sign === PLUS || sign === MINUS) i++;
  if (e - i === 8 && text.startsWith('Infinity', i)) return sign === MINUS ? -Infinity : Infinity;
  const intStart = i;
  while (i < e && isDigit(text.charCodeAt(i))) i++;
  let digits = i - intStart;
  if (i < e && text.charCodeAt(i) === DOT) {
    const fracStart = ++i;
    while (i < e && isDigit(text.charCodeAt(i))) i++;
    digits += i - fracStart;
  }
  if (digits === 0) return null;
  if (i < e && (text.charCodeAt(i) === LOWER_E || text.charCodeAt(i) === UPPER_E)) {
    i++;
    const c = text.charCodeAt(i);
    if (c === PLUS || c === MINUS) i++;
    const expStart = i;
    while (i < e && isDigit(text.charCodeAt(i))) i++;
    if (i === expStart) return null;
  }
  if (i !== e) return null;
  return Number(s === 0 && e === text.length ? text : text.slice(s, e));
}

/** `text` without the spaces and tabs around it (a loop, not a regular expression: linear on any input). */
export function trimText(text: string): string {
  let s = 0;
  let e = text.length;
  while (s < e && isBlank(text.charCodeAt(s))) s++;
  while (e > s && isBlank(text.charCodeAt(e - 1))) e--;
  return s === 0 && e === text.length ? text : text.slice(s, e);
}

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB;
}

function isDigit(c: number): boolean {
  return c >= DIGIT_0 && c <= DIGIT_9;
}
