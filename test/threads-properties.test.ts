// nThreads' promise as a property (#15): for any shape of data (row counts across block
// boundaries, narrow and wide rows, a mini-batch's last short batch), objective, backend and
// dtype, a fit on 2, 3 or 4 threads gives the bits of the fit on 1, and so do its predictions.
// The examples in threads.test.ts fix the shapes; this draws them.
import { afterAll, expect, it } from 'vitest';
import fc from 'fast-check';
import * as W from '../src/index.js';
import type { BackendName } from '../src/engine/engine.js';
import { backends } from './helpers/backends.js';
import { firstDifference } from './helpers/compare.js';
import { normals } from './helpers/random.js';

const info = await W.init({ threads: 4 });
afterAll(() => W.shutdown());

const wasmBackends = backends.filter((b): b is Exclude<BackendName, 'js'> => b !== 'js');
type Model = W.LogisticRegression | W.MultiLabelClassifier | W.MLPClassifier;

const KINDS = ['binary lbfgs', 'binary gd, weights', 'multinomial lbfgs, weights', 'multi-label lbfgs', 'MLP lbfgs', 'MLP adam'] as const;

/** A drawn fit: the model, its data (every class present) and options. */
function drawnFit(kind: (typeof KINDS)[number], n: number, d: number, batch: number, seed: number, common: object): { fit: (nThreads: number) => Model; X: W.Matrix } {
  const X = { data: normals(n * d, seed), rows: n, cols: d };
  const noise = normals(n, seed + 1);
  // A noisy linear score: the labels are not separable, so every optimum is finite.
  const score = (i: number) => X.data[i * d]! - 0.5 * X.data[i * d + d - 1]! + 0.7 * noise[i]!;
  const binary = Array.from({ length: n }, (_, i) => (i < 2 ? i : score(i) > 0 ? 1 : 0));
  const three = Array.from({ length: n }, (_, i) => (i < 3 ? i : score(i) > 0.5 ? 2 : score(i) > -0.5 ? 1 : 0));
  const Y = { data: Float64Array.from({ length: 2 * n }, (_, k) => (k < 4 ? k >> 1 : score(k >> 1) > (k & 1) - 0.5 ? 1 : 0)), rows: n, cols: 2 };
  const sampleWeight = Array.from({ length: n }, (_, i) => 0.25 + (i % 7) * 0.3);
  const fit = (nThreads: number): Model => {
    const o = { ...common, nThreads };
    switch (kind) {
      case 'binary lbfgs': return new W.LogisticRegression({ ...o, maxIter: 30 }).fit(X, binary);
      case 'binary gd, weights': return new W.LogisticRegression({ ...o, solver: 'gd', maxIter: 15, tol: 0 }).fit(X, binary, { sampleWeight });
      case 'multinomial lbfgs, weights': return new W.LogisticRegression({ ...o, maxIter: 30 }).fit(X, three, { sampleWeight });
      case 'multi-label lbfgs': return new W.MultiLabelClassifier({ ...o, maxIter: 30 }).fit(X, Y);
      case 'MLP lbfgs': return new W.MLPClassifier({ ...o, solver: 'lbfgs', hiddenLayerSizes: [5], maxIter: 10, tol: 0, seed }).fit(X, three);
      case 'MLP adam': return new W.MLPClassifier({ ...o, solver: 'adam', hiddenLayerSizes: [6], batchSize: batch, maxIter: 2, tol: 0, seed }).fit(X, three);
    }
  };
  return { fit, X };
}

it('init gave 4 threads sharing memory', () => {
  expect(info.threads).toMatchObject({ mode: 'shared', count: 4 });
});

it('any fit on 2, 3 or 4 threads equals the fit on 1 bit for bit, and so do its predictions', () => {
  fc.assert(
    fc.property(
      fc.record({
        kind: fc.constantFrom(...KINDS),
        // Up to 5 blocks of 1,024 rows; a row count that is not a multiple of 4 leaves the 4-row blocks a partial tail.
        n: fc.integer({ min: 8, max: 5200 }),
        // d <= 12: binary rows in 4-row blocks; wider: padded rows.
        d: fc.integer({ min: 1, max: 24 }),
        // 128 and up: a batch is cut into blocks (4 of them below 1,024 rows, 16 above).
        batch: fc.integer({ min: 128, max: 1300 }),
        backend: fc.constantFrom(...wasmBackends),
        dtype: fc.constantFrom('float32' as const, 'float64' as const),
        threads: fc.constantFrom(2, 3, 4),
        seed: fc.nat(10_000),
      }),
      ({ kind, n, d, batch, backend, dtype, threads, seed }) => {
        const { fit, X } = drawnFit(kind, n, d, batch, seed, { backend, dtype });
        const one = fit(1), many = fit(threads);
        try {
          const what = `${kind}, ${n} x ${d}, batch ${batch}, ${backend} ${dtype}, ${threads} threads`;
          const i = firstDifference(many.getParameters(), one.getParameters());
          expect(i, `${what}: parameters differ at ${i}`).toBe(-1);
          expect(many.nIter, what).toBe(one.nIter);
          const j = firstDifference(many.predictProba(X).data, one.predictProba(X).data);
          expect(j, `${what}: predictProba differs at ${j}`).toBe(-1);
        } finally {
          one.dispose();
          many.dispose();
        }
      },
    ),
    { numRuns: 60 },
  );
});
