// Comparing two runs' numbers: bit for bit (threads, fitAsync) or to rounding. Plain TypeScript,
// imported by the Node tests and the Deno suite alike.

/** The first index where a and b differ as Object.is sees it (-0 is not 0), or -1. */
export function firstDifference(a: ArrayLike<unknown>, b: ArrayLike<unknown>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

/** Whether a and b hold the same values, bit for bit. */
export const same = (a: ArrayLike<unknown>, b: ArrayLike<unknown>): boolean => firstDifference(a, b) === -1;

/** The largest difference between a and b, relative to b's largest magnitude (at least 1). */
export function relativeGap(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let gap = 0, scale = 1;
  for (let i = 0; i < b.length; i++) {
    gap = Math.max(gap, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return a.length === b.length ? gap / scale : Infinity;
}
