// Run by `deno test` (test/e2e/deno.e2e.ts starts it): message-passing threads in Deno. With
// threadsMode 'message', fitAsync's full-batch fits deal their rows to shard workers (module Web
// Workers here, joined to the fit's worker by MessageChannels): the same bits on 1 and 2 threads,
// and fit's model to rounding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
// @ts-types="../../dist/index.d.ts" (Deno reads the types of a .js import from here)
import * as lib from '../../dist/index.js';
// @ts-types="../../dist/async/fit-job.d.ts"
import { shardPool } from '../../dist/async/fit-job.js';
import { relativeGap, same } from '../helpers/compare.js';

const info = await lib.init({ threads: 2, threadsMode: 'message' });

// 4,500 rows: five row blocks of (at most) 1,024, so 1 and 2 shards hold different runs of them.
const N = 4500;
const wide = lib.makeLogistic(N, 20, 3);
const X3 = lib.makeLogistic(N, 6, 9).X;
const y3 = Array.from({ length: N }, (_, i) => (X3.data[6 * i]! + X3.data[6 * i + 1]! > 0.5 ? 2 : X3.data[6 * i + 2]! > 0 ? 1 : 0));

test('init({ threads: 2, threadsMode: "message" }) gives message passing on 2 threads', () => {
  assert.ok('Deno' in globalThis, 'this test is meant for deno test');
  assert.equal(info.threads.mode, 'message');
  assert.equal(info.threads.count, 2);
});

test('fitAsync in message mode: the same bits on 1 and 2 threads, fit\'s model to rounding, on shard workers', async () => {
  const cases = [
    { what: 'binary lbfgs, float64', make: (nThreads: number) => new lib.LogisticRegression({ nThreads, maxIter: 60, dtype: 'float64' }), X: wide.X, y: Array.from(wide.y), tol: 1e-6 },
    { what: 'multinomial lbfgs, float32', make: (nThreads: number) => new lib.LogisticRegression({ nThreads, maxIter: 40 }), X: X3, y: y3, tol: 1e-4 },
    { what: 'binary gd, float64', make: (nThreads: number) => new lib.LogisticRegression({ nThreads, solver: 'gd', learningRate: 0.5, maxIter: 30, tol: 0, dtype: 'float64' }), X: wide.X, y: Array.from(wide.y), tol: 1e-6 },
  ];
  try {
    for (const c of cases) {
      const one = await c.make(1).fitAsync(c.X, c.y);
      const two = await c.make(2).fitAsync(c.X, c.y);
      // A fit of two blocks or more trains on shards even on 1 thread, so its sums are the same.
      assert.ok(shardPool.size.idle + shardPool.size.busy >= 2, `${c.what}: the 2-thread fit's shard workers were not started`);
      assert.ok(same(two.getParameters(), one.getParameters()), `${c.what}: 2 threads differ from 1`);
      assert.equal(two.nIter, one.nIter, `${c.what}: nIter`);
      const sync = c.make(1).fit(c.X, c.y);
      const gap = relativeGap(one.getParameters(), sync.getParameters());
      assert.ok(gap <= c.tol, `${c.what}: ${gap} from fit's parameters`);
      for (const m of [one, two, sync]) m.dispose();
    }
  } finally {
    lib.shutdown();
  }
});
