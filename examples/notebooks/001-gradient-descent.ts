// Notebook 001: logistic regression as a Linear layer and a Sigmoid, trained by hand. Forward,
// loss, backward and step on synthetic data, full-batch and then mini-batch with shuffling; the
// same model as LogisticRegression({ solver: 'gd' }); a learning-rate sweep (gd and sgd, with
// onDivergence 'warn' so that a rate that blows up is drawn rather than thrown); and the
// per-iteration mini-batch losses with their moving average.
//
//   deno run --sloppy-imports -A examples/notebooks/001-gradient-descent.ts
import {
  batches, binaryCrossEntropy, init, Linear, LogisticRegression, makeLogistic, SGD, Sigmoid, type EpochLog, type Matrix,
} from '../../src/index.js';
import { iterationLoss, lossCurves } from '../../src/plot/index.js';
import { isMain, printer, saveFigure, table, vec, type NotebookOptions } from './notebook.js';

export const SETUP = { rows: 2000, features: 5, seed: 1, gdSteps: 100, gdRate: 0.5, epochs: 10, batchSize: 64, sgdRate: 0.1 };
export const SWEEP = [0.01, 0.1, 1, 10, 100];

export interface GradientDescentResult {
  trueWeights: number[];
  /** The hand-written full-batch loop's weights (intercept last) and LogisticRegression({ solver: 'gd' })'s after as many steps. */
  fullBatch: { loop: number[]; estimator: number[]; maxDifference: number; losses: number[] };
  /** The mini-batch loop's mean loss per epoch. */
  miniBatch: { epochLoss: number[]; weights: number[] };
  /** Final loss of each rate, and whether any epoch was flagged diverged. */
  sweep: { solver: 'gd' | 'sgd'; learningRate: number; finalLoss: number; diverged: boolean }[];
  /** onBatchEnd's loss of every mini-batch of an sgd fit. */
  iterationLosses: number[];
  figures: string[];
}

export async function run(options: NotebookOptions = {}): Promise<GradientDescentResult> {
  const print = printer(options);
  await init();
  const { rows: n, features: d, seed } = SETUP;
  const data = makeLogistic(n, d, seed);
  const X: Matrix = { data: Float64Array.from(data.X.data), rows: n, cols: d }; // float64, for the float64 layer
  const y = Array.from(data.y);
  print(`makeLogistic(${n}, ${d}, ${seed}): true weights ${vec(data.weights, 3)}, intercept ${data.intercept}; ${y.filter(Boolean).length} positives`);

  // 1. Full batch: forward through Linear and Sigmoid, the mean log-loss of the probabilities,
  // backward through both, one SGD step on the Linear's weight and bias.
  const linear = new Linear(d, 1, { dtype: 'float64', init: 'zeros' });
  const sigmoid = new Sigmoid();
  const opt = new SGD({ lr: SETUP.gdRate });
  const losses: number[] = [];
  for (let step = 0; step < SETUP.gdSteps; step++) {
    const p = sigmoid.forward(linear.forward(X));
    const { loss, grad } = binaryCrossEntropy(p, y, { from: 'probabilities' });
    losses.push(loss);
    linear.zeroGrad();
    linear.backward(sigmoid.backward(grad));
    opt.step(linear.parameters());
  }
  const loop = [...linear.weight.value.data, linear.bias.value.data[0]];
  const gd = new LogisticRegression({ solver: 'gd', penalty: 'none', learningRate: SETUP.gdRate, maxIter: SETUP.gdSteps, tol: 0, dtype: 'float64' }).fit(X, y);
  const estimator = Array.from(gd.getParameters());
  const maxDifference = Math.max(...loop.map((w, j) => Math.abs(w - estimator[j])));
  print(`\n${SETUP.gdSteps} full-batch steps at lr ${SETUP.gdRate}: loss ${losses[0].toFixed(5)} -> ${losses[losses.length - 1].toFixed(5)}`);
  print(table(['', 'Linear + Sigmoid loop', "LogisticRegression({ solver: 'gd' })", 'true'], [
    ...Array.from({ length: d }, (_, j) => [`w${j}`, loop[j].toFixed(6), estimator[j].toFixed(6), data.weights[j].toFixed(6)]),
    ['b', loop[d].toFixed(6), estimator[d].toFixed(6), data.intercept.toFixed(6)],
  ]));
  print(`largest difference between the loop and the estimator: ${maxDifference.toExponential(2)}`);
  gd.dispose();

  // 2. Mini-batches, shuffled each epoch by batches() (seeded), from zero again.
  const mb = new Linear(d, 1, { dtype: 'float64', init: 'zeros' });
  const mbSigmoid = new Sigmoid();
  const mbOpt = new SGD({ lr: SETUP.sgdRate });
  const loader = batches(X, y, { batchSize: SETUP.batchSize, shuffle: true, seed });
  const epochLoss: number[] = [];
  for (let epoch = 0; epoch < SETUP.epochs; epoch++) {
    let sum = 0;
    for (const [xb, yb] of loader) {
      const p = mbSigmoid.forward(mb.forward(xb));
      const { loss, grad } = binaryCrossEntropy(p, yb, { from: 'probabilities' });
      sum += loss * xb.rows;
      mb.zeroGrad();
      mb.backward(mbSigmoid.backward(grad));
      mbOpt.step(mb.parameters());
    }
    epochLoss.push(sum / n);
  }
  const mbWeights = [...mb.weight.value.data, mb.bias.value.data[0]];
  print(`\nmini-batch SGD, batch ${SETUP.batchSize}, lr ${SETUP.sgdRate}, shuffled: mean loss per epoch ${vec(epochLoss, 5)}`);
  print(`weights ${vec(mbWeights, 4)}`);

  // 3. The learning-rate sweep. onDivergence 'warn' keeps a run whose loss blows up (flagged
  // `diverged` in its history) instead of raising DIVERGED, so the figure shows it.
  const sweep: GradientDescentResult['sweep'] = [];
  const histories: Record<'gd' | 'sgd', { name: string; history: EpochLog[] }[]> = { gd: [], sgd: [] };
  for (const solver of ['gd', 'sgd'] as const) {
    for (const learningRate of SWEEP) {
      const model = new LogisticRegression({
        solver, learningRate, penalty: 'none', tol: 0, onDivergence: 'warn', dtype: 'float64',
        maxIter: solver === 'gd' ? SETUP.gdSteps : SETUP.epochs, batchSize: SETUP.batchSize, seed,
      }).fit(X, y);
      const history = model.history;
      sweep.push({ solver, learningRate, finalLoss: history[history.length - 1].loss, diverged: history.some((h) => h.diverged) });
      histories[solver].push({ name: String(learningRate), history });
      model.dispose();
    }
  }
  print('\nlearning-rate sweep (penalty none, from zero):');
  print(table(['solver', 'lr', 'final loss', 'diverged'], sweep.map((s) => [s.solver, s.learningRate, s.finalLoss.toFixed(5), s.diverged ? 'yes' : ''])));

  // 4. Every mini-batch's loss of an sgd fit, seen through onBatchEnd.
  const iterationLosses: number[] = [];
  const sgd = new LogisticRegression({ solver: 'sgd', learningRate: SETUP.sgdRate, batchSize: 32, maxIter: SETUP.epochs, tol: 0, penalty: 'none', seed });
  sgd.fit(X, y, { onBatchEnd: (b) => void iterationLosses.push(b.loss) });
  print(`\nsgd with batch 32: ${iterationLosses.length} mini-batch losses, the first ${iterationLosses[0].toFixed(4)}, the last ${iterationLosses[iterationLosses.length - 1].toFixed(4)}`);
  sgd.dispose();

  const figures = [
    await saveFigure(lossCurves(histories.gd, { logScale: true, legendTitle: 'learning rate', xTitle: 'gd step', title: 'Full-batch gd: loss per step for each learning rate' }), '001-lr-sweep-gd.svg', options),
    await saveFigure(lossCurves(histories.sgd, { logScale: true, legendTitle: 'learning rate', title: `Mini-batch sgd (batch ${SETUP.batchSize}): loss per epoch for each learning rate` }), '001-lr-sweep-sgd.svg', options),
    await saveFigure(iterationLoss(iterationLosses, { smoothing: 25, title: 'sgd, batch 32: loss per mini-batch' }), '001-iteration-loss.svg', options),
    await saveFigure(lossCurves([
      { name: 'full batch (per step)', history: losses.map((loss, i) => ({ epoch: i + 1, loss })) },
      { name: `mini-batch ${SETUP.batchSize} (per epoch)`, history: epochLoss.map((loss, i) => ({ epoch: i + 1, loss })) },
    ], { title: 'Linear + Sigmoid trained by hand', xTitle: 'step or epoch' }), '001-by-hand.svg', options),
  ];
  print(`figures: ${figures.join(', ')}`);
  for (const m of [linear, sigmoid, mb, mbSigmoid]) m.dispose();
  return {
    trueWeights: [...data.weights, data.intercept],
    fullBatch: { loop, estimator, maxDifference, losses },
    miniBatch: { epochLoss, weights: mbWeights },
    sweep, iterationLosses, figures,
  };
}

if (isMain(import.meta)) await run();
