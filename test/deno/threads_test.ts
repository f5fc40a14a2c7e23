// Run by `deno test` (test/e2e/deno.e2e.ts starts it): threads inside one fit in Deno, where the
// pool's workers are module Web Workers on one shared WebAssembly.Memory. A fit on 2 threads gives
// the same bits as on 1, and so do predictions on rows enough to be shared among the threads.
// (deno.e2e.ts also checks that a Deno script that used the threads exits by itself.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
// @ts-types="../../dist/index.d.ts" (Deno reads the types of a .js import from here)
import * as lib from '../../dist/index.js';
import { firstDifference } from '../helpers/compare.js';

/** A seeded noisy linear problem, n x d: several row blocks of at least 1024 rows. */
function problem(n: number, d: number, seed: number): { X: lib.Matrix; y: number[] } {
  let s = seed >>> 0;
  const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5;
  const data = Float64Array.from({ length: n * d }, next);
  const y = Array.from({ length: n }, (_, i) => (data[i * d]! - data[i * d + 1]! + 0.5 * data[i * d + 2]! + 0.4 * next() > 0 ? 1 : 0));
  return { X: { data, rows: n, cols: d }, y };
}

/**
 * The pool starts its workers with the global Worker: wrapped here, so the test counts them and
 * reads the shared control block posted to them (int32 slot 0: parallel jobs run; 5: workers ready).
 */
const seen = { started: 0, controls: [] as SharedArrayBuffer[] };
const RealWorker = globalThis.Worker;
globalThis.Worker = class extends RealWorker {
  constructor(...args: ConstructorParameters<typeof Worker>) {
    super(...args);
    seen.started++;
  }
  override postMessage(m: unknown, transfer?: Transferable[] | StructuredSerializeOptions): void {
    const control = (m as { control?: unknown } | null)?.control;
    if (control instanceof SharedArrayBuffer && seen.controls.at(-1) !== control) seen.controls.push(control);
    super.postMessage(m, transfer as Transferable[]);
  }
};
function poolState(): { ready: number; jobs: number } {
  const c = seen.controls.at(-1);
  if (!c) return { ready: 0, jobs: 0 };
  const ctrl = new Int32Array(c, 0, 16);
  return { ready: Atomics.load(ctrl, 5), jobs: Atomics.load(ctrl, 0) };
}

const info = await lib.init({ threads: 2 });

test('init({ threads: 2 }) shares memory between 2 threads', () => {
  assert.ok('Deno' in globalThis, 'this test is meant for deno test');
  assert.equal(info.threads.mode, 'shared');
  assert.equal(info.threads.count, 2);
  assert.equal(info.threads.unavailable.shared, undefined);
});

test('an lbfgs fit on 2 threads equals nThreads 1 bit for bit, on every WASM backend and dtype; so do its predictions', async () => {
  const wide = problem(6000, 20, 3); // padded rows
  const narrow = problem(6000, 5, 4); // 4-row blocks
  const P = problem(10_000, 20, 5).X;
  try {
    for (const backend of info.available.filter((b) => b !== 'js')) {
      for (const dtype of ['float32', 'float64'] as const) {
        for (const { X, y } of [wide, narrow]) {
          const fit = (nThreads: number) => new lib.LogisticRegression({ backend, dtype, nThreads, maxIter: 100, tol: 1e-8 }).fit(X, y);
          const one = fit(1), two = fit(2);
          const what = `${backend} ${dtype} d = ${X.cols}`;
          const i = firstDifference(two.getParameters(), one.getParameters());
          assert.equal(i, -1, `${what}: parameters differ at ${i}`);
          assert.equal(two.nIter, one.nIter, `${what}: nIter`);
          if (X.cols === 20) {
            const j = firstDifference(two.predictProba(P).data, one.predictProba(P).data);
            assert.equal(j, -1, `${what}: predictProba differs at ${j}`);
          }
          one.dispose();
          two.dispose();
        }
      }
    }
    // The 2-thread fits ran jobs on the pool's one worker.
    assert.ok(seen.started >= 1, 'no worker was started');
    assert.equal(poolState().ready, 1);
    assert.ok(poolState().jobs > 0, 'no job ran on the worker');
    // Init again: a pool whose workers failed to start would say so here.
    const again = await lib.init({ threads: 2 });
    assert.equal(again.threads.mode, 'shared');
    assert.equal(again.threads.unavailable.shared, undefined);
  } finally {
    // The pool ends idle workers after 1 s in Deno anyway; shutdown() ends them now.
    lib.shutdown();
  }
});
