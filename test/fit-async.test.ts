// fitAsync in Node: the fit runs in a worker_threads worker and must reach fit's model exactly.
// It imports the built package (dist/): the worker is dist/async/worker.js, beside its caller.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as lib from '../dist/index.js';
import { fitPool } from '../dist/async/fit-job.js';
import { rejected } from './helpers/errors.js';
import { normals } from './helpers/random.js';

const info = await lib.init();
const root = fileURLToPath(new URL('..', import.meta.url));
afterAll(() => lib.shutdown());

/** A seeded binary problem (n x d, labels 'a' / 'b') and a three-class one. */
const { X, y } = lib.makeLogistic(600, 5, 7);
const labels = Array.from(y, (v) => (v === 1 ? 'b' : 'a'));
const X3 = { data: Float64Array.from(normals(450 * 4, 11)), rows: 450, cols: 4 };
const y3 = Array.from({ length: 450 }, (_, i) => (X3.data[4 * i]! + X3.data[4 * i + 1]! > 0.5 ? 2 : X3.data[4 * i + 2]! > 0 ? 1 : 0));
const Y2 = { data: Float64Array.from({ length: 600 * 2 }, (_, k) => (X.data[(k >> 1) * 5 + (k & 1)]! > 0 ? 1 : 0)), rows: 600, cols: 2 };

type Model = lib.LogisticRegression | lib.MLPClassifier | lib.MultiLabelClassifier;

interface Case {
  name: string;
  make: (backend: lib.BackendName) => Model;
  X: lib.MatrixLike;
  y: unknown;
  opts?: Record<string, unknown>;
}

const CASES: Case[] = [
  { name: 'LogisticRegression lbfgs, binary', make: (backend) => new lib.LogisticRegression({ backend, maxIter: 50 }), X, y: labels },
  { name: 'LogisticRegression sgd, seeded, number[][] input', make: (backend) => new lib.LogisticRegression({ backend, solver: 'sgd', maxIter: 12, seed: 4, learningRate: 0.05 }), X: rowsOf(X), y: labels },
  { name: 'LogisticRegression adam, three classes, float64, sample weights', make: (backend) => new lib.LogisticRegression({ backend, solver: 'sgd', optimizer: 'adam', maxIter: 8, dtype: 'float64', seed: 2 }), X: X3, y: y3, opts: { sampleWeight: Array.from({ length: 450 }, (_, i) => 1 + (i % 3)) } },
  { name: 'LogisticRegression sgd with earlyStopping', make: (backend) => new lib.LogisticRegression({ backend, solver: 'sgd', earlyStopping: true, maxIter: 15, seed: 9 }), X, y: labels },
  { name: 'MultiLabelClassifier', make: (backend) => new lib.MultiLabelClassifier({ backend, solver: 'sgd', optimizer: 'momentum', maxIter: 6, seed: 1 }), X, y: Y2 },
  { name: 'MLPClassifier adam with validationData', make: (backend) => new lib.MLPClassifier({ backend, hiddenLayerSizes: [7, 3], maxIter: 10, seed: 5 }), X: X3, y: y3, opts: { validationData: [X3, y3] } },
  { name: 'MLPClassifier lbfgs', make: (backend) => new lib.MLPClassifier({ backend, solver: 'lbfgs', hiddenLayerSizes: [6], maxIter: 15, seed: 5 }), X, y: labels },
];

function rowsOf(m: lib.Matrix): number[][] {
  return Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
}

/** Everything a fitted model shows: parameters, record, warning and predictions. */
function fitted(m: Model, Xp: lib.MatrixLike) {
  return {
    parameters: Array.from(m.getParameters()), nIter: m.nIter, stopReason: m.stopReason, converged: m.converged,
    warning: m.warning, history: m.history.map(({ ms: _ms, ...h }) => h), proba: Array.from(m.predictProba(Xp).data),
  };
}

const fitAsync = (m: Model, Xs: lib.MatrixLike, ys: unknown, opts?: object) => (m.fitAsync as (X: lib.MatrixLike, y: unknown, o?: object) => Promise<Model>)(Xs, ys, opts);
const fitSync = (m: Model, Xs: lib.MatrixLike, ys: unknown, opts?: object) => (m.fit as (X: lib.MatrixLike, y: unknown, o?: object) => Model)(Xs, ys, opts);

const rejection = (p: Promise<unknown>) => rejected(p, lib.WasmlearnError);

function thrown(fn: () => unknown): lib.WasmlearnError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(lib.WasmlearnError);
    return e as lib.WasmlearnError;
  }
  throw new Error('expected fit to throw');
}

describe.each(info.available)('fitAsync on %s', (backend) => {
  it.each(CASES)('reaches fit\'s model bit for bit: $name', async (c) => {
    const sync = c.make(backend);
    fitSync(sync, c.X, c.y, c.opts);
    const model = c.make(backend);
    const returned = await fitAsync(model, c.X, c.y, c.opts);
    expect(returned).toBe(model);
    expect(fitted(model, c.X)).toEqual(fitted(sync, c.X));
    sync.dispose();
    model.dispose();
  });
});

describe('fitAsync callbacks', () => {
  it('onEpochEnd and onBatchEnd see fit\'s logs, in fit\'s order', async () => {
    const make = () => new lib.MLPClassifier({ hiddenLayerSizes: [5], maxIter: 6, batchSize: 200, seed: 3 });
    const seen = (events: string[]) => ({
      onEpochEnd: (l: lib.EpochLog) => void events.push(`epoch ${l.epoch} ${l.loss} ${l.learningRate}`),
      onBatchEnd: (l: lib.BatchLog) => void events.push(`batch ${l.epoch}.${l.batch} ${l.loss}`),
    });
    const a: string[] = [], b: string[] = [];
    make().fit(X, labels, seen(a));
    await make().fitAsync(X, labels, seen(b));
    expect(a.length).toBe(6 * 4);
    expect(b).toEqual(a);
  });

  it('the data crosses once: one message to the worker, X transferred in it; each epoch\'s answer goes through shared memory', async () => {
    const sent: { message: unknown; transfer: Transferable[]; bytes: number[] }[] = [];
    const pool = fitPool as unknown as { acquire(): Promise<{ post(m: unknown, t?: Transferable[]): void }> };
    const acquire = pool.acquire.bind(pool);
    pool.acquire = async () => {
      const worker = await acquire();
      const post = worker.post;
      worker.post = (message, transfer = []) => {
        sent.push({ message, transfer, bytes: transfer.map((b) => (b as ArrayBuffer).byteLength) });
        worker.post = post;
        post(message, transfer);
      };
      return worker;
    };
    try {
      let epochs = 0;
      const rows = rowsOf(X);
      await new lib.LogisticRegression({ solver: 'sgd', maxIter: 20, tol: 0 }).fitAsync(rows, labels, { onEpochEnd: () => void epochs++ });
      expect(epochs).toBe(20);
      expect(sent).toHaveLength(1);
      const [{ message, transfer, bytes }] = sent;
      const job = (message as { job: { X: lib.Matrix } }).job;
      expect(transfer).toHaveLength(1);
      expect(transfer[0]).toBe(job.X.data.buffer);
      expect(bytes).toEqual([600 * 5 * 8]);
      // Transferred: the converted copy is gone from this thread, the caller's rows untouched.
      expect(job.X.data.length).toBe(0);
      expect(rows[0]).toEqual(Array.from(X.data.subarray(0, 5)));
    } finally {
      delete (pool as { acquire?: unknown }).acquire;
    }
  });

  it('an allocMatrix X (in engine memory) is copied to the worker, left as it was, and reaches fit\'s model', async () => {
    const A = lib.allocMatrix(X.rows, X.cols);
    A.data.set(X.data);
    const make = () => new lib.LogisticRegression({ solver: 'sgd', maxIter: 6, seed: 4 });
    const model = await make().fitAsync(A, labels);
    expect(Array.from(A.data)).toEqual(Array.from(Float32Array.from(X.data)));
    expect(fitted(model, X)).toEqual(fitted(make().fit(A, labels), X));
    A.dispose();
  });

  it('returning false from onEpochEnd stops at the same epoch as fit', async () => {
    const make = () => new lib.LogisticRegression({ solver: 'sgd', maxIter: 50, tol: 0, seed: 1 });
    const stopAt3 = { onEpochEnd: (l: lib.EpochLog) => l.epoch < 3 };
    const sync = make().fit(X, labels, stopAt3);
    const model = await make().fitAsync(X, labels, stopAt3);
    expect(model.nIter).toBe(3);
    expect(fitted(model, X)).toEqual(fitted(sync, X));
  });

  it('an exception from a callback rejects with that exception, and the model stays as it was', async () => {
    const model = new lib.LogisticRegression({ solver: 'sgd', maxIter: 20 });
    await model.fitAsync(X, labels);
    const before = Array.from(model.getParameters());
    const boom = new RangeError('from the callback');
    await expect(model.fitAsync(X3, y3, { onEpochEnd: (l) => { if (l.epoch === 2) throw boom; } })).rejects.toBe(boom);
    expect(Array.from(model.getParameters())).toEqual(before);
    expect(model.classes).toEqual(['a', 'b']);
  });
});

describe('fitAsync abort, errors and lifecycle', () => {
  it('an AbortSignal rejects with ABORTED, and the worker\'s engine memory is back to its level before the fit', async () => {
    const controller = new AbortController();
    const epochs: number[] = [];
    const big = { data: Float32Array.from(normals(20_000 * 32, 3)), rows: 20_000, cols: 32 };
    const yBig = Array.from({ length: 20_000 }, (_, i) => (big.data[32 * i]! > 0 ? 1 : 0));
    const p = new lib.MLPClassifier({ hiddenLayerSizes: [64, 64], maxIter: 10_000, tol: 0, nIterNoChange: 10_000 }).fitAsync(big, yBig, {
      signal: controller.signal,
      onEpochEnd: (l) => {
        epochs.push(l.epoch);
        if (l.epoch === 2) controller.abort();
      },
    });
    const e = await rejection(p);
    expect(e.code).toBe('ABORTED');
    const [, before, after] = /\((\d+) bytes in use before the fit, (\d+) after\)/.exec(e.message)!;
    expect(Number(before)).toBeGreaterThan(0);
    expect(after).toBe(before);
    expect(epochs).toEqual([1, 2]);
  });

  it('an abort without callbacks stops at the next epoch end', async () => {
    const controller = new AbortController();
    const t0 = performance.now();
    const p = new lib.MLPClassifier({ hiddenLayerSizes: [32], maxIter: 100_000, tol: 0, nIterNoChange: 100_000 }).fitAsync(X, labels, { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    const e = await rejection(p);
    expect(e.message).toMatch(/^ABORTED: fitAsync was aborted before training finished; the worker freed its engine memory \((\d+) bytes in use before the fit, \1 after\)$/);
    expect(performance.now() - t0).toBeLessThan(5_000);
  });

  it('an abort while the worker is starting still stops the fit', async () => {
    lib.shutdown();
    const controller = new AbortController();
    const p = new lib.MLPClassifier({ hiddenLayerSizes: [8], maxIter: 100_000, tol: 0, nIterNoChange: 100_000 }).fitAsync(X, labels, { signal: controller.signal });
    controller.abort();
    expect((await rejection(p)).message).toMatch(/^ABORTED: fitAsync was aborted before training finished; the worker freed its engine memory \((\d+) bytes in use before the fit, \1 after\)$/);
  });

  it('an already aborted signal rejects before a worker starts', async () => {
    lib.shutdown();
    const e = await rejection(new lib.LogisticRegression().fitAsync(X, labels, { signal: AbortSignal.abort() }));
    expect(e.code).toBe('ABORTED');
    expect(fitPool.size).toEqual({ idle: 0, busy: 0 });
  });

  it.each([
    ['DIVERGED', () => new lib.MLPClassifier({ solver: 'sgd', learningRateInit: 1e6, onDivergence: 'raise', maxIter: 50 })],
    ['OUT_OF_MEMORY', () => new lib.MLPClassifier({ hiddenLayerSizes: [40_000, 40_000] })],
  ] as const)('an error in training arrives as fit\'s WasmlearnError: %s, same message', async (code, make) => {
    const sync = thrown(() => make().fit(X, labels));
    const e = await rejection(make().fitAsync(X, labels));
    expect(sync.code).toBe(code);
    expect([e.code, e.message]).toEqual([sync.code, sync.message]);
  });

  it('the model is BUSY while fitAsync runs, and usable again after', async () => {
    const model = new lib.LogisticRegression({ solver: 'sgd', maxIter: 30 });
    const p = model.fitAsync(X, labels);
    expect(thrown(() => model.fit(X, labels)).code).toBe('BUSY');
    expect(thrown(() => model.dispose()).code).toBe('BUSY');
    expect((await rejection(model.fitAsync(X, labels))).code).toBe('BUSY');
    await p;
    expect(model.score(X, labels)).toBeGreaterThan(0.7);
    model.dispose();
  });

  it('warmStart continues from the current weights, as fit does', async () => {
    const make = () => new lib.LogisticRegression({ solver: 'sgd', maxIter: 4, warmStart: true, seed: 8 });
    const sync = make().fit(X, labels).fit(X, labels);
    const model = await (await make().fitAsync(X, labels)).fitAsync(X, labels);
    expect(fitted(model, X)).toEqual(fitted(sync, X));
  });

  it('fits run side by side in their own workers, and the workers are reused', async () => {
    lib.shutdown();
    const make = (seed: number) => new lib.MLPClassifier({ hiddenLayerSizes: [4], maxIter: 5, seed });
    const [a, b] = await Promise.all([make(1).fitAsync(X, labels), make(2).fitAsync(X, labels)]);
    expect(fitted(a, X)).toEqual(fitted(make(1).fit(X, labels), X));
    expect(fitted(b, X)).toEqual(fitted(make(2).fit(X, labels), X));
    expect(fitPool.size).toEqual({ idle: 2, busy: 0 });
    await make(3).fitAsync(X, labels);
    expect(fitPool.size).toEqual({ idle: 2, busy: 0 });
  });

  it('shutdown() ends a running fit with ABORTED', async () => {
    const p = new lib.MLPClassifier({ hiddenLayerSizes: [32], maxIter: 100_000, tol: 0, nIterNoChange: 100_000 }).fitAsync(X, labels);
    setTimeout(() => lib.shutdown(), 100);
    const e = await rejection(p);
    expect(e.message).toMatch(/^ABORTED: shutdown\(\) ended the worker/);
    expect(fitPool.size).toEqual({ idle: 0, busy: 0 });
  });

  it('a Node script that awaits fitAsync exits by itself when done', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasmlearn-fit-async-'));
    try {
      const script = join(dir, 'script.mjs');
      writeFileSync(script, `import { init, LogisticRegression, makeLogistic } from ${JSON.stringify(join(root, 'dist/index.js'))};
await init();
const { X, y } = makeLogistic(300, 4, 1);
const model = await new LogisticRegression({ solver: 'sgd', maxIter: 5 }).fitAsync(X, Array.from(y));
console.log('fitted', model.nIter);
`);
      const t0 = Date.now();
      const r = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 20_000 });
      expect(r.error).toBeUndefined();
      expect(r.stderr).toBe('');
      expect([r.status, r.stdout.trim()]).toEqual([0, 'fitted 5']);
      expect(Date.now() - t0).toBeLessThan(20_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
