// dtype 'float64': scikit-learn-level agreement with the exact optimum, on every backend.
import { describe, expect, it } from 'vitest';
import { engines, backends } from './helpers/backends.js';
import { breastCancer } from './helpers/data.js';
import { caught } from './helpers/errors.js';
import { gradientError, type Checkable } from './helpers/oracles.js';
import { normals, uniforms } from './helpers/random.js';
import { LogisticRegression, MLPClassifier, MultiLabelClassifier, loadFromJSON } from '../src/index.js';

/**
 * The f64 oracle: Newton's method (IRLS) on scikit-learn's objective
 *   sum_i sw_i loss_i(w, b) + ||w||^2 / (2C),
 * solving the (d + 1) x (d + 1) Newton system by Gaussian elimination. Returns [w..., b].
 */
function newtonLogistic(X: number[][], y: number[], C: number): number[] {
  const n = X.length, d = X[0].length, m = d + 1;
  const x = new Array<number>(m).fill(0);
  for (let iter = 0; iter < 100; iter++) {
    const g = new Array<number>(m).fill(0);
    const H = Array.from({ length: m }, () => new Array<number>(m).fill(0));
    for (let i = 0; i < n; i++) {
      const row = [...X[i], 1];
      let z = 0;
      for (let j = 0; j < m; j++) z += row[j] * x[j];
      const p = 1 / (1 + Math.exp(-z));
      for (let j = 0; j < m; j++) {
        g[j] += (p - y[i]) * row[j];
        for (let k = 0; k < m; k++) H[j][k] += p * (1 - p) * row[j] * row[k];
      }
    }
    for (let j = 0; j < d; j++) {
      g[j] += x[j] / C;
      H[j][j] += 1 / C;
    }
    const step = solve(H, g);
    for (let j = 0; j < m; j++) x[j] -= step[j];
    if (Math.max(...step.map(Math.abs)) < 1e-13) return x;
  }
  throw new Error('Newton did not converge');
}

/** A x = b by Gaussian elimination with partial pivoting. */
function solve(A: number[][], b: number[]): number[] {
  const m = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < m; c++) {
    let p = c;
    for (let r = c + 1; r < m; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    [M[c], M[p]] = [M[p], M[c]];
    for (let r = c + 1; r < m; r++) {
      const f = M[r][c] / M[c][c];
      for (let k = c; k <= m; k++) M[r][k] -= f * M[c][k];
    }
  }
  const out = new Array<number>(m).fill(0);
  for (let r = m - 1; r >= 0; r--) {
    let s = M[r][m];
    for (let k = r + 1; k < m; k++) s -= M[r][k] * out[k];
    out[r] = s / M[r][r];
  }
  return out;
}

const cancer = breastCancer();
const exact = {
  10000: { intercept: -9.714528, coef: newtonLogistic(cancer.X, cancer.y, 10000) },
  1: { intercept: -9.565395, coef: newtonLogistic(cancer.X, cancer.y, 1) },
};

/** Standard normal features, labels from a noisy logistic model. */
function synthetic(n: number, d: number, seed: number): { X: number[][]; y: number[] } {
  const Xf = normals(n * d, seed);
  const u = uniforms(n, seed + 1);
  const X: number[][] = [], y: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = Array.from(Xf.subarray(i * d, (i + 1) * d));
    const z = 0.25 + row.reduce((s, v, j) => s + v * (j % 2 ? -1 : 1) * (1 + j / d), 0);
    X.push(row);
    y.push(u[i] < 1 / (1 + Math.exp(-z)) ? 1 : 0);
  }
  return { X, y };
}

const params = (m: LogisticRegression) => [...Array.from(m.coef.data), ...Array.from(m.intercept)];

/** Largest difference between two fits' coefficients and intercepts. */
function maxDiff(a: LogisticRegression, b: LogisticRegression): number {
  const pb = params(b);
  return Math.max(...params(a).map((v, j) => Math.abs(v - pb[j])));
}

const small = (() => {
  const n = 60, d = 7;
  const X = { data: normals(n * d, 31), rows: n, cols: d };
  const labels = Array.from(uniforms(n, 32), (u) => Math.floor(u * 3));
  const Y = { data: Float64Array.from(uniforms(n * 5, 33), (u) => (u < 0.4 ? 1 : 0)), rows: n, cols: 5 };
  return { X, labels, Y };
})();

describe.each(engines)('float64 on %s', (backend) => {
  for (const C of [10000, 1] as const) {
    it(`lbfgs reaches the exact optimum of the breast cancer data within 1e-4 (C = ${C})`, () => {
      const model = new LogisticRegression({ C, dtype: 'float64', tol: 1e-8, maxIter: 1000, backend }).fit(cancer.X, cancer.y);
      const { intercept, coef } = exact[C];
      expect(model.converged).toBe(true);
      expect(Math.abs(model.intercept[0] - intercept)).toBeLessThan(1e-4);
      expect(Math.abs(coef[9] - intercept)).toBeLessThan(1e-6); // the oracle agrees with scikit-learn
      params(model).forEach((v, j) => expect(Math.abs(v - coef[j])).toBeLessThan(1e-4));
      model.dispose();
    });
  }

  for (const solver of ['lbfgs', 'gd'] as const) {
    it(`${solver}: classWeight 'balanced' equals its sampleWeight, and a weight of 2 equals a duplicated row (1e-5)`, () => {
      const { X, y } = cancer;
      const o = { solver, dtype: 'float64' as const, backend, ...(solver === 'lbfgs' ? { tol: 1e-8, maxIter: 1000 } : { learningRate: 0.01, maxIter: 200 }) };
      const n1 = y.filter((v) => v === 1).length;
      const balanced = new LogisticRegression({ ...o, classWeight: 'balanced' }).fit(X, y);
      const explicit = new LogisticRegression(o).fit(X, y, { sampleWeight: y.map((v) => y.length / (2 * (v ? n1 : y.length - n1))) });
      expect(maxDiff(balanced, explicit)).toBeLessThan(1e-5);
      const weighted = new LogisticRegression(o).fit(X, y, { sampleWeight: y.map((_, i) => (i % 3 === 0 ? 2 : 1)) });
      const duplicated = new LogisticRegression(o).fit(X.flatMap((r, i) => (i % 3 === 0 ? [r, r] : [r])), y.flatMap((v, i) => (i % 3 === 0 ? [v, v] : [v])));
      expect(maxDiff(weighted, duplicated)).toBeLessThan(1e-5);
      [balanced, explicit, weighted, duplicated].forEach((m) => m.dispose());
    });
  }

  it('binary probabilities are the sigmoid of the logits to 1e-15', () => {
    const model = new LogisticRegression({ dtype: 'float64', backend }).fit(cancer.X, cancer.y);
    const z = model.decisionFunction(cancer.X), p = model.predictProba(cancer.X);
    for (let i = 0; i < z.rows; i++) expect(Math.abs(p.data[2 * i + 1] - 1 / (1 + Math.exp(-z.data[i])))).toBeLessThan(1e-15);
    model.dispose();
  });

  it('multinomial, multi-label and MLP gradients match finite differences below 1e-7', () => {
    const { X, labels, Y } = small;
    const cases: [Checkable, unknown][] = [
      [new LogisticRegression({ C: 0.5, maxIter: 5, dtype: 'float64', backend }).fit(X, labels), labels],
      [new MultiLabelClassifier({ C: 0.5, maxIter: 5, dtype: 'float64', backend }).fit(X, Y), Y],
      [new MLPClassifier({ hiddenLayerSizes: [6, 3], activation: 'tanh', alpha: 0.1, maxIter: 3, dtype: 'float64', backend }).fit(X, labels), labels],
      [new MLPClassifier({ hiddenLayerSizes: [9], activation: 'logistic', maxIter: 3, dtype: 'float64', backend }).fit(X, labels.map((v) => v > 0)), labels.map((v) => v > 0)],
      [new MLPClassifier({ hiddenLayerSizes: [3], activation: 'identity', maxIter: 3, dtype: 'float64', backend }).fit(X, Y), Y],
    ];
    for (const [model, y] of cases) {
      expect(gradientError(model, X, y, 1e-3)).toBeLessThan(1e-7);
      model.dispose();
    }
  });

  it('a multinomial fit reaches a gradient below 1e-8', () => {
    const { X, labels } = small;
    const model = new LogisticRegression({ dtype: 'float64', tol: 1e-10, maxIter: 1000, backend }).fit(X, labels);
    expect(Math.max(...Array.from(model.lossAndGradient(X, labels).gradient, Math.abs))).toBeLessThan(1e-8);
    model.dispose();
  });

  it('saves float64 weights losslessly and reloads them', () => {
    const { X, labels, Y } = small;
    const models = [
      new LogisticRegression({ dtype: 'float64', backend }).fit(X, labels.map((v) => v > 0)),
      new LogisticRegression({ dtype: 'float64', backend }).fit(X, labels),
      new MultiLabelClassifier({ dtype: 'float64', maxIter: 5, backend }).fit(X, Y),
      new MLPClassifier({ hiddenLayerSizes: [5], dtype: 'float64', maxIter: 5, backend }).fit(X, labels),
    ];
    for (const m of models) {
      const json = JSON.parse(JSON.stringify(m.toJSON()));
      expect(JSON.stringify(json)).toContain('"dtype":"float64"');
      expect(JSON.stringify(json)).not.toContain('"dtype":"float32"');
      const copy = (m.constructor as unknown as { fromJSON(o: unknown, opts: object): typeof m }).fromJSON(json, { backend });
      expect(copy.getParameters()).toEqual(m.getParameters());
      expect(copy.predictProba(X).data).toEqual(m.predictProba(X).data);
      const loaded = loadFromJSON(json) as typeof m;
      expect(loaded).toBeInstanceOf(m.constructor);
      [loaded, copy, m].forEach((x) => x.dispose());
    }
  });
});

describe('float64 fits agree across backends', () => {
  it('seeded sgd epochs of LogisticRegression and MLPClassifier give the same parameters within 1e-10 relative', () => {
    const { X, y } = synthetic(3001, 6, 71);
    const fits = [
      (backend: string) => new LogisticRegression({ solver: 'sgd', maxIter: 5, tol: 1e-12, nIterNoChange: 100, seed: 7, batchSize: 64, dtype: 'float64', backend: backend as never }).fit(X, y),
      (backend: string) => new MLPClassifier({ hiddenLayerSizes: [13, 6], activation: 'tanh', maxIter: 2, seed: 3, dtype: 'float64', backend: backend as never }).fit(X, y),
    ];
    for (const fit of fits) {
      const results = backends.map((b) => {
        const m = fit(b);
        const p = m.getParameters();
        m.dispose();
        return p;
      });
      const ref = results[backends.indexOf('js')];
      const scale = Math.max(...Array.from(ref, Math.abs));
      for (const p of results) p.forEach((v, j) => expect(Math.abs(v - ref[j]) / scale).toBeLessThan(1e-10));
    }
  });

  it('refuses an unknown dtype', () => {
    for (const make of [
      () => new LogisticRegression({ dtype: 'float16' as never }),
      () => new MultiLabelClassifier({ dtype: 'float16' as never }),
      () => new MLPClassifier({ dtype: 'float16' as never }),
    ]) expect(caught(make).code).toBe('BAD_OPTION');
  });
});
