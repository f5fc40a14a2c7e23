import { describe, expect, it } from 'vitest';
import { engines } from './helpers/backends.js';
import { dataPath } from './helpers/data.js';
import {
  init, LogisticRegression, SimpleImputer, StandardScaler, makePipeline, pipelineFromJSON, readCsv, WasmlearnError,
} from '../src/index.js';

const SKLEARN_COEF = [0.5346, 0.0113, 0.3238, 0.2376, 0.0583, 0.4282, 0.4121, 0.1582, 0.5358];

describe.each(engines)('the breast-cancer workflow in one pipeline on %s', (backend) => {
  it('reads the CSV, imputes the median, fits scikit-learn\'s optimum, and survives a save and reload', async () => {
    const columns = [1, 2, 3, 4, 5, 6, 7, 8, 9]; // drop the sample id (column 0)
    const { X, y } = await readCsv(dataPath('breast-cancer-wisconsin.data'), { header: false, target: 10, columns });
    const pipe = makePipeline(new SimpleImputer({ strategy: 'median' }), new LogisticRegression({ C: 10000, backend }));
    pipe.fit(X, y!);
    const model = pipe.model as LogisticRegression;
    expect(model.classes).toEqual([2, 4]);
    Array.from(model.coef.data).forEach((c, j) => expect(Math.abs(c - SKLEARN_COEF[j])).toBeLessThan(0.005));
    expect(Math.abs(model.intercept[0] + 9.7145)).toBeLessThan(0.01);
    expect(pipe.score(X, y!).toFixed(3)).toBe('0.970');

    const saved = JSON.parse(JSON.stringify(pipe.toJSON()));
    await init({ backend }); // a loaded model runs on the default backend: make it this one
    const loaded = pipelineFromJSON(saved);
    await init();
    expect(loaded.predict(X)).toEqual(pipe.predict(X));
    expect(Array.from(loaded.predictProba(X).data)).toEqual(Array.from(pipe.predictProba(X).data));
    pipe.dispose();
    loaded.dispose();
  });
});

describe('LogisticRegression saved as JSON', () => {
  const X = [[0, 1], [1, 0], [2, 1], [3, 0], [4, 2], [5, 1]];
  const y = ['no', 'no', 'no', 'yes', 'yes', 'yes'];

  it('round-trips exactly, on any backend', () => {
    const model = new LogisticRegression({ C: 3, backend: 'js' }).fit(X, y);
    const json = JSON.parse(JSON.stringify(model.toJSON()));
    for (const [backend] of engines) {
      const loaded = LogisticRegression.fromJSON(json, { backend });
      expect(loaded.classes).toEqual(['no', 'yes']);
      expect(loaded.options.C).toBe(3);
      expect(Array.from(loaded.coef.data)).toEqual(Array.from(model.coef.data));
      expect(loaded.predict(X)).toEqual(model.predict(X));
      loaded.dispose();
    }
  });

  it('refuses malformed input with BAD_MODEL_JSON', () => {
    const good = new LogisticRegression({ backend: 'js' }).fit(X, y).toJSON();
    const nanCoef = { ...good, coef: { dtype: 'float32', base64: btoa(String.fromCharCode(...new Uint8Array(Float32Array.of(NaN, 1).buffer))) } };
    const cases: unknown[] = [
      null,
      { ...good, name: 'MLPClassifier' },
      { ...good, version: 99 },
      { ...good, nFeatures: 3 },
      nanCoef,
      { ...good, classes: ['yes', 'no'] },
      { ...good, classes: ['no'] },
      { ...good, options: { ...(good.options as object), C: -1 } },
      JSON.parse(`{"name":"LogisticRegression","version":1,"__proto__":{"polluted":true}}`),
    ];
    for (const bad of cases) {
      let err: unknown;
      try {
        LogisticRegression.fromJSON(bad);
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(bad)?.slice(0, 80)).toBeInstanceOf(WasmlearnError);
      expect((err as WasmlearnError).code).toBe('BAD_MODEL_JSON');
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a scaler and a model chain like scikit-learn\'s make_pipeline', () => {
    const pipe = makePipeline(new StandardScaler(), new LogisticRegression({ backend: 'js' })).fit(X, y);
    expect(pipe.predict([[0, 0], [6, 2]])).toEqual(['no', 'yes']);
  });
});
