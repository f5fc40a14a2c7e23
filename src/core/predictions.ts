// Turning output probabilities into predictions and scores, shared by every classifier.
import { fail } from './errors.js';
import type { Matrix } from './matrix.js';
import type { TrainingTargets } from './targets.js';

/** The column of each row's largest probability. */
export function argmaxRows(P: Matrix): Uint32Array {
  const out = new Uint32Array(P.rows);
  for (let i = 0; i < P.rows; i++) {
    let best = 0;
    for (let k = 1; k < P.cols; k++) if (P.data[i * P.cols + k] > P.data[i * P.cols + best]) best = k;
    out[i] = best;
  }
  return out;
}

/** A 0/1 matrix: an output is on where its probability exceeds 1/2. */
export function thresholded(P: Matrix): Matrix {
  return { data: P.data.map((v) => (v > 0.5 ? 1 : 0)), rows: P.rows, cols: P.cols };
}

/** The fraction of rows whose every output matches (scikit-learn's subset accuracy). */
export function subsetAccuracy(pred: Matrix, truth: Matrix): number {
  if (truth.rows !== pred.rows || truth.cols !== pred.cols) fail('SHAPE_MISMATCH', `y is ${truth.rows} x ${truth.cols} but the predictions are ${pred.rows} x ${pred.cols}`);
  let hits = 0;
  for (let i = 0; i < pred.rows; i++) {
    let all = true;
    for (let k = 0; k < pred.cols && all; k++) all = pred.data[i * pred.cols + k] === truth.data[i * pred.cols + k];
    if (all) hits++;
  }
  return hits / pred.rows;
}

/**
 * Mean log-loss (over rows and outputs) and accuracy of predicted probabilities against targets.
 * One column against class indices is P(class 1) of a binary model.
 */
export function scoreProbabilities(P: Matrix, target: TrainingTargets): { loss: number; accuracy: number } {
  const eps = 1e-15;
  const log = (p: number) => Math.log(Math.min(Math.max(p, eps), 1 - eps));
  let loss = 0;
  if ('indicators' in target) {
    const y = target.indicators.data;
    P.data.forEach((p, i) => (loss -= y[i] ? log(p) : log(1 - p)));
    return { loss: loss / P.data.length, accuracy: subsetAccuracy(thresholded(P), target.indicators) };
  }
  const binary = P.cols === 1;
  const pred = binary ? Uint32Array.from(P.data, (p) => (p > 0.5 ? 1 : 0)) : argmaxRows(P);
  let hits = 0;
  target.classes.forEach((y, i) => {
    loss -= log(binary ? (y === 1 ? P.data[i] : 1 - P.data[i]) : P.data[i * P.cols + y]);
    if (pred[i] === y) hits++;
  });
  return { loss: loss / P.rows, accuracy: hits / P.rows };
}
