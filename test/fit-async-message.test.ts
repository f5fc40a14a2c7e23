// fitAsync with message-passing threads (init({ threadsMode: 'message' })): a full-batch fit's rows
// are dealt in fixed blocks to shard workers, which send back partial sums reduced in block order.
// It must reach the sync fit on one thread (to rounding), and the same bits on 2 and 4 threads.
// It imports the built package (dist/): the fit and shard workers both run dist/async/worker.js.
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as lib from '../dist/index.js';
import { fitPool, lastExchange, shardPool } from '../dist/async/fit-job.js';
import type { PoolWorker } from '../dist/async/spawn.js';
import { relativeGap, same } from './helpers/compare.js';
import { rejected } from './helpers/errors.js';
import { normals } from './helpers/random.js';

const root = fileURLToPath(new URL('..', import.meta.url));
afterAll(() => lib.shutdown());

// 4,500 rows: five blocks of (at most) 1,024 rows, so 2 and 4 shards hold different runs of them.
const N = 4500;
const narrow = lib.makeLogistic(N, 8, 7);
const wide = lib.makeLogistic(N, 20, 3);
const labels = Array.from(narrow.y, (v) => (v === 1 ? 'b' : 'a'));
const X3 = { data: Float64Array.from(normals(N * 4, 11)), rows: N, cols: 4 };
const y3 = Array.from({ length: N }, (_, i) => (X3.data[4 * i]! + X3.data[4 * i + 1]! > 0.5 ? 2 : X3.data[4 * i + 2]! > 0 ? 1 : 0));
const Y2 = { data: Float64Array.from({ length: N * 2 }, (_, k) => (narrow.X.data[(k >> 1) * 8 + (k & 1)]! > 0 ? 1 : 0)), rows: N, cols: 2 };
const weights = Array.from({ length: N }, (_, i) => 1 + (i % 3));
// The first block's rows weigh nothing: the block adds nothing, and must not add 0 / 0.
const zeroFirst = Array.from({ length: N }, (_, i) => (i < 1024 ? 0 : 1 + (i % 2)));
const valX = { data: wide.X.data.slice(0, 300 * 20), rows: 300, cols: 20 };
const valY = Array.from(wide.y.subarray(0, 300));

type Model = lib.LogisticRegression | lib.MLPClassifier | lib.MultiLabelClassifier;

interface Case {
  name: string;
  make: (nThreads?: number) => Model;
  X: lib.Matrix;
  y: unknown;
  opts?: Record<string, unknown>;
  float32: boolean;
}

const CASES: Case[] = [
  { name: 'LogisticRegression lbfgs, binary, d = 8 (4-row blocks), float32', make: (n = 4) => new lib.LogisticRegression({ nThreads: n, maxIter: 60 }), X: narrow.X, y: labels, float32: true },
  { name: 'LogisticRegression lbfgs, binary, d = 20, float64, sample weights', make: (n = 4) => new lib.LogisticRegression({ nThreads: n, maxIter: 60, dtype: 'float64' }), X: wide.X, y: Array.from(wide.y), opts: { sampleWeight: weights }, float32: false },
  { name: 'LogisticRegression lbfgs, binary, a first block of zero weight, float64', make: (n = 4) => new lib.LogisticRegression({ nThreads: n, maxIter: 60, dtype: 'float64' }), X: wide.X, y: Array.from(wide.y), opts: { sampleWeight: zeroFirst }, float32: false },
  { name: 'LogisticRegression lbfgs, multinomial, float64', make: (n = 4) => new lib.LogisticRegression({ nThreads: n, maxIter: 60, dtype: 'float64' }), X: X3, y: y3, float32: false },
  { name: 'LogisticRegression lbfgs, multinomial, float32', make: (n = 4) => new lib.LogisticRegression({ nThreads: n, maxIter: 40 }), X: X3, y: y3, float32: true },
  { name: 'MultiLabelClassifier lbfgs, float64', make: (n = 4) => new lib.MultiLabelClassifier({ nThreads: n, maxIter: 40, dtype: 'float64' }), X: narrow.X, y: Y2, float32: false },
  { name: 'MLPClassifier lbfgs, float64', make: (n = 4) => new lib.MLPClassifier({ nThreads: n, solver: 'lbfgs', hiddenLayerSizes: [6], maxIter: 30, seed: 5, dtype: 'float64' }), X: narrow.X, y: labels, float32: false },
  // Not run to convergence: float32 gradients rounded in another order send a net's line searches
  // apart after a dozen iterations or so (1e-2 by 20 here), as a thread count would.
  { name: 'MLPClassifier lbfgs, float32, three classes', make: (n = 4) => new lib.MLPClassifier({ nThreads: n, solver: 'lbfgs', hiddenLayerSizes: [5], maxIter: 10, seed: 2 }), X: X3, y: y3, float32: true },
  { name: 'LogisticRegression gd, elastic net, validationData, float64', make: (n = 4) => new lib.LogisticRegression({ nThreads: n, solver: 'gd', penalty: 'elasticnet', learningRate: 0.5, maxIter: 40, tol: 0, dtype: 'float64' }), X: wide.X, y: Array.from(wide.y), opts: { validationData: [valX, valY] }, float32: false },
  { name: 'LogisticRegression gd, float32', make: (n = 4) => new lib.LogisticRegression({ nThreads: n, solver: 'gd', learningRate: 0.5, maxIter: 30, tol: 0 }), X: narrow.X, y: labels, float32: true },
];

const fitAsync = (m: Model, X: lib.MatrixLike, y: unknown, opts?: object) => (m.fitAsync as (X: lib.MatrixLike, y: unknown, o?: object) => Promise<Model>)(X, y, opts);
const fitSync = (m: Model, X: lib.MatrixLike, y: unknown, opts?: object) => (m.fit as (X: lib.MatrixLike, y: unknown, o?: object) => Model)(X, y, opts);

const rejection = (p: Promise<unknown>) => rejected(p, lib.WasmlearnError);

/** Shard workers started and not ended. */
const shards = () => shardPool.size.idle + shardPool.size.busy;

beforeEach(async () => {
  const info = await lib.init({ threads: 4, threadsMode: 'message', quiet: true });
  expect(info.threads).toMatchObject({ count: 4, mode: 'message' });
});

describe('fitAsync with message-passing threads', () => {
  it.each(CASES)('equals the sync fit on one thread, and is the same bits on 2 and 4 threads: $name', async (c) => {
    const sync = fitSync(c.make(1), c.X, c.y, c.opts);
    const syncLogs: lib.EpochLog[] = [];
    fitSync(c.make(1), c.X, c.y, { ...c.opts, onEpochEnd: (l: lib.EpochLog) => void syncLogs.push(l) });
    const logs: lib.EpochLog[] = [];
    const four = await fitAsync(c.make(4), c.X, c.y, { ...c.opts, onEpochEnd: (l: lib.EpochLog) => void logs.push(l) });
    expect(shards()).toBeGreaterThanOrEqual(4);
    const two = await fitAsync(c.make(2), c.X, c.y, c.opts);
    const one = await fitAsync(c.make(1), c.X, c.y, c.opts);
    const tol = c.float32 ? 1e-4 : 1e-6;
    expect(relativeGap(four.getParameters(), sync.getParameters())).toBeLessThan(tol);
    expect(relativeGap(four.predictProba(c.X).data, sync.predictProba(c.X).data)).toBeLessThan(tol);
    if (!c.float32) {
      expect(four.nIter).toBe(sync.nIter);
      expect(four.stopReason).toBe(sync.stopReason);
      expect(relativeGap(four.history.map((h) => h.loss), sync.history.map((h) => h.loss))).toBeLessThan(tol);
    }
    // The callbacks ran here, one per iteration, with fit's fields (validation included).
    expect(logs).toEqual(four.history.map((h) => expect.objectContaining({ epoch: h.epoch, loss: h.loss })));
    expect(logs.map((l) => Object.keys(l).sort())).toEqual(logs.map(() => Object.keys(syncLogs[0]!).sort()));
    expect(logs.length).toBeGreaterThan(1);
    // 1, 2 and 4 shards hold different runs of the same blocks: the same sums, bit for bit.
    for (const m of [one, two]) {
      expect(same(m.getParameters(), four.getParameters())).toBe(true);
      expect(m.nIter).toBe(four.nIter);
      expect(m.history.map((h) => h.loss)).toEqual(four.history.map((h) => h.loss));
    }
    for (const m of [sync, one, two, four]) m.dispose();
  });

  it('records what the exchange cost: the rows\' load, and per gradient its wall time and the slowest shard\'s compute in it', async () => {
    const model = await new lib.LogisticRegression({ maxIter: 30, dtype: 'float64' }).fitAsync(wide.X, Array.from(wide.y));
    const cost = lastExchange!;
    expect(cost.shards).toBe(4);
    // lbfgs: the gradient at the start, then at least one per iteration (its line search's).
    expect(cost.gradients).toBeGreaterThanOrEqual(model.nIter + 1);
    expect(cost.loadMs).toBeGreaterThan(0);
    expect(cost.computeMs).toBeGreaterThan(0);
    expect(cost.gradientMs).toBeGreaterThanOrEqual(cost.computeMs);
    // A fit of one block trains in its worker alone and records nothing.
    await new lib.LogisticRegression({ maxIter: 5 }).fitAsync({ data: wide.X.data.subarray(0, 500 * 20), rows: 500, cols: 20 }, Array.from(wide.y.subarray(0, 500)));
    expect(lastExchange).toBe(cost);
  });

  it('any drawn full-batch fit: the same bits on 1, 2, 3 and 4 threads, and fit\'s model to rounding', async () => {
    // Shapes across block boundaries (blocks of 1,024 rows), narrow and wide rows, weights. A fixed
    // seed: the gap to fit is rounding, which a long enough run of draws could grow past 1e-6.
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          n: fc.integer({ min: 1025, max: 4500 }),
          d: fc.integer({ min: 1, max: 24 }),
          solver: fc.constantFrom('lbfgs' as const, 'gd' as const),
          weighted: fc.boolean(),
          seed: fc.nat(10_000),
        }),
        async ({ n, d, solver, weighted, seed }) => {
          const X = { data: Float64Array.from(normals(n * d, seed)), rows: n, cols: d };
          const noise = normals(n, seed + 1);
          const y = Array.from({ length: n }, (_, i) => (i < 2 ? i : X.data[i * d]! - 0.5 * X.data[i * d + d - 1]! + noise[i]! > 0 ? 1 : 0));
          const opts = weighted ? { sampleWeight: Array.from({ length: n }, (_, i) => 0.5 + (i % 5)) } : undefined;
          const make = (nThreads: number) => new lib.LogisticRegression({ nThreads, solver, maxIter: 15, tol: 0, learningRate: 0.5, dtype: 'float64' });
          const fits = [];
          for (const t of [1, 2, 3, 4]) fits.push(await make(t).fitAsync(X, y, opts));
          const what = `${solver}, ${n} x ${d}${weighted ? ', weighted' : ''}`;
          for (const m of fits.slice(1)) expect(same(m.getParameters(), fits[0]!.getParameters()), what).toBe(true);
          const sync = make(1).fit(X, y, opts);
          expect(relativeGap(fits[0]!.getParameters(), sync.getParameters()), what).toBeLessThan(1e-6);
          for (const m of [...fits, sync]) m.dispose();
        },
      ),
      { numRuns: 12, seed: 15 },
    );
  });

  it('init({ threads: 2 }) trains on 2 shards with the bits of 4', async () => {
    const make = () => new lib.LogisticRegression({ maxIter: 30, dtype: 'float64' });
    const four = await make().fitAsync(wide.X, Array.from(wide.y));
    await lib.init({ threads: 2, threadsMode: 'message', quiet: true });
    const two = await make().fitAsync(wide.X, Array.from(wide.y));
    expect(same(two.getParameters(), four.getParameters())).toBe(true);
  });

  it('the shard workers are reused from one fit to the next, and idle when it ends', async () => {
    const make = () => new lib.LogisticRegression({ maxIter: 10 });
    await make().fitAsync(narrow.X, labels);
    const started = shards();
    expect(started).toBeGreaterThanOrEqual(4);
    await make().fitAsync(narrow.X, labels);
    await Promise.all([make().fitAsync(narrow.X, labels), make().fitAsync(narrow.X, labels)]);
    expect(shardPool.size.busy).toBe(0);
    expect(shards()).toBe(Math.max(started, 8));
    lib.shutdown();
    expect(shards()).toBe(0);
  });

  it('no more shards than row blocks: 2,500 rows (3 blocks) take 3 of the 4 threads, 1,000 rows (1 block) none', async () => {
    lib.shutdown();
    const rows = (n: number) => ({ data: wide.X.data.subarray(0, n * 20), rows: n, cols: 20 });
    const y = (n: number) => Array.from(wide.y.subarray(0, n));
    const make = () => new lib.LogisticRegression({ maxIter: 15, dtype: 'float64' });
    const three = await make().fitAsync(rows(2500), y(2500));
    expect(shards()).toBe(3);
    expect(relativeGap(three.getParameters(), make().fit(rows(2500), y(2500)).getParameters())).toBeLessThan(1e-6);
    lib.shutdown();
    const one = await make().fitAsync(rows(1000), y(1000));
    expect(shards()).toBe(0);
    expect(same(one.getParameters(), make().fit(rows(1000), y(1000)).getParameters())).toBe(true);
  });

  it('epoch solvers (sgd, adam) train in the fit worker alone, as fit does, bit for bit', async () => {
    lib.shutdown();
    const make = () => new lib.MLPClassifier({ hiddenLayerSizes: [5], maxIter: 4, seed: 3 });
    const model = await make().fitAsync(narrow.X, labels);
    expect(shards()).toBe(0);
    expect(same(model.getParameters(), make().fit(narrow.X, labels).getParameters())).toBe(true);
  });

  it('onEpochEnd returning false stops at the same iteration as fit', async () => {
    const make = () => new lib.LogisticRegression({ maxIter: 50, tol: 0, dtype: 'float64' });
    const stop = { onEpochEnd: (l: lib.EpochLog) => l.epoch < 4 };
    const sync = make().fit(wide.X, Array.from(wide.y), stop);
    const model = await make().fitAsync(wide.X, Array.from(wide.y), stop);
    expect([model.nIter, sync.nIter]).toEqual([4, 4]);
    expect(relativeGap(model.getParameters(), sync.getParameters())).toBeLessThan(1e-6);
  });

  it('an abort rejects with ABORTED, the fit worker frees its memory, and no shard worker is left running', async () => {
    const controller = new AbortController();
    const long = new lib.MLPClassifier({ solver: 'lbfgs', hiddenLayerSizes: [16], maxIter: 100000, tol: 0 });
    const e = await rejection(long.fitAsync(narrow.X, labels, {
      signal: controller.signal, onEpochEnd: (l) => { if (l.epoch === 3) controller.abort(); },
    }));
    expect(e.code).toBe('ABORTED');
    expect(e.message).toMatch(/the worker freed its engine memory \((\d+) bytes in use before the fit, \1 after\)/);
    expect(shards()).toBe(0);
    expect(fitPool.size.busy).toBe(0);
    expect(() => long.nIter).toThrow(/not fitted/);
    // The next fit starts fresh shards and still matches.
    const make = () => new lib.LogisticRegression({ maxIter: 20, dtype: 'float64' });
    const model = await make().fitAsync(wide.X, Array.from(wide.y));
    expect(relativeGap(model.getParameters(), make().fit(wide.X, Array.from(wide.y)).getParameters())).toBeLessThan(1e-6);
  });

  it('an abort before the fit starts rejects at once and starts no shard', async () => {
    lib.shutdown();
    const e = await rejection(new lib.LogisticRegression().fitAsync(narrow.X, labels, { signal: AbortSignal.abort() }));
    expect(e.code).toBe('ABORTED');
    expect(shards()).toBe(0);
  });

  it('a training error (DIVERGED) rejects with fit\'s error, and the shards go back to the pool idle', async () => {
    const make = () => new lib.LogisticRegression({ solver: 'gd', learningRate: 1e3, maxIter: 5, penalty: 'none', dtype: 'float64' });
    let syncError: lib.WasmlearnError | null = null;
    try {
      make().fit(wide.X, Array.from(wide.y));
    } catch (err) {
      syncError = err as lib.WasmlearnError;
    }
    expect(syncError?.code).toBe('DIVERGED');
    const e = await rejection(make().fitAsync(wide.X, Array.from(wide.y)));
    expect([e.code, e.message]).toEqual([syncError!.code, syncError!.message]);
    expect(shardPool.size.busy).toBe(0);
    expect(shards()).toBeGreaterThan(0);
  });

  it('a shard worker that dies during a fit rejects it with a typed error, not a hang, and the next fit trains on fresh shards', async () => {
    const taken: PoolWorker[] = [];
    const acquire = shardPool.acquire.bind(shardPool);
    shardPool.acquire = async () => {
      const w = await acquire();
      taken.push(w);
      return w;
    };
    try {
      const make = () => new lib.LogisticRegression({ maxIter: 50, tol: 0, dtype: 'float64' });
      // A message the shard cannot handle throws in it: the worker dies, as on a crash.
      const crash = (l: lib.EpochLog) => void (l.epoch === 2 && taken.at(-1)!.post({ type: 'connect', port: null }));
      const e = await rejection(make().fitAsync(wide.X, Array.from(wide.y), { onEpochEnd: crash }));
      expect(e.code).toBe('INTERNAL');
      expect(e.message).toMatch(/the fitAsync worker (failed|exited)/);
      expect([shardPool.size.busy, fitPool.size.busy]).toEqual([0, 0]);
      const model = await make().fitAsync(wide.X, Array.from(wide.y));
      expect(relativeGap(model.getParameters(), make().fit(wide.X, Array.from(wide.y)).getParameters())).toBeLessThan(1e-6);
    } finally {
      shardPool.acquire = acquire;
    }
  });

  it('a Node script that fits with message-passing threads exits by itself', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasmlearn-message-'));
    try {
      const script = join(dir, 'script.mjs');
      writeFileSync(script, `import { init, LogisticRegression, makeLogistic } from ${JSON.stringify(join(root, 'dist/index.js'))};
import { shardPool } from ${JSON.stringify(join(root, 'dist/async/fit-job.js'))};
const info = await init({ threads: 3, threadsMode: 'message' });
const { X, y } = makeLogistic(3000, 6, 1);
const model = await new LogisticRegression({ maxIter: 20 }).fitAsync(X, Array.from(y));
console.log(info.threads.mode, shardPool.size.idle, model.nIter > 0);
`);
      const r = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 20_000 });
      expect(r.error).toBeUndefined();
      expect(r.stderr).toBe('');
      expect([r.status, r.stdout.trim()]).toEqual([0, 'message 3 true']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('where shard workers cannot start, the fit trains in its worker alone, with the same result', () => {
    const script = join(mkdtempSync(join(tmpdir(), 'wasmlearn-no-shards-')), 'script.mjs');
    try {
      writeFileSync(script, `import { init, LogisticRegression, makeLogistic } from '${join(root, 'dist/index.js')}';
import { shardPool } from '${join(root, 'dist/async/fit-job.js')}';
// A shard worker that cannot start (the runtime refuses another worker).
shardPool.acquire = async () => { throw new Error('no more workers'); };
await init({ threads: 2, threadsMode: 'message' });
const { X, y } = makeLogistic(3000, 6, 1);
const make = () => new LogisticRegression({ maxIter: 20, dtype: 'float64' });
const a = (await make().fitAsync(X, Array.from(y))).getParameters();
const b = (await make().fitAsync(X, Array.from(y))).getParameters();
const s = make().fit(X, Array.from(y)).getParameters();
console.log(shardPool.size.idle, a.every((v, i) => Math.abs(v - s[i]) < 1e-9), b.every((v, i) => Object.is(v, a[i])));
`);
      const r = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 20_000 });
      expect(r.error).toBeUndefined();
      expect(r.stderr).toBe('');
      expect([r.status, r.stdout.trim()]).toEqual([0, '0 true true']);
    } finally {
      rmSync(dirname(script), { recursive: true, force: true });
    }
  });
});
