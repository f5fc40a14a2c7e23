// Training control shared by the estimators: schedules, validation and early stopping, divergence.
import { fail } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { checkSchedule, scheduledRate, SCHEDULE_DEFAULTS, type ScheduleName } from '../solvers/schedules.js';
import type { NetTargets, NetTrainer } from '../objectives/dense-net.js';
import { DivergedError, penalty, solve, type EpochLog, type Problem, type SolveOptions, type SolverResult } from '../solvers/solve.js';
import { trainTestSplit } from '../data/split.js';
import type { Label } from '../core/labels.js';
import { bool, oneOf, positive } from '../core/check.js';
import { argmaxRows, subsetAccuracy, thresholded } from '../core/predictions.js';

export interface TrainingControlOptions {
  learningRateSchedule: ScheduleName;
  /** invscaling's exponent. */
  powerT: number;
  /** step's and exponential's factor. */
  gamma: number;
  /** step's period, in epochs. */
  stepSize: number;
  /** Hold out validationFraction of the rows (stratified) and stop when their loss stops improving; keeps the best epoch's weights. */
  earlyStopping: boolean;
  validationFraction: number;
  /** On a loss that blows up: 'raise' DIVERGED (the model keeps the last good weights), or 'stop' and report it. */
  onDivergence: 'raise' | 'stop';
}

export const CONTROL_DEFAULTS: TrainingControlOptions = {
  learningRateSchedule: 'constant', powerT: SCHEDULE_DEFAULTS.powerT, gamma: SCHEDULE_DEFAULTS.gamma, stepSize: SCHEDULE_DEFAULTS.stepSize,
  earlyStopping: false, validationFraction: 0.1, onDivergence: 'raise',
};

export function checkControl(o: TrainingControlOptions): void {
  checkSchedule({ schedule: o.learningRateSchedule, powerT: o.powerT, gamma: o.gamma, stepSize: o.stepSize });
  bool('earlyStopping', o.earlyStopping);
  positive('validationFraction', o.validationFraction);
  if (!(o.validationFraction < 1)) fail('BAD_OPTION', `validationFraction must be below 1; got ${o.validationFraction}`);
  oneOf('onDivergence', o.onDivergence, ['raise', 'stop']);
}

export interface FitControl {
  /** Scored after every epoch and recorded in history (valLoss, valAccuracy). */
  validationData?: [unknown, unknown];
  onEpochEnd?: (log: EpochLog) => boolean | void;
}

/** The rows of X kept for training and those held out for validation: a seeded, stratified split. */
export function holdOut(n: number, fraction: number, seed: number, strata: ArrayLike<Label> | null): { train: Uint32Array; val: Uint32Array } {
  const rows = { data: Float64Array.from({ length: n }, (_, i) => i), rows: n, cols: 1 };
  const labels = strata ?? new Array<number>(n).fill(0);
  const split = trainTestSplit(rows, labels, { testSize: fraction, seed, stratify: strata !== null });
  return { train: Uint32Array.from(split.XTrain.data), val: Uint32Array.from(split.XTest.data) };
}

/** Runs a solver; on DIVERGED the model still records the good weights (done) before the error goes on. */
export function runSolver(problem: Problem, options: SolveOptions, done: (result: SolverResult) => void): void {
  let result: SolverResult;
  try {
    result = solve(problem, options);
  } catch (e) {
    if (e instanceof DivergedError) done(e.result);
    throw e;
  }
  done(result);
}

/** Mean log-loss (over rows and outputs) and accuracy of predicted probabilities against targets. */
export function scoreProbabilities(P: Matrix, target: { classes: Uint32Array } | { indicators: Matrix }): { loss: number; accuracy: number } {
  const eps = 1e-15;
  const log = (p: number) => Math.log(Math.min(Math.max(p, eps), 1 - eps));
  let loss = 0;
  if ('indicators' in target) {
    const y = target.indicators.data;
    P.data.forEach((p, i) => (loss -= y[i] ? log(p) : log(1 - p)));
    return { loss: loss / P.data.length, accuracy: subsetAccuracy(thresholded(P), target.indicators) };
  }
  // One column is P(class 1) of a binary model.
  const binary = P.cols === 1;
  const pred = binary ? Uint32Array.from(P.data, (p) => (p > 0.5 ? 1 : 0)) : argmaxRows(P);
  let hits = 0;
  target.classes.forEach((y, i) => {
    loss -= log(binary ? (y === 1 ? P.data[i] : 1 - P.data[i]) : P.data[i * P.cols + y]);
    if (pred[i] === y) hits++;
  });
  return { loss: loss / P.rows, accuracy: hits / P.rows };
}

/**
 * One partialFit step: an epoch over the chunk resident in the trainer's place, at the scheduled
 * rate, recorded in `solved` like a fit's epochs. The trainer's optimizer state carries over.
 */
export function partialEpoch(trainer: NetTrainer, X: Matrix, prepared: { targets: NetTargets; sw: Float64Array | null }, o: SolveOptions, solved: SolverResult): void {
  const epoch = solved.nIter + 1;
  const lr = scheduledRate(o.schedule, o.learningRate, epoch, o.maxIter, trainer.rowsSeen);
  trainer.upload(X, prepared.targets, prepared.sw);
  const t0 = performance.now();
  try {
    const before = trainer.getParameters();
    const data = trainer.epoch(lr, o.l2, o.l1);
    const x = trainer.getParameters();
    const loss = data + penalty(x, trainer.weightMask, o.l2, o.l1);
    if (!Number.isFinite(loss) || !x.every(Number.isFinite)) {
      trainer.setParameters(before);
      fail('DIVERGED', `partialFit call ${epoch}: the loss became ${loss}; the weights before it were kept. Try a learning rate smaller than ${lr}`);
    }
    const log: EpochLog = { epoch, loss, learningRate: lr, ms: performance.now() - t0 };
    solved.history.push(log);
    solved.nIter = epoch;
    o.onEpochEnd?.(log);
  } finally {
    trainer.release();
  }
}
