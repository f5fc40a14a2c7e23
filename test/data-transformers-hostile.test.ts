// Hostile input for transformers, splits, pipelines and saved files (issue #11): strict options,
// finite outputs from finite input (or a typed error naming the column or cell), labels as data,
// bounded nesting, sizes checked before anything is allocated. fast-check drives the properties.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WasmlearnError } from '../src/core/errors.js';
import type { Matrix } from '../src/core/matrix.js';
import {
  crossValScore,
  kFold,
  LabelEncoder,
  makePipeline,
  MinMaxScaler,
  OneHotEncoder,
  Pipeline,
  pipelineFromJSON,
  SimpleImputer,
  StandardScaler,
  trainTestSplit,
  type Transformer,
} from '../src/data/index.js';
import { MAX_PIPELINE_DEPTH } from '../src/data/pipeline.js';
import { checkModelJson, decodeArray, encodeArray, loadFromJSON, registerLoader } from '../src/persist.js';
import { NearestCentroid } from './helpers/nearestCentroid.js';
import { caught } from './helpers/errors.js';

registerLoader('NearestCentroid', NearestCentroid.fromJSON);

const viaText = <T>(x: T): any => JSON.parse(JSON.stringify(x));
const f32 = (rows: number[][]): Matrix => ({ data: Float32Array.from(rows.flat()), rows: rows.length, cols: rows[0]!.length });
const finite = (m: Matrix) => m.data.every((v) => Number.isFinite(v));
/** Runs f; a WasmlearnError is returned, anything else thrown fails the test. */
function typed<T>(f: () => T): T | WasmlearnError {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof WasmlearnError)) throw e;
    return e;
  }
}

describe('scalers never emit Infinity or NaN from finite input', () => {
  it('MinMaxScaler: a subnormal range counts as constant (scikit-learn: below 10 epsilon)', () => {
    const s = new MinMaxScaler().fit([[0], [5e-324]]);
    expect(Array.from(s.transform([[1]]).data)).toEqual([1]);
    expect(finite(s.transform([[0], [5e-324], [-3]]))).toBe(true);
  });

  it('StandardScaler: a float32 column spread below the smallest normal float32 counts as constant', () => {
    const s = new StandardScaler().fit(f32([[0], [1e-39]]));
    expect(s.var![0]).toBe(0);
    const out = s.transform(f32([[1]]));
    expect(out.data).toBeInstanceOf(Float32Array);
    expect(finite(out)).toBe(true);
    expect(out.data[0]).toBeCloseTo(1, 6);
    // In float64 the same spread is an ordinary (tiny) scale.
    expect(new StandardScaler().fit([[0], [1e-39]]).scale![0]).toBeCloseTo(5e-40, 50);
  });

  it('a column whose range overflows is refused at fit, naming it', () => {
    for (const S of [StandardScaler, MinMaxScaler]) {
      const e = caught(() => new S().fit([[1, -1.7e308], [2, 1.7e308]]));
      expect(e.code).toBe('NON_FINITE_INPUT');
      expect(e.message).toContain('column 1 spans -1.7e+308 to 1.7e+308, a range that overflows a double');
    }
    expect(caught(() => new StandardScaler().fit([[0], [1e200]])).message).toContain('the variance of column 0 overflows a double');
    expect(caught(() => new MinMaxScaler({ featureRange: [0, 1e300] }).fit([[0], [1e-10]])).message).toContain('column 0 spans 0 to 1e-10');
  });

  it('sums that overflow still give the mean of large finite values', () => {
    const big = [[1.5e308], [1.7e308], [1.6e308]];
    expect(new SimpleImputer().fit([...big, [NaN]]).statistics![0]).toBeCloseTo(1.6e308, -300);
    expect(new StandardScaler().fit([[1.6e308], [1.6e308]]).mean![0]).toBe(1.6e308);
    expect(new SimpleImputer({ strategy: 'median' }).fit([[1.7e308], [1.6e308]]).statistics![0]).toBeCloseTo(1.65e308, -300);
  });

  it('a value that would map beyond the output range is refused at transform, naming the cell', () => {
    const e = caught(() => new MinMaxScaler().fit([[0], [0.5]]).transform([[1], [1e308]]));
    expect(e.code).toBe('NON_FINITE_INPUT');
    expect(e.message).toContain("MinMaxScaler: X[1][0] = 1e+308 maps to a value beyond float64's range");
    expect(caught(() => new StandardScaler().fit(f32([[0], [1e-30]])).transform(f32([[1e30]]))).message).toMatch(/X\[0\]\[0\] = .* beyond float32's range/);
    expect(caught(() => new SimpleImputer({ strategy: 'constant', fillValue: 1e300 }).fit(f32([[1], [NaN]])).transform(f32([[NaN]]))).code).toBe('NON_FINITE_INPUT');
  });

  const extreme = fc.oneof(
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.constantFrom(0, -0, 5e-324, -5e-324, 1e-39, 1.7e308, -1.7e308, 1e154, 1e-310),
    fc.integer({ min: -5, max: 5 }),
  );
  const matrix = fc.integer({ min: 1, max: 4 }).chain((cols) =>
    fc.record({ rows: fc.array(fc.array(extreme, { minLength: cols, maxLength: cols }), { minLength: 1, maxLength: 6 }), float32: fc.boolean() }),
  );
  const asInput = ({ rows, float32 }: { rows: number[][]; float32: boolean }) => (float32 ? f32(rows) : rows);
  const makers: [string, () => Transformer][] = [
    ['StandardScaler', () => new StandardScaler()],
    ['StandardScaler without mean', () => new StandardScaler({ withMean: false })],
    ['MinMaxScaler', () => new MinMaxScaler()],
    ['MinMaxScaler [-1e10, 1e10]', () => new MinMaxScaler({ featureRange: [-1e10, 1e10] })],
    ['SimpleImputer mean', () => new SimpleImputer()],
    ['SimpleImputer median', () => new SimpleImputer({ strategy: 'median' })],
    ['OneHotEncoder', () => new OneHotEncoder({ handleUnknown: 'ignore' })],
  ];

  for (const [name, make] of makers) {
    it(`${name}: finite output or a WasmlearnError, on any finite data (fast-check)`, () => {
      fc.assert(
        fc.property(matrix, matrix, (train, test) => {
          const t = make();
          const fitted = typed(() => t.fit(asInput(train)));
          if (fitted instanceof WasmlearnError) {
            expect(fitted.code).toBe('NON_FINITE_INPUT');
            return;
          }
          // Its own training data always transforms.
          const own = t.transform(asInput(train));
          expect(finite(own)).toBe(true);
          if (test.rows[0]!.length !== train.rows[0]!.length) return;
          const other = typed(() => t.transform(asInput(test)));
          if (other instanceof WasmlearnError) expect(other.code).toBe('NON_FINITE_INPUT');
          else expect(finite(other)).toBe(true);
          // A saved and reloaded transformer gives the same output.
          const back = loadFromJSON(viaText(t.toJSON())) as Transformer;
          expect(Buffer.from(back.transform(asInput(train)).data.buffer).equals(Buffer.from(own.data.buffer))).toBe(true);
        }),
        { numRuns: 300, seed: 23 },
      );
    });
  }
});

describe('BigInt, Symbol and other non-numbers are typed errors', () => {
  const cells: unknown[] = [1n, Symbol('s'), '1', null, undefined, {}, [1], { valueOf: () => 1 }];
  it('in X, for every transformer and split', () => {
    for (const v of cells) {
      const X = [[1, 2], [3, v]] as number[][];
      for (const t of [new StandardScaler(), new MinMaxScaler(), new SimpleImputer(), new OneHotEncoder()]) {
        expect(['NON_FINITE_INPUT', 'SHAPE_MISMATCH']).toContain(caught(() => t.fit(X)).code);
        expect(['NON_FINITE_INPUT', 'SHAPE_MISMATCH']).toContain(caught(() => t.fit([[1, 2], [3, 4]]).transform(X)).code);
      }
      expect(['NON_FINITE_INPUT', 'SHAPE_MISMATCH']).toContain(caught(() => trainTestSplit(X, [0, 1])).code);
    }
    expect(caught(() => new StandardScaler().fit([[1], [2n]] as unknown as number[][])).message).toContain('X[1][0] is 2n (a BigInt), not a number');
    expect(caught(() => new StandardScaler().fit('abc' as unknown as number[][])).code).toBe('SHAPE_MISMATCH');
  });

  it('as labels, for LabelEncoder', () => {
    const enc = new LabelEncoder();
    for (const y of [undefined, null, 'abc', 42, { length: 1e15 }, { length: 2, 0: 'a', 1: 'b' }]) expect(caught(() => enc.fit(y as unknown as string[])).code).toBe('SHAPE_MISMATCH');
    expect(caught(() => enc.fit([1n, 2n] as unknown as number[])).message).toBe('BAD_LABEL: y[0] is 1n (a BigInt); labels must be numbers (not NaN), booleans or strings');
    expect(caught(() => enc.fit(['a', Symbol('b')] as unknown as string[])).code).toBe('BAD_LABEL');
    expect(caught(() => enc.fit([{ toString: () => { throw new Error('x'); } }] as unknown as string[])).code).toBe('BAD_LABEL');
    enc.fit(['a', 'b']);
    expect(caught(() => enc.transform([3n] as unknown as string[])).message).toContain('y[0] = 3n (a BigInt) is not a class seen in fit');
    expect(caught(() => enc.transform(undefined as unknown as string[])).code).toBe('SHAPE_MISMATCH');
    expect(caught(() => enc.inverseTransform(undefined as unknown as number[])).code).toBe('SHAPE_MISMATCH');
    expect(caught(() => enc.inverseTransform([0n] as unknown as number[])).code).toBe('BAD_LABEL');
  });

  it('in split options and labels', () => {
    const X = [[1], [2], [3], [4]];
    expect(caught(() => trainTestSplit(X, undefined as unknown as number[])).code).toBe('SHAPE_MISMATCH');
    expect(caught(() => trainTestSplit(X, 'abcd' as unknown as number[])).code).toBe('SHAPE_MISMATCH');
    expect(caught(() => trainTestSplit(X, [1, 2, 1, 2], { seed: 1n as unknown as number })).code).toBe('BAD_OPTION');
    expect(caught(() => trainTestSplit(X, [1, 2, 1, 2], { testSize: Symbol('x') as unknown as number })).code).toBe('BAD_OPTION');
    expect(caught(() => trainTestSplit(X, [1n, 2n, 1n, 2n] as unknown as number[], { stratify: true })).code).toBe('BAD_LABEL');
    expect(caught(() => trainTestSplit(X, [1, 2, 1, 2], { stratify: 'yes' as unknown as boolean })).code).toBe('SHAPE_MISMATCH');
    expect(caught(() => kFold(10, { stratify: 5 as unknown as number[] })).code).toBe('SHAPE_MISMATCH');
  });
});

describe('options are strict everywhere in data', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['SimpleImputer', () => new SimpleImputer({ stratgy: 'median' } as object), /unknown option 'stratgy' for SimpleImputer; did you mean 'strategy'\?/],
    ['SimpleImputer fill_value', () => new SimpleImputer({ fill_value: 1 } as object), /did you mean 'fillValue'\?/],
    ['StandardScaler', () => new StandardScaler({ with_mean: false } as object), /unknown option 'with_mean' for StandardScaler; did you mean 'withMean'\?/],
    ['MinMaxScaler', () => new MinMaxScaler({ feature_range: [0, 2] } as object), /did you mean 'featureRange'\?/],
    ['LabelEncoder', () => new LabelEncoder({ classes: [1] } as unknown as Record<string, never>), /unknown option 'classes' for LabelEncoder/],
    ['OneHotEncoder', () => new OneHotEncoder({ handle_unknown: 'ignore' } as object), /did you mean 'handleUnknown'\?/],
    ['OneHotEncoder sparse', () => new OneHotEncoder({ sparse: false } as object), /unknown option 'sparse' for OneHotEncoder/],
    ['trainTestSplit', () => trainTestSplit([[1], [2]], [0, 1], { test_size: 0.5 } as object), /unknown option 'test_size' for trainTestSplit; did you mean 'testSize'\?/],
    ['trainTestSplit random_state', () => trainTestSplit([[1], [2]], [0, 1], { randomState: 1 } as object), /unknown option 'randomState' for trainTestSplit/],
    ['kFold', () => kFold(10, { nSplits: 3 } as object), /unknown option 'nSplits' for kFold/],
    ['kFold K', () => kFold(10, { K: 3 } as object), /did you mean 'k'\?/],
    ['crossValScore', () => crossValScore(() => new NearestCentroid(), [[1], [2]], [0, 1], { shufle: true } as object), /unknown option 'shufle' for crossValScore; did you mean 'shuffle'\?/],
  ];
  for (const [name, f, pattern] of cases) {
    it(name, () => {
      const e = caught(f);
      expect(e.code).toBe('BAD_OPTION');
      expect(e.message).toMatch(pattern);
    });
  }

  it('values of the wrong type, never a TypeError', () => {
    const bad: (() => unknown)[] = [
      () => new SimpleImputer({ strategy: 1n as unknown as 'mean' }),
      () => new SimpleImputer({ fillValue: Symbol('x') as unknown as number }),
      () => new StandardScaler({ withMean: 'yes' as unknown as boolean }),
      () => new MinMaxScaler({ featureRange: [0, 1n] as unknown as [number, number] }),
      () => new MinMaxScaler({ featureRange: [-1e308, 1e308] }),
      () => new MinMaxScaler({ featureRange: 'ab' as unknown as [number, number] }),
      () => new OneHotEncoder({ handleUnknown: Symbol('x') as unknown as 'error' }),
      () => new StandardScaler([] as unknown as object),
      () => kFold(2 ** 40),
      () => kFold(10, { k: 3n as unknown as number }),
      () => kFold(10, { shuffle: 'no' as unknown as boolean }),
      () => trainTestSplit([[1], [2]], [0, 1], { shuffle: 0 as unknown as boolean }),
      () => crossValScore('model' as unknown as () => NearestCentroid, [[1], [2]], [0, 1]),
      () => crossValScore(() => ({}) as NearestCentroid, [[1], [2], [3], [4]], [0, 1, 0, 1], { k: 2 }),
    ];
    for (const f of bad) expect(caught(f).code).toBe('BAD_OPTION');
    expect(caught(() => kFold(1_000_000, { k: 1_000_000 })).code).toBe('UNSUPPORTED');
  });
});

describe('labels are data: any string round-trips', () => {
  const awkward = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', ' ', '0', '1e3', 'NaN', 'a"b', '\u0000', '😀'];

  it('LabelEncoder keeps and saves classes as an array', () => {
    const enc = new LabelEncoder().fit(awkward);
    const back = LabelEncoder.fromJSON(viaText(enc.toJSON()));
    expect(back.classes).toEqual(enc.classes);
    expect(Array.from(back.transform(awkward))).toEqual(Array.from(enc.transform(awkward)));
    expect(back.inverseTransform(back.transform(awkward))).toEqual(awkward);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('for any strings (fast-check)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom(...awkward)), { minLength: 1, maxLength: 8 }), (labels) => {
        const enc = new LabelEncoder().fit(labels);
        const back = loadFromJSON(viaText(enc.toJSON())) as LabelEncoder;
        expect(back.inverseTransform(back.transform(labels))).toEqual(labels);
      }),
      { numRuns: 300, seed: 29 },
    );
  });
});

describe('pipelines nest a bounded depth, and load without recursion', () => {
  const X = [[0], [1], [10], [11]];
  const y = ['a', 'a', 'b', 'b'];
  const nest = (depth: number) => {
    let p = makePipeline(new StandardScaler(), new NearestCentroid());
    for (let d = 1; d < depth; d++) p = makePipeline(new StandardScaler(), p);
    return p;
  };

  it(`builds, fits, saves and reloads ${MAX_PIPELINE_DEPTH} deep, and refuses one more`, () => {
    const deep = nest(MAX_PIPELINE_DEPTH).fit(X, y);
    expect(deep.depth).toBe(MAX_PIPELINE_DEPTH);
    const back = pipelineFromJSON(viaText(deep.toJSON()));
    expect(back.depth).toBe(MAX_PIPELINE_DEPTH);
    expect(back.predict(X)).toEqual(deep.predict(X));
    const e = caught(() => makePipeline(new StandardScaler(), deep));
    expect(e.code).toBe('BAD_OPTION');
    expect(e.message).toContain(`nest ${MAX_PIPELINE_DEPTH} deep at most`);
  });

  it('a saved pipeline nested thousands deep is BAD_MODEL_JSON at once, down the last or the first steps', () => {
    const scaler = viaText(new StandardScaler().fit(X).toJSON());
    let last: unknown = viaText(new NearestCentroid().fit(X, y).toJSON());
    let first: unknown = last;
    for (let d = 0; d < 5000; d++) {
      last = { name: 'Pipeline', version: 1, steps: [scaler, last] };
      first = { name: 'Pipeline', version: 1, steps: [first, last] };
    }
    const t0 = performance.now();
    expect(caught(() => pipelineFromJSON(last)).message).toContain(`saved pipelines nest ${MAX_PIPELINE_DEPTH} deep at most`);
    expect(caught(() => loadFromJSON(first)).code).toBe('BAD_MODEL_JSON');
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  it('steps are frozen: a pipeline can never contain itself', () => {
    const p = makePipeline(new StandardScaler(), new NearestCentroid());
    expect(Object.isFrozen(p.steps)).toBe(true);
    expect(() => (p.steps as unknown as unknown[]).push(p)).toThrow(TypeError);
    expect(caught(() => new Pipeline(undefined as unknown as [NearestCentroid])).code).toBe('BAD_OPTION');
    expect(caught(() => p.fit(X, y, { validationData: 5 } as object)).code).toBe('BAD_OPTION');
    expect(caught(() => p.fit(X, y, 'fast' as unknown as object)).code).toBe('BAD_OPTION');
  });
});

describe('saved files: sizes checked before anything is allocated', () => {
  const ok = encodeArray(new Float64Array([1, 2, 3]));

  it('the encoded length is compared with the expected length before decoding', () => {
    // Garbage of the right shape: the length mismatch is reported, so nothing was decoded.
    const garbage = { dtype: 'float64', base64: '*'.repeat(4 * 1000) };
    expect(caught(() => decodeArray(garbage, { name: 'w', expectedLength: 3 })).message).toBe('BAD_MODEL_JSON: w has 375 values, expected 3');
    expect(caught(() => decodeArray(garbage, { name: 'w', expectedLength: 375 })).message).toContain('w.base64 is not valid base64');
    for (const absurd of [2 ** 60, -1, 1.5, NaN, Infinity]) {
      expect(caught(() => decodeArray(ok, { name: 'w', expectedLength: absurd })).message).toContain('no array can');
    }
    expect(caught(() => decodeArray({ ...ok, shape: new Array(64).fill(1) }, { name: 'w' })).code).toBe('BAD_MODEL_JSON');
    expect(caught(() => decodeArray({ ...ok, base64: 42n }, { name: 'w' })).message).toContain('w.base64 must be a string, got 42n (a BigInt)');
  });

  it('a hand-edited nFeatures: 2 ** 28 in a model file is BAD_MODEL_JSON, not an abort', () => {
    const scaler = viaText(new StandardScaler().fit([[1, 2], [3, 4]]).toJSON());
    scaler.mean.base64 = 'A'.repeat(4 * 2 ** 20); // 3 MiB of zeros claims 393,216 columns
    expect(caught(() => loadFromJSON(scaler)).message).toContain('StandardScaler.var has 2 values, expected 393216');
  });

  it('envelopes that are not plain data', () => {
    const getter = { name: 'StandardScaler', version: 1, get mean() { throw new Error('boom'); } };
    expect(caught(() => loadFromJSON(getter)).message).toContain('has a getter or setter');
    const proxy = new Proxy({}, { ownKeys: () => { throw new Error('trap'); }, getPrototypeOf: () => Object.prototype, get: (_, k) => (k === 'name' ? 'StandardScaler' : undefined) });
    expect(caught(() => loadFromJSON(proxy)).code).toBe('BAD_MODEL_JSON');
    expect(caught(() => checkModelJson({ name: 10n, version: 1 }, 'M', 1)).message).toContain('got name 10n (a BigInt)');
    expect(caught(() => loadFromJSON({ name: 'x'.repeat(1e6), version: 1 })).message.length).toBeLessThan(1000);
    expect(caught(() => loadFromJSON({ name: 'hasOwnProperty', version: 1 })).code).toBe('BAD_MODEL_JSON');
  });

  it('any value in any field of a saved transformer or pipeline: loaded, or BAD_MODEL_JSON (fast-check)', () => {
    const X = [[1, 0], [2, 1], [NaN, 0], [4, 1]];
    const filled = [[1, 0], [2, 1], [3, 0], [4, 1]];
    const saved: any[] = [
      new SimpleImputer().fit(X).toJSON(),
      new StandardScaler().fit(filled).toJSON(),
      new MinMaxScaler().fit(filled).toJSON(),
      new OneHotEncoder().fit(filled).toJSON(),
      new LabelEncoder().fit(['a', 'b']).toJSON(),
      makePipeline(new StandardScaler(), new NearestCentroid()).fit(filled, [0, 1, 0, 1]).toJSON(),
    ].map(viaText);
    const hostile = fc.oneof(
      fc.anything({ withBigInt: true, withNullPrototype: true, withTypedArray: true, withSparseArray: true, withBoxedValues: true }),
      fc.record({ dtype: fc.constantFrom('float32', 'float64', 'uint32', 'int8'), base64: fc.oneof(fc.base64String(), fc.string()), shape: fc.option(fc.array(fc.integer())) }, { requiredKeys: [] }),
    );
    fc.assert(
      fc.property(fc.nat(saved.length - 1), fc.array(fc.tuple(fc.string(), hostile), { maxLength: 3 }), fc.nat(), (which, edits, pick) => {
        const json = structuredClone(saved[which]);
        const keys = Object.keys(json);
        for (const [k, v] of edits) json[pick % 2 ? keys[pick % keys.length]! : k] = v;
        const r = typed(() => loadFromJSON(json));
        if (r instanceof WasmlearnError) expect(r.code).toBe('BAD_MODEL_JSON');
      }),
      { numRuns: 1000, seed: 31 },
    );
  });
});
