import { describe, expect, it, vi } from 'vitest';
import { LogisticRegression, init } from '../src/index.js';
import { caught } from './helpers/errors.js';


const X = [[0, 1], [1, 0], [2, 1], [3, 0]];
const y = [0, 1, 0, 1];

describe('typed errors', () => {
  it('a model used before init says to call init', async () => {
    // Whatever ran before in this file (or this worker), a fresh copy of the library has not
    // been initialised: init the shared copy first to prove the fresh one does not see it.
    await init();
    vi.resetModules();
    const fresh = await import('../src/index.js');
    let thrown: unknown = null;
    try {
      new fresh.LogisticRegression().fit(X, y);
    } catch (e) {
      thrown = e;
    }
    // Not `caught`: the fresh copy has its own WasmlearnError class.
    expect(thrown).toBeInstanceOf(fresh.WasmlearnError);
    expect((thrown as InstanceType<typeof fresh.WasmlearnError>).code).toBe('NOT_INITIALIZED');
    expect((thrown as Error).message).toMatch(/await init\(\)/);
    // The same call works once that copy is initialised: the error was about init, nothing else.
    await fresh.init();
    expect(new fresh.LogisticRegression().fit(X, y).predict(X)).toHaveLength(4);
  });

  it('bad input is refused before any work, naming what is wrong', async () => {
    await init();
    const m = new LogisticRegression();
    let e = caught(() => m.fit(X, [0, 1, 0]));
    expect([e.code, e.message]).toEqual(['SHAPE_MISMATCH', expect.stringMatching(/4 rows but y has 3/)]);
    e = caught(() => m.fit([[0, 1], [1], [2, 1], [3, 0]], y));
    expect([e.code, e.message]).toEqual(['SHAPE_MISMATCH', expect.stringMatching(/row 1 has 1 values/)]);
    e = caught(() => m.fit([[0, 1], [1, 0], [2, NaN], [3, 0]], y));
    expect([e.code, e.message]).toEqual(['NON_FINITE_INPUT', expect.stringMatching(/NaN at row 2, column 1/)]);
    e = caught(() => m.fit({ data: Float32Array.of(0, 1, 1, Infinity), rows: 2, cols: 2 }, [0, 1]));
    expect([e.code, e.message]).toEqual(['NON_FINITE_INPUT', expect.stringMatching(/Infinity at row 1, column 1/)]);
    e = caught(() => m.fit(X, [1, 1, 1, 1]));
    expect([e.code, e.message]).toEqual(['BAD_LABEL', expect.stringMatching(/single class \(1\)/)]);
    e = caught(() => m.fit(X, [0, 1, 'a', 1] as never));
    expect([e.code, e.message]).toEqual(['BAD_LABEL', expect.stringMatching(/y\[2\] is "a"/)]);
    e = caught(() => m.fit([], []));
    expect([e.code, e.message]).toEqual(['EMPTY_INPUT', expect.stringMatching(/X has no rows/)]);
    e = caught(() => m.fit([[], []], [0, 1]));
    expect(e.code).toBe('EMPTY_INPUT');
    e = caught(() => m.fit(X, y, { sampleWeight: [1, 1, -1, 1] }));
    expect([e.code, e.message]).toEqual(['NON_FINITE_INPUT', expect.stringMatching(/sampleWeight\[2\] is -1/)]);
  });

  it('using a model in the wrong state is refused', async () => {
    await init();
    const m = new LogisticRegression();
    expect(caught(() => m.predict(X)).code).toBe('NOT_FITTED');
    expect(caught(() => m.coef).code).toBe('NOT_FITTED');
    m.fit(X, y);
    const e = caught(() => m.predict([[1, 2, 3]]));
    expect([e.code, e.message]).toEqual(['SHAPE_MISMATCH', expect.stringMatching(/3 features but the model was fitted with 2/)]);
    m.dispose();
    for (const call of [() => m.predict(X), () => m.fit(X, y), () => m.coef, () => m.score(X, y)]) {
      expect(caught(call).code).toBe('DISPOSED');
    }
  });

  it('bad options are refused at construction', () => {
    expect(caught(() => new LogisticRegression({ C: 0 })).message).toMatch(/C must be a positive/);
    expect(caught(() => new LogisticRegression({ solver: 'newton' as never })).message).toMatch(/solver must be one of 'lbfgs', 'gd', 'sgd'/);
    expect(caught(() => new LogisticRegression({ batchSize: 2.5 })).code).toBe('BAD_OPTION');
    expect(caught(() => new LogisticRegression({ backend: 'gpu' as never })).code).toBe('BAD_OPTION');
  });

  it('user data is never modified in place', async () => {
    await init();
    const Xm = { data: Float64Array.of(0, 1, 1, 0, 2, 1, 3, 0), rows: 4, cols: 2 };
    const copy = Float64Array.from(Xm.data);
    const labels = [0, 1, 0, 1];
    const m = new LogisticRegression({ solver: 'sgd', maxIter: 3 }).fit(Xm, labels, { sampleWeight: [1, 2, 1, 2] });
    m.predictProba(Xm);
    expect(Xm.data).toEqual(copy);
    expect(labels).toEqual([0, 1, 0, 1]);
  });
});
