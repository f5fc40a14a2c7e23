import { fail } from '../core/errors.js';
import type { Matrix, MatrixLike } from '../core/matrix.js';
import { describe, strictOptions } from '../core/options.js';
import { checkModelJson, decodeArray, encodeArray, registerLoader, type ModelJson } from '../persist.js';
import { checkFitted, jsonEnum, outOfRange, outputMatrix, readMatrix } from './common.js';

/** StandardScaler's options. */
export interface StandardScalerOptions {
  /**
   * Subtract each column's mean.
   * @default true
   */
  withMean?: boolean;
  /**
   * Divide by each column's standard deviation.
   * @default true
   */
  withStd?: boolean;
}

/** The smallest positive normal float32: a spread below it is rounding noise at float32 precision. */
const FLOAT32_MIN_NORMAL = 2 ** -126;
/** scikit-learn's `_handle_zeros_in_scale`: a range below 10 epsilon counts as zero. */
const NEAR_ZERO_RANGE = 10 * Number.EPSILON;

/**
 * (x - mean) / std per column, with the population std like scikit-learn. A constant column
 * gets scale 1, so it is centred but never divided by zero. A column of float32 data whose std
 * is below the smallest normal float32 counts as constant too: at float32 precision its
 * variance is 0, and dividing by it would send every other value past float32's range.
 *
 * A column whose values span more than a double holds, or whose variance overflows (a spread
 * beyond about 1e154), is refused at fit, naming it. Outputs are finite: a value given to
 * `transform` that would map beyond the output's range is refused, naming its row and column.
 */
export class StandardScaler {
  /** Whether transform centers. */
  readonly withMean: boolean;
  /** Whether transform scales. */
  readonly withStd: boolean;
  /** Each column's mean after `fit` (scikit-learn's mean_); NaNs are skipped. */
  mean: Float64Array | null = null;
  /** Each column's population variance after `fit` (scikit-learn's var_). */
  var: Float64Array | null = null;
  /** sqrt(var), or 1 where the variance is 0. */
  scale: Float64Array | null = null;

  constructor(options?: StandardScalerOptions) {
    const { withMean = true, withStd = true } = strictOptions('StandardScaler', options, ['withMean', 'withStd']) as StandardScalerOptions;
    if (typeof withMean !== 'boolean') fail('BAD_OPTION', `StandardScaler: withMean must be true or false; got ${describe(withMean)}`);
    if (typeof withStd !== 'boolean') fail('BAD_OPTION', `StandardScaler: withStd must be true or false; got ${describe(withStd)}`);
    this.withMean = withMean;
    this.withStd = withStd;
  }

  /** Learns each column's mean and variance (NaNs skipped); returns this. */
  fit(X: MatrixLike): this {
    const m = readMatrix(X, 'StandardScaler');
    const { rows, cols, data } = m;
    const float32 = data instanceof Float32Array;
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
      if (!Number.isFinite(max - min)) spanOverflows('StandardScaler', j, min, max);
      let mu = s / rows;
      if (!Number.isFinite(mu)) {
        mu = 0; // the sum overflowed: add the values already divided by the count
        for (let i = 0; i < rows; i++) mu += data[i * cols + j] / rows;
      }
      mu = Math.min(max, Math.max(min, mu)); // rounding never puts the mean outside the data
      // Corrected two-pass: the second sum cancels the rounding error left in mu.
      let ss = 0;
      let sd = 0;
      for (let i = 0; i < rows; i++) {
        const d = data[i * cols + j] - mu;
        ss += d * d;
        sd += d;
      }
      let v = Math.max(0, (ss - (sd * sd) / rows) / rows);
      if (!Number.isFinite(v)) {
        fail('NON_FINITE_INPUT', `StandardScaler: the variance of column ${j} overflows a double (its values span ${min} to ${max}); scale this column down first`);
      }
      if (float32 && Math.sqrt(v) < FLOAT32_MIN_NORMAL) v = 0;
      mean[j] = mu;
      variance[j] = v;
    }
    this.setStats(mean, variance);
    return this;
  }

  /** (x - mean) / scale per column, as a new Matrix; NaNs stay NaN. */
  transform(X: MatrixLike): Matrix {
    const m = checkFitted(X, this.mean?.length, 'StandardScaler');
    const out = outputMatrix(m, m.rows, m.cols, 'StandardScaler');
    const mean = this.mean!;
    const scale = this.scale!;
    const { cols } = m;
    const src = m.data;
    const dst = out.data;
    for (let k = 0; k < src.length; k++) {
      const j = k % cols;
      let v = src[k];
      if (this.withMean) v -= mean[j];
      if (this.withStd) v /= scale[j];
      dst[k] = v;
      if (dst[k] - dst[k] !== 0) outOfRange('StandardScaler', m, k, `column ${j} has mean ${mean[j]} and scale ${scale[j]}`);
    }
    return out;
  }

  /** fit, then transform the same rows. */
  fitTransform(X: MatrixLike): Matrix {
    return this.fit(X).transform(X);
  }

  /** A plain, versioned object of the fitted state; `StandardScaler.fromJSON` or `loadFromJSON` rebuilds it. */
  toJSON(): ModelJson {
    if (!this.mean || !this.var) fail('NOT_FITTED', 'StandardScaler is not fitted: nothing to save');
    return { name: 'StandardScaler', version: 1, withMean: this.withMean, withStd: this.withStd, mean: encodeArray(this.mean), var: encodeArray(this.var) };
  }

  /** Rebuilds a StandardScaler saved by `toJSON`. */
  static fromJSON(obj: unknown): StandardScaler {
    const o = checkModelJson(obj, 'StandardScaler', 1);
    const s = new StandardScaler({
      withMean: jsonEnum(o, 'withMean', [true, false], 'StandardScaler'),
      withStd: jsonEnum(o, 'withStd', [true, false], 'StandardScaler'),
    });
    const mean = decodeArray(o.mean, { name: 'StandardScaler.mean', dtype: 'float64', finite: true });
    if (mean.length === 0) fail('BAD_MODEL_JSON', 'StandardScaler.mean must hold at least one column');
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

/** MinMaxScaler's options. */
export interface MinMaxScalerOptions {
  /**
   * The [min, max] each column is mapped to. Default [0, 1].
   * @default [0, 1]
   */
  featureRange?: readonly [number, number];
}

/**
 * Maps each column linearly so its training min and max land on `featureRange`. A column whose
 * range is below 10 epsilon counts as constant, as in scikit-learn, and maps onto the low end;
 * one whose range overflows a double is refused at fit, naming it. Outputs are finite: a value
 * given to `transform` that would map beyond the output's range is refused, naming its cell.
 */
export class MinMaxScaler {
  /** The [min, max] each column is mapped to. */
  readonly featureRange: readonly [number, number];
  /** Each column's minimum after `fit` (scikit-learn's data_min_); NaNs are skipped. */
  dataMin: Float64Array | null = null;
  /** Each column's maximum after `fit` (scikit-learn's data_max_). */
  dataMax: Float64Array | null = null;
  /** x * scale + min is the transform, as in scikit-learn. */
  scale: Float64Array | null = null;
  /** The offset of the transform (scikit-learn's min_). */
  min: Float64Array | null = null;

  constructor(options?: MinMaxScalerOptions) {
    const { featureRange = [0, 1] } = strictOptions('MinMaxScaler', options, ['featureRange']) as MinMaxScalerOptions;
    const [lo, hi] = Array.isArray(featureRange) && featureRange.length === 2 ? featureRange : [NaN, NaN];
    if (typeof lo !== 'number' || typeof hi !== 'number' || !Number.isFinite(hi - lo) || !(lo < hi)) {
      fail('BAD_OPTION', `MinMaxScaler: featureRange must be [min, max] with finite min < max and a finite max - min; got ${describe(featureRange)}`);
    }
    this.featureRange = [lo, hi];
  }

  /** Learns each column's minimum and maximum (NaNs skipped); returns this. */
  fit(X: MatrixLike): this {
    const m = readMatrix(X, 'MinMaxScaler');
    const lo = new Float64Array(m.cols).fill(Infinity);
    const hi = new Float64Array(m.cols).fill(-Infinity);
    for (let k = 0; k < m.data.length; k++) {
      const j = k % m.cols;
      const v = m.data[k];
      if (v < lo[j]) lo[j] = v;
      if (v > hi[j]) hi[j] = v;
    }
    const bad = this.setStats(lo, hi);
    if (bad >= 0) spanOverflows('MinMaxScaler', bad, lo[bad], hi[bad]);
    return this;
  }

  /** x * scale + min per column, as a new Matrix; NaNs stay NaN. */
  transform(X: MatrixLike): Matrix {
    const m = checkFitted(X, this.dataMin?.length, 'MinMaxScaler');
    const out = outputMatrix(m, m.rows, m.cols, 'MinMaxScaler');
    const scale = this.scale!;
    const min = this.min!;
    const src = m.data;
    const dst = out.data;
    for (let k = 0; k < src.length; k++) {
      const j = k % m.cols;
      dst[k] = src[k] * scale[j] + min[j];
      if (dst[k] - dst[k] !== 0) outOfRange('MinMaxScaler', m, k, `column ${j} is scaled by ${scale[j]}`);
    }
    return out;
  }

  /** fit, then transform the same rows. */
  fitTransform(X: MatrixLike): Matrix {
    return this.fit(X).transform(X);
  }

  /** A plain, versioned object of the fitted state; `MinMaxScaler.fromJSON` or `loadFromJSON` rebuilds it. */
  toJSON(): ModelJson {
    if (!this.dataMin || !this.dataMax) fail('NOT_FITTED', 'MinMaxScaler is not fitted: nothing to save');
    return { name: 'MinMaxScaler', version: 1, featureRange: [...this.featureRange], dataMin: encodeArray(this.dataMin), dataMax: encodeArray(this.dataMax) };
  }

  /** Rebuilds a MinMaxScaler saved by `toJSON`. */
  static fromJSON(obj: unknown): MinMaxScaler {
    const o = checkModelJson(obj, 'MinMaxScaler', 1);
    const r = o.featureRange;
    if (!Array.isArray(r) || r.length !== 2 || typeof r[0] !== 'number' || typeof r[1] !== 'number' || !(r[0] < r[1]) || !Number.isFinite(r[1] - r[0])) {
      fail('BAD_MODEL_JSON', `MinMaxScaler.featureRange must be [min, max] with finite min < max, got ${describe(r)}`);
    }
    const s = new MinMaxScaler({ featureRange: [r[0], r[1]] });
    const lo = decodeArray(o.dataMin, { name: 'MinMaxScaler.dataMin', dtype: 'float64', finite: true });
    if (lo.length === 0) fail('BAD_MODEL_JSON', 'MinMaxScaler.dataMin must hold at least one column');
    const hi = decodeArray(o.dataMax, { name: 'MinMaxScaler.dataMax', dtype: 'float64', finite: true, expectedLength: lo.length });
    const bad = lo.findIndex((v, j) => !(v <= hi[j]));
    if (bad >= 0) fail('BAD_MODEL_JSON', `MinMaxScaler.dataMin[${bad}] is above dataMax[${bad}]`);
    const overflow = s.setStats(lo, hi);
    if (overflow >= 0) fail('BAD_MODEL_JSON', `MinMaxScaler: column ${overflow} spans ${lo[overflow]} to ${hi[overflow]}, a range that overflows a double`);
    return s;
  }

  /**
   * scikit-learn's formulas: a range below 10 epsilon counts as 1, so a constant column maps to
   * min. Returns the first column whose scale or offset overflows (then nothing is set), or -1.
   */
  private setStats(lo: Float64Array, hi: Float64Array): number {
    const [a, b] = this.featureRange;
    const scale = new Float64Array(lo.length);
    const min = new Float64Array(lo.length);
    for (let j = 0; j < lo.length; j++) {
      const range = hi[j] - lo[j];
      scale[j] = (b - a) / (range < NEAR_ZERO_RANGE ? 1 : range);
      min[j] = a - lo[j] * scale[j];
      if (!Number.isFinite(range) || !Number.isFinite(scale[j]) || !Number.isFinite(min[j])) return j;
    }
    this.dataMin = lo;
    this.dataMax = hi;
    this.scale = scale;
    this.min = min;
    return -1;
  }
}

function spanOverflows(owner: string, j: number, min: number, max: number): never {
  return fail('NON_FINITE_INPUT', `${owner}: column ${j} spans ${min} to ${max}, a range that overflows a double; scale this column down first`);
}

registerLoader('StandardScaler', StandardScaler.fromJSON);
registerLoader('MinMaxScaler', MinMaxScaler.fromJSON);
