import { fail } from '../core/errors.js';
import type { Matrix, MatrixLike } from '../core/matrix.js';
import { describe, strictOptions } from '../core/options.js';
import { checkModelJson, decodeArray, encodeArray, registerLoader, type ModelJson } from '../persist.js';
import { checkFitted, jsonEnum, jsonNumber, outOfRange, outputMatrix, readMatrix } from './common.js';

/** What SimpleImputer fills a column's NaNs with (scikit-learn's names). */
export type ImputeStrategy = 'mean' | 'median' | 'most_frequent' | 'constant';

/** SimpleImputer's options. */
export interface SimpleImputerOptions {
  /**
   * The column's 'mean', 'median', 'most_frequent' value (the smallest on a tie), or 'constant' (fillValue).
   * @default 'mean'
   */
  strategy?: ImputeStrategy;
  /**
   * The value written by strategy 'constant'. Default 0.
   * @default 0
   */
  fillValue?: number;
}

const STRATEGIES: readonly ImputeStrategy[] = ['mean', 'median', 'most_frequent', 'constant'];

/** Replaces NaN in each column by the column's mean, median, most frequent value or a constant. */
export class SimpleImputer {
  /** The strategy in use. */
  readonly strategy: ImputeStrategy;
  /** The value of strategy 'constant'. */
  readonly fillValue: number;
  /** The value written into each column, after `fit`. */
  statistics: Float64Array | null = null;

  constructor(options?: SimpleImputerOptions) {
    const { strategy = 'mean', fillValue = 0 } = strictOptions('SimpleImputer', options, ['strategy', 'fillValue']) as SimpleImputerOptions;
    if (!STRATEGIES.includes(strategy)) fail('BAD_OPTION', `SimpleImputer: strategy must be one of ${STRATEGIES.map((s) => `'${s}'`).join(', ')}; got ${describe(strategy)}`);
    if (typeof fillValue !== 'number' || !Number.isFinite(fillValue)) fail('BAD_OPTION', `SimpleImputer: fillValue must be a finite number; got ${describe(fillValue)}`);
    this.strategy = strategy;
    this.fillValue = fillValue;
  }

  /** Learns each column's fill value from its non-NaN entries; returns this. */
  fit(X: MatrixLike): this {
    const m = readMatrix(X, 'SimpleImputer', { allowNaN: true });
    const stats = new Float64Array(m.cols);
    for (let j = 0; j < m.cols; j++) stats[j] = this.strategy === 'constant' ? this.fillValue : this.statistic(columnValues(m, j), j);
    this.statistics = stats;
    return this;
  }

  /** A copy of X with each NaN replaced by its column's fill value. */
  transform(X: MatrixLike): Matrix {
    const stats = this.statistics;
    const m = checkFitted(X, stats?.length, 'SimpleImputer', true);
    const out = outputMatrix(m, m.rows, m.cols, 'SimpleImputer');
    const src = m.data;
    const dst = out.data;
    for (let k = 0; k < src.length; k++) {
      const v = src[k];
      if (v === v) dst[k] = v;
      else {
        dst[k] = stats![k % m.cols];
        if (dst[k] - dst[k] !== 0) outOfRange('SimpleImputer', m, k, `the fill value ${stats![k % m.cols]} of column ${k % m.cols}`);
      }
    }
    return out;
  }

  /** fit, then transform the same rows. */
  fitTransform(X: MatrixLike): Matrix {
    return this.fit(X).transform(X);
  }

  /** A plain, versioned object of the fitted state; `SimpleImputer.fromJSON` or `loadFromJSON` rebuilds it. */
  toJSON(): ModelJson {
    if (!this.statistics) fail('NOT_FITTED', 'SimpleImputer is not fitted: nothing to save');
    return { name: 'SimpleImputer', version: 1, strategy: this.strategy, fillValue: this.fillValue, statistics: encodeArray(this.statistics) };
  }

  /** Rebuilds a SimpleImputer saved by `toJSON`. */
  static fromJSON(obj: unknown): SimpleImputer {
    const o = checkModelJson(obj, 'SimpleImputer', 1);
    const imp = new SimpleImputer({
      strategy: jsonEnum(o, 'strategy', STRATEGIES, 'SimpleImputer'),
      fillValue: jsonNumber(o, 'fillValue', 'SimpleImputer'),
    });
    imp.statistics = decodeArray(o.statistics, { name: 'SimpleImputer.statistics', dtype: 'float64', finite: true });
    if (imp.statistics.length === 0) fail('BAD_MODEL_JSON', 'SimpleImputer.statistics must hold at least one column');
    return imp;
  }

  /** The non-NaN values of column j, sorted: median and mode both read them in order. */
  private statistic(values: Float64Array, j: number): number {
    const n = values.length;
    if (n === 0) fail('NON_FINITE_INPUT', `column ${j} is all NaN: strategy '${this.strategy}' has no value to compute (use strategy 'constant')`);
    if (this.strategy === 'mean') {
      let s = 0;
      for (let i = 0; i < n; i++) s += values[i];
      if (Number.isFinite(s)) return Math.min(values[n - 1], Math.max(values[0], s / n));
      s = 0; // the sum overflowed: add the values already divided by the count
      for (let i = 0; i < n; i++) s += values[i] / n;
      return Math.min(values[n - 1], Math.max(values[0], s));
    }
    if (this.strategy === 'median') {
      if (n % 2) return values[n >> 1];
      const [a, b] = [values[n / 2 - 1], values[n / 2]];
      return Number.isFinite(a + b) ? (a + b) / 2 : a / 2 + b / 2;
    }
    return mostFrequent(values);
  }
}

function columnValues(m: Matrix, j: number): Float64Array {
  const out = new Float64Array(m.rows);
  let n = 0;
  for (let i = 0; i < m.rows; i++) {
    const v = m.data[i * m.cols + j];
    if (v === v) out[n++] = v;
  }
  return out.subarray(0, n).sort();
}

/** The most frequent value of a sorted array; the smallest one on a tie, like scikit-learn. */
function mostFrequent(sorted: Float64Array): number {
  let best = sorted[0];
  let bestCount = 0;
  for (let i = 0; i < sorted.length; ) {
    let k = i;
    while (k < sorted.length && sorted[k] === sorted[i]) k++;
    if (k - i > bestCount) {
      best = sorted[i];
      bestCount = k - i;
    }
    i = k;
  }
  return best;
}

registerLoader('SimpleImputer', SimpleImputer.fromJSON);
