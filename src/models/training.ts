// Training-control options shared by the estimators (schedules, early stopping, divergence) and the held-out split.
import { fail } from '../core/errors.js';
import { describe } from '../core/options.js';
import { checkSchedule, SCHEDULE_DEFAULTS, type ScheduleName } from '../solvers/schedules.js';
import { trainTestSplit } from '../data/split.js';
import type { Label } from '../core/labels.js';
import { bool, oneOf, positive } from '../core/check.js';

/**
 * Training-control options every estimator takes: learning-rate schedule, early stopping, divergence, warm start.
 */
export interface TrainingControlOptions {
  /**
   * How the step size changes per epoch: 'constant', 'invscaling' (lr / t^powerT), 'step', 'exponential',
   * 'cosine', or 'adaptive' (divide by 5 when the loss stalls, as scikit-learn's).
   * @default 'constant'
   */
  learningRateSchedule: ScheduleName;
  /**
   * invscaling's exponent.
   * @default 0.5
   */
  powerT: number;
  /**
   * step's and exponential's factor.
   * @default 0.1
   */
  gamma: number;
  /**
   * step's period, in epochs.
   * @default 10
   */
  stepSize: number;
  /**
   * Hold out validationFraction of the rows (stratified) and stop when their loss stops improving; keeps the best epoch's weights.
   * @default false
   */
  earlyStopping: boolean;
  /**
   * The fraction of rows earlyStopping holds out, in (0, 1).
   * @default 0.1
   */
  validationFraction: number;
  /**
   * On a loss that blows up: 'raise' DIVERGED (the model stays as it was before fit), 'stop' with
   * the last good weights and report it, or 'warn': record it (warning, history) and go on.
   * @default 'raise'
   */
  onDivergence: 'raise' | 'stop' | 'warn';
  /**
   * scikit-learn's warm_start: a refit starts from the current weights (same features and classes).
   * @default false
   */
  warmStart: boolean;
  /**
   * Threads this model computes on: 'auto' (init's count) or a number, at most init's count.
   * The result does not depend on it: the same seed gives the same weights on 1 or 16 threads.
   * Threads need a threads build (see init's `threads`); the 'js' backend computes on one.
   * @default 'auto'
   */
  nThreads: 'auto' | number;
}

export const CONTROL_DEFAULTS: TrainingControlOptions = {
  learningRateSchedule: 'constant', powerT: SCHEDULE_DEFAULTS.powerT, gamma: SCHEDULE_DEFAULTS.gamma, stepSize: SCHEDULE_DEFAULTS.stepSize,
  earlyStopping: false, validationFraction: 0.1, onDivergence: 'raise', warmStart: false, nThreads: 'auto',
};

export function checkControl(o: TrainingControlOptions): void {
  checkSchedule({ schedule: o.learningRateSchedule, powerT: o.powerT, gamma: o.gamma, stepSize: o.stepSize });
  bool('earlyStopping', o.earlyStopping);
  positive('validationFraction', o.validationFraction);
  if (!(o.validationFraction < 1)) fail('BAD_OPTION', `validationFraction must be below 1; got ${o.validationFraction}`);
  oneOf('onDivergence', o.onDivergence, ['raise', 'stop', 'warn']);
  bool('warmStart', o.warmStart);
  if (o.nThreads !== 'auto' && !(typeof o.nThreads === 'number' && Number.isInteger(o.nThreads) && o.nThreads >= 1)) {
    fail('BAD_OPTION', `nThreads must be 'auto' or a whole number >= 1; got ${describe(o.nThreads)}`);
  }
}

/** The rows of X kept for training and those held out for validation: a seeded, stratified split. */
export function holdOut(n: number, fraction: number, seed: number, strata: ArrayLike<Label> | null): { train: Uint32Array; val: Uint32Array } {
  const rows = { data: Float64Array.from({ length: n }, (_, i) => i), rows: n, cols: 1 };
  const labels = strata ?? new Array<number>(n).fill(0);
  const split = trainTestSplit(rows, labels, { testSize: fraction, seed, stratify: strata !== null });
  return { train: Uint32Array.from(split.XTrain.data), val: Uint32Array.from(split.XTest.data) };
}
