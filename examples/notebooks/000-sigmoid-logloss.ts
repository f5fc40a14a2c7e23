// Notebook 000: sigmoid and log-loss by hand. The sigmoid at the far ends of the logit axis
// (where the textbook formula is fine in float64 but a float32 one underflows or rounds to 1),
// and the binary log-loss of single predictions, from confident and right (1e-6 for a 0) to
// confidently wrong, with the library's float64 functions next to the formula written out.
//
//   deno run --sloppy-imports -A examples/notebooks/000-sigmoid-logloss.ts
import { binaryCrossEntropy, init, logLoss, logSigmoid, sigmoid } from '../../src/index.js';
import { fmt, isMain, printer, table, type NotebookOptions } from './notebook.js';

export const Z = [-100, -10, -1, 0, 1, 10, 100];
/** (p, y): the predicted probability of class 1 and the true class. */
export const PAIRS: [number, 0 | 1][] = [[1e-6, 0], [1e-6, 1], [0.9999999, 1], [0.9999999, 0], [0.3, 0], [0.3, 1], [0.5, 1]];

export interface SigmoidLogLossResult {
  /** One row per z: the library's sigmoid and logSigmoid, and the formula 1 / (1 + e^-z). */
  sigmoid: { z: number; sigmoid: number; logSigmoid: number; byHand: number }[];
  /** One row per (p, y): binaryCrossEntropy from probabilities, logLoss, and -(y log p + (1 - y) log(1 - p)). */
  logLoss: { p: number; y: number; bce: number; logLoss: number; byHand: number }[];
}

export async function run(options: NotebookOptions = {}): Promise<SigmoidLogLossResult> {
  const print = printer(options);
  await init();

  // Plain numbers compute in float64.
  const s = sigmoid(Z), ls = logSigmoid(Z);
  const sigmoidRows = Z.map((z, i) => ({ z, sigmoid: s[i], logSigmoid: ls[i], byHand: 1 / (1 + Math.exp(-z)) }));
  print('sigmoid(z) = 1 / (1 + e^-z)\n');
  print(table(['z', 'sigmoid(z)', 'logSigmoid(z)', '1 / (1 + exp(-z))'], sigmoidRows.map((r) => [r.z, r.sigmoid, r.logSigmoid, r.byHand])));

  // A Float64Array matrix keeps the losses in float64 (number[][] would compute in float32).
  const P = { data: Float64Array.from(PAIRS, ([p]) => p), rows: PAIRS.length, cols: 1 };
  const y = PAIRS.map(([, t]) => t);
  const bce = binaryCrossEntropy(P, y, { from: 'probabilities', reduction: 'none' }).loss;
  const lossRows = PAIRS.map(([p, t], i) => ({
    p, y: t, bce: bce[i], logLoss: logLoss([t], [p], { labels: [0, 1] }), byHand: -(t * Math.log(p) + (1 - t) * Math.log(1 - p)),
  }));
  print('\nbinary log-loss of one prediction: -(y log p + (1 - y) log(1 - p))\n');
  print(table(['p', 'y', 'binaryCrossEntropy', 'logLoss', 'by hand'], lossRows.map((r) => [r.p, r.y, r.bce, r.logLoss, r.byHand])));
  // Where the formula written out loses digits: 1 - 1e-6 rounds before the log.
  print(`\n(p, y) = (1e-6, 0) to 16 digits: ${bce[0].toExponential(15)} (binaryCrossEntropy), ${(-Math.log1p(-1e-6)).toExponential(15)} (-log1p(-p)),` +
    ` ${lossRows[0].byHand.toExponential(15)} (-log(1 - p): 1 - p rounded first)`);
  const mean = binaryCrossEntropy(P, y, { from: 'probabilities' }).loss;
  print(`\nthe mean over the ${PAIRS.length} pairs: ${fmt(mean)} (binaryCrossEntropy), ${fmt(logLoss(y, Array.from(P.data)))} (logLoss)`);
  return { sigmoid: sigmoidRows, logLoss: lossRows };
}

if (isMain(import.meta)) await run();
