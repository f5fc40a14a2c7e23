import { fail } from '../errors.js';

export type Label = number | boolean | string;

function compare(a: Label, b: Label): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The distinct labels of y, sorted like scikit-learn's `classes_` (one kind of label only), and
 * each row's index into them, in one pass over y.
 */
export function encodeClasses(y: ArrayLike<Label>, name = 'y'): { classes: Label[]; codes: Uint32Array } {
  if (y.length === 0) fail('EMPTY_INPUT', `${name} has no labels`);
  const kind = typeof y[0];
  // A linear scan of the few labels seen so far beats a Map lookup per row; the Map takes over
  // when there are many classes.
  const seen: Label[] = [];
  const firstSeen = new Map<Label, number>();
  const codes = new Uint32Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    let k = seen.length <= 16 ? seen.indexOf(v) : (firstSeen.get(v) ?? -1);
    if (k < 0) {
      if (typeof v !== kind || (kind !== 'number' && kind !== 'string' && kind !== 'boolean')) {
        fail('BAD_LABEL', `${name}[${i}] is ${JSON.stringify(v)} (${typeof v}) but ${name}[0] is a ${kind}: labels must all be numbers, all strings or all booleans`);
      }
      if (kind === 'number' && !Number.isFinite(v)) fail('BAD_LABEL', `${name}[${i}] is ${v}, not a finite label`);
      k = seen.length;
      seen.push(v);
      firstSeen.set(v, k);
    }
    codes[i] = k;
  }
  const classes = [...firstSeen.keys()].sort(compare);
  const rank = new Uint32Array(classes.length);
  classes.forEach((c, r) => (rank[firstSeen.get(c)!] = r));
  for (let i = 0; i < codes.length; i++) codes[i] = rank[codes[i]];
  return { classes, codes };
}
