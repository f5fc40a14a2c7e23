// Issue #11's reproducers against the estimators, each as the user wrote it: now a typed error, a
// correct result, or bounded time. (The CSV, CLI, transformer, layer and memory reproducers are in
// data-*.test.ts, cli-hostile.test.ts, layers-*.test.ts and memory-limits.test.ts.)
import { describe, expect, it } from 'vitest';
import { backends } from './helpers/backends.js';
import { caught } from './helpers/errors.js';
import { LogisticRegression, MLPClassifier, MultiLabelClassifier, WasmlearnError, type Matrix } from '../src/index.js';

const X4 = [[0, 1], [1, 0], [2, 3], [3, 1]];
const y4 = [0, 1, 0, 1];
const y3 = [0, 1, 2, 1];

/** Runs fn; the outcome is a value or a WasmlearnError, never another exception. */
function typedOrValue<T>(fn: () => T): T | WasmlearnError {
  try {
    return fn();
  } catch (e) {
    expect(e).toBeInstanceOf(WasmlearnError);
    return e as WasmlearnError;
  }
}

describe.each(backends)('issue #11 reproducers on %s', (backend) => {
  it('batchSize 2^26 .. 2^32 means the whole data, as in scikit-learn: same model as batchSize n, in bounded time', () => {
    const whole = new LogisticRegression({ solver: 'sgd', batchSize: 4, maxIter: 5, backend }).fit(X4, y4).predictProba(X4);
    for (const batchSize of [2 ** 26, 2 ** 28, 2 ** 30 + 1, 2 ** 31, 2 ** 32]) {
      const t0 = performance.now();
      const P = new LogisticRegression({ solver: 'sgd', batchSize, maxIter: 5, backend }).fit(X4, y4).predictProba(X4);
      expect(performance.now() - t0).toBeLessThan(5_000);
      expect(Array.from(P.data)).toEqual(Array.from(whole.data));
      const multi = new LogisticRegression({ solver: 'sgd', batchSize, maxIter: 2, backend }).fit(X4, y3).predictProba(X4);
      expect(Array.from(multi.data).filter((p) => !(p >= 0 && p <= 1))).toEqual([]);
    }
  });

  it('a hand-edited model file with nFeatures 2^28 is BAD_MODEL_JSON before anything is allocated', () => {
    const saved = new MLPClassifier({ hiddenLayerSizes: [3], maxIter: 2, backend }).fit(X4, y4).toJSON() as Record<string, unknown>;
    expect(caught(() => MLPClassifier.fromJSON({ ...saved, nFeatures: 2 ** 28 }, { backend })).code).toBe('BAD_MODEL_JSON');
    const lr = new LogisticRegression({ backend }).fit(X4, y4).toJSON() as Record<string, unknown>;
    expect(caught(() => LogisticRegression.fromJSON({ ...lr, nFeatures: 2 ** 28 }, { backend })).code).toBe('BAD_MODEL_JSON');
  });

  it('overflow to NaN: a multinomial predictProba([[3e38, -3e38, 0]]) is a probability row; float64 near 7e300 too', () => {
    const X = [[0, 1, 0], [1, 0, 1], [2, 3, -1], [3, 1, 2]];
    for (const [dtype, big] of [['float32', 3e38], ['float64', 7e300]] as const) {
      const P = new LogisticRegression({ dtype, backend }).fit(X, y3).predictProba([[big, -big, 0]]);
      expect(Array.from(P.data).filter((p) => !(p >= 0 && p <= 1))).toEqual([]);
      expect(Array.from(P.data).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    }
  });

  it("gd with learningRate 1e308, maxIter 1 is DIVERGED, never a model with Infinity coefficients", () => {
    expect(caught(() => new LogisticRegression({ solver: 'gd', learningRate: 1e308, maxIter: 1, backend }).fit(X4, y4)).code).toBe('DIVERGED');
    const stopped = new LogisticRegression({ solver: 'gd', learningRate: 1e308, maxIter: 1, onDivergence: 'stop', backend }).fit(X4, y4);
    expect(Array.from(stopped.coef.data).filter((v) => !Number.isFinite(v))).toEqual([]);
    expect(Array.from(stopped.predictProba(X4).data).filter((v) => !Number.isFinite(v))).toEqual([]);
  });

  it("an MLP stopped by onDivergence 'stop' predicts finite probabilities (its padding restored with the weights)", () => {
    const X = Array.from({ length: 40 }, (_, i) => [i, (i * 7) % 11, (i * 3) % 5]);
    const y = X.map((r) => (r[0] > 20 ? 1 : 0));
    const m = new MLPClassifier({ solver: 'sgd', learningRateInit: 1e5, momentum: 0, maxIter: 10, onDivergence: 'stop', backend }).fit(X, y);
    expect(m.warning?.code).toBe('DIVERGED');
    expect(Array.from(m.predictProba(X).data).filter((v) => !Number.isFinite(v))).toEqual([]);
  });

  it('inputs a JavaScript caller really passes are typed errors: BigInt cells and labels, a Symbol option, null arrays', () => {
    const codes = [
      () => new LogisticRegression({ backend }).fit([[1n, 2], [3, 4]] as never, [0, 1]),
      () => new LogisticRegression({ backend }).fit(X4, [0n, 1n, 0n, 1n] as never),
      () => new LogisticRegression({ solver: Symbol('sgd') as never, backend }),
      () => new LogisticRegression({ backend }).fit(X4, y4, { sampleWeight: null as never }),
      () => new LogisticRegression({ backend }).fit(X4, y4).score(X4, null as never),
      () => new LogisticRegression({ solver: 'sgd', backend }).partialFit(X4, null as never, { classes: [0, 1] }),
      () => new MultiLabelClassifier({ backend }).fit(X4, null as never),
      () => new MLPClassifier({ hiddenLayerSizes: 10, maxIter: 2, backend }).fit(X4, y4).predict([[Symbol('x'), 1]] as never),
    ].map((fn) => caught(fn).code);
    expect(codes).toEqual(['NON_FINITE_INPUT', 'BAD_LABEL', 'BAD_OPTION', 'BAD_OPTION', 'SHAPE_MISMATCH', 'SHAPE_MISMATCH', 'SHAPE_MISMATCH', 'NON_FINITE_INPUT']);
  });

  it('found by the hostile suite: validationData of another width, a Promise as classWeight, classes of length -1', () => {
    const Y: Matrix = { data: Float64Array.from([1, 0, 0, 1]), rows: 4, cols: 1 };
    expect(caught(() => new MultiLabelClassifier({ backend }).fit(X4, Y, { validationData: [[[0]], [[0]]] })).code).toBe('SHAPE_MISMATCH');
    expect(caught(() => new MLPClassifier({ hiddenLayerSizes: [2], maxIter: 2, backend }).fit(X4, y4, { validationData: [[[0]], [0]] })).code).toBe('SHAPE_MISMATCH');
    expect(caught(() => new LogisticRegression({ classWeight: Promise.resolve(1) as never, backend })).code).toBe('BAD_OPTION');
    expect(caught(() => new LogisticRegression({ solver: 'sgd', backend }).partialFit(X4, y4, { classes: { length: -1 } as never })).code).toBe('SHAPE_MISMATCH');
  });

  it("a model fitted with classWeight { constructor: 2, b: 1 } loads from its own toJSON; unknown option keys are refused when built", () => {
    const labels = ['constructor', 'b', 'constructor', 'b'];
    const m = new LogisticRegression({ classWeight: { constructor: 2, b: 1 }, backend }).fit(X4, labels);
    const back = LogisticRegression.fromJSON(JSON.parse(JSON.stringify(m.toJSON())), { backend });
    expect(back.predict(X4)).toEqual(m.predict(X4));
    expect(Array.from(back.coef.data)).toEqual(Array.from(m.coef.data));
    expect(caught(() => new LogisticRegression({ maxIters: 3 } as never)).code).toBe('BAD_OPTION');
  });

  it('re-entrancy: dispose or fit inside onEpochEnd is BUSY on every estimator; the outer fit finishes', () => {
    const Y: Matrix = { data: Float64Array.from([1, 0, 0, 1, 1, 1, 0, 0]), rows: 4, cols: 2 };
    const cases: [{ fit(X: unknown, y: unknown, o?: object): unknown; dispose(): void; predictProba(X: unknown): Matrix }, unknown][] = [
      [new LogisticRegression({ solver: 'sgd', maxIter: 2, backend }), y4],
      [new LogisticRegression({ solver: 'sgd', maxIter: 2, backend }), y3],
      [new MultiLabelClassifier({ solver: 'sgd', maxIter: 2, backend }), Y],
      [new MLPClassifier({ hiddenLayerSizes: [2], maxIter: 2, backend }), y4],
    ];
    for (const [model, y] of cases) {
      const seen: string[] = [];
      model.fit(X4, y, { onEpochEnd: () => void seen.push(caught(() => model.dispose()).code, caught(() => model.fit(X4, y)).code) });
      expect(seen).toEqual(['BUSY', 'BUSY', 'BUSY', 'BUSY']);
      expect(model.predictProba(X4).rows).toBe(4);
    }
  });

  it('a failed refit leaves every model as it was: a multinomial refit ending in DIVERGED keeps its previous fit', () => {
    const X = [[0, 1], [1, 0], [2, 3], [3, 1], [1, 1], [2, 2]];
    const y = [0, 1, 2, 1, 0, 2];
    const m = new LogisticRegression({ solver: 'gd', learningRate: 0.1, backend }).fit(X, y);
    const before = Array.from(m.predictProba(X).data);
    m.setParams({ learningRate: 1e6 });
    const outcome = typedOrValue(() => m.fit(X.map((r) => r.map((v) => v * 1e3)), y));
    expect(outcome).toBeInstanceOf(WasmlearnError);
    expect((outcome as WasmlearnError).code).toBe('DIVERGED');
    expect(Array.from(m.predictProba(X).data)).toEqual(before);
  });
});
