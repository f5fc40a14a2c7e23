import { fail } from './errors.js';
import { describe } from './options.js';

/** A class label: what a CSV target column, `y` or `predict` holds. */
export type Label = number | boolean | string;

/**
 * The distinct labels of `y`, sorted like scikit-learn's `np.unique`: numbers ascending,
 * strings by code unit, false before true. Mixing kinds (1 and '1') or NaN is refused,
 * because no order would match what a Python user expects.
 */
export function uniqueSorted(y: ArrayLike<Label>, name = 'y'): Label[] {
  const seen = new Set<Label>();
  for (let i = 0; i < y.length; i++) seen.add(checkLabel(y[i], i, name));
  return sortLabels([...seen], name);
}

/** Sorts distinct labels of one kind in place and returns them. */
export function sortLabels(labels: Label[], name = 'labels'): Label[] {
  const kind = typeof labels[0];
  for (const l of labels) {
    if (typeof l !== kind) {
      fail('BAD_LABEL', `${name} mixes ${kind} and ${typeof l} labels (${show(labels[0])} and ${show(l)}); use one kind`);
    }
  }
  return labels.sort(compareLabels);
}

/** Order of two labels of one kind: strings by code unit, numbers ascending, false < true. */
export function compareLabels(a: Label, b: Label): number {
  if (typeof a === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return Number(a) - Number(b);
}

/** Maps each class to its index in `classes`. */
export function classIndex(classes: readonly Label[]): Map<Label, number> {
  const m = new Map<Label, number>();
  classes.forEach((c, i) => m.set(c, i));
  return m;
}

export function checkLabel(v: unknown, i: number, name: string): Label {
  if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && v === v)) return v;
  return fail('BAD_LABEL', `${name}[${i}] is ${show(v)}; labels must be numbers (not NaN), booleans or strings`);
}

/** A label as it reads in a message: strings quoted, so 1 and '1' differ. */
export function show(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : typeof v === 'object' && v !== null ? describe(v) : String(v);
}

/**
 * The distinct labels of y, sorted like scikit-learn's `classes_` (one kind of label only), and
 * each row's index into them, in one pass over y.
 */
export function encodeClasses(y: ArrayLike<Label>, name = 'y'): { classes: Label[]; codes: Uint32Array } {
  const n: unknown = y?.length;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 2 ** 32 - 1) fail('SHAPE_MISMATCH', `${name} must be an array of labels; its length is ${describe(n)}`);
  if (y.length === 0) fail('EMPTY_INPUT', `${name} has no labels`);
  if (ArrayBuffer.isView(y) && y.length > 0) {
    const fast = encodeTwoNumbers(y as unknown as ArrayLike<number>);
    if (fast) return fast;
  }
  const kind = typeof y[0];
  // A linear scan of the few labels seen so far beats a Map lookup per row; the Map takes over
  // when there are many classes.
  const seen: Label[] = [];
  const firstSeen = new Map<Label, number>();
  const codes = new Uint32Array(y.length);
  let last: Label = y[0], lastCode = -1;
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    // Runs of one label are common (sorted or grouped data): check the previous row's first.
    let k = v === last ? lastCode : -1;
    if (k < 0 && seen.length <= 16) {
      for (let j = 0; j < seen.length; j++) {
        if (seen[j] === v) {
          k = j;
          break;
        }
      }
    } else if (k < 0) k = firstSeen.get(v) ?? -1;
    if (k < 0) {
      if (typeof v !== kind || (kind !== 'number' && kind !== 'string' && kind !== 'boolean')) {
        fail('BAD_LABEL', `${name}[${i}] is ${describe(v)} (${typeof v}) but ${name}[0] is a ${kind}: labels must all be numbers, all strings or all booleans`);
      }
      if (kind === 'number' && !Number.isFinite(v)) fail('BAD_LABEL', `${name}[${i}] is ${v}, not a finite label`);
      k = seen.length;
      seen.push(v);
      firstSeen.set(v, k);
    }
    codes[i] = k;
    last = v;
    lastCode = k;
  }
  const classes = [...firstSeen.keys()].sort(compareLabels);
  const rank = new Uint32Array(classes.length);
  classes.forEach((c, r) => (rank[firstSeen.get(c)!] = r));
  for (let i = 0; i < codes.length; i++) codes[i] = rank[codes[i]];
  return { classes, codes };
}

/**
 * encodeClasses for a typed array of two distinct finite values (binary labels), without a
 * branch per row: random labels would mispredict one in two, several times the cost of this
 * loop. Null for anything else (the general path then handles it, or names a NaN).
 */
function encodeTwoNumbers(y: ArrayLike<number>): { classes: Label[]; codes: Uint32Array } | null {
  const a = y[0];
  let b = a;
  for (let i = 1; i < y.length; i++) {
    if (y[i] !== a) {
      b = y[i];
      break;
    }
  }
  if (a === b || !Number.isFinite(a) || !Number.isFinite(b)) return null;
  const [lo, hi] = a < b ? [a, b] : [b, a];
  const codes = new Uint32Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (+(v !== lo) & +(v !== hi)) return null;
    codes[i] = +(v === hi);
  }
  // + 0: a -0 label reads 0, as the general path's Map keys do.
  return { classes: [lo + 0, hi + 0], codes };
}
