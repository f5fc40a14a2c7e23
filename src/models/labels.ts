import { fail } from '../errors.js';

export type Label = number | boolean | string;

function compare(a: Label, b: Label): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The distinct labels of y, sorted like scikit-learn's `classes_`; one kind of label only. */
export function classesOf(y: ArrayLike<Label>, name = 'y'): Label[] {
  if (y.length === 0) fail('EMPTY_INPUT', `${name} has no labels`);
  const kind = typeof y[0];
  const seen = new Set<Label>();
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (typeof v !== kind || (kind !== 'number' && kind !== 'string' && kind !== 'boolean')) {
      fail('BAD_LABEL', `${name}[${i}] is ${JSON.stringify(v)} (${typeof v}) but ${name}[0] is a ${kind}: labels must all be numbers, all strings or all booleans`);
    }
    if (kind === 'number' && !Number.isFinite(v)) fail('BAD_LABEL', `${name}[${i}] is ${v}, not a finite label`);
    seen.add(v);
  }
  return [...seen].sort(compare);
}

/** Index of each label of y in `classes`; a label outside them is refused, naming its row. */
export function encodeLabels(y: ArrayLike<Label>, classes: readonly Label[], name = 'y'): Uint32Array {
  const index = new Map<Label, number>(classes.map((c, i) => [c, i]));
  const codes = new Uint32Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const k = index.get(y[i]);
    if (k === undefined) fail('BAD_LABEL', `${name}[${i}] is ${JSON.stringify(y[i])}, which is not one of the classes ${JSON.stringify(classes)}`);
    codes[i] = k;
  }
  return codes;
}
