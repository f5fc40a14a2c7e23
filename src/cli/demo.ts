// `npm start`: train on an embedded synthetic dataset with every solver on every backend and
// show accuracy and speed side by side.
import { init, type BackendName } from '../engine/index.js';
import { LogisticRegression, type LogisticRegressionOptions } from '../models/logistic.js';
import { makeLogistic } from '../data/synthetic.js';
import type { Matrix } from '../core/matrix.js';
import { logLoss } from '../metrics.js';

const N_TRAIN = 80_000;
const N_TEST = 20_000;
const D = 5;
/** Fit times are the median of this many fits, after WARMUPS fits that let V8 tier the code up. */
const REPEATS = 5;
const WARMUPS = 3;

function rowsOf(X: Matrix, start: number, end: number): Matrix {
  return { data: X.data.subarray(start * X.cols, end * X.cols), rows: end - start, cols: X.cols };
}

interface Row {
  backend: BackendName;
  solver: string;
  accuracy: number;
  logLoss: number;
  ms: number;
  epochs: number;
}

export async function runDemo(out: (line: string) => void = console.log): Promise<void> {
  const info = await init();
  const { X, y } = makeLogistic(N_TRAIN + N_TEST, D, 42);
  const Xtrain = rowsOf(X, 0, N_TRAIN), Xtest = rowsOf(X, N_TRAIN, N_TRAIN + N_TEST);
  const ytrain = Array.from(y.subarray(0, N_TRAIN)), ytest = Array.from(y.subarray(N_TRAIN));
  out(`wasmlearn demo: binary logistic regression, ${N_TRAIN.toLocaleString('en')} training and ${N_TEST.toLocaleString('en')} test rows x ${D} features (seeded synthetic data)`);
  const t = info.threads;
  const threads = t.mode === 'none' ? `1 thread (${t.unavailable.shared ?? 'threads: 1'})` : `${t.count} threads (${t.mode === 'shared' ? 'shared memory' : 'message passing'})`;
  out(`backends: ${info.available.join(', ')}; auto picks ${info.backend}, on ${threads}`);
  for (const [name, why] of Object.entries(info.unavailable)) out(`  (${name} unavailable: ${why})`);
  out('');

  const solvers: [string, Partial<LogisticRegressionOptions>][] = [
    ['lbfgs', { solver: 'lbfgs' }],
    ['sgd', { solver: 'sgd', learningRate: 0.05, batchSize: 256, maxIter: 10, seed: 1 }],
  ];
  const rows: Row[] = [];
  for (const [solver, options] of solvers) {
    for (const backend of info.available) {
      const model = new LogisticRegression({ ...options, backend });
      for (let k = 0; k < WARMUPS; k++) model.fit(Xtrain, ytrain);
      const times: number[] = [];
      for (let k = 0; k < REPEATS; k++) {
        const t0 = performance.now();
        model.fit(Xtrain, ytrain);
        times.push(performance.now() - t0);
      }
      const ms = times.sort((a, b) => a - b)[REPEATS >> 1];
      rows.push({ backend, solver, accuracy: model.score(Xtest, ytest), logLoss: logLoss(ytest, model.predictProba(Xtest)), ms, epochs: model.nIter });
      model.dispose();
    }
  }

  const header = ['backend', 'solver', 'iterations', 'test accuracy', 'test log-loss', 'fit time (median)', 'speed-up vs js'];
  const table = rows.map((r) => {
    const js = rows.find((o) => o.solver === r.solver && o.backend === 'js')!;
    return [r.backend, r.solver, String(r.epochs), r.accuracy.toFixed(4), r.logLoss.toFixed(4), `${r.ms.toFixed(1)} ms`, `${(js.ms / r.ms).toFixed(1)}x`];
  });
  const widths = header.map((h, c) => Math.max(h.length, ...table.map((t) => t[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  out(line(header));
  out(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const t of table) out(line(t));
}
