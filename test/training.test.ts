import { describe, expect, it } from 'vitest';
import { engines } from './helpers/backends.js';
import { breastCancer } from './helpers/data.js';
import { optdigits } from './helpers/optdigits.js';
import { caught } from './helpers/errors.js';
import { LogisticRegression, MLPClassifier, MultiLabelClassifier, makeLogistic, type Matrix } from '../src/index.js';
import { scheduledRate } from '../src/solvers/schedules.js';

const digits = await optdigits();

function rows(X: Matrix, start: number, end: number): Matrix {
  return { data: X.data.slice(start * X.cols, end * X.cols), rows: end - start, cols: X.cols };
}

/** The rows of X at `index`, in that order (repeats allowed). */
function takeRows(X: Matrix, index: number[]): Matrix {
  const data = new Float64Array(index.length * X.cols);
  index.forEach((r, i) => data.set(X.data.subarray(r * X.cols, (r + 1) * X.cols), i * X.cols));
  return { data, rows: index.length, cols: X.cols };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** What the weight test needs of a model. */
interface Fittable {
  fit(X: Matrix, y: never, options?: { sampleWeight?: number[] }): { getParameters(): Float64Array };
}

describe('learning-rate schedules', () => {
  const base = { powerT: 0.5, gamma: 0.5, stepSize: 3 };
  it('follow their formulas', () => {
    expect(scheduledRate({ ...base, schedule: 'constant' }, 0.1, 7, 10, 600)).toBe(0.1);
    expect(scheduledRate({ ...base, schedule: 'invscaling' }, 0.1, 5, 10, 400)).toBeCloseTo(0.1 / 20, 12); // 400^0.5 = 20
    expect([1, 3, 4, 7].map((e) => scheduledRate({ ...base, schedule: 'step' }, 0.1, e, 10, 0))).toEqual([0.1, 0.1, 0.05, 0.025]);
    expect(scheduledRate({ ...base, schedule: 'exponential' }, 0.1, 3, 10, 0)).toBeCloseTo(0.025, 12);
    expect(scheduledRate({ ...base, schedule: 'cosine' }, 0.1, 1, 10, 0)).toBeCloseTo(0.1, 12);
    expect(scheduledRate({ ...base, schedule: 'cosine' }, 0.1, 6, 10, 0)).toBeCloseTo(0.05, 12); // halfway: cos(pi/2) = 0
  });
});

describe.each(engines)('training control on %s', (backend) => {
  it('records the scheduled rate in history, and adaptive divides it by 5 when the loss stalls', () => {
    const { X, y } = makeLogistic(2000, 5, 3);
    const step = new LogisticRegression({ solver: 'sgd', learningRateSchedule: 'step', stepSize: 2, gamma: 0.5, maxIter: 5, tol: 1e-12, nIterNoChange: 99, backend }).fit(X, Array.from(y));
    expect(step.history.map((h) => h.learningRate)).toEqual([0.1, 0.1, 0.05, 0.05, 0.025]);
    const adaptive = new MLPClassifier({ hiddenLayerSizes: [8], learningRateSchedule: 'adaptive', learningRateInit: 0.01, nIterNoChange: 2, tol: 1e-2, maxIter: 40, backend }).fit(X, Array.from(y));
    const rates = adaptive.history.map((h) => h.learningRate);
    expect(rates[0]).toBe(0.01);
    expect(rates.find((r) => r < 0.01)).toBeCloseTo(0.002, 12); // the first cut is 0.01 / 5
    for (let i = 1; i < rates.length; i++) expect([1, 5]).toContainEqual(Math.round(rates[i - 1] / rates[i]));
  });

  it('a strong L1 penalty gives exact zeros, a weaker one fewer of them (sgd and gd)', () => {
    const { Xtrain, ytrain } = digits;
    const binary = ytrain.map((v) => v === 3);
    for (const solver of ['sgd', 'gd'] as const) {
      const zeros = [0.002, 0.05].map((C) => {
        const m = new LogisticRegression({ solver, penalty: 'l1', C, learningRate: solver === 'gd' ? 1 : 0.05, maxIter: 30, backend }).fit(Xtrain, binary);
        const z = Array.from(m.coef.data).filter((v) => v === 0).length;
        m.dispose();
        return z;
      });
      expect(zeros[0]).toBeGreaterThan(32); // most of the 64 pixels gone
      expect(zeros[1]).toBeLessThan(zeros[0]);
    }
    const net = new LogisticRegression({ solver: 'sgd', optimizer: 'adam', penalty: 'elasticnet', l1Ratio: 1, C: 0.002, learningRate: 0.01, maxIter: 20, backend }).fit(Xtrain, ytrain);
    // Through Adam the soft-thresholding still zeroes many of the 640 weights.
    expect(Array.from(net.coef.data).filter((v) => v === 0).length).toBeGreaterThan(64);
    expect(caught(() => new LogisticRegression({ penalty: 'l1' })).message).toMatch(/needs solver 'gd' or 'sgd'/);
  });

  it('early stopping stops where the validation loss rises and keeps the best epoch', () => {
    // 150 noisy rows of 64 features: an MLP with a large rate overfits within a few epochs.
    const { Xtrain, ytrain } = digits;
    const X = rows(Xtrain, 0, 150), y = ytrain.slice(0, 150);
    const Xv = rows(Xtrain, 150, 1150), yv = ytrain.slice(150, 1150);
    const flipped = y.map((v, i) => (i % 3 === 0 ? (v + 1) % 10 : v)); // a third of the labels wrong
    const model = new MLPClassifier({ hiddenLayerSizes: [64], learningRateInit: 0.01, maxIter: 200, nIterNoChange: 5, earlyStopping: true, backend });
    model.fit(X, flipped, { validationData: [Xv, yv] });
    const h = model.history;
    expect(model.nIter).toBeLessThan(200);
    const best = h.reduce((b, e) => (e.valLoss! < b.valLoss! ? e : b));
    expect(h[h.length - 1].valLoss!).toBeGreaterThan(best.valLoss!);
    expect(model.stopReason).toContain(`kept the weights of epoch ${best.epoch}`);
    // The kept weights are the best epoch's: their validation loss is the best one seen.
    const P = model.predictProba(Xv);
    let loss = 0;
    yv.forEach((c, i) => (loss -= Math.log(Math.max(P.data[i * 10 + c], 1e-15))));
    expect(loss / yv.length).toBeCloseTo(best.valLoss!, 4);
    const fromFraction = new MLPClassifier({ hiddenLayerSizes: [16], earlyStopping: true, validationFraction: 0.2, learningRateInit: 0.01, maxIter: 10, backend }).fit(Xtrain, ytrain);
    expect(fromFraction.history.at(-1)!.valAccuracy).toBeGreaterThan(0.85);
  });

  it("gd with learning rate 10 on the unscaled breast cancer data raises DIVERGED and leaves the model unfitted; onDivergence 'stop' keeps finite weights", () => {
    const { X, y } = breastCancer();
    const model = new LogisticRegression({ solver: 'gd', learningRate: 10, maxIter: 100, backend });
    const e = caught(() => model.fit(X, y));
    expect(e.code).toBe('DIVERGED');
    expect(e.message).toMatch(/smaller than 10/);
    // A failed fit leaves the model as it was (DESIGN.md): here, never fitted (test/lifecycle.test.ts has the refit case).
    expect(caught(() => model.coef).code).toBe('NOT_FITTED');
    expect(caught(() => model.predict(X)).code).toBe('NOT_FITTED');
    const reported = new LogisticRegression({ solver: 'gd', learningRate: 10, maxIter: 100, onDivergence: 'stop', backend }).fit(X, y);
    expect(reported.stopReason).toMatch(/diverged at epoch/);
    expect(Array.from(reported.coef.data).filter((v) => !Number.isFinite(v))).toEqual([]);
  });

  it('partialFit over ten chunks reaches the accuracy of fit within 1%', () => {
    const { X, y } = makeLogistic(20_000, 5, 8);
    const labels = Array.from(y);
    const full = new LogisticRegression({ solver: 'sgd', learningRate: 0.05, backend }).fit(X, labels);
    const streamed = new LogisticRegression({ solver: 'sgd', learningRate: 0.05, backend });
    for (let c = 0; c < 10; c++) streamed.partialFit(rows(X, c * 2000, (c + 1) * 2000), labels.slice(c * 2000, (c + 1) * 2000), { classes: [0, 1] });
    expect(streamed.nIter).toBe(10);
    expect(Math.abs(streamed.score(X, labels) - full.score(X, labels))).toBeLessThan(0.01);
    const { Xtrain, ytrain, Xtest, ytest } = digits;
    const mlp = new MLPClassifier({ hiddenLayerSizes: [32], learningRateInit: 0.01, backend });
    for (let pass = 0; pass < 3; pass++) {
      for (let c = 0; c < 10; c++) mlp.partialFit(rows(Xtrain, c * 382, (c + 1) * 382), ytrain.slice(c * 382, (c + 1) * 382), { classes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] });
    }
    expect(mlp.score(Xtest, ytest)).toBeGreaterThan(0.9);
    expect(caught(() => new MLPClassifier({ backend }).partialFit(Xtrain, ytrain)).message).toMatch(/needs \{ classes \}/);
  });

  it("solver 'gd' takes the optimizer too: full-batch Adam reaches the L-BFGS optimum", () => {
    const { X, y } = makeLogistic(2000, 5, 9);
    const labels = Array.from(y);
    const exact = new LogisticRegression({ tol: 1e-8, maxIter: 500, backend }).fit(X, labels);
    const adam = new LogisticRegression({ solver: 'gd', optimizer: 'adam', learningRate: 0.05, maxIter: 400, tol: 1e-9, nIterNoChange: 50, backend }).fit(X, labels);
    Array.from(adam.coef.data).forEach((c, j) => expect(Math.abs(c - exact.coef.data[j])).toBeLessThan(2e-3));
    expect(adam.history.at(-1)!.loss).toBeLessThan(adam.history[0].loss);
    const { Xtrain, ytrain, Xtest, ytest } = digits;
    const momentum = new LogisticRegression({ solver: 'gd', optimizer: 'nesterov', learningRate: 0.5, maxIter: 100, backend }).fit(Xtrain, ytrain);
    expect(momentum.score(Xtest, ytest)).toBeGreaterThan(0.9);
  });

  it('class weights equal their sample weights (MLP)', () => {
    const { Xtrain, ytrain } = digits;
    const X = rows(Xtrain, 0, 600), y = ytrain.slice(0, 600);
    const heavy = y.map((v) => (v === 3 ? 5 : 1));
    const a = new MLPClassifier({ hiddenLayerSizes: [8], maxIter: 5, classWeight: { 3: 5 }, backend }).fit(X, y);
    const b = new MLPClassifier({ hiddenLayerSizes: [8], maxIter: 5, backend }).fit(X, y, { sampleWeight: heavy });
    Array.from(a.getParameters()).forEach((v, i) => expect(v).toBeCloseTo(b.getParameters()[i], 5));
    // Weights that were ignored on both sides would agree too: the unweighted fit must not.
    const plain = new MLPClassifier({ hiddenLayerSizes: [8], maxIter: 5, backend }).fit(X, y);
    expect(maxAbsDiff(a.getParameters(), plain.getParameters())).toBeGreaterThan(0.01);
  });

  // A weight of 2 is a duplicated row: the weighted fit equals the fit on the rows repeated, and
  // differs from the unweighted fit, for every model. Full-batch L-BFGS, so the two fits see the
  // same objective and differ only by rounding: float64 within 1e-6, float32 within 1e-2; the
  // unweighted fit is at least 0.1 away in each.
  describe.each([['float64', 1e-6], ['float32', 1e-2]] as const)('sample weights reach every model (%s)', (dtype, tol) => {
    const { Xtrain, ytrain } = digits;
    const n = 300;
    const order = Array.from({ length: n }, (_, i) => i);
    const sampleWeight = order.map((i) => (i % 3 === 0 ? 2 : 1));
    const repeated = order.flatMap((i) => (sampleWeight[i] === 2 ? [i, i] : [i]));
    const X = takeRows(Xtrain, order), Xrep = takeRows(Xtrain, repeated);
    const lbfgs = { tol: 1e-10, maxIter: 300, dtype, backend };
    const cases: [string, () => Fittable, (i: number) => number | number[]][] = [
      ['binary LogisticRegression', () => new LogisticRegression(lbfgs), (i) => (ytrain[i] === 3 ? 1 : 0)],
      ['multinomial LogisticRegression', () => new LogisticRegression(lbfgs), (i) => ytrain[i]],
      // alpha 0: the MLP's L2 term is alpha / (2 n) ||W||^2 with n the row count, not the weight
      // sum, so with a penalty a weighted fit is not its repeated rows (see the report).
      ['MLPClassifier', () => new MLPClassifier({ hiddenLayerSizes: [8], solver: 'lbfgs', maxIter: 30, alpha: 0, dtype, backend }), (i) => ytrain[i]],
      ['MultiLabelClassifier', () => new MultiLabelClassifier(lbfgs), (i) => [ytrain[i] % 2, ytrain[i] > 4 ? 1 : 0]],
    ];
    it.each(cases)('%s', (_, make, label) => {
      const weighted = make().fit(X, order.map(label) as never, { sampleWeight }).getParameters();
      const duplicated = make().fit(Xrep, repeated.map(label) as never).getParameters();
      const unweighted = make().fit(X, order.map(label) as never).getParameters();
      expect(maxAbsDiff(weighted, duplicated)).toBeLessThan(tol);
      expect(maxAbsDiff(weighted, unweighted)).toBeGreaterThan(0.1);
    });
  });
});

describe('convergence warnings', () => {
  it('a solver stopped by maxIter leaves a warning object; a converged one none', () => {
    const { X, y } = breastCancer();
    const short = new LogisticRegression({ C: 10000, maxIter: 3, backend: 'js' }).fit(X, y);
    expect(short.converged).toBe(false);
    expect(short.warning).toEqual({ code: 'NOT_CONVERGED', message: expect.stringMatching(/did not converge: reached maxIter = 3.*Increase maxIter/) });
    expect(new LogisticRegression({ C: 10000, backend: 'js' }).fit(X, y).warning).toBeNull();
  });
});
