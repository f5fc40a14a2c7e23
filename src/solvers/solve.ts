// The solvers, independent of the model: L-BFGS and full-batch gradient descent over an
// objective's full-batch gradient, and epoch-based training (the epoch itself runs inside the
// engine) with learning-rate schedules, validation, early stopping and divergence handling.
import { fail, WasmlearnError } from '../core/errors.js';
import { softThreshold } from '../core/prox.js';
import type { Objective } from '../objectives/objective.js';
import { lbfgsSteps } from './lbfgs.js';
import { scheduledRate, type ScheduleOptions } from './schedules.js';
import { NoImprovement } from './stopping.js';

/** One entry of `history`, and what onEpochEnd receives after every epoch (iteration for lbfgs and gd). */
export interface EpochLog {
  /** 1-based epoch or iteration number. */
  epoch: number;
  /** The training objective: mean loss plus the penalty. */
  loss: number;
  /** The validation loss (validationData or earlyStopping's held-out rows). */
  valLoss?: number;
  /** The validation accuracy, as `score` computes it. */
  valAccuracy?: number;
  /** The step size: the learning rate (gd, sgd, adam) or the line search's accepted step (lbfgs). */
  learningRate: number;
  /** Wall time of the epoch or iteration, in milliseconds. */
  ms: number;
  /** Set when the loss rose past ten times its start here and onDivergence 'warn' let training go on. */
  diverged?: true;
}

/** What onBatchEnd sees after every mini-batch: the mean data loss of the batch's rows (before its step). */
export interface BatchLog {
  /** 1-based epoch number. */
  epoch: number;
  /** 1-based within the epoch. */
  batch: number;
  /** The batch's mean data loss. */
  loss: number;
}

/**
 * Why training stopped. 'converged': the gradient (or lbfgs' relative decrease) fell below tol;
 * 'noImprovement': the (validation) loss stalled for nIterNoChange epochs; 'maxIter': the budget
 * ran out first; 'lineSearch': lbfgs found no acceptable step; 'callback': onEpochEnd returned
 * false; 'diverged': the loss blew up under onDivergence 'stop'; 'partialFit': trained in chunks.
 */
export const STOP_REASONS = ['converged', 'noImprovement', 'maxIter', 'lineSearch', 'callback', 'diverged', 'partialFit'] as const;
/** Why training stopped (see STOP_REASONS' list above); `stopReason` says it in words. One of 'converged', 'noImprovement', 'maxIter', 'lineSearch', 'callback', 'diverged', 'partialFit'. */
export type StopReason = (typeof STOP_REASONS)[number];

export interface SolverResult {
  nIter: number;
  stop: StopReason;
  /** The same, in words, with the numbers that explain it. */
  message: string;
  history: EpochLog[];
  /** Epochs whose loss blew up while onDivergence 'warn' let training go on. */
  divergences: { epoch: number; loss: number }[];
}

/** Whether a stop met the solver's stopping rule. */
export function isConverged(stop: StopReason): boolean {
  return stop === 'converged' || stop === 'noImprovement';
}

export interface SolveOptions {
  solver: 'lbfgs' | 'gd' | 'sgd';
  maxIter: number;
  tol: number;
  nIterNoChange: number;
  /** Coefficients of the penalty l2 / 2 ||w||^2 + l1 ||w||_1 on the weights (mean-objective scale). */
  l2: number;
  l1: number;
  learningRate: number;
  schedule: ScheduleOptions;
  /** Rows per epoch, for the invscaling schedule. */
  rows: number;
  earlyStopping: boolean;
  /**
   * 'raise' throws DIVERGED; 'stop' restores the last good weights and reports it; 'warn' records
   * the event and goes on (weights that overflow still stop training, as 'stop').
   */
  onDivergence: 'raise' | 'stop' | 'warn';
  onEpochEnd?: (log: EpochLog) => boolean | void;
  /** Per mini-batch; when given, an epoch leaves the engine once per batch (same result). */
  onBatchEnd?: (log: BatchLog) => void;
  /** The epochs are full-batch steps whose loss is the one before the step: the last is measured again after it. */
  fullBatchEpochs?: boolean;
}

/** The mean data loss over the training rows and its gradient, as Objective.dataLossAndGradient returns them. */
export interface DataGradient {
  loss: number;
  gradient: Float64Array;
}

/**
 * A full-batch solver's request: the data loss and gradient at the parameters now set on the
 * objective. The solvers yield it and are answered with a DataGradient, by the objective itself
 * (solve) or by whatever holds the rows elsewhere (solveAsync): one body for both.
 */
export interface GradientRequest {
  readonly request: 'dataLossAndGradient';
}

/** A full-batch solver as a generator of gradient requests, returning R. */
export type SolverSteps<R> = Generator<GradientRequest, R, DataGradient>;

const REQUEST: GradientRequest = Object.freeze({ request: 'dataLossAndGradient' });

/** Runs steps, answering each request with the objective's own full-batch gradient. */
function answered<R>(objective: Objective, steps: SolverSteps<R>): R {
  for (let r = steps.next(); ; r = steps.next(objective.dataLossAndGradient())) if (r.done) return r.value;
}

export function solve(objective: Objective, o: SolveOptions): SolverResult {
  if (o.solver === 'lbfgs') return answered(objective, solveLbfgs(objective, o));
  if (o.solver === 'gd') return answered(objective, solveGd(objective, o));
  return solveEpochs(objective, o);
}

/**
 * solve for the full-batch solvers ('lbfgs', 'gd') with the data loss and gradient from
 * `gradient`, asked at the parameters set on the objective (rows held elsewhere: fitAsync's
 * shards); the same steps as solve, so the same result for the same answers.
 */
export async function solveAsync(objective: Objective, o: SolveOptions, gradient: () => Promise<DataGradient>): Promise<SolverResult> {
  if (o.solver !== 'lbfgs' && o.solver !== 'gd') fail('INTERNAL', `solveAsync runs the full-batch solvers, not '${o.solver}'`);
  const steps = o.solver === 'lbfgs' ? solveLbfgs(objective, o) : solveGd(objective, o);
  for (let r = steps.next(); ; r = steps.next(await gradient())) if (r.done) return r.value;
}

/** The objective (mean loss + penalty) at the current parameters, and the smooth part's gradient. */
export function lossAndGradient(objective: Objective, l2: number, l1: number, x = objective.getParameters()): DataGradient {
  return answered(objective, lossAndGradientSteps(objective, l2, l1, x));
}

/** lossAndGradient, asking for the data part. */
function* lossAndGradientSteps(objective: Objective, l2: number, l1: number, x = objective.getParameters()): SolverSteps<DataGradient> {
  const { loss, gradient } = yield REQUEST;
  return { loss: loss + penalty(x, objective.weightMask, l2, l1), gradient: addL2(gradient, x, objective.weightMask, l2) };
}

/** l2 / 2 ||w||^2 + l1 ||w||_1 over the weights (mask 1). */
export function penalty(x: Float64Array, mask: Uint8Array, l2: number, l1: number): number {
  let s2 = 0, s1 = 0;
  for (let i = 0; i < x.length; i++) {
    if (!mask[i]) continue;
    s2 += x[i] * x[i];
    s1 += Math.abs(x[i]);
  }
  return 0.5 * l2 * s2 + l1 * s1;
}

function addL2(g: Float64Array, x: Float64Array, mask: Uint8Array, l2: number): Float64Array {
  if (l2 !== 0) for (let i = 0; i < g.length; i++) if (mask[i]) g[i] += l2 * x[i];
  return g;
}

/**
 * Tracks the last good parameters and refuses a loss that blew up: non-finite, or above ten times
 * the start (plus one), which is a learning rate far too large, not noise. The start is epoch 1's
 * own loss, capped by an uninformed model's loss plus the starting penalty, so an epoch 1 that
 * already blew up is caught too, at no extra pass over the data.
 */
class DivergenceGuard {
  private good: Float64Array;
  private start: number;
  readonly events: { epoch: number; loss: number }[] = [];

  constructor(
    private readonly objective: Objective,
    private readonly policy: SolveOptions['onDivergence'],
    l2: number,
    l1: number,
  ) {
    this.good = objective.getParameters();
    this.start = objective.chanceLoss + penalty(this.good, objective.weightMask, l2, l1);
  }

  /**
   * Called with the loss at the current parameters `params`: null to go on ('warn' records a rise
   * in `events` and goes on), or the result when training must stop.
   */
  check(loss: number, params: Float64Array, epoch: number, lr: number, history: EpochLog[]): SolverResult | null {
    if (epoch === 1 && Number.isFinite(loss)) this.start = Math.min(this.start, loss);
    const finite = Number.isFinite(loss) && params.every(Number.isFinite);
    if (finite && loss <= 10 * this.start + 1) {
      this.good = params;
      return null;
    }
    if (finite && this.policy === 'warn') {
      this.events.push({ epoch, loss });
      this.good = params;
      return null;
    }
    const kept = this.policy === 'raise' ? '' : '; the weights of the last good epoch were kept';
    const message = `diverged at epoch ${epoch}: the loss became ${loss.toPrecision(4)} (it started at ${this.start.toPrecision(4)})${kept}. Try a learning rate smaller than ${lr} or standardize X`;
    const result: SolverResult = { nIter: epoch, stop: 'diverged', message, history, divergences: this.events };
    if (this.policy === 'raise') throw new DivergedError(message, result);
    this.objective.setParameters(this.good);
    return result;
  }

  /** Whether the last check recorded a rise under 'warn'. */
  warnedAt(epoch: number): boolean {
    return this.events.length > 0 && this.events[this.events.length - 1].epoch === epoch;
  }
}

/** DIVERGED, carrying the record of the training that led to it. */
export class DivergedError extends WasmlearnError {
  constructor(
    message: string,
    readonly result: SolverResult,
  ) {
    super('DIVERGED', message);
  }
}

function validationLog(objective: Objective): Pick<EpochLog, 'valLoss' | 'valAccuracy'> {
  const v = objective.validation();
  return v ? { valLoss: v.loss, valAccuracy: v.accuracy } : {};
}

function* solveLbfgs(objective: Objective, o: SolveOptions): SolverSteps<SolverResult> {
  if (o.l1 !== 0) fail('BAD_OPTION', "an L1 penalty needs solver 'gd' or 'sgd' (proximal steps); lbfgs handles 'l2' and 'none'");
  const history: EpochLog[] = [];
  let last = performance.now();
  const steps = lbfgsSteps(
    objective.getParameters(),
    {
      maxIter: o.maxIter,
      tol: o.tol,
      onIter: (epoch, loss, _gMax, step) => {
        const now = performance.now();
        history.push({ epoch, loss, ...validationLog(objective), learningRate: step, ms: now - last });
        last = now;
        return o.onEpochEnd?.(history[history.length - 1]);
      },
    },
  );
  let r = steps.next();
  while (!r.done) {
    objective.setParameters(r.value);
    const { loss, gradient } = yield* lossAndGradientSteps(objective, o.l2, 0);
    r = steps.next({ f: loss, g: gradient });
  }
  const result = r.value;
  objective.setParameters(result.x);
  if (result.stop === 'notFinite' || !Number.isFinite(result.f)) {
    throw new DivergedError(`lbfgs: the objective became ${result.f}; standardize X or add a penalty`, { nIter: result.nIter, stop: 'diverged', message: result.message, history, divergences: [] });
  }
  return { nIter: result.nIter, stop: result.stop, message: result.message, history, divergences: [] };
}

/**
 * Full-batch (proximal, with L1) gradient descent: x -= lr g, then soft-thresholding of the
 * weights. Each iteration's log holds the loss at the weights after its step, so the history ends
 * with the loss at the returned weights; tol 0 never stops on the gradient.
 */
function* solveGd(objective: Objective, o: SolveOptions): SolverSteps<SolverResult> {
  const history: EpochLog[] = [];
  const mask = objective.weightMask;
  const guard = new DivergenceGuard(objective, o.onDivergence, o.l2, o.l1);
  const done = (nIter: number, stop: StopReason, message: string): SolverResult => ({ nIter, stop, message, history, divergences: guard.events });
  let x = objective.getParameters();
  let { loss, gradient } = yield* lossAndGradientSteps(objective, o.l2, o.l1, x);
  if (!Number.isFinite(loss)) throw new DivergedError(`gd: the objective is ${loss} at the start; standardize X`, done(0, 'diverged', 'the objective is not finite at the start'));
  for (let iter = 1; iter <= o.maxIter; iter++) {
    const t0 = performance.now();
    const lr = scheduledRate(o.schedule, o.learningRate, iter, o.maxIter, (iter - 1) * o.rows);
    // Stop on the gradient mapping (x - prox(x - lr g)) / lr: the gradient itself without L1.
    let gMax = 0;
    const next = x.map((v, i) => {
      const step = v - lr * gradient[i];
      const moved = mask[i] ? softThreshold(step, lr * o.l1) : step;
      gMax = Math.max(gMax, Math.abs(v - moved) / lr);
      return moved;
    });
    if (gMax <= o.tol && o.tol > 0) return done(iter - 1, 'converged', 'the largest gradient component fell below tol');
    objective.setParameters(next);
    ({ loss, gradient } = yield* lossAndGradientSteps(objective, o.l2, o.l1, next));
    const stopped = guard.check(next.every(Number.isFinite) ? loss : Infinity, next, iter, lr, history);
    if (stopped) return stopped;
    x = next;
    const log: EpochLog = { epoch: iter, loss, ...validationLog(objective), learningRate: lr, ms: performance.now() - t0 };
    if (guard.warnedAt(iter)) log.diverged = true;
    history.push(log);
    if (o.onEpochEnd?.(log) === false) return done(iter, 'callback', 'stopped by onEpochEnd');
  }
  return done(o.maxIter, 'maxIter', `reached maxIter = ${o.maxIter} before the gradient fell below tol`);
}

/** Mini-batch epochs, each one engine call, with schedules, early stopping and divergence checks. */
function solveEpochs(objective: Objective, o: SolveOptions): SolverResult {
  const history: EpochLog[] = [];
  const guard = new DivergenceGuard(objective, o.onDivergence, o.l2, o.l1);
  const stop = new NoImprovement(o.tol, o.nIterNoChange);
  let lr = o.learningRate;
  let best: { loss: number; params: Float64Array; epoch: number } | null = null;
  const finish = (nIter: number, reason: StopReason, message: string): SolverResult => {
    if (best) {
      objective.setParameters(best.params);
      message += `; kept the weights of epoch ${best.epoch}, the best on the validation data`;
    }
    // A full-batch epoch logs the loss before its step: measure the returned weights once more.
    if (o.fullBatchEpochs && history.length > 0) history[history.length - 1].loss = lossAndGradient(objective, o.l2, o.l1).loss;
    return { nIter, stop: reason, message, history, divergences: guard.events };
  };
  for (let epoch = 1; epoch <= o.maxIter; epoch++) {
    const t0 = performance.now();
    if (o.schedule.schedule !== 'adaptive') lr = scheduledRate(o.schedule, o.learningRate, epoch, o.maxIter, (epoch - 1) * o.rows);
    const onBatch = o.onBatchEnd;
    const dataLoss = objective.epoch(lr, o.l2, o.l1, onBatch && ((batch, loss) => onBatch({ epoch, batch, loss })));
    const x = objective.getParameters();
    const loss = dataLoss + penalty(x, objective.weightMask, o.l2, o.l1);
    const stopped = guard.check(loss, x, epoch, lr, history);
    if (stopped) return stopped;
    const log: EpochLog = { epoch, loss, ...validationLog(objective), learningRate: lr, ms: performance.now() - t0 };
    if (guard.warnedAt(epoch)) log.diverged = true;
    history.push(log);
    if (o.earlyStopping) {
      if (log.valLoss === undefined) fail('BAD_OPTION', 'earlyStopping needs validation data: pass validationData or set validationFraction');
      if (best === null || log.valLoss < best.loss) best = { loss: log.valLoss, params: x, epoch };
    }
    if (o.onEpochEnd?.(log) === false) return finish(epoch, 'callback', 'stopped by onEpochEnd');
    // tol 0 never stops on tolerance: exactly maxIter epochs (scikit-learn's tol=None).
    if (o.tol > 0 && stop.update(o.earlyStopping ? log.valLoss! : loss)) {
      // scikit-learn's 'adaptive': a stalled loss divides the rate by 5 until it falls below 1e-6.
      if (o.schedule.schedule === 'adaptive' && lr / 5 >= 1e-6) {
        lr /= 5;
        stop.reset();
        continue;
      }
      const what = o.earlyStopping ? 'validation loss' : 'loss';
      return finish(epoch, 'noImprovement', `the ${what} did not improve by tol for ${o.nIterNoChange} epochs`);
    }
  }
  return finish(o.maxIter, 'maxIter', `reached maxIter = ${o.maxIter} epochs while the loss was still improving`);
}

/**
 * One partialFit step: an epoch over the rows resident in the objective, at the scheduled rate,
 * continuing `previous` (the record of earlier calls). Returns the new record; on DIVERGED the
 * parameters are restored and `previous` is untouched.
 */
export function partialEpoch(objective: Objective, o: SolveOptions, previous: SolverResult): SolverResult {
  const epoch = previous.nIter + 1;
  const lr = scheduledRate(o.schedule, o.learningRate, epoch, o.maxIter, objective.rowsSeen);
  const t0 = performance.now();
  const before = objective.getParameters();
  const onBatch = o.onBatchEnd;
  const data = objective.epoch(lr, o.l2, o.l1, onBatch && ((batch, loss) => onBatch({ epoch, batch, loss })));
  const x = objective.getParameters();
  const loss = data + penalty(x, objective.weightMask, o.l2, o.l1);
  if (!Number.isFinite(loss) || !x.every(Number.isFinite)) {
    objective.setParameters(before);
    fail('DIVERGED', `partialFit call ${epoch}: the loss became ${loss}; the weights before it were kept. Try a learning rate smaller than ${lr}`);
  }
  const log: EpochLog = { epoch, loss, learningRate: lr, ms: performance.now() - t0 };
  o.onEpochEnd?.(log);
  return { ...previous, nIter: epoch, stop: 'partialFit', message: 'trained by partialFit', history: [...previous.history, log] };
}
