// Option checks shared by the estimators: each names the option and the value at fault.
import { fail } from './errors.js';
import { describe } from './options.js';
import { checkMatrix, type Matrix, type MatrixLike } from './matrix.js';

export function positive(name: string, v: unknown): number {
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) fail('BAD_OPTION', `${name} must be a positive finite number; got ${describe(v)}`);
  return v;
}

export function nonNegative(name: string, v: unknown): number {
  if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v)) fail('BAD_OPTION', `${name} must be a finite number >= 0; got ${describe(v)}`);
  return v;
}

export function integerAtLeast(name: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) fail('BAD_OPTION', `${name} must be an integer >= ${min}; got ${describe(v)}`);
  return v;
}

/** A number in [lo, hi] (an open end excluded), else BAD_OPTION naming it and the range. */
export function inRange(name: string, v: unknown, lo: number, hi: number, open: { lo?: boolean; hi?: boolean } = {}): number {
  const ok = typeof v === 'number' && (open.lo ? v > lo : v >= lo) && (open.hi ? v < hi : v <= hi);
  if (!ok) fail('BAD_OPTION', `${name} must be in ${open.lo ? '(' : '['}${lo}, ${hi}${open.hi ? ')' : ']'}; got ${describe(v)}`);
  return v as number;
}

export function oneOf<T extends string>(name: string, v: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(v as T)) fail('BAD_OPTION', `${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}; got ${describe(v)}`);
  return v as T;
}

export function bool(name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') fail('BAD_OPTION', `${name} must be true or false; got ${describe(v)}`);
  return v;
}

/** Sample weights: one finite, non-negative number per row, not all zero. */
export function sampleWeights(sw: ArrayLike<number>, rows: number): Float64Array {
  if (sw.length !== rows) fail('SHAPE_MISMATCH', `sampleWeight has ${sw.length} values but X has ${rows} rows`);
  const out = new Float64Array(rows);
  let total = 0;
  for (let i = 0; i < rows; i++) {
    const v = sw[i];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail('NON_FINITE_INPUT', `sampleWeight[${i}] is ${describe(v)}; weights must be finite and >= 0`);
    out[i] = v;
    total += v;
  }
  if (!(total > 0)) fail('BAD_OPTION', 'sampleWeight sums to 0: nothing to fit');
  return out;
}

/** X for a fitted model: a matrix with the width it was fitted on (finiteness is checked on upload). */
export function fittedInputs(X: MatrixLike, nFeatures: number, name = 'X'): Matrix {
  const Xm = checkMatrix(X, { name, checkFinite: false });
  if (Xm.cols !== nFeatures) fail('SHAPE_MISMATCH', `${name} has ${Xm.cols} features but the model was fitted with ${nFeatures}`);
  return Xm;
}

/**
 * 'balanced', a map from label to weight (labels as the map's keys), or [label, weight] pairs
 * (any label, and how saved models store it: labels are data, never object keys); null for none.
 */
export type ClassWeight = 'balanced' | Record<string, number> | [string | number | boolean, number][] | null;

/** Checks a classWeight option's form and weights; which labels it names is checked at fit. */
export function checkClassWeight(classWeight: unknown): void {
  if (classWeight === null || classWeight === 'balanced') return;
  const bad = () => fail('BAD_OPTION', `classWeight must be 'balanced', a map from label to weight, [label, weight] pairs, or null; got ${describe(classWeight)}`);
  if (typeof classWeight !== 'object') bad();
  const proto = Object.getPrototypeOf(classWeight);
  if (!Array.isArray(classWeight) && proto !== Object.prototype && proto !== null) bad();
  const entries: unknown[][] = Array.isArray(classWeight) ? classWeight : Object.entries(classWeight as object);
  for (const e of entries) {
    if (!Array.isArray(e) || e.length !== 2 || !['string', 'number', 'boolean'].includes(typeof e[0])) bad();
    const v = e[1];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail('BAD_OPTION', `classWeight of ${describe(e[0])} must be a finite number >= 0; got ${describe(v)}`);
  }
}

/** classWeight as [label, weight] pairs, the form saved models store. */
export function classWeightPairs(classWeight: ClassWeight): ClassWeight {
  return classWeight === null || classWeight === 'balanced' || Array.isArray(classWeight) ? classWeight : Object.entries(classWeight);
}

/** Sample weights times class weights (scikit-learn's 'balanced': n / (classes * count)), or null when every row weighs 1. */
export function classWeightedSamples(codes: Uint32Array, classes: readonly unknown[], classWeight: ClassWeight, sampleWeight?: ArrayLike<number>): Float64Array | null {
  const n = codes.length;
  const sw = sampleWeight === undefined ? null : sampleWeights(sampleWeight, n);
  if (classWeight === null || classWeight === undefined) return sw;
  const perClass = new Float64Array(classes.length);
  if (classWeight === 'balanced') {
    const counts = new Float64Array(classes.length);
    for (let i = 0; i < n; i++) counts[codes[i]]++;
    for (let k = 0; k < classes.length; k++) perClass[k] = n / (classes.length * counts[k]);
  } else {
    checkClassWeight(classWeight);
    // Pairs name labels exactly; a map's keys are strings, matched against String(label).
    const pairs = Array.isArray(classWeight) ? classWeight : null;
    classes.forEach((c, k) => {
      const pair = pairs ? pairs.find(([label]) => label === c) : null;
      const own = !pairs && Object.prototype.hasOwnProperty.call(classWeight, String(c));
      perClass[k] = pair ? pair[1] : own ? (classWeight as Record<string, number>)[String(c)] : 1;
    });
  }
  const out = sw ?? new Float64Array(n).fill(1);
  for (let i = 0; i < n; i++) out[i] *= perClass[codes[i]];
  return out;
}

/** Whether v can be called as a function: a function, but not a class (calling a class throws). */
export function isCallable(v: unknown): v is (...args: never[]) => unknown {
  return typeof v === 'function' && !/^class\b/.test(Function.prototype.toString.call(v));
}
