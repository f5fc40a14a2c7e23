import { describe, expect, it } from 'vitest';
import { engines, backends } from './helpers/backends.js';
import { optdigits } from './helpers/optdigits.js';
import { gradientError, type Checkable } from './helpers/oracles.js';
import { normals, uniforms } from './helpers/random.js';
import { LogisticRegression, MLPClassifier, MultiLabelClassifier, loadFromJSON } from '../src/index.js';

const digits = await optdigits();

/** The multi-label recovery scenario: W ~ N(0, 1), 257 x 10 with the bias last; X 10,000 x 256 ~ N(0, 1). */
function multiLabelProblem() {
  const n = 10_000, d = 256, K = 10;
  const W = normals((d + 1) * K, 1);
  const X = Float32Array.from(normals(n * d, 2));
  const u = uniforms(n * K, 3);
  const Y = new Float32Array(n * K);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < K; k++) {
      let z = W[d * K + k];
      for (let j = 0; j < d; j++) z += X[i * d + j] * W[j * K + k];
      Y[i * K + k] = u[i * K + k] < 1 / (1 + Math.exp(-z)) ? 1 : 0;
    }
  }
  return { X: { data: X, rows: n, cols: d }, Y: { data: Y, rows: n, cols: K }, W, d, K };
}
const ml = multiLabelProblem();

function correlation(a: number[], b: number[]): number {
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const ma = mean(a), mb = mean(b);
  let sab = 0, saa = 0, sbb = 0;
  a.forEach((x, i) => {
    sab += (x - ma) * (b[i] - mb);
    saa += (x - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  });
  return sab / Math.sqrt(saa * sbb);
}

describe.each(engines)('the model family on %s', (backend) => {
  it('multinomial LogisticRegression reaches 0.94 test accuracy on optdigits, at the optimum of its objective', () => {
    const { Xtrain, ytrain, Xtest, ytest } = digits;
    const model = new LogisticRegression({ C: 1, maxIter: 300, backend }).fit(Xtrain, ytrain);
    expect(model.classes).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(model.coef.rows).toBe(10);
    expect(model.score(Xtest, ytest)).toBeGreaterThanOrEqual(0.94);
    const proba = model.predictProba(Xtest);
    for (let i = 0; i < 20; i++) {
      const row = Array.from(proba.data.subarray(i * 10, i * 10 + 10));
      expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
    }
    // The gradient of scikit-learn's objective at the fitted weights is (close to) zero.
    expect(Math.max(...Array.from(model.lossAndGradient(Xtrain, ytrain).gradient, Math.abs))).toBeLessThan(2e-3);
    model.dispose();
  });

  it('MLPClassifier with one hidden layer of 64 reaches 0.96 test accuracy on optdigits', () => {
    const { Xtrain, ytrain, Xtest, ytest } = digits;
    const model = new MLPClassifier({ hiddenLayerSizes: [64], maxIter: 60, seed: 1, backend }).fit(Xtrain, ytrain);
    expect(model.score(Xtest, ytest)).toBeGreaterThanOrEqual(0.96);
    expect(model.lossCurve[model.lossCurve.length - 1]).toBeLessThan(model.lossCurve[0] / 5);
    model.dispose();
  });

  it('MultiLabelClassifier recovers the weights of the multi-label scenario (AMSGrad, lr 0.005, batch 256)', () => {
    const model = new MultiLabelClassifier({ solver: 'sgd', optimizer: 'amsgrad', learningRate: 0.005, batchSize: 256, maxIter: 150, penalty: 'none', backend });
    model.fit(ml.X, ml.Y);
    const P = model.predictProba(ml.X);
    let bce = 0;
    for (let i = 0; i < P.data.length; i++) {
      const p = Math.min(Math.max(P.data[i], 1e-7), 1 - 1e-7);
      bce -= ml.Y.data[i] ? Math.log(p) : Math.log(1 - p);
    }
    expect(bce / P.data.length).toBeLessThanOrEqual(0.075);
    const learned: number[] = [], truth: number[] = [];
    const coef = model.coef, b = model.intercept;
    for (let k = 0; k < ml.K; k++) {
      for (let j = 0; j < ml.d; j++) {
        learned.push(coef.data[k * ml.d + j]);
        truth.push(ml.W[j * ml.K + k]);
      }
      learned.push(b[k]);
      truth.push(ml.W[ml.d * ml.K + k]);
    }
    expect(correlation(learned, truth)).toBeGreaterThanOrEqual(0.9);
    model.dispose();
  }, 120_000);

  it('gradients of MLPs (one and two hidden layers, odd widths), multinomial and multi-label models match finite differences', () => {
    const n = 60, d = 7;
    const X = { data: Float32Array.from(normals(n * d, 31)), rows: n, cols: d };
    const labels = Array.from(uniforms(n, 32), (u) => Math.floor(u * 3));
    const Y = { data: Float32Array.from(uniforms(n * 5, 33), (u) => (u < 0.4 ? 1 : 0)), rows: n, cols: 5 };
    const cases: [Checkable, unknown][] = [
      [new MLPClassifier({ hiddenLayerSizes: [5], activation: 'tanh', maxIter: 3, backend }).fit(X, labels), labels],
      [new MLPClassifier({ hiddenLayerSizes: [6, 3], activation: 'tanh', alpha: 0.1, maxIter: 3, backend }).fit(X, labels), labels],
      [new MLPClassifier({ hiddenLayerSizes: [9], activation: 'logistic', maxIter: 3, backend }).fit(X, labels.map((v) => v > 0)), labels.map((v) => v > 0)],
      [new MLPClassifier({ hiddenLayerSizes: [3], activation: 'identity', maxIter: 3, backend }).fit(X, Y), Y],
      [new LogisticRegression({ C: 0.5, maxIter: 5, backend }).fit(X, labels), labels],
      [new MultiLabelClassifier({ C: 0.5, maxIter: 5, backend }).fit(X, Y), Y],
    ];
    for (const [model, y] of cases) {
      expect(gradientError(model, X, y, 1e-2), (model as object).constructor.name + JSON.stringify((model as unknown as { options: object }).options)).toBeLessThan(1e-3);
      model.dispose();
    }
  });

  it('saves and reloads every model of the family, predicting identically', () => {
    const { Xtrain, ytrain, Xtest } = digits;
    const few = { data: Xtrain.data.subarray(0, 500 * 64), rows: 500, cols: 64 };
    const models = [
      new LogisticRegression({ maxIter: 20, backend }).fit(few, ytrain.slice(0, 500)),
      new MLPClassifier({ hiddenLayerSizes: [10, 7], maxIter: 5, backend }).fit(few, ytrain.slice(0, 500)),
      new MultiLabelClassifier({ maxIter: 5, backend }).fit(few, Array.from({ length: 500 }, (_, i) => [ytrain[i] % 2, ytrain[i] > 4 ? 1 : 0])),
    ];
    for (const m of models) {
      const copy = (m.constructor as unknown as { fromJSON(o: unknown, opts: object): typeof m }).fromJSON(JSON.parse(JSON.stringify(m.toJSON())), { backend });
      expect(copy.predictProba(Xtest).data).toEqual(m.predictProba(Xtest).data);
      expect(loadFromJSON(m.toJSON())).toBeInstanceOf(m.constructor);
      copy.dispose();
      m.dispose();
    }
  });
});

describe('the backends agree on a seeded MLP epoch', () => {
  it('within 1e-4 relative', () => {
    const { Xtrain, ytrain } = digits;
    const params = backends.map((backend) => {
      const m = new MLPClassifier({ hiddenLayerSizes: [13, 6], maxIter: 1, seed: 3, backend }).fit(Xtrain, ytrain);
      const p = m.getParameters();
      m.dispose();
      return p;
    });
    const ref = params[params.length - 1];
    const scale = Math.max(...Array.from(ref, Math.abs));
    for (const p of params) p.forEach((v, i) => expect(Math.abs(v - ref[i]) / scale).toBeLessThan(1e-4));
  });
});
