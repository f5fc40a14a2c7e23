import { fail } from '../core/errors.js';
import type { Matrix, MatrixLike } from '../core/matrix.js';
import { describe, strictOptions } from '../core/options.js';
import { checkModelJson, decodeArray, encodeArray, registerLoader, type ModelJson } from '../persist.js';
import { checkFitted, jsonEnum, labelArray, outputMatrix, readMatrix, showLabel, showList } from './common.js';
import { classIndex, compareLabels, uniqueSorted, type Label } from '../core/labels.js';

/**
 * Maps labels (numbers, booleans or strings) to 0..k-1 in sorted class order, like scikit-learn.
 * Classes are kept (and saved) as an array: any string is a label, '__proto__' and
 * 'constructor' included.
 */
export class LabelEncoder {
  /** The sorted distinct labels after `fit` (scikit-learn's classes_). */
  classes: Label[] | null = null;
  private index: Map<Label, number> | null = null;

  /** Takes no options; an options object must be empty (strict, like every other constructor). */
  constructor(options?: Record<string, never>) {
    strictOptions('LabelEncoder', options, []);
  }

  /** Learns the sorted distinct labels of y; returns this. */
  fit(y: ArrayLike<Label>): this {
    const labels = labelArray(y, 'LabelEncoder.fit');
    if (labels.length === 0) fail('EMPTY_INPUT', 'LabelEncoder.fit got no labels');
    for (let i = 0; i < labels.length; i++) checkOneLabel(labels[i], i);
    let classes: Label[];
    try {
      classes = uniqueSorted(labels);
    } catch (e) {
      if (e instanceof RangeError) fail('BAD_LABEL', `LabelEncoder.fit: more distinct labels than this runtime can index (${e.message})`);
      throw e;
    }
    return this.setClasses(classes);
  }

  /** Each label's index in `classes`; an unseen label throws BAD_LABEL. */
  transform(y: ArrayLike<Label>): Int32Array {
    const index = this.index;
    if (!index) fail('NOT_FITTED', 'LabelEncoder is not fitted: call fit(y) before transform(y)');
    const labels = labelArray(y, 'LabelEncoder.transform');
    const out = new Int32Array(labels.length);
    for (let i = 0; i < labels.length; i++) {
      const code = index.get(labels[i]);
      if (code === undefined) fail('BAD_LABEL', `y[${i}] = ${showLabel(labels[i])} is not a class seen in fit; classes are ${showList(this.classes!)}`);
      out[i] = code;
    }
    return out;
  }

  /** fit, then transform the same labels. */
  fitTransform(y: ArrayLike<Label>): Int32Array {
    return this.fit(y).transform(y);
  }

  /** Codes back to labels. */
  inverseTransform(codes: ArrayLike<number>): Label[] {
    const classes = this.classes;
    if (!classes) fail('NOT_FITTED', 'LabelEncoder is not fitted: call fit(y) before inverseTransform');
    const list = labelArray(codes, 'LabelEncoder.inverseTransform', 'codes') as ArrayLike<unknown>;
    return Array.from({ length: list.length }, (_, i) => {
      const c = list[i];
      if (typeof c !== 'number' || !Number.isInteger(c) || c < 0 || c >= classes.length) fail('BAD_LABEL', `code ${describe(c)} at index ${i} is not in 0..${classes.length - 1}`);
      return classes[c];
    });
  }

  /** A plain, versioned object of the classes; `LabelEncoder.fromJSON` or `loadFromJSON` rebuilds it. */
  toJSON(): ModelJson {
    if (!this.classes) fail('NOT_FITTED', 'LabelEncoder is not fitted: nothing to save');
    return { name: 'LabelEncoder', version: 1, classes: [...this.classes] };
  }

  /** Rebuilds a LabelEncoder saved by `toJSON`. */
  static fromJSON(obj: unknown): LabelEncoder {
    const o = checkModelJson(obj, 'LabelEncoder', 1);
    const classes = o.classes;
    if (!Array.isArray(classes) || classes.length === 0) fail('BAD_MODEL_JSON', 'LabelEncoder.classes must be a non-empty array');
    const kind = typeof classes[0];
    classes.forEach((c: unknown, i) => {
      const ok = typeof c === kind && (typeof c === 'string' || typeof c === 'boolean' || Number.isFinite(c));
      if (!ok) fail('BAD_MODEL_JSON', `LabelEncoder.classes[${i}] is ${showLabel(c)}; classes must be all numbers, all booleans or all strings`);
      if (i > 0 && compareLabels(classes[i - 1], c as Label) >= 0) fail('BAD_MODEL_JSON', 'LabelEncoder.classes must be distinct and sorted');
    });
    return new LabelEncoder().setClasses([...classes] as Label[]);
  }

  private setClasses(classes: Label[]): this {
    this.classes = classes;
    this.index = classIndex(classes);
    return this;
  }
}

/** OneHotEncoder's options. */
export interface OneHotEncoderOptions {
  /**
   * 'error' refuses a value not seen in fit; 'ignore' encodes it as all zeros.
   * @default 'error'
   */
  handleUnknown?: 'error' | 'ignore';
}

/** One 0/1 column per distinct value of each input column, values in ascending order. */
export class OneHotEncoder {
  /** What transform does with a value not seen in fit. */
  readonly handleUnknown: 'error' | 'ignore';
  /** The sorted distinct values of each input column, after `fit`. */
  categories: Float64Array[] | null = null;

  constructor(options?: OneHotEncoderOptions) {
    const { handleUnknown = 'error' } = strictOptions('OneHotEncoder', options, ['handleUnknown']) as OneHotEncoderOptions;
    if (handleUnknown !== 'error' && handleUnknown !== 'ignore') fail('BAD_OPTION', `OneHotEncoder: handleUnknown must be 'error' or 'ignore'; got ${describe(handleUnknown)}`);
    this.handleUnknown = handleUnknown;
  }

  /** Learns the distinct values of each column; returns this. */
  fit(X: MatrixLike): this {
    const m = readMatrix(X, 'OneHotEncoder');
    const cats: Float64Array[] = [];
    for (let j = 0; j < m.cols; j++) {
      const col = new Float64Array(m.rows);
      for (let i = 0; i < m.rows; i++) col[i] = m.data[i * m.cols + j];
      col.sort();
      let n = 0;
      for (let i = 0; i < col.length; i++) if (n === 0 || col[i] !== col[n - 1]) col[n++] = col[i];
      cats.push(col.slice(0, n));
    }
    this.categories = cats;
    return this;
  }

  /** One 0/1 column per learned value of each input column, in order. */
  transform(X: MatrixLike): Matrix {
    const cats = this.categories;
    const m = checkFitted(X, cats?.length, 'OneHotEncoder');
    const offsets = [0];
    for (const c of cats!) offsets.push(offsets[offsets.length - 1] + c.length);
    const width = offsets[cats!.length];
    const out = outputMatrix(m, m.rows, width, 'OneHotEncoder');
    for (let i = 0; i < m.rows; i++) {
      for (let j = 0; j < m.cols; j++) {
        const v = m.data[i * m.cols + j];
        const k = search(cats![j], v);
        if (k >= 0) out.data[i * width + offsets[j] + k] = 1;
        else if (this.handleUnknown === 'error') {
          fail('BAD_LABEL', `X[${i}][${j}] = ${v} is a category not seen in fit (column ${j} has ${showList(cats![j])}); use handleUnknown: 'ignore' to encode it as zeros`);
        }
      }
    }
    return out;
  }

  /** fit, then transform the same rows. */
  fitTransform(X: MatrixLike): Matrix {
    return this.fit(X).transform(X);
  }

  /** A plain, versioned object of the fitted state; `OneHotEncoder.fromJSON` or `loadFromJSON` rebuilds it. */
  toJSON(): ModelJson {
    if (!this.categories) fail('NOT_FITTED', 'OneHotEncoder is not fitted: nothing to save');
    return { name: 'OneHotEncoder', version: 1, handleUnknown: this.handleUnknown, categories: this.categories.map((c) => encodeArray(c)) };
  }

  /** Rebuilds a OneHotEncoder saved by `toJSON`. */
  static fromJSON(obj: unknown): OneHotEncoder {
    const o = checkModelJson(obj, 'OneHotEncoder', 1);
    const enc = new OneHotEncoder({ handleUnknown: jsonEnum(o, 'handleUnknown', ['error', 'ignore'] as const, 'OneHotEncoder') });
    const cats = o.categories;
    if (!Array.isArray(cats) || cats.length === 0) fail('BAD_MODEL_JSON', 'OneHotEncoder.categories must be a non-empty array');
    enc.categories = cats.map((c, j) => {
      const name = `OneHotEncoder.categories[${j}]`;
      const a = decodeArray(c, { name, dtype: 'float64', finite: true });
      if (a.length === 0 || a.some((v, k) => k > 0 && !(v > a[k - 1]))) fail('BAD_MODEL_JSON', `${name} must be non-empty, distinct and ascending`);
      return a;
    });
    return enc;
  }
}

/** Refuses one label the way uniqueSorted would, with a message that never throws. */
function checkOneLabel(v: unknown, i: number): void {
  if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && v === v)) return;
  fail('BAD_LABEL', `y[${i}] is ${describe(v)}; labels must be numbers (not NaN), booleans or strings`);
}

/** Index of v in the ascending array a, or -1. */
function search(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const x = a[mid];
    if (x < v) lo = mid + 1;
    else if (x > v) hi = mid - 1;
    else return mid;
  }
  return -1;
}

registerLoader('LabelEncoder', LabelEncoder.fromJSON);
registerLoader('OneHotEncoder', OneHotEncoder.fromJSON);
