// Run by `deno test` (test/e2e/deno.e2e.ts starts it): fitAsync in Deno trains in a module Web
// Worker and reaches fit's model exactly; with Deno's SharedArrayBuffer, onEpochEnd's false stops
// at fit's epoch and an abort frees the worker's memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
// @ts-types="../../dist/index.d.ts" (Deno reads the types of a .js import from here)
import * as lib from '../../dist/index.js';

const info = await lib.init();
const { X, y } = lib.makeLogistic(800, 6, 4);
const labels = Array.from(y);
/** Two outputs read off X's first two columns, for the multi-label model. */
const Y = { data: Float64Array.from({ length: 2 * X.rows }, (_, k) => (X.data[(k >> 1) * X.cols + (k & 1)]! > 0 ? 1 : 0)), rows: X.rows, cols: 2 };

type Model = lib.LogisticRegression | lib.MLPClassifier | lib.MultiLabelClassifier;

function sameModel(a: Model, b: Model, what: string): void {
  assert.deepEqual(Array.from(a.getParameters()), Array.from(b.getParameters()), `${what}: parameters`);
  assert.equal(a.nIter, b.nIter, `${what}: nIter`);
  assert.equal(a.stopReason, b.stopReason, `${what}: stopReason`);
  assert.deepEqual(a.history.map((h) => h.loss), b.history.map((h) => h.loss), `${what}: history`);
}

test('fitAsync reaches fit\'s model bit for bit on every backend and estimator', async () => {
  try {
    for (const backend of info.available) {
      const cases: [() => Model, unknown][] = [
        [() => new lib.LogisticRegression({ backend, solver: 'sgd', maxIter: 10, seed: 3 }), labels],
        [() => new lib.MLPClassifier({ backend, hiddenLayerSizes: [5], maxIter: 8, seed: 1 }), labels],
      ];
      // The full-batch solvers on the default backend (each backend's worker starts its own threads there).
      if (backend === info.backend) {
        cases.push([() => new lib.LogisticRegression({ backend, maxIter: 30 }), labels], [() => new lib.MultiLabelClassifier({ backend, maxIter: 30 }), Y]);
      }
      for (const [make, t] of cases) {
        const sync = (make().fit as (X: lib.Matrix, y: unknown) => Model)(X, t);
        const model = await (make().fitAsync as (X: lib.Matrix, y: unknown) => Promise<Model>)(X, t);
        sameModel(model, sync, `${backend} ${sync.constructor.name}`);
      }
    }
  } finally {
    lib.shutdown();
  }
});

test('onEpochEnd returning false stops at fit\'s epoch; an abort rejects with ABORTED and frees the worker\'s memory', async () => {
  try {
    assert.equal(typeof SharedArrayBuffer, 'function');
    const make = () => new lib.LogisticRegression({ solver: 'sgd', maxIter: 50, tol: 0, seed: 2 });
    const stop = { onEpochEnd: (log: lib.EpochLog) => log.epoch < 4 };
    const model = await make().fitAsync(X, labels, stop);
    assert.equal(model.nIter, 4);
    sameModel(model, make().fit(X, labels, stop), 'stopped');

    const controller = new AbortController();
    const fit = new lib.MLPClassifier({ hiddenLayerSizes: [16], maxIter: 100_000, tol: 0, nIterNoChange: 100_000 }).fitAsync(X, labels, {
      signal: controller.signal,
      onEpochEnd: (log) => void (log.epoch === 3 && controller.abort()),
    });
    await assert.rejects(fit, (e: lib.WasmlearnError) => {
      assert.equal(e.code, 'ABORTED');
      const [, before, after] = /\((\d+) bytes in use before the fit, (\d+) after\)/.exec(e.message) ?? [];
      assert.ok(before !== undefined && before === after, e.message);
      return true;
    });
  } finally {
    lib.shutdown();
  }
});
