import { describe, expect, it } from 'vitest';
import type { Matrix } from '../src/core/matrix.js';
import { checkModelJson, decodeArray, encodeArray, loadFromJSON, registerLoader } from '../src/persist.js';
import {
  LabelEncoder,
  makePipeline,
  MinMaxScaler,
  OneHotEncoder,
  Pipeline,
  pipelineFromJSON,
  SimpleImputer,
  StandardScaler,
  type Transformer,
} from '../src/data/index.js';
import { Xoshiro128 } from '../src/core/rng.js';
import { NearestCentroid } from './helpers/nearestCentroid.js';
import { caught } from './helpers/errors.js';

registerLoader('NearestCentroid', NearestCentroid.fromJSON);


const badJson = (f: () => unknown) => expect(caught(f).code).toBe('BAD_MODEL_JSON');
const viaText = <T>(x: T): unknown => JSON.parse(JSON.stringify(x));
const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('encodeArray / decodeArray', () => {
  it('writes little-endian bytes in standard base64', () => {
    expect(encodeArray(new Uint32Array([1]))).toEqual({ dtype: 'uint32', base64: 'AQAAAA==' });
    // 1.0 as a float64 is 00 00 00 00 00 00 f0 3f.
    expect(encodeArray(new Float64Array([1]))).toEqual({ dtype: 'float64', base64: 'AAAAAAAA8D8=' });
    expect(encodeArray(new Float32Array(6), [2, 3])).toEqual({ dtype: 'float32', shape: [2, 3], base64: 'A'.repeat(32) });
  });

  it('round-trips every bit, NaN, -0, subnormals and infinities included, at every padding length', () => {
    const special = [NaN, -0, 0, 5e-324, 1e-40, -Infinity, Infinity, Math.PI, -1.5e300];
    const rng = new Xoshiro128(1);
    for (let n = 0; n <= 9; n++) {
      const f64 = Float64Array.from({ length: n }, (_, i) => special[i]!);
      const f32 = Float32Array.from(f64);
      const u32 = Uint32Array.from({ length: n }, () => rng.nextU32());
      for (const a of [f64, f32, u32]) {
        const enc = encodeArray(a);
        expect(enc.base64).toBe(bytes(a).toString('base64'));
        const back = decodeArray(viaText(enc), { name: 'a' });
        expect(back.constructor).toBe(a.constructor);
        expect(bytes(back).equals(bytes(a))).toBe(true);
      }
    }
  });

  it('refuses malformed arrays', () => {
    const ok = encodeArray(new Float64Array([1, 2]));
    badJson(() => decodeArray(null, { name: 'a' }));
    badJson(() => decodeArray({ ...ok, dtype: 'int8' }, { name: 'a' }));
    badJson(() => decodeArray({ ...ok, base64: 'AAAA*AAA' }, { name: 'a' }));
    badJson(() => decodeArray({ ...ok, base64: 'AAA' }, { name: 'a' }));
    badJson(() => decodeArray({ dtype: 'float64', base64: 'AAAA' }, { name: 'a' })); // 3 bytes
    badJson(() => decodeArray(ok, { name: 'a', dtype: 'float32' }));
    badJson(() => decodeArray({ ...ok, shape: [3] }, { name: 'a' }));
    badJson(() => decodeArray({ ...ok, shape: [-1, -2] }, { name: 'a' }));
    expect(caught(() => decodeArray(ok, { name: 'StandardScaler.mean', expectedLength: 3 })).message).toBe(
      'BAD_MODEL_JSON: StandardScaler.mean has 2 values, expected 3',
    );
    expect(caught(() => decodeArray(encodeArray(new Float64Array([1, NaN])), { name: 'w', finite: true })).message).toContain('w[1] is NaN');
    expect(decodeArray({ ...ok, shape: [1, 2] }, { name: 'a', expectedLength: 2 })).toEqual(new Float64Array([1, 2]));
  });
});

describe('checkModelJson', () => {
  it('accepts the right envelope and refuses the wrong ones', () => {
    expect(checkModelJson({ name: 'M', version: 2, w: [1] }, 'M', 2)).toEqual({ name: 'M', version: 2, w: [1] });
    for (const bad of [null, undefined, 3, 'M', [{ name: 'M', version: 2 }]]) badJson(() => checkModelJson(bad, 'M', 2));
    expect(caught(() => checkModelJson({ name: 'N', version: 2 }, 'M', 2)).message).toContain('expected a saved M, got name "N"');
    expect(caught(() => checkModelJson({ name: 'M', version: 1 }, 'M', 2)).message).toContain('M version 1 is not supported');
    badJson(() => checkModelJson({ name: 'M', version: '2' }, 'M', 2));
  });

  it('refuses __proto__, constructor and prototype keys anywhere', () => {
    const polluted = [
      '{"name":"M","version":1,"__proto__":{"polluted":true}}',
      '{"name":"M","version":1,"a":[1,{"b":{"__proto__":{"x":1}}}]}',
      '{"name":"M","version":1,"constructor":{"prototype":{}}}',
      '{"name":"M","version":1,"x":{"prototype":1}}',
    ];
    for (const text of polluted) {
      const obj: unknown = JSON.parse(text);
      expect(caught(() => checkModelJson(obj, 'M', 1)).message).toMatch(/contains a key "(__proto__|constructor|prototype)"/);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('transformer JSON', () => {
  const X: Matrix = { data: new Float64Array([1, 10, 0, 2, 20, 1, 1, 35, 0, 4, 20, 1]), rows: 4, cols: 3 };
  const withNaN: Matrix = { data: Float64Array.from(X.data, (v, k) => (k === 4 ? NaN : v)), rows: 4, cols: 3 };

  it.each([
    ['SimpleImputer', () => new SimpleImputer({ strategy: 'median' }), withNaN],
    ['StandardScaler', () => new StandardScaler({ withMean: false }), X],
    ['MinMaxScaler', () => new MinMaxScaler({ featureRange: [-2, 3] }), X],
    ['OneHotEncoder', () => new OneHotEncoder({ handleUnknown: 'ignore' }), X],
  ] as const)('%s round-trips through JSON text exactly', (name, make, data) => {
    const t: Transformer = make();
    t.fit(data);
    const json = viaText(t.toJSON());
    expect(json).toMatchObject({ name, version: 1 });
    const back = loadFromJSON(json) as Transformer;
    expect(back.constructor).toBe(t.constructor);
    expect(bytes(back.transform(data).data).equals(bytes(t.transform(data).data))).toBe(true);
    expect(viaText(back.toJSON())).toEqual(json);
  });

  it('LabelEncoder round-trips its classes', () => {
    const enc = new LabelEncoder().fit([3, 1, 2, 1]);
    const back = LabelEncoder.fromJSON(viaText(enc.toJSON()));
    expect(back.classes).toEqual([1, 2, 3]);
    expect(Array.from(back.transform([2, 3]))).toEqual([1, 2]);
    badJson(() => LabelEncoder.fromJSON({ name: 'LabelEncoder', version: 1, classes: [2, 1] }));
    badJson(() => LabelEncoder.fromJSON({ name: 'LabelEncoder', version: 1, classes: [1, 'a'] }));
    badJson(() => LabelEncoder.fromJSON({ name: 'LabelEncoder', version: 1, classes: [] }));
  });

  it('refuses wrong names, versions, shapes, values and polluted keys', () => {
    const scaler = new StandardScaler().fit(X).toJSON();
    badJson(() => StandardScaler.fromJSON({ ...scaler, name: 'MinMaxScaler' }));
    badJson(() => StandardScaler.fromJSON({ ...scaler, version: 2 }));
    badJson(() => StandardScaler.fromJSON({ ...scaler, var: encodeArray(new Float64Array(2)) }));
    badJson(() => StandardScaler.fromJSON({ ...scaler, mean: encodeArray(new Float64Array([0, NaN, 0])) }));
    badJson(() => StandardScaler.fromJSON({ ...scaler, var: encodeArray(new Float64Array([1, -1, 1])) }));
    badJson(() => StandardScaler.fromJSON({ ...scaler, withMean: 'yes' }));
    badJson(() => StandardScaler.fromJSON({ ...scaler, mean: [0, 0, 0] }));
    badJson(() => StandardScaler.fromJSON(JSON.parse(JSON.stringify(scaler).replace('"withStd"', '"__proto__":{"withStd":false},"withStd"'))));
    const minmax = new MinMaxScaler().fit(X).toJSON();
    badJson(() => MinMaxScaler.fromJSON({ ...minmax, featureRange: [1, 0] }));
    badJson(() => MinMaxScaler.fromJSON({ ...minmax, dataMin: minmax.dataMax, dataMax: minmax.dataMin }));
    const imp = new SimpleImputer().fit(X).toJSON();
    badJson(() => SimpleImputer.fromJSON({ ...imp, strategy: 'mode' }));
    badJson(() => SimpleImputer.fromJSON({ ...imp, statistics: encodeArray(new Float64Array([Infinity, 0, 0])) }));
    const onehot = new OneHotEncoder().fit(X).toJSON();
    badJson(() => OneHotEncoder.fromJSON({ ...onehot, categories: [encodeArray(new Float64Array([2, 1]))] }));
    badJson(() => OneHotEncoder.fromJSON({ ...onehot, handleUnknown: 'warn' }));
    expect(caught(() => new StandardScaler().toJSON()).code).toBe('NOT_FITTED');
  });
});

describe('Pipeline JSON', () => {
  const X = [
    [1, 200, NaN],
    [2, 210, 3],
    [8, 900, 4],
    [9, 950, 5],
    [1.5, NaN, 3],
    [8.5, 920, 4],
  ];
  const y = ['a', 'a', 'b', 'b', 'a', 'b'];

  it('rebuilds every step through the loader registry and predicts identically', () => {
    const pipe = makePipeline(new SimpleImputer(), new StandardScaler(), new NearestCentroid()).fit(X, y);
    const json = viaText(pipe.toJSON()) as { name: string; steps: { name: string }[] };
    expect(json.name).toBe('Pipeline');
    expect(json.steps.map((s) => s.name)).toEqual(['SimpleImputer', 'StandardScaler', 'NearestCentroid']);
    const back = pipelineFromJSON(json);
    expect(back).toBeInstanceOf(Pipeline);
    const Xnew = [
      [3, 400, 4],
      [7, NaN, NaN],
    ];
    expect(back.predict(Xnew)).toEqual(pipe.predict(Xnew));
    expect(back.predict(Xnew)).toEqual(['a', 'b']);
    expect(bytes(back.predictProba(Xnew).data).equals(bytes(pipe.predictProba(Xnew).data))).toBe(true);
    expect(loadFromJSON(json)).toBeInstanceOf(Pipeline);
  });

  it('refuses unknown steps, an empty list and a transformer in last place', () => {
    const json = makePipeline(new StandardScaler(), new NearestCentroid()).fit(X.map((r) => r.map((v) => v || 0)), y).toJSON();
    const steps = json.steps as { name: string }[];
    expect(caught(() => pipelineFromJSON({ ...json, steps: [steps[0], { ...steps[1], name: 'Mystery' }] })).message).toContain('cannot load a saved "Mystery"');
    badJson(() => pipelineFromJSON({ ...json, steps: [] }));
    badJson(() => pipelineFromJSON({ ...json, steps: [steps[1], steps[0]] }));
    badJson(() => pipelineFromJSON({ ...json, version: 3 }));
    badJson(() => loadFromJSON({ version: 1 }));
  });
});
