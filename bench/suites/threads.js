// The threads dimension (#15): the best backend on 1 and on 2 threads, in the same process,
// interleaved, after init({ threads: 2 }):
//   shared mode (the threads builds on one shared memory, every fit):
//     (C) the full-batch pass (memory-bound) and (B), (D) the epoch: engine.withThreads(1 | 2) on
//     the same resident data; then the "via fit()" of each, nThreads 1 | 2;
//     (E2), (E3) L-BFGS to convergence and (E4) 100,000 x 256 L-BFGS, 50 iterations at tol 0 (a
//     fixed amount of work), through fit(), nThreads 1 | 2;
//   message mode (init({ threads: 2, threadsMode: 'message' }), fitAsync's full-batch solvers):
//     (C)'s gd fit, (E2), (E3), (E4) through fitAsync(), nThreads 1 | 2.
// Every other suite runs on one thread: their figures are this suite's 1-thread baseline too.
// Each row records whether the parameters came out the same bits on 1 and 2 threads (shared mode
// promises it: blocks of rows reduced in a fixed order, whatever the count).
import { isQuick, log } from '../lib/harness.js';
import { dataB, dataC, dataD, dataE4, dataE5, dataLetters, glorotLayers, zeroLayers } from '../lib/data.js';
import { engineOn, residentLogistic, residentNet, wasmlearnBackends } from '../lib/wasmlearn.js';
import { threadsPlan } from '../../dist/engine/index.js';
import { lastExchange } from '../../dist/async/fit-job.js';
import { BOUND, GOALS, threadsRow } from '../lib/threads.js';
import { FIT_EPOCHS } from '../lib/suite.js';
import { weightsFor } from './fullbatch.js';
import { options as lbfgsToConvergence } from './e-lbfgs.js';
import { init, LogisticRegression, MLPClassifier, MultiLabelClassifier, shutdown } from '../../dist/index.js';

const ADAM = (lr) => ({ kind: 'adam', lr, beta1: 0.9, beta2: 0.999, eps: 1e-8 });
/** (E4): a fixed amount of work, the same on any thread count. */
const E4 = () => ({ solver: 'lbfgs', C: 1, tol: 0, maxIter: isQuick() ? 10 : 50 });

function group(id, title, shape) {
  return { id, title, shape, bound: BOUND[id] ?? null, goal: GOALS[id] ?? null, rows: [] };
}

/** A model's parameters, coefficients then intercepts, as f64 (exact for f32 values). */
const paramsOf = (model) => Float64Array.from([...model.coef.data, ...model.intercept]);
const netParamsOf = (model) => Float64Array.from(model.coefs.flatMap((W, l) => [...W.data, ...model.intercepts[l]]));

/** A fit() (or fitAsync()) row: `fit(nThreads)` returns the fitted model (or a promise of it). */
function fitRow(g, { name, mode, api, note, fit, params = paramsOf, compareTo, expectIdentical = true, onFirst, goalRow, threadsOf }) {
  return threadsRow(g, {
    name, mode, api, note, compareTo, expectIdentical, goalRow,
    make: (threads) => {
      let model = null;
      const run = () => {
        model?.dispose();
        model = null;
        const r = fit(threads);
        if (r && typeof r.then === 'function') return r.then((m) => { model = m; });
        model = r;
        return undefined;
      };
      return {
        run,
        result: () => {
          const p = params(model);
          onFirst?.(threads, p);
          return p;
        },
        threads: () => (threadsOf ? threadsOf(threads) : engineOn(g.best, threads).threads),
        info: () => (model.nIter !== undefined ? { nIter: model.nIter, converged: model.converged ?? null, stop: model.stopReason } : null),
        dispose: () => model?.dispose(),
      };
    },
  });
}

async function passC(best) {
  const { X, y } = dataC();
  const g = group('C', '(C) binary logistic regression, 100,000 x 256: one full-batch loss-and-gradient pass', { n: X.rows, d: X.cols });
  g.best = best;
  log(`\n${g.title}`);
  const { w, b } = weightsFor(X.cols);
  await threadsRow(g, {
    name: `${best} pass, engine.withThreads(n)`, mode: 'shared', api: 'engine', goalRow: true,
    note: 'lossGradLogistic on the same resident rows and weights, each pass from the same w',
    setup: () => {
      const r = residentLogistic(best, X, y);
      r.reset(w, b);
      return { r, grad: r.engine.f64(r.rows.stride + 1) };
    },
    make: (threads, { r, grad }) => {
      const on = engineOn(best, threads);
      let loss = NaN;
      return {
        run: () => { loss = r.lossGrad(grad, on); },
        result: () => Float64Array.of(loss, ...grad.view()),
        threads: () => on.threads,
      };
    },
    teardown: ({ r, grad }) => { r.engine.free(grad); r.free(); },
  });
  // The fit, kept (as lbfgs' groups keep theirs) for its message-mode row below.
  g.data = { X, y };
  g.opts = { solver: 'gd', maxIter: FIT_EPOCHS, tol: 0, learningRate: 0.5, penalty: 'none' };
  g.what = `LogisticRegression({ solver: "gd", maxIter: ${FIT_EPOCHS}, tol: 0, penalty: "none" })`;
  g.fitLabel = ` (gd, ${FIT_EPOCHS} iterations)`;
  g.shared1 = null;
  await fitRow(g, {
    name: `${best} via fit()${g.fitLabel}, nThreads n`, mode: 'shared', api: 'fit',
    note: `${g.what} with nThreads, .fit(X, y): ${FIT_EPOCHS + 1} passes plus the checks and the copy in (one thread)`,
    fit: (nThreads) => new LogisticRegression({ ...g.opts, backend: best, nThreads }).fit(X, y),
    onFirst: (threads, p) => { if (threads === 1) g.shared1 = p; },
  });
  return g;
}

async function epochs(id, title, best, data, spec, opts, lr, layers0, fitModel) {
  const { X, targets } = data;
  const g = group(id, title, { n: X.rows, sizes: spec.sizes, batch: opts.batch });
  g.best = best;
  log(`\n${g.title}`);
  await threadsRow(g, {
    name: `${best} epoch, engine.withThreads(n)`, mode: 'shared', api: 'engine', goalRow: true,
    note: 'epochNet on the same resident data; the identity check compares the parameters after one epoch from the same start and shuffle seed',
    setup: () => residentNet(best, spec, X, targets, ADAM(lr)),
    make: (threads, r) => {
      const on = engineOn(best, threads);
      r.reset(layers0);
      return { run: () => r.epoch(opts, on), result: () => r.params(), threads: () => on.threads };
    },
    teardown: (r) => r.free(),
  });
  await fitRow(g, {
    name: `${best} via fit() (${FIT_EPOCHS} epochs), nThreads n`, mode: 'shared', api: 'fit',
    note: `${fitModel.what} with nThreads: ${FIT_EPOCHS} epochs plus the checks and the copy in`,
    fit: fitModel.fit, params: fitModel.params,
  });
  return g;
}

async function lbfgs(id, title, best, data, opts, what) {
  const { X } = data;
  const multiclass = data.K > 1;
  const y = Array.from(multiclass ? data.labels : data.y);
  const g = group(id, title, { n: X.rows, d: X.cols, classes: multiclass ? data.K : 2, ...opts });
  g.best = best;
  g.data = { X, y };
  g.what = what;
  g.opts = opts;
  log(`\n${g.title}`);
  g.shared1 = null;
  await fitRow(g, {
    name: `${best} via fit(), nThreads n`, mode: 'shared', api: 'fit', goalRow: true,
    note: `${what}.fit(X, y) with nThreads, the checks and the copy in included`,
    fit: (nThreads) => new LogisticRegression({ ...opts, backend: best, nThreads }).fit(X, y),
    onFirst: (threads, p) => { if (threads === 1) g.shared1 = p; },
  });
  return g;
}

/** fitAsync's full-batch fit in message mode; its speedup is held to the group's goal when goalRow. */
async function messageRows(g, initProblem, goalRow) {
  const name = `${g.best} via fitAsync()${g.fitLabel ?? ''}, message mode, nThreads n`;
  if (initProblem) {
    g.rows.push({ name, mode: 'message', error: initProblem });
    log(`  ${name.padEnd(40)} failed: ${initProblem}`);
    return;
  }
  const { X, y } = g.data;
  // What the exchange cost, of each count's last fit.
  const exchange = {};
  const row = await fitRow(g, {
    // nThreads: "the same seed gives the same weights on 1 or 16 threads", in message mode too (7854dbe).
    name, mode: 'message', api: 'fitAsync', expectIdentical: true, goalRow,
    // The threads a message-mode fit asks for (no pool here: init made it one thread in shared mode).
    threadsOf: (nThreads) => Math.min(nThreads, threadsPlan().count),
    note: `${g.what}.fitAsync(X, y) with nThreads after init({ threads: 2, threadsMode: 'message' }): the workers' start, the transfer and the solve`,
    fit: (nThreads) => new LogisticRegression({ ...g.opts, backend: g.best, nThreads }).fitAsync(X, y).then((m) => {
      exchange[nThreads] = lastExchange;
      return m;
    }),
    compareTo: g.shared1 ? { what: 'the shared-mode fit on 1 thread', values: g.shared1 } : undefined,
  });
  row.exchange = exchange;
}

export default async function suite() {
  const info = await init({ threads: 2 });
  const { backend: best } = await wasmlearnBackends();
  log(`init({ threads: 2 }): ${JSON.stringify(info.threads)}; best backend ${best}`);
  const groups = [];
  const c = await passC(best);
  groups.push(c);

  const b = dataB();
  const K = b.K, d = b.X.cols;
  groups.push(await epochs('B', '(B) multi-label, 10,000 x 256 -> 10 outputs: one Adam epoch (batch 256)', best,
    { X: b.X, targets: b.Y }, { sizes: [d, K], hidden: 'identity', output: 'sigmoid', maxBatch: 256 },
    { batch: 256, shuffle: true, alpha: 0, l2: 0, outScale: K }, 1e-3, zeroLayers([d, K]), {
      what: 'MultiLabelClassifier({ solver: "sgd", optimizer: "adam", batchSize: 256, tol: 0 })',
      fit: (nThreads) => new MultiLabelClassifier({ solver: 'sgd', optimizer: 'adam', learningRate: 1e-3, batchSize: 256, maxIter: FIT_EPOCHS, tol: 0, penalty: 'none', seed: 1, backend: best, nThreads })
        .fit(b.X, { data: b.Y, rows: b.X.rows, cols: K }),
      params: paramsOf,
    }));

  const dd = await dataD();
  if (dd) {
    const sizes = [dd.X.cols, 64, dd.K];
    const labels = Array.from(dd.labels);
    groups.push(await epochs('D', '(D) MLPClassifier 64-64-10 on optdigits (3,823 x 64): one Adam epoch (batch 200)', best,
      { X: dd.X, targets: dd.labels }, { sizes, hidden: 'relu', output: 'softmax', maxBatch: 200 },
      { batch: 200, shuffle: true, alpha: 1e-4, l2: 0, outScale: 1 }, 1e-3, glorotLayers(sizes, 0), {
        what: 'MLPClassifier({ hiddenLayerSizes: [64], solver: "adam", batchSize: 200, tol: 0 })',
        fit: (nThreads) => new MLPClassifier({ hiddenLayerSizes: [64], activation: 'relu', solver: 'adam', alpha: 1e-4, batchSize: 200, learningRateInit: 1e-3, maxIter: FIT_EPOCHS, tol: 0, seed: 0, backend: best, nThreads }).fit(dd.X, labels),
        params: netParamsOf,
      }));
  } else {
    groups.push({ ...group('D', '(D) MLPClassifier 64-64-10 on optdigits'), skipped: 'optdigits.tra not found' });
  }

  const lb = [];
  lb.push(await lbfgs('E2', '(E2) L-BFGS to convergence: synthetic, 100,000 x 5, binary', best, dataE5(), lbfgsToConvergence(), 'LogisticRegression({ solver: "lbfgs", C: 1, tol: 1e-4, maxIter: 1000 })'));
  const letters = await dataLetters();
  if (letters) lb.push(await lbfgs('E3', '(E3) L-BFGS to convergence: letter recognition, 16,000 x 16, 26 classes', best, letters, lbfgsToConvergence(), 'LogisticRegression({ solver: "lbfgs", C: 1, tol: 1e-4, maxIter: 1000 })'));
  else lb.push({ ...group('E3', '(E3) L-BFGS to convergence: letter recognition'), skipped: 'letter-recognition.data not found' });
  const e4 = E4();
  lb.push(await lbfgs('E4', `(E4) L-BFGS, ${e4.maxIter} iterations at tol 0 (fixed work): synthetic, 100,000 x 256 (columns scaled 0.1 to 10), binary`, best, dataE4(), e4,
    `LogisticRegression({ solver: "lbfgs", C: 1, tol: 0, maxIter: ${e4.maxIter} })`));

  // Message mode: the same full-batch fits (C's gd, the L-BFGS ones) through fitAsync. (C)'s goal
  // is its pass's; B and D's mini-batch epochs have no message mode.
  // Node always has workers: an init that does not give message mode on 2 threads is a failure.
  let initProblem = null;
  try {
    const m = await init({ threads: 2, threadsMode: 'message' });
    log(`\ninit({ threads: 2, threadsMode: 'message' }): ${JSON.stringify(m.threads)}`);
    if (m.threads.mode !== 'message' || m.threads.count < 2) initProblem = `init({ threads: 2, threadsMode: 'message' }) gave mode '${m.threads.mode}' on ${m.threads.count} thread(s): ${JSON.stringify(m.threads.unavailable)}`;
  } catch (e) {
    initProblem = `init({ threads: 2, threadsMode: 'message' }) failed: ${e.message}`;
  }
  for (const g of [c, ...lb.filter((l) => !l.skipped)]) {
    log(`\n${g.title} (message mode)`);
    await messageRows(g, initProblem, g !== c);
  }
  for (const g of [c, ...lb]) {
    delete g.data;
    delete g.shared1;
    delete g.what;
    delete g.opts;
    delete g.fitLabel;
  }
  groups.push(...lb);
  for (const g of groups) delete g.best;
  await shutdown();
  return { workloads: [], threads: { init: info.threads, backend: best, groups } };
}
