// The one estimator lifecycle, the same for every estimator: a failed fit leaves the model as it
// was, a model cannot be refit or disposed from inside its own training callback, partialFit
// continues from the current weights, and the stop reason is data.
import { describe, expect, it } from 'vitest';
import { backends } from './helpers/backends.js';
import { caught } from './helpers/errors.js';
import { normals, uniforms } from './helpers/random.js';
import { LogisticRegression, MLPClassifier, MultiLabelClassifier, type Matrix } from '../src/index.js';

const n = 120, d = 4;
const X: Matrix = { data: Float64Array.from(normals(n * d, 11)), rows: n, cols: d };
const u = uniforms(n, 12);
/** Labels of a noisy linear rule: 0/1, and 0/1/2. */
const y2 = Array.from({ length: n }, (_, i) => (X.data[i * d] + X.data[i * d + 1] + 0.5 * (u[i] - 0.5) > 0 ? 1 : 0));
const y3 = Array.from({ length: n }, (_, i) => (X.data[i * d] > 0.4 ? 2 : X.data[i * d] > -0.4 ? 1 : 0));
const Y: Matrix = { data: Float64Array.from({ length: 2 * n }, (_, k) => (k % 2 ? y2[k >> 1] : 1 - y3[k >> 1] % 2)), rows: n, cols: 2 };
/** Training data on which a learning rate that fits X diverges: one column 1000 times larger. */
const Xbig: Matrix = { data: X.data.map((v, k) => v * (k % d === 0 ? 1000 : 1)), rows: n, cols: d };
const withNaN: Matrix = { data: X.data.map((v, k) => (k === 7 ? NaN : v)), rows: n, cols: d };

interface Case {
  name: string;
  make: (backend: string, o?: object) => { fit(X: Matrix, y: unknown, o?: object): unknown; predictProba(X: Matrix): Matrix; dispose(): void; getParameters(): Float64Array };
  y: unknown;
  diverging: object;
}

const cases: Case[] = [
  { name: 'binary LogisticRegression', make: (backend, o) => new LogisticRegression({ backend, ...o } as never), y: y2, diverging: { solver: 'gd', learningRate: 1 } },
  { name: 'multinomial LogisticRegression', make: (backend, o) => new LogisticRegression({ backend, ...o } as never), y: y3, diverging: { solver: 'gd', learningRate: 1 } },
  { name: 'MultiLabelClassifier', make: (backend, o) => new MultiLabelClassifier({ backend, ...o } as never), y: Y, diverging: { solver: 'gd', learningRate: 1 } },
  { name: 'MLPClassifier', make: (backend, o) => new MLPClassifier({ backend, hiddenLayerSizes: [5], maxIter: 20, ...o } as never), y: y3, diverging: { solver: 'sgd', learningRateInit: 0.1, momentum: 0 } },
];

describe.each(backends)('the estimator lifecycle on %s', (backend) => {
  describe.each(cases)('$name', (c) => {
    it('a refit refused for NaN, or ended by DIVERGED, leaves the previous fit exactly as it was', () => {
      const model = c.make(backend, c.diverging);
      // The diverging options fit the scaled data; only the unscaled data blows up.
      model.fit(X, c.y);
      const before = model.getParameters();
      const P = model.predictProba(X).data;
      expect(caught(() => model.fit(withNaN, c.y)).code).toBe('NON_FINITE_INPUT');
      expect(caught(() => model.fit(Xbig, c.y)).code).toBe('DIVERGED');
      expect(Array.from(model.getParameters())).toEqual(Array.from(before));
      expect(Array.from(model.predictProba(X).data)).toEqual(Array.from(P));
      model.dispose();
    });

    it('a first fit ended by DIVERGED leaves the model unfitted, and a later fit works', () => {
      const model = c.make(backend, c.diverging);
      expect(caught(() => model.fit(Xbig, c.y)).code).toBe('DIVERGED');
      expect(caught(() => model.predictProba(X)).code).toBe('NOT_FITTED');
      model.fit(X, c.y);
      expect(model.predictProba(X).data.every(Number.isFinite)).toBe(true);
      model.dispose();
    });

    it('refit or dispose from inside its own onEpochEnd is BUSY; the outer fit completes', () => {
      const model = c.make(backend, { solver: c.name === 'MLPClassifier' ? 'adam' : 'sgd', maxIter: 3 });
      const codes: string[] = [];
      model.fit(X, c.y, {
        onEpochEnd: () => {
          codes.push(caught(() => model.dispose()).code, caught(() => model.fit(X, c.y)).code);
        },
      });
      expect(codes).toEqual(['BUSY', 'BUSY', 'BUSY', 'BUSY', 'BUSY', 'BUSY']);
      expect(model.predictProba(X).rows).toBe(n);
      model.dispose();
      expect(caught(() => model.predictProba(X)).code).toBe('DISPOSED');
    });
  });

  it('partialFit continues from the weights of a fit (scikit-learn warm start), for every estimator', () => {
    for (const c of cases) {
      const mlp = c.name === 'MLPClassifier';
      const model = c.make(backend, mlp ? { solver: 'adam', maxIter: 4, learningRateInit: 0.01 } : { solver: 'sgd', maxIter: 4, learningRate: 0.05 });
      model.fit(X, c.y);
      const fitted = model.getParameters();
      const m = model as unknown as { partialFit(X: Matrix, y: unknown): unknown; nIter: number; history: { epoch: number }[] };
      m.partialFit(X, c.y);
      const after = model.getParameters();
      // One more epoch moves every weight a little, never back to the start.
      const moved = Math.max(...after.map((v, i) => Math.abs(v - fitted[i])));
      const size = Math.max(...fitted.map(Math.abs));
      expect(moved).toBeGreaterThan(0);
      expect(moved).toBeLessThan(size);
      expect(m.history.map((h) => h.epoch)).toEqual(Array.from({ length: m.nIter }, (_, i) => i + 1));
      model.dispose();
    }
  });

  it('stop reasons are data: maxIter warns, a callback stop does not, onDivergence stop reports DIVERGED', () => {
    const short = new LogisticRegression({ solver: 'sgd', maxIter: 2, backend }).fit(X, y2);
    expect(short.converged).toBe(false);
    expect(short.warning?.code).toBe('NOT_CONVERGED');
    const stopped = new LogisticRegression({ solver: 'sgd', maxIter: 50, backend }).fit(X, y2, { onEpochEnd: () => false });
    expect(stopped.nIter).toBe(1);
    expect(stopped.warning).toBeNull();
    const diverged = new LogisticRegression({ solver: 'gd', learningRate: 1, onDivergence: 'stop', backend }).fit(Xbig, y2);
    expect(diverged.warning?.code).toBe('DIVERGED');
    expect(diverged.converged).toBe(false);
    expect(Array.from(diverged.coef.data).every(Number.isFinite)).toBe(true);
    // The record survives a save: stop is written beside the words.
    expect(diverged.toJSON().stop).toBe('diverged');
    expect(LogisticRegression.fromJSON(short.toJSON()).warning?.code).toBe('NOT_CONVERGED');
  });
});
