import { describe, expect, it } from 'vitest';
import { engines, backends } from './helpers/backends.js';
import { breastCancer } from './helpers/data.js';
import { normals, uniforms } from './helpers/random.js';
import { LogisticRegression, type Matrix } from '../src/index.js';

// scikit-learn 1.x, LogisticRegression(C=10000).fit on the same prepared data.
const SKLEARN_COEF = [0.5346, 0.0113, 0.3238, 0.2376, 0.0583, 0.4282, 0.4121, 0.1582, 0.5358];
const SKLEARN_INTERCEPT = -9.7145;

/** n x d standard normal features; labels from a noisy logistic model with fixed weights. */
function synthetic(n: number, d: number, seed: number): { X: Matrix; y: number[] } {
  const X = Float32Array.from(normals(n * d, seed));
  const u = uniforms(n, seed + 1);
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    let z = 0.25;
    for (let j = 0; j < d; j++) z += X[i * d + j] * (j % 2 ? -1 : 1) * (1 + j / d);
    y.push(u[i] < 1 / (1 + Math.exp(-z)) ? 1 : 0);
  }
  return { X: { data: X, rows: n, cols: d }, y };
}

describe.each(engines)('LogisticRegression on %s', (backend) => {
  it('reaches scikit-learn\'s optimum on the UCI breast cancer data (lbfgs, C = 10000)', () => {
    const { X, y } = breastCancer();
    const model = new LogisticRegression({ C: 10000, backend }).fit(X, y);
    expect(model.converged).toBe(true);
    expect(Math.abs(model.intercept[0] - SKLEARN_INTERCEPT)).toBeLessThan(0.01);
    const coef = Array.from(model.coef.data);
    coef.forEach((c, j) => expect(Math.abs(c - SKLEARN_COEF[j])).toBeLessThan(0.005));
    expect(model.score(X, y).toFixed(3)).toBe('0.970');
    expect(model.classes).toEqual([0, 1]);
    model.dispose();
  });

  it('tightens to the fourth decimal with a smaller tol', () => {
    const { X, y } = breastCancer();
    const model = new LogisticRegression({ C: 10000, tol: 1e-6, maxIter: 1000, backend }).fit(X, y);
    expect(Math.abs(model.intercept[0] - SKLEARN_INTERCEPT)).toBeLessThan(1e-3);
    Array.from(model.coef.data).forEach((c, j) => expect(Math.abs(c - SKLEARN_COEF[j])).toBeLessThan(2e-4));
    model.dispose();
  });

  it('gd and sgd approach the lbfgs optimum on standardized data', () => {
    const { X, y } = synthetic(4000, 5, 11);
    const exact = new LogisticRegression({ backend, tol: 1e-7, maxIter: 500 }).fit(X, y);
    const gd = new LogisticRegression({ solver: 'gd', learningRate: 1, maxIter: 2000, tol: 1e-6, backend }).fit(X, y);
    const sgd = new LogisticRegression({ solver: 'sgd', learningRate: 0.05, batchSize: 32, maxIter: 30, backend }).fit(X, y);
    const ref = Array.from(exact.coef.data);
    Array.from(gd.coef.data).forEach((c, j) => expect(Math.abs(c - ref[j])).toBeLessThan(1e-3));
    // SGD with a constant rate hovers around the optimum: close, not exact.
    Array.from(sgd.coef.data).forEach((c, j) => expect(Math.abs(c - ref[j])).toBeLessThan(0.1));
    expect(Math.abs(sgd.score(X, y) - exact.score(X, y))).toBeLessThan(0.01);
    for (const m of [gd, sgd]) {
      const losses = m.history.map((h) => h.loss);
      expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
    }
    [exact, gd, sgd].forEach((m) => m.dispose());
  });

  it('predicts labels of the kind it was given, probabilities and logits that agree', () => {
    const { X, y } = synthetic(500, 3, 21);
    const labels = y.map((v) => (v ? 'spam' : 'ham'));
    const model = new LogisticRegression({ backend }).fit(X, labels);
    expect(model.classes).toEqual(['ham', 'spam']);
    const proba = model.predictProba(X);
    const z = model.decisionFunction(X);
    const pred = model.predict(X);
    expect(proba.cols).toBe(2);
    for (let i = 0; i < 500; i++) {
      const p1 = proba.data[2 * i + 1];
      expect(proba.data[2 * i] + p1).toBeCloseTo(1, 6);
      expect(p1).toBeCloseTo(1 / (1 + Math.exp(-z.data[i])), 5);
      expect(pred[i]).toBe(z.data[i] > 0 ? 'spam' : 'ham');
    }
    const bools = new LogisticRegression({ backend }).fit(X, y.map(Boolean));
    expect(bools.classes).toEqual([false, true]);
    expect(bools.predict(X)).toEqual(pred.map((p) => p === 'spam'));
    model.dispose();
    bools.dispose();
  });

  it('honours sample weights: a weight of 2 equals a duplicated row', () => {
    const { X: Xm, y } = synthetic(600, 5, 61);
    const X = Array.from({ length: 600 }, (_, i) => Array.from(Xm.data.subarray(i * 5, i * 5 + 5)));
    const sw = y.map((_, i) => (i % 3 === 0 ? 2 : 1));
    const Xdup = X.flatMap((r, i) => (i % 3 === 0 ? [r, r] : [r]));
    const ydup = y.flatMap((v, i) => (i % 3 === 0 ? [v, v] : [v]));
    const weighted = new LogisticRegression({ tol: 1e-6, maxIter: 500, backend }).fit(X, y, { sampleWeight: sw });
    const duplicated = new LogisticRegression({ tol: 1e-6, maxIter: 500, backend }).fit(Xdup, ydup);
    Array.from(weighted.coef.data).forEach((c, j) => expect(c).toBeCloseTo(duplicated.coef.data[j], 3)); // float32: 5e-4
    expect(weighted.intercept[0]).toBeCloseTo(duplicated.intercept[0], 3);
    const balanced = new LogisticRegression({ classWeight: 'balanced', backend }).fit(X, y);
    const n1 = y.filter((v) => v === 1).length;
    const equivalent = y.map((v) => 600 / (2 * (v ? n1 : 600 - n1)));
    const explicit = new LogisticRegression({ backend }).fit(X, y, { sampleWeight: equivalent });
    Array.from(balanced.coef.data).forEach((c, j) => expect(c).toBeCloseTo(explicit.coef.data[j], 5));
    [weighted, duplicated, balanced, explicit].forEach((m) => m.dispose());
  });

  it('calls onEpochEnd with a log per epoch and stops when it returns false', () => {
    const { X, y } = synthetic(1000, 4, 31);
    const seen: number[] = [];
    const model = new LogisticRegression({ solver: 'sgd', maxIter: 50, backend }).fit(X, y, {
      onEpochEnd: (log) => {
        seen.push(log.epoch);
        expect(log.loss).toBeGreaterThanOrEqual(0); // NaN fails this too
        expect(log.loss).toBeLessThan(Infinity);
        expect(log.ms).toBeGreaterThanOrEqual(0);
        expect(log.learningRate).toBe(0.1);
        return log.epoch < 3;
      },
    });
    expect(seen).toEqual([1, 2, 3]);
    expect(model.nIter).toBe(3);
    expect(model.history).toHaveLength(3);
    model.dispose();
  });
});

describe('backends agree', () => {
  it('five seeded sgd epochs give the same weights on every backend (1e-4 relative)', () => {
    for (const d of [5, 40]) {
      const { X, y } = synthetic(3001, d, 41 + d);
      const results = backends.map((backend) => {
        const m = new LogisticRegression({ solver: 'sgd', maxIter: 5, tol: 1e-12, nIterNoChange: 100, seed: 7, batchSize: 64, backend }).fit(X, y);
        const w = [...Array.from(m.coef.data), m.intercept[0]];
        m.dispose();
        return w;
      });
      const ref = results[backends.indexOf('js')];
      const scale = Math.max(...ref.map(Math.abs));
      for (const w of results) w.forEach((v, j) => expect(Math.abs(v - ref[j]) / scale).toBeLessThan(1e-4));
    }
  });

  it('a different seed shuffles differently', () => {
    const { X, y } = synthetic(2000, 5, 51);
    const fit = (seed: number) => new LogisticRegression({ solver: 'sgd', maxIter: 2, seed, backend: 'js' }).fit(X, y).coef.data[0];
    expect(fit(1)).toBe(fit(1));
    expect(fit(1)).not.toBe(fit(2));
  });
});
