import { fail } from '../core/errors.js';
import { checkMatrix, outputMatrix, type Matrix, type MatrixLike } from '../core/matrix.js';
import { checkModelJson, decodeArray, encodeArray, registerLoader, type ModelJson } from '../persist.js';
import { checkFitted, jsonEnum } from './common.js';

export interface StandardScalerOptions {
  withMean?: boolean;
  withStd?: boolean;
}

/**
 * (x - mean) / std per column, with the population std like scikit-learn. A constant column
 * gets scale 1, so it is centred but never divided by zero.
 */
export class StandardScaler {
  readonly withMean: boolean;
  readonly withStd: boolean;
  mean: Float64Array | null = null;
  var: Float64Array | null = null;
  /** sqrt(var), or 1 where the variance is 0. */
  scale: Float64Array | null = null;

  constructor({ withMean = true, withStd = true }: StandardScalerOptions = {}) {
    if (typeof withMean !== 'boolean' || typeof withStd !== 'boolean') fail('BAD_OPTION', 'withMean and withStd must be booleans');
    this.withMean = withMean;
    this.withStd = withStd;
  }

  fit(X: MatrixLike): this {
    const m = checkMatrix(X);
    const { rows, cols, data } = m;
    const mean = new Float64Array(cols);
    const variance = new Float64Array(cols);
    for (let j = 0; j < cols; j++) {
      let s = 0;
      let min = Infinity;
      let max = -Infinity;
      for (let i = 0; i < rows; i++) {
        const v = data[i * cols + j];
        s += v;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      if (min === max) {
        mean[j] = min; // exact, so a constant column becomes exactly 0
        continue;
      }
      const mu = s / rows;
      // Corrected two-pass: the second sum cancels the rounding error left in mu.
      let ss = 0;
      let sd = 0;
      for (let i = 0; i < rows; i++) {
        const d = data[i * cols + j] - mu;
        ss += d * d;
        sd += d;
      }
      mean[j] = mu;
      variance[j] = Math.max(0, (ss - (sd * sd) / rows) / rows);
    }
    this.setStats(mean, variance);
    return this;
  }

  transform(X: MatrixLike): Matrix {
    const m = checkFitted(X, this.mean?.length, 'StandardScaler');
    const out = outputMatrix(m, m.rows, m.cols);
    const mean = this.mean!;
    const scale = this.scale!;
    const { cols } = m;
    for (let k = 0; k < m.data.length; k++) {
      const j = k % cols;
      let v = m.data[k];
      if (this.withMean) v -= mean[j];
      if (this.withStd) v /= scale[j];
      out.data[k] = v;
    }
    return out;
  }

  fitTransform(X: MatrixLike): Matrix {
    return this.fit(X).transform(X);
  }

  toJSON(): ModelJson {
    if (!this.mean || !this.var) fail('NOT_FITTED', 'StandardScaler is not fitted: nothing to save');
    return { name: 'StandardScaler', version: 1, withMean: this.withMean, withStd: this.withStd, mean: encodeArray(this.mean), var: encodeArray(this.var) };
  }

  static fromJSON(obj: unknown): StandardScaler {
    const o = checkModelJson(obj, 'StandardScaler', 1);
    const s = new StandardScaler({
      withMean: jsonEnum(o, 'withMean', [true, false], 'StandardScaler'),
      withStd: jsonEnum(o, 'withStd', [true, false], 'StandardScaler'),
    });
    const mean = decodeArray(o.mean, { name: 'StandardScaler.mean', dtype: 'float64', finite: true });
    const variance = decodeArray(o.var, { name: 'StandardScaler.var', dtype: 'float64', finite: true, expectedLength: mean.length });
    const neg = variance.findIndex((v) => v < 0);
    if (neg >= 0) fail('BAD_MODEL_JSON', `StandardScaler.var[${neg}] is negative`);
    s.setStats(mean, variance);
    return s;
  }

  private setStats(mean: Float64Array, variance: Float64Array): void {
    this.mean = mean;
    this.var = variance;
    this.scale = variance.map((v) => (v > 0 ? Math.sqrt(v) : 1));
  }
}

export interface MinMaxScalerOptions {
  /** The [min, max] each column is mapped to. Default [0, 1]. */
  featureRange?: readonly [number, number];
}

/** Maps each column linearly so its training min and max land on `featureRange`. */
export class MinMaxScaler {
  readonly featureRange: readonly [number, number];
  dataMin: Float64Array | null = null;
  dataMax: Float64Array | null = null;
  /** x * scale + min is the transform, as in scikit-learn. */
  scale: Float64Array | null = null;
  min: Float64Array | null = null;

  constructor({ featureRange = [0, 1] }: MinMaxScalerOptions = {}) {
    const [lo, hi] = Array.isArray(featureRange) ? featureRange : [NaN, NaN];
    if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(lo < hi)) {
      fail('BAD_OPTION', `featureRange must be [min, max] with finite min < max, got ${JSON.stringify(featureRange)}`);
    }
    this.featureRange = [lo, hi];
  }

  fit(X: MatrixLike): this {
    const m = checkMatrix(X);
    const lo = new Float64Array(m.cols).fill(Infinity);
    const hi = new Float64Array(m.cols).fill(-Infinity);
    for (let k = 0; k < m.data.length; k++) {
      const j = k % m.cols;
      const v = m.data[k];
      if (v < lo[j]) lo[j] = v;
      if (v > hi[j]) hi[j] = v;
    }
    this.setStats(lo, hi);
    return this;
  }

  transform(X: MatrixLike): Matrix {
    const m = checkFitted(X, this.dataMin?.length, 'MinMaxScaler');
    const out = outputMatrix(m, m.rows, m.cols);
    const scale = this.scale!;
    const min = this.min!;
    for (let k = 0; k < m.data.length; k++) {
      const j = k % m.cols;
      out.data[k] = m.data[k] * scale[j] + min[j];
    }
    return out;
  }

  fitTransform(X: MatrixLike): Matrix {
    return this.fit(X).transform(X);
  }

  toJSON(): ModelJson {
    if (!this.dataMin || !this.dataMax) fail('NOT_FITTED', 'MinMaxScaler is not fitted: nothing to save');
    return { name: 'MinMaxScaler', version: 1, featureRange: [...this.featureRange], dataMin: encodeArray(this.dataMin), dataMax: encodeArray(this.dataMax) };
  }

  static fromJSON(obj: unknown): MinMaxScaler {
    const o = checkModelJson(obj, 'MinMaxScaler', 1);
    const r = o.featureRange;
    if (!Array.isArray(r) || r.length !== 2 || typeof r[0] !== 'number' || typeof r[1] !== 'number' || !(r[0] < r[1])) {
      fail('BAD_MODEL_JSON', `MinMaxScaler.featureRange must be [min, max] with min < max, got ${JSON.stringify(r)}`);
    }
    const s = new MinMaxScaler({ featureRange: [r[0], r[1]] });
    const lo = decodeArray(o.dataMin, { name: 'MinMaxScaler.dataMin', dtype: 'float64', finite: true });
    const hi = decodeArray(o.dataMax, { name: 'MinMaxScaler.dataMax', dtype: 'float64', finite: true, expectedLength: lo.length });
    const bad = lo.findIndex((v, j) => !(v <= hi[j]));
    if (bad >= 0) fail('BAD_MODEL_JSON', `MinMaxScaler.dataMin[${bad}] is above dataMax[${bad}]`);
    s.setStats(lo, hi);
    return s;
  }

  /** scikit-learn's formulas: a zero range counts as 1, so a constant column maps to min. */
  private setStats(lo: Float64Array, hi: Float64Array): void {
    const [a, b] = this.featureRange;
    this.dataMin = lo;
    this.dataMax = hi;
    this.scale = lo.map((v, j) => (b - a) / (hi[j] - v || 1));
    this.min = lo.map((v, j) => a - v * this.scale![j]);
  }
}

registerLoader('StandardScaler', StandardScaler.fromJSON);
registerLoader('MinMaxScaler', MinMaxScaler.fromJSON);
