// fitAsync on bad input: refused on the calling thread, before any worker starts, with exactly the
// WasmlearnError (code and message) that fit throws for the same arguments.
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as lib from '../dist/index.js';
import { fitPool } from '../dist/async/fit-job.js';

await lib.init();
beforeAll(() => lib.shutdown());

const ROWS = 12, COLS = 3;
const base = () => Array.from({ length: ROWS }, (_, i) => Array.from({ length: COLS }, (_, j) => Math.sin(i * 3 + j)));
const classes = Array.from({ length: ROWS }, (_, i) => i % 2);
const indicators = { data: Float64Array.from({ length: ROWS * 2 }, (_, k) => (k % 3 === 0 ? 1 : 0)), rows: ROWS, cols: 2 };

const MODELS = {
  logistic: (o: object) => new lib.LogisticRegression(o),
  mlp: (o: object) => new lib.MLPClassifier({ hiddenLayerSizes: [3], ...o }),
  multilabel: (o: object) => new lib.MultiLabelClassifier(o),
};

/** One value of X made bad: NaN, an infinity, beyond float32, or not a number at all. */
const badValue = fc.constantFrom<unknown>(NaN, Infinity, -Infinity, 1e39, -3e40, 3.4028235677973366e38, -3.4028235677973366e38, '1', null, undefined, {});
const fault = fc.record({ row: fc.nat(ROWS - 1), col: fc.nat(COLS - 1), value: badValue, typed: fc.boolean(), dtype: fc.constantFrom('float32', 'float64') });

/** Arguments fit refuses for reasons other than X's values. */
const badArguments = fc.constantFrom<[string, (y: unknown) => [unknown, unknown, unknown]]>(
  ['ragged X', (y) => [[...base().slice(1), [1]], y, undefined]],
  ['y too short', (y) => [base(), (y as unknown[]).slice?.(1) ?? { ...indicators, rows: ROWS - 1, data: indicators.data.subarray(2) }, undefined]],
  ['an unknown option', (y) => [base(), y, { sampleWieght: [] }]],
  ['onEpochEnd not a function', (y) => [base(), y, { onEpochEnd: 3 }]],
  ['a negative sample weight', (y) => [base(), y, { sampleWeight: Array.from({ length: ROWS }, (_, i) => (i === 5 ? -1 : 1)) }]],
  ['validationData of another width', (y) => [base(), y, { validationData: [[[1, 2]], (y as unknown[]).slice?.(0, 1) ?? { data: new Float64Array(2), rows: 1, cols: 2 }] }]],
  ['no rows', () => [[], [], undefined]],
  ['options not an object', (y) => [base(), y, 'fast']],
);

function thrown(fn: () => unknown): lib.WasmlearnError | null {
  try {
    fn();
    return null;
  } catch (e) {
    expect(e).toBeInstanceOf(lib.WasmlearnError);
    return e as lib.WasmlearnError;
  }
}

async function rejected(p: Promise<unknown>): Promise<lib.WasmlearnError | null> {
  try {
    await p;
    return null;
  } catch (e) {
    expect(e).toBeInstanceOf(lib.WasmlearnError);
    return e as lib.WasmlearnError;
  }
}

type Args = [unknown, unknown, unknown];
const modelName = fc.constantFrom(...(Object.keys(MODELS) as (keyof typeof MODELS)[]));

/** fit and fitAsync on the same arguments: the same refusal, and no worker started. */
async function sameRefusal(name: keyof typeof MODELS, options: object, [X, y, opts]: Args): Promise<void> {
  const sync = thrown(() => (MODELS[name](options).fit as (...a: Args) => unknown)(X, y, opts));
  const e = await rejected((MODELS[name](options).fitAsync as (...a: Args) => Promise<unknown>)(X, y, opts));
  expect(sync).not.toBeNull();
  expect([e?.code, e?.message]).toEqual([sync!.code, sync!.message]);
  expect(fitPool.size).toEqual({ idle: 0, busy: 0 });
}

const targetsOf = (name: keyof typeof MODELS) => (name === 'multilabel' ? indicators : classes);

describe('fitAsync refuses bad input before a worker starts, as fit does', () => {
  it('a bad value anywhere in X (Matrix or number[][], float32 or float64)', async () => {
    await fc.assert(
      fc.asyncProperty(modelName, fault, async (name, { row, col, value, typed, dtype }) => {
        fc.pre(!(dtype === 'float64' && typeof value === 'number' && Number.isFinite(value)));
        fc.pre(!(typed && typeof value !== 'number'));
        const rows: unknown[][] = base();
        rows[row]![col] = value;
        const X = typed ? { data: Float64Array.from(rows.flat() as number[]), rows: ROWS, cols: COLS } : rows;
        await sameRefusal(name, { dtype }, [X, targetsOf(name), undefined]);
      }),
      { numRuns: 150, seed: 15 },
    );
  });

  it('bad shapes, labels and options', async () => {
    await fc.assert(
      fc.asyncProperty(modelName, badArguments, async (name, [, make]) => {
        await sameRefusal(name, {}, make(targetsOf(name)) as Args);
      }),
      { numRuns: 60, seed: 15 },
    );
  });

  it('a signal that is not an AbortSignal is BAD_OPTION', async () => {
    const e = await rejected(new lib.LogisticRegression().fitAsync(base(), classes, { signal: { aborted: true } as never }));
    expect([e?.code, e?.message]).toEqual(['BAD_OPTION', 'BAD_OPTION: signal must be an AbortSignal; got {"aborted":true}']);
    expect(fitPool.size).toEqual({ idle: 0, busy: 0 });
  });

  it('a disposed model, as fit', async () => {
    const disposed = new lib.LogisticRegression();
    disposed.dispose();
    expect((await rejected(disposed.fitAsync(base(), classes)))?.code).toBe('DISPOSED');
    expect(fitPool.size).toEqual({ idle: 0, busy: 0 });
  });
});
