import { checkMatrix, type Matrix, type MatrixLike } from '../../src/core/matrix.js';
import { checkModelJson, decodeArray, encodeArray, type ModelJson } from '../../src/persist.js';
import { accuracy } from '../../src/metrics.js';
import type { Estimator, EstimatorFitOptions, Label, Targets } from '../../src/data/index.js';
import { uniqueSorted } from '../../src/core/labels.js';

/** A tiny real model for pipeline and cross-validation tests: predicts the class of the nearest class mean. */
export class NearestCentroid implements Estimator {
  classes: Label[] = [];
  centroids: Float64Array = new Float64Array(0);
  nFeatures = 0;
  /** What the last fit received, so tests can see what a pipeline passed on. */
  lastFit: { X: Matrix; opts?: EstimatorFitOptions } | null = null;
  disposed = false;

  fit(X: MatrixLike, y: Targets, opts?: EstimatorFitOptions): this {
    const m = checkMatrix(X);
    const labels = y as ArrayLike<Label>;
    this.classes = uniqueSorted(labels);
    this.nFeatures = m.cols;
    this.centroids = new Float64Array(this.classes.length * m.cols);
    const counts = new Float64Array(this.classes.length);
    for (let i = 0; i < m.rows; i++) {
      const c = this.classes.indexOf(labels[i]!);
      counts[c]!++;
      for (let j = 0; j < m.cols; j++) this.centroids[c * m.cols + j]! += m.data[i * m.cols + j]!;
    }
    this.centroids.forEach((v, k) => (this.centroids[k] = v / counts[Math.floor(k / m.cols)]!));
    this.lastFit = { X: m, opts };
    return this;
  }

  /** Minus the squared distance to each centroid. */
  decisionFunction(X: MatrixLike): Matrix {
    const m = checkMatrix(X);
    const K = this.classes.length;
    const out = new Float64Array(m.rows * K);
    for (let i = 0; i < m.rows; i++) {
      for (let c = 0; c < K; c++) {
        let d = 0;
        for (let j = 0; j < m.cols; j++) d += (m.data[i * m.cols + j]! - this.centroids[c * m.cols + j]!) ** 2;
        out[i * K + c] = -d;
      }
    }
    return { data: out, rows: m.rows, cols: K };
  }

  predictProba(X: MatrixLike): Matrix {
    const s = this.decisionFunction(X);
    for (let i = 0; i < s.rows; i++) {
      const row = s.data.subarray(i * s.cols, (i + 1) * s.cols);
      const max = Math.max(...row);
      let sum = 0;
      row.forEach((v, c) => (sum += row[c] = Math.exp(v - max)));
      row.forEach((v, c) => (row[c] = v / sum));
    }
    return s;
  }

  predict(X: MatrixLike): Label[] {
    const s = this.decisionFunction(X);
    return Array.from({ length: s.rows }, (_, i) => {
      const row = Array.from(s.data.subarray(i * s.cols, (i + 1) * s.cols));
      return this.classes[row.indexOf(Math.max(...row))]!;
    });
  }

  score(X: MatrixLike, y: Targets): number {
    return accuracy(y as ArrayLike<Label>, this.predict(X));
  }

  toJSON(): ModelJson {
    return { name: 'NearestCentroid', version: 1, classes: this.classes, nFeatures: this.nFeatures, centroids: encodeArray(this.centroids) };
  }

  static fromJSON(obj: unknown): NearestCentroid {
    const o = checkModelJson(obj, 'NearestCentroid', 1);
    const m = new NearestCentroid();
    m.classes = o.classes as Label[];
    m.nFeatures = o.nFeatures as number;
    m.centroids = decodeArray(o.centroids, { name: 'NearestCentroid.centroids', dtype: 'float64', finite: true, expectedLength: m.classes.length * m.nFeatures });
    return m;
  }

  dispose(): void {
    this.disposed = true;
  }
}
