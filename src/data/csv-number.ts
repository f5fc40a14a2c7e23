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

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$|^[+-]?Infinity$/;

/**
 * A decimal number in the usual spellings (exponents, Infinity), or null. Unlike `Number()`,
 * refuses '', hex and binary literals, which in a CSV are surely not meant as numbers.
 */
export function parseNumberText(text: string): number | null {
  const t = text.replace(/^[ \t]+|[ \t]+$/g, '');
  return NUMBER_RE.test(t) ? Number(t) : null;
}
