// Threads inside one fit (issue #15): the full-batch gradients and large predictions are cut into
// fixed row blocks reduced in block order, so a fit on 1, 2 or 4 threads gives the same bits, on
// every WASM backend and both dtypes, and agrees with the 'js' backend (one thread) to rounding.
// The pool's workers are counted through node:worker_threads (mocked here to wrap the real Worker)
// and their shared control block is read, so "the threads ran" is checked, not assumed.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as W from '../src/index.js';
import { getEngine } from '../src/engine/index.js';
import type { BackendName } from '../src/engine/engine.js';
import { backends } from './helpers/backends.js';
import { firstDifference } from './helpers/compare.js';
import { caught } from './helpers/errors.js';
import { normals } from './helpers/random.js';

/** What the wrapped Worker saw: workers started, the control block of each start of the pool, and whether to refuse a start. */
const spy = vi.hoisted(() => ({ started: 0, controls: [] as SharedArrayBuffer[], builds: 0, refuse: false }));

vi.mock('node:worker_threads', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:worker_threads')>();
  class Worker extends real.Worker {
    constructor(...args: ConstructorParameters<typeof real.Worker>) {
      if (spy.refuse) throw new Error('the test refuses to start a worker');
      super(...args);
      spy.started++;
    }
    override postMessage(m: unknown, transfer?: readonly import('node:worker_threads').Transferable[]): void {
      const control = (m as { control?: unknown } | null)?.control;
      if (control instanceof SharedArrayBuffer && spy.controls.at(-1) !== control) spy.controls.push(control);
      const builds = (m as { builds?: unknown[] } | null)?.builds;
      if (Array.isArray(builds)) spy.builds = builds.length;
      super.postMessage(m, transfer);
    }
  }
  return { ...real, Worker, default: { ...real, Worker } };
});

const root = fileURLToPath(new URL('..', import.meta.url));
const info4 = await W.init({ threads: 4 });
afterAll(() => W.shutdown());

const wasmBackends = backends.filter((b): b is Exclude<BackendName, 'js'> => b !== 'js');
const DTYPES = ['float32', 'float64'] as const;
type Dtype = (typeof DTYPES)[number];
type Model = W.LogisticRegression | W.MultiLabelClassifier | W.MLPClassifier;

// ---- data: several blocks of rows (blocks hold at least 1024 rows) ----

function matrix(rows: number, cols: number, seed: number): W.Matrix {
  return { data: normals(rows * cols, seed), rows, cols };
}
/** Labels of a noisy linear rule (not separable: the optimum is finite). */
function binary(X: W.Matrix, seed: number): number[] {
  const noise = normals(X.rows, seed);
  return Array.from({ length: X.rows }, (_, i) => {
    let z = 0.3;
    for (let j = 0; j < X.cols; j++) z += X.data[i * X.cols + j]! * ((j % 3) - 0.8) * 0.7;
    return z + noise[i]! > 0 ? 1 : 0;
  });
}
function threeClasses(X: W.Matrix, seed: number): string[] {
  const noise = normals(X.rows, seed);
  return Array.from({ length: X.rows }, (_, i) => {
    const r = X.data.subarray(i * X.cols, (i + 1) * X.cols);
    const s = r[0]! - 0.5 * r[1]! + 0.5 * noise[i]!;
    return s > 0.6 ? 'c' : s > -0.4 ? 'b' : 'a';
  });
}
function weights(n: number): number[] {
  return Array.from({ length: n }, (_, i) => 0.25 + (i % 7) * 0.3);
}

const X5 = matrix(6000, 5, 1); // d <= 12: 4-row blocks
const y5 = binary(X5, 2);
const X20 = matrix(5000, 20, 3); // d > 12: padded rows
const y20 = binary(X20, 4);
const X6 = matrix(5000, 6, 5);
const y6 = threeClasses(X6, 6);
const Y6 = {
  data: Float64Array.from({ length: 5000 * 3 }, (_, k) => {
    const i = Math.floor(k / 3), j = k % 3;
    return X6.data[i * 6 + j]! + 0.4 * X6.data[i * 6 + 3 + j]! > 0.1 * j ? 1 : 0;
  }),
  rows: 5000,
  cols: 3,
};
const X8 = matrix(6000, 8, 7);
const y8 = threeClasses(X8, 8);
/** Rows to predict on: more than PARALLEL_ROWS (4096), several blocks. */
const big5 = matrix(12_000, 5, 11);
const big20 = matrix(10_000, 20, 12);
const big6 = matrix(10_240, 6, 13);
const big8 = matrix(11_000, 8, 14);

interface Case {
  name: string;
  make: (o: { backend: BackendName; dtype: Dtype; nThreads: number | 'auto' }) => Model;
  fit: (m: Model) => Model;
  /** Rows to predict on. */
  P: W.Matrix;
}

const lr = (o: object) => (c: { backend: BackendName; dtype: Dtype; nThreads: number | 'auto' }) => new W.LogisticRegression({ ...c, ...o });
const CASES: Case[] = [
  { name: 'binary lbfgs, d = 5 (4-row blocks)', make: lr({ maxIter: 200, tol: 1e-9 }), fit: (m) => (m as W.LogisticRegression).fit(X5, y5), P: big5 },
  {
    name: 'binary lbfgs, d = 5, weights, no intercept',
    make: lr({ maxIter: 200, tol: 1e-9, fitIntercept: false, C: 0.05 }),
    fit: (m) => (m as W.LogisticRegression).fit(X5, y5, { sampleWeight: weights(X5.rows) }),
    P: big5,
  },
  { name: 'binary lbfgs, d = 20 (rows)', make: lr({ maxIter: 200, tol: 1e-9 }), fit: (m) => (m as W.LogisticRegression).fit(X20, y20), P: big20 },
  {
    name: 'binary lbfgs, d = 20, weights, no intercept',
    make: lr({ maxIter: 200, tol: 1e-9, fitIntercept: false, C: 0.05 }),
    fit: (m) => (m as W.LogisticRegression).fit(X20, y20, { sampleWeight: weights(X20.rows) }),
    P: big20,
  },
  { name: "binary 'gd', d = 20", make: lr({ solver: 'gd', maxIter: 40, tol: 0 }), fit: (m) => (m as W.LogisticRegression).fit(X20, y20), P: big20 },
  { name: "binary 'gd', d = 5, weights", make: lr({ solver: 'gd', maxIter: 40, tol: 0 }), fit: (m) => (m as W.LogisticRegression).fit(X5, y5, { sampleWeight: weights(X5.rows) }), P: big5 },
  { name: 'multinomial lbfgs, 3 classes', make: lr({ maxIter: 200, tol: 1e-9 }), fit: (m) => (m as W.LogisticRegression).fit(X6, y6), P: big6 },
  {
    name: 'multinomial lbfgs, weights, no intercept',
    make: lr({ maxIter: 200, tol: 1e-9, fitIntercept: false }),
    fit: (m) => (m as W.LogisticRegression).fit(X6, y6, { sampleWeight: weights(X6.rows) }),
    P: big6,
  },
  { name: 'MultiLabelClassifier lbfgs', make: (c) => new W.MultiLabelClassifier({ ...c, maxIter: 200, tol: 1e-9 }), fit: (m) => (m as W.MultiLabelClassifier).fit(X6, Y6), P: big6 },
  {
    name: "MLPClassifier 'lbfgs'",
    make: (c) => new W.MLPClassifier({ ...c, solver: 'lbfgs', hiddenLayerSizes: [8], activation: 'tanh', maxIter: 20, tol: 0, seed: 3 }),
    fit: (m) => (m as W.MLPClassifier).fit(X8, y8),
    P: big8,
  },
  {
    name: 'MLPClassifier adam, batch 2048',
    make: (c) => new W.MLPClassifier({ ...c, solver: 'adam', hiddenLayerSizes: [8], batchSize: 2048, maxIter: 4, tol: 0, learningRateInit: 0.01, seed: 3 }),
    fit: (m) => (m as W.MLPClassifier).fit(X8, y8),
    P: big8,
  },
];

// ---- comparisons ----

function expectSameBits(a: ArrayLike<unknown>, b: ArrayLike<unknown>, what: string): void {
  const i = firstDifference(a, b);
  expect(i, `${what}: differs at ${i} (${String(a[i])} vs ${String(b[i])}; lengths ${a.length}, ${b.length})`).toBe(-1);
}
/** max |a - b| / max |b|. */
function relative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0, scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}

/** Everything a fit decides: its parameters and its record. */
function record(m: Model) {
  return { nIter: m.nIter, stopReason: m.stopReason, losses: m.history.map((h) => h.loss) };
}

/** Workers that instantiated the builds, and parallel jobs run, by the pool's latest control block. */
function poolState(): { ready: number; jobs: number } {
  const c = spy.controls.at(-1);
  if (!c) return { ready: 0, jobs: 0 };
  const ctrl = new Int32Array(c, 0, 16);
  return { ready: Atomics.load(ctrl, 5), jobs: Atomics.load(ctrl, 0) };
}

const jsReference = new Map<string, Float64Array>();
function jsFit(c: Case, dtype: Dtype): Float64Array {
  const key = `${c.name} ${dtype}`;
  let p = jsReference.get(key);
  if (!p) {
    const m = c.fit(c.make({ backend: 'js', dtype, nThreads: 'auto' }));
    p = m.getParameters();
    m.dispose();
    jsReference.set(key, p);
  }
  return p;
}

describe('init({ threads: 4 })', () => {
  it('reports 4 threads sharing memory, nothing unavailable about it', () => {
    expect(info4.threads.mode).toBe('shared');
    expect(info4.threads.count).toBe(4);
    expect(info4.threads.unavailable.shared).toBeUndefined();
    expect(wasmBackends.length).toBeGreaterThan(0);
  });
});

describe.each(wasmBackends)('%s', (backend) => {
  describe.each(DTYPES)('%s', (dtype) => {
    it.each(CASES)('$name: the same bits on 1, 2, 4 threads; js to rounding', (c) => {
      const jobsBefore = poolState().jobs;
      const models = [1, 2, 4].map((nThreads) => c.fit(c.make({ backend, dtype, nThreads })));
      try {
        const [one, ...more] = models;
        const p1 = one!.getParameters();
        expect(p1.every(Number.isFinite)).toBe(true);
        for (const [k, m] of more.entries()) {
          expectSameBits(m.getParameters(), p1, `parameters on ${2 * (k + 1)} threads vs 1`);
          expect(record(m)).toEqual(record(one!));
        }
        const tol = dtype === 'float64' ? 1e-6 : 1e-4;
        const js = jsFit(c, dtype);
        expect(relative(p1, js), `${c.name} ${backend} ${dtype} vs js`).toBeLessThan(tol);

        // Predictions on 10,000+ rows: rows shared among the threads on 2 and 4, alone on 1.
        const outputs = (m: Model) => {
          const proba = m.predictProba(c.P).data, dec = m.decisionFunction(c.P).data, pred = m.predict(c.P);
          return { proba, dec, pred: Array.isArray(pred) ? pred : Array.from(pred.data) };
        };
        const o1 = outputs(one!);
        expect(o1.proba.length).toBeGreaterThanOrEqual(10_000);
        for (const [k, m] of more.entries()) {
          const o = outputs(m);
          expectSameBits(o.proba, o1.proba, `predictProba on ${2 * (k + 1)} threads vs 1`);
          expectSameBits(o.dec, o1.dec, `decisionFunction on ${2 * (k + 1)} threads vs 1`);
          expectSameBits(o.pred, o1.pred, `predict on ${2 * (k + 1)} threads vs 1`);
        }
      } finally {
        for (const m of models) m.dispose();
      }
      // The 2- and 4-thread fits ran jobs on the pool's workers (3 of them, all started).
      const after = poolState();
      expect(after.ready).toBe(3);
      expect(after.jobs).toBeGreaterThan(jobsBefore);
    });
  });
});

describe('the pool', () => {
  it('started 3 workers for 4 threads, and init still reports shared memory available after the fits', async () => {
    expect(spy.started).toBeGreaterThanOrEqual(3);
    expect(poolState().ready).toBe(3);
    const again = await W.init({ threads: 4 });
    expect(again.threads).toMatchObject({ mode: 'shared', count: 4 });
    expect(again.threads.unavailable.shared).toBeUndefined();
  });

  it('a fit, shutdown(), the same fit again: the same weights, on a pool started again', () => {
    const make = () => new W.LogisticRegression({ nThreads: 4, maxIter: 60 });
    const a = make().fit(X20, y20);
    const startedBefore = spy.started;
    W.shutdown();
    const b = make().fit(X20, y20);
    try {
      expectSameBits(b.getParameters(), a.getParameters(), 'after shutdown()');
      expect(spy.started).toBe(startedBefore + 3);
      expect(poolState().ready).toBe(3);
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it('workers that cannot start: the fit runs on this thread with the same weights, and init says why', async () => {
    const make = () => new W.LogisticRegression({ nThreads: 4, maxIter: 60 });
    const ref = make().fit(X20, y20);
    W.shutdown();
    spy.refuse = true;
    let info: W.InitInfo;
    try {
      const alone = make().fit(X20, y20);
      expectSameBits(alone.getParameters(), ref.getParameters(), 'without workers');
      alone.dispose();
      info = await W.init({ threads: 4 });
    } finally {
      spy.refuse = false;
      ref.dispose();
      // Once they can start again, the next fit starts them.
      await W.init({ threads: 4 });
      const controls = spy.controls.length;
      make().fit(X20, y20).dispose();
      expect(spy.controls.length).toBe(controls + 1);
      expect(poolState().ready).toBe(3);
    }
    // A pool that failed to start reports it at the next init.
    expect(info.threads.unavailable.shared).toMatch(/refuses to start a worker/);
  });

  it('nThreads larger than the pool is allowed (clamped to it), with the same weights', () => {
    const models = [1, 4, 64, 256, 10_000].map((nThreads) => new W.LogisticRegression({ nThreads, maxIter: 40 }).fit(X5, y5));
    try {
      for (const m of models.slice(1)) expectSameBits(m.getParameters(), models[0]!.getParameters(), `nThreads ${m.options.nThreads}`);
      expect(getEngine().withThreads(64).threads).toBe(4);
      expect(getEngine().withThreads(3).threads).toBe(3);
      expect(getEngine().threads).toBe(4);
    } finally {
      for (const m of models) m.dispose();
    }
  });

  it('a failure inside a fit (a bad label, a NaN in X, a callback that throws) leaves the pool usable', () => {
    const good = () => new W.LogisticRegression({ nThreads: 4, maxIter: 60 }).fit(X20, y20);
    const ref = good();
    const engine = getEngine();
    const before = engine.bytesInUse;
    try {
      const m = new W.LogisticRegression({ nThreads: 4, maxIter: 60 });
      const badY: unknown[] = [...y20];
      badY[4321] = { label: 'object' };
      expect(caught(() => m.fit(X20, badY as number[])).code).toBe('BAD_LABEL');
      const nanX = { data: Float64Array.from(X20.data), rows: X20.rows, cols: X20.cols };
      nanX.data[4999 * 20 + 7] = NaN;
      expect(caught(() => m.fit(nanX, y20)).code).toBe('NON_FINITE_INPUT');
      const boom = new Error('user callback');
      expect(() => m.fit(X20, y20, { onEpochEnd: (log) => { if (log.epoch === 3) throw boom; } })).toThrow(boom);
      expect(engine.bytesInUse).toBe(before);
      const again = good();
      expectSameBits(again.getParameters(), ref.getParameters(), 'a fit after the failures');
      again.dispose();
      m.dispose();
    } finally {
      ref.dispose();
    }
    expect(poolState().ready).toBe(3);
  });

  it.each(wasmBackends)('%s: engine memory is back to its level after fits on 1, 2 and 4 threads (no slot or scratch leak)', (backend) => {
    const engine = getEngine(backend);
    const fits = (nThreads: number) => {
      for (const dtype of DTYPES) {
        for (const c of CASES) c.fit(c.make({ backend, dtype, nThreads })).dispose();
      }
    };
    // Each engine keeps a scratch it grows on demand: one round first, to grow it.
    for (const n of [1, 2, 4]) fits(n);
    const level = engine.bytesInUse;
    for (const n of [4, 2, 1, 4]) fits(n);
    expect(engine.bytesInUse).toBe(level);
  });
});

describe('options', () => {
  const shown = (vs: unknown[]) => vs.map((v) => [typeof v === 'string' ? `'${v}'` : Array.isArray(v) ? `[${v}]` : String(v), v] as const);
  it.each(shown([0, -1, 1.5, 'x', 300, NaN, null, '2']))('init threads %s is BAD_OPTION', async (_, threads) => {
    await expect(W.init({ threads: threads as number })).rejects.toMatchObject({ code: 'BAD_OPTION' });
  });

  it('init threadsMode foo is BAD_OPTION', async () => {
    await expect(W.init({ threadsMode: 'foo' as 'auto' })).rejects.toMatchObject({ code: 'BAD_OPTION' });
    // The refused calls changed nothing.
    const info = await W.init({ threads: 4 });
    expect(info.threads).toMatchObject({ mode: 'shared', count: 4 });
  });

  it.each(shown([0, -2, 1.5, 'x', NaN, Infinity, null, '2', [2], 0.5, -0]))('nThreads %s is BAD_OPTION at construction (and in setParams), for every estimator', (_, nThreads) => {
    for (const Est of [W.LogisticRegression, W.MultiLabelClassifier, W.MLPClassifier]) {
      expect(caught(() => new Est({ nThreads: nThreads as number })).code).toBe('BAD_OPTION');
      expect(caught(() => new Est().setParams({ nThreads: nThreads as number })).code).toBe('BAD_OPTION');
    }
  });

  it('toJSON leaves nThreads out; fromJSON restores the model with the default', () => {
    const m = new W.LogisticRegression({ nThreads: 2, maxIter: 30 }).fit(X20, y20);
    const mlp = new W.MLPClassifier({ nThreads: 3, hiddenLayerSizes: [4], maxIter: 3 }).fit(X8, y8);
    const ml = new W.MultiLabelClassifier({ nThreads: 2, maxIter: 10 }).fit(X6, Y6);
    const restored: Model[] = [];
    try {
      for (const [model, P] of [[m, big20], [mlp, big8], [ml, big6]] as [Model, W.Matrix][]) {
        const json = model.toJSON();
        expect(JSON.stringify(json)).not.toContain('nThreads');
        const back = W.loadFromJSON(JSON.parse(JSON.stringify(json))) as Model;
        restored.push(back);
        expect(back.options.nThreads).toBe('auto');
        expectSameBits(back.getParameters(), model.getParameters(), `${model.constructor.name} restored`);
        expectSameBits(back.predictProba(P).data, model.predictProba(P).data, `${model.constructor.name} restored, predictions`);
      }
    } finally {
      for (const x of [m, mlp, ml, ...restored]) x.dispose();
    }
  });
});

describe('init({ wasm }) again', () => {
  it('the pool keeps only the builds the engines use: those an earlier init loaded are dropped, not instantiated in every worker', async () => {
    const file = (b: string) => new Uint8Array(readFileSync(join(root, 'build', `${b}.wasm`)));
    const wasm: W.WasmSources = {};
    for (const b of ['relaxed', 'simd', 'scalar'] as const) {
      if (!backends.includes(`wasm-${b}`)) continue;
      wasm[b] = file(b);
      if (existsSync(join(root, 'build', `${b}-threads.wasm`))) wasm[`${b}-threads`] = file(`${b}-threads`);
    }
    for (let i = 0; i < 3; i++) await W.init({ wasm, threads: 4 });
    W.shutdown();
    const m = new W.LogisticRegression({ nThreads: 4, maxIter: 5 }).fit(X20, y20);
    m.dispose();
    expect(poolState().ready).toBe(3);
    // Each worker instantiates every build the pool holds: one per WASM backend.
    expect(spy.builds).toBe(wasmBackends.length);
  });
});

describe('a Node script', () => {
  it('that fits on 2 threads exits by itself when done', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasmlearn-threads-'));
    try {
      const script = join(dir, 'script.mjs');
      writeFileSync(script, `import { init, LogisticRegression } from ${JSON.stringify(join(root, 'dist/index.js'))};
const info = await init({ threads: 2 });
const n = 20000, d = 20;
const data = new Float64Array(n * d);
let s = 7;
const next = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) - 0.5;
for (let k = 0; k < data.length; k++) data[k] = next();
const y = Array.from({ length: n }, (_, i) => (data[i * d] + data[i * d + 1] - data[i * d + 2] + 0.3 * next() > 0 ? 1 : 0));
const model = new LogisticRegression({ nThreads: 2 }).fit({ data, rows: n, cols: d }, y);
console.log(JSON.stringify({ threads: info.threads, coef: Array.from(model.coef.data), nIter: model.nIter }));
`);
      const r = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 30_000 });
      expect(r.error).toBeUndefined();
      expect(r.signal).toBeNull();
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const out = JSON.parse(r.stdout) as { threads: W.ThreadsInfo; coef: number[]; nIter: number };
      expect(out.threads).toMatchObject({ mode: 'shared', count: 2 });
      expect(out.coef).toHaveLength(20);
      expect(out.coef.every(Number.isFinite)).toBe(true);
      // The rule's signs: + + - on the first three features.
      expect(Math.sign(out.coef[0]!) * Math.sign(out.coef[1]!) * -Math.sign(out.coef[2]!)).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
