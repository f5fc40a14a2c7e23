// The estimators as a scikit-learn (and notebook) user writes them: strict options, tol 0, the
// three divergence policies, warm starts and starting weights, per-batch hooks, the hyperparameter
// accessors and clone, decisionFunction and predictLogProba, and outputs that stay finite.
import { describe, expect, it } from 'vitest';
import { backends } from './helpers/backends.js';
import { breastCancer } from './helpers/data.js';
import { caught } from './helpers/errors.js';
import { normals } from './helpers/random.js';
import { clone, LogisticRegression, MLPClassifier, MultiLabelClassifier, type Matrix } from '../src/index.js';

const bc = breastCancer();
const n = 96, d = 3;
const X: Matrix = { data: Float64Array.from(normals(n * d, 5)), rows: n, cols: d };
const y2 = Array.from({ length: n }, (_, i) => (X.data[i * d] - X.data[i * d + 2] > 0 ? 'yes' : 'no'));
const y3 = Array.from({ length: n }, (_, i) => (X.data[i * d + 1] > 0.5 ? 2 : X.data[i * d + 1] > -0.5 ? 1 : 0));

/** Mean log-loss of a binary logistic model w (with the intercept last) on rows X, labels y, in f64. */
function meanLogLoss(X: number[][], y: number[], w: Float64Array): number {
  let s = 0;
  X.forEach((row, i) => {
    const z = row.reduce((a, v, j) => a + v * w[j], w[row.length]);
    s += Math.max(z, 0) - z * y[i] + Math.log1p(Math.exp(-Math.abs(z)));
  });
  return s / X.length;
}

/** The notebook's loop, in plain f64: full-batch steps of lr times the mean gradient from `w`. */
function gdLoop(X: number[][], y: number[], w: Float64Array, lr: number, steps: number): Float64Array {
  const d = X[0].length;
  w = Float64Array.from(w);
  for (let t = 0; t < steps; t++) {
    const g = new Float64Array(d + 1);
    X.forEach((row, i) => {
      const z = row.reduce((a, v, j) => a + v * w[j], w[d]);
      const r = 1 / (1 + Math.exp(-z)) - y[i];
      row.forEach((v, j) => (g[j] += r * v));
      g[d] += r;
    });
    for (let j = 0; j <= d; j++) w[j] -= (lr * g[j]) / X.length;
  }
  return w;
}

describe('strict options, as scikit-learn raises on an unknown parameter', () => {
  it('names the unknown key and the closest valid one', () => {
    expect(caught(() => new LogisticRegression({ max_iter: 1 } as never)).message).toMatch(/unknown option 'max_iter' for LogisticRegression; did you mean 'maxIter'\?/);
    expect(caught(() => new LogisticRegression({ learning_rate: 1 } as never)).message).toMatch(/did you mean 'learningRate'/);
    expect(caught(() => new MLPClassifier({ learningRate: 0.1 } as never)).message).toMatch(/did you mean 'learningRateInit'/);
    expect(caught(() => new LogisticRegression({ lr: 0.1 } as never)).code).toBe('BAD_OPTION');
    expect(caught(() => new LogisticRegression({ [Symbol('x')]: 1 } as never)).code).toBe('BAD_OPTION');
    expect(caught(() => new LogisticRegression({ backend: 'js' }).fit(X, y2, { sample_weight: [] } as never)).message).toMatch(/did you mean 'sampleWeight'/);
  });

  it('refuses values of the wrong type as BAD_OPTION, never a TypeError', () => {
    for (const bad of [{ C: '1' }, { maxIter: 10n }, { solver: Symbol('sgd') }, { classWeight: 3 }, { tol: -1 }, { onDivergence: 'ignore' }]) {
      expect(caught(() => new LogisticRegression(bad as never)).code).toBe('BAD_OPTION');
    }
    const model = new LogisticRegression({ backend: 'js' });
    expect(caught(() => model.fit(X, y2, { sampleWeight: null } as never)).code).toBe('BAD_OPTION');
    expect(caught(() => model.fit(X, y2, { onEpochEnd: 1 } as never)).code).toBe('BAD_OPTION');
  });

  it('takes scikit-learn scalar shorthands: hiddenLayerSizes: 10 is one layer of 10', () => {
    expect(new MLPClassifier({ hiddenLayerSizes: 10 }).options.hiddenLayerSizes).toEqual([10]);
  });
});

describe.each(backends)('the estimators as scikit-learn has them, on %s', (backend) => {
  it('tol: 0 never stops on tolerance: maxIter 7 runs exactly 7 epochs', () => {
    const model = new LogisticRegression({ solver: 'sgd', tol: 0, maxIter: 7, nIterNoChange: 1, backend }).fit(X, y2);
    expect(model.nIter).toBe(7);
    expect(model.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("gd's history ends with the loss at the returned weights", () => {
    const model = new LogisticRegression({ solver: 'gd', penalty: 'none', learningRate: 0.5, maxIter: 5, dtype: 'float64', backend }).fit(bc.X, bc.y);
    expect(model.history).toHaveLength(5);
    expect(model.history[4].loss).toBeCloseTo(meanLogLoss(bc.X, bc.y, model.getParameters()), 10);
  });

  it("onDivergence 'warn' lets the notebook's learning-rate sweep run to the best loss", () => {
    // 10,000 full-batch steps from zero at 1e-3 times the summed gradient: 0.699 on the mean loss over 699 rows.
    const lr = 0.699, steps = 10_000;
    const oracle = meanLogLoss(bc.X, bc.y, gdLoop(bc.X, bc.y, new Float64Array(10), lr, steps));
    const model = new LogisticRegression({ solver: 'gd', penalty: 'none', learningRate: lr, maxIter: steps, tol: 0, onDivergence: 'warn', dtype: 'float64', backend });
    model.fit(bc.X, bc.y);
    expect(model.nIter).toBe(steps);
    expect(model.history.at(-1)!.loss).toBeCloseTo(oracle, 3);
    expect(oracle).toBeCloseTo(0.08089, 3);
    expect(model.warning?.code).toBe('DIVERGED');
    expect(model.history.filter((h) => h.diverged).length).toBeGreaterThan(0);
    expect(caught(() => new LogisticRegression({ solver: 'gd', penalty: 'none', learningRate: lr, maxIter: 50, tol: 0, dtype: 'float64', backend }).fit(bc.X, bc.y)).code).toBe('DIVERGED');
  });

  it('coefInit starts gd where a hand-written loop starts, to 1e-6 (float64)', () => {
    const start = Float64Array.from([0.1, -0.2, 0.05, 0, 0.3, -0.1, 0.2, 0, -0.05, -1]);
    const model = new LogisticRegression({ solver: 'gd', penalty: 'none', learningRate: 0.05, maxIter: 20, tol: 0, dtype: 'float64', backend });
    model.fit(bc.X, bc.y, { coefInit: [Array.from(start.subarray(0, 9))], interceptInit: [start[9]] });
    const expected = gdLoop(bc.X, bc.y, start, 0.05, 20);
    model.getParameters().forEach((v, j) => expect(v).toBeCloseTo(expected[j], 6));
    expect(caught(() => model.fit(bc.X, bc.y, { coefInit: [[1, 2]] })).code).toBe('SHAPE_MISMATCH');
  });

  it('warmStart: a refit after one iteration continues to where two iterations end', () => {
    const two = new LogisticRegression({ solver: 'gd', maxIter: 2, tol: 0, dtype: 'float64', backend }).fit(X, y2).getParameters();
    const warm = new LogisticRegression({ solver: 'gd', maxIter: 1, tol: 0, warmStart: true, dtype: 'float64', backend });
    warm.fit(X, y2).fit(X, y2);
    warm.getParameters().forEach((v, j) => expect(v).toBeCloseTo(two[j], 12));
    const cold = new LogisticRegression({ solver: 'gd', maxIter: 1, tol: 0, dtype: 'float64', backend });
    expect(cold.fit(X, y2).fit(X, y2).getParameters()[0]).not.toBeCloseTo(two[0], 6);
  });

  it('onBatchEnd sees every batch; their mean loss is the epoch loss, and the weights do not change', () => {
    for (const make of [
      () => new LogisticRegression({ solver: 'sgd', batchSize: 16, maxIter: 3, penalty: 'none', backend }),
      () => new LogisticRegression({ solver: 'sgd', optimizer: 'adam', batchSize: 16, maxIter: 3, penalty: 'none', backend }),
      () => new MLPClassifier({ hiddenLayerSizes: [4], batchSize: 16, maxIter: 3, alpha: 0, backend }),
    ]) {
      const batches: { epoch: number; batch: number; loss: number }[] = [];
      const hooked = make().fit(X, y3.map(String), { onBatchEnd: (b) => void batches.push(b) });
      const plain = make().fit(X, y3.map(String));
      expect(batches.filter((b) => b.epoch === 1).map((b) => b.batch)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(batches).toHaveLength(18);
      for (const log of hooked.history) {
        const mean = batches.filter((b) => b.epoch === log.epoch).reduce((s, b) => s + b.loss, 0) / 6;
        expect(mean).toBeCloseTo(log.loss, 5);
      }
      expect(Array.from(hooked.getParameters())).toEqual(Array.from(plain.getParameters()));
    }
  });

  it('getParams round-trips through setParams; clone fits to the same coefficients', () => {
    const model = new LogisticRegression({ solver: 'sgd', C: 3, maxIter: 4, backend });
    const params = model.getParams();
    expect(params).toMatchObject({ solver: 'sgd', C: 3, maxIter: 4, backend });
    const other = new LogisticRegression({ backend }).setParams(params);
    expect(other.getParams()).toEqual(params);
    expect(caught(() => other.setParams({ maxiter: 3 } as never)).message).toMatch(/did you mean 'maxIter'/);
    model.fit(X, y2);
    const copy = clone(model);
    expect(caught(() => copy.coef).code).toBe('NOT_FITTED');
    expect(Array.from(copy.fit(X, y2).getParameters())).toEqual(Array.from(model.getParameters()));
    for (const m of [new MLPClassifier({ hiddenLayerSizes: [3], maxIter: 2, backend }), new MultiLabelClassifier({ backend })]) {
      expect(clone(m).getParams()).toEqual(m.getParams());
    }
  });

  it('decisionFunction and predictLogProba on every estimator agree with predictProba', () => {
    const Y: Matrix = { data: Float64Array.from({ length: 2 * n }, (_, k) => (k % 2 ? Number(y2[k >> 1] === 'yes') : Number(y3[k >> 1] === 2))), rows: n, cols: 2 };
    const fitted = [
      new LogisticRegression({ backend }).fit(X, y2),
      new LogisticRegression({ backend }).fit(X, y3),
      new MultiLabelClassifier({ backend }).fit(X, Y),
      new MLPClassifier({ hiddenLayerSizes: [4], maxIter: 20, backend }).fit(X, y3),
      new MLPClassifier({ hiddenLayerSizes: [4], maxIter: 20, activation: 'tanh', backend }).fit(X, y2),
    ];
    for (const m of fitted) {
      const P = m.predictProba(X), L = m.predictLogProba(X), Z = m.decisionFunction(X);
      expect([L.rows, L.cols]).toEqual([P.rows, P.cols]);
      P.data.forEach((p, k) => expect(L.data[k]).toBeCloseTo(Math.log(p), 4));
      expect(Z.rows).toBe(n);
    }
  });

  it('probabilities stay finite for logits past the dtype range: 3e38 in float32, 1e300 in float64', () => {
    for (const [dtype, big] of [['float32', 3e38], ['float64', 1e300]] as const) {
      const multi = new LogisticRegression({ C: 100, dtype, backend }).fit(X, y3);
      const binary = new LogisticRegression({ C: 100, dtype, backend }).fit(X, y2);
      const mlp = new MLPClassifier({ hiddenLayerSizes: [4], maxIter: 20, dtype, backend }).fit(X, y3);
      const Xbig = [[big, -big, 0], [-big, big, big], [big, big, big]];
      for (const m of [multi, binary, mlp]) {
        const P = m.predictProba(Xbig);
        expect(Array.from(P.data).filter((p) => !(p >= 0 && p <= 1))).toEqual([]);
        for (let i = 0; i < 3; i++) expect(Array.from(P.data.subarray(i * P.cols, (i + 1) * P.cols)).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
        expect(Array.from(m.predictLogProba(Xbig).data).filter((v) => !Number.isFinite(v))).toEqual([]);
        expect(Array.from(m.decisionFunction(Xbig).data).filter((v) => !Number.isFinite(v))).toEqual([]);
      }
    }
  });

  it('a gd step that overflows the weights is DIVERGED; with onDivergence stop the model keeps finite weights and predictions', () => {
    expect(caught(() => new LogisticRegression({ solver: 'gd', learningRate: 1e308, maxIter: 1, backend }).fit(bc.X, bc.y)).code).toBe('DIVERGED');
    const stopped = new MLPClassifier({ solver: 'sgd', learningRateInit: 1e6, momentum: 0, maxIter: 5, onDivergence: 'stop', backend }).fit(bc.X, bc.y);
    expect(stopped.warning?.code).toBe('DIVERGED');
    expect(Array.from(stopped.predictProba(bc.X).data).filter((p) => !Number.isFinite(p))).toEqual([]);
  });

  it('labels of any string value round-trip, classWeight included', () => {
    const labels = y2.map((v) => (v === 'yes' ? 'constructor' : '__proto__'));
    const model = new LogisticRegression({ classWeight: { constructor: 2, __proto__: 1 } as never, backend }).fit(X, labels);
    const back = LogisticRegression.fromJSON(JSON.parse(JSON.stringify(model.toJSON())), { backend });
    expect(back.classes).toEqual(['__proto__', 'constructor']);
    expect(back.predict(X)).toEqual(model.predict(X));
    const pairs = new LogisticRegression({ classWeight: [['constructor', 2], ['__proto__', 1]] as [string, number][], backend }).fit(X, labels);
    expect(Array.from(pairs.coef.data)).toEqual(Array.from(model.coef.data));
  });
});
