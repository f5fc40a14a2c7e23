// Learning-rate schedules for epoch-based training, applied once per epoch.
import { fail } from '../core/errors.js';
import { describe } from '../core/options.js';
import { inRange, integerAtLeast, positive } from '../core/check.js';

/** A learning-rate schedule; see TrainingControlOptions.learningRateSchedule. */
export type ScheduleName = 'constant' | 'invscaling' | 'step' | 'exponential' | 'cosine' | 'adaptive';
export const SCHEDULES: readonly ScheduleName[] = ['constant', 'invscaling', 'step', 'exponential', 'cosine', 'adaptive'];

export interface ScheduleOptions {
  schedule: ScheduleName;
  /** invscaling: lr / t^powerT, t the samples seen before the epoch (scikit-learn's, per epoch). */
  powerT: number;
  /** step: multiply by gamma every stepSize epochs; exponential: by gamma every epoch. */
  gamma: number;
  stepSize: number;
}

export const SCHEDULE_DEFAULTS: ScheduleOptions = { schedule: 'constant', powerT: 0.5, gamma: 0.1, stepSize: 10 };

export function checkSchedule(o: ScheduleOptions): void {
  if (!SCHEDULES.includes(o.schedule)) fail('BAD_OPTION', `learningRateSchedule must be one of ${SCHEDULES.map((s) => `'${s}'`).join(', ')}; got ${describe(o.schedule)}`);
  positive('powerT', o.powerT);
  inRange('gamma', o.gamma, 0, 1, { lo: true });
  integerAtLeast('stepSize', o.stepSize, 1);
}

/**
 * The learning rate of epoch `epoch` (1-based) of at most maxEpochs, `seen` rows trained on before
 * it. 'adaptive' is driven by the training loop (divided by 5 when the loss stalls): here it stays.
 */
export function scheduledRate(o: ScheduleOptions, lr0: number, epoch: number, maxEpochs: number, seen: number): number {
  switch (o.schedule) {
    case 'invscaling':
      return lr0 / Math.pow(Math.max(seen, 1), o.powerT);
    case 'step':
      return lr0 * Math.pow(o.gamma, Math.floor((epoch - 1) / o.stepSize));
    case 'exponential':
      return lr0 * Math.pow(o.gamma, epoch - 1);
    case 'cosine':
      return 0.5 * lr0 * (1 + Math.cos((Math.PI * (epoch - 1)) / maxEpochs));
    default:
      return lr0;
  }
}
