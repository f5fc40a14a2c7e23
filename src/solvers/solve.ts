// The solvers, independent of the model: L-BFGS and full-batch gradient descent over a problem's
// full-batch gradient, and epoch-based training (the epoch itself runs inside the engine) with
// learning-rate schedules, validation, early stopping and divergence handling.
import { fail, WasmlearnError } from '../core/errors.js';
import { lbfgs } from './lbfgs.js';
import { softThreshold } from '../core/prox.js';
import { scheduledRate, type ScheduleOptions } from './schedules.js';
import { NoImprovement } from './stopping.js';

export interface EpochLog {
  epoch: number;
  /** The training objective: mean loss plus the penalty. */
  loss: number;
  valLoss?: number;
  valAccuracy?: number;
  /** The step size: the learning rate (gd, sgd, adam) or the line search's accepted step (lbfgs). */
  learningRate: number;
  /** Wall time of the epoch or iteration. */
  ms: number;
}

export interface SolverResult {
  nIter: number;
  converged: boolean;
  /** True when training stopped because the loss blew up (the weights are the last good ones). */
  diverged: boolean;
  message: string;
  history: EpochLog[];
}

/** A model's training problem, its parameters packed in one vector. */
export interface Problem {
  getParameters(): Float64Array;
  setParameters(x: ArrayLike<number>): void;
  /** 1 where the packed parameter is a weight (penalized), 0 for an intercept. */
  readonly weightMask: Uint8Array;
  /** The mean data loss over the training rows and its gradient, without penalty. */
  dataLossAndGradient(): { loss: number; gradient: Float64Array };
  /** One mini-batch epoch in the engine at learning rate lr; returns the mean data loss. */
  epoch(lr: number, l2: number, l1: number): number;
  /** Mean log-loss and accuracy on held-out rows, when the model has them. */
  validation?: () => { loss: number; accuracy: number };
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
  /** 'raise' throws DIVERGED after restoring the last good weights; 'stop' only reports it. */
  onDivergence: 'raise' | 'stop';
  onEpochEnd?: (log: EpochLog) => boolean | void;
}

export function solve(problem: Problem, o: SolveOptions): SolverResult {
  if (o.solver === 'lbfgs') return solveLbfgs(problem, o);
  if (o.solver === 'gd') return solveGd(problem, o);
  return solveEpochs(problem, o);
}

/** The objective (mean loss + penalty) at the current parameters, and the smooth part's gradient. */
export function objective(problem: Problem, l2: number, l1: number, x = problem.getParameters()): { loss: number; gradient: Float64Array } {
  const { loss, gradient } = problem.dataLossAndGradient();
  return { loss: loss + penalty(x, problem.weightMask, l2, l1), gradient: addL2(gradient, x, problem.weightMask, l2) };
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

/** Tracks the last good parameters and refuses a loss that blew up. */
class DivergenceGuard {
  private good: Float64Array;
  private readonly limit: number;

  constructor(
    private readonly problem: Problem,
    startLoss: number,
    private readonly policy: SolveOptions['onDivergence'],
  ) {
    this.good = problem.getParameters();
    // A loss ten times its starting value (plus one) is a learning rate far too large, not noise.
    this.limit = 10 * startLoss + 1;
  }

  /** Called with the loss at the current parameters `params`; returns a result when training must stop. */
  check(loss: number, params: Float64Array, epoch: number, lr: number, history: EpochLog[]): SolverResult | null {
    if (Number.isFinite(loss) && loss <= this.limit && params.every(Number.isFinite)) {
      this.good = params;
      return null;
    }
    this.problem.setParameters(this.good);
    const message = `diverged at epoch ${epoch}: the loss became ${loss.toPrecision(4)} (it started at ${((this.limit - 1) / 10).toPrecision(4)}); ` +
      `the weights of the last good epoch were kept. Try a learning rate smaller than ${lr} or standardize X`;
    if (this.policy === 'raise') throw new DivergedError(message, { nIter: epoch, converged: false, diverged: true, message, history });
    return { nIter: epoch, converged: false, diverged: true, message, history };
  }
}

/** DIVERGED, carrying the record of the training that led to it (the model keeps the good weights). */
export class DivergedError extends WasmlearnError {
  constructor(
    message: string,
    readonly result: SolverResult,
  ) {
    super('DIVERGED', message);
  }
}

function validationLog(problem: Problem): Pick<EpochLog, 'valLoss' | 'valAccuracy'> {
  if (!problem.validation) return {};
  const v = problem.validation();
  return { valLoss: v.loss, valAccuracy: v.accuracy };
}

function solveLbfgs(problem: Problem, o: SolveOptions): SolverResult {
  if (o.l1 !== 0) fail('BAD_OPTION', "an L1 penalty needs solver 'gd' or 'sgd' (proximal steps); lbfgs handles 'l2' and 'none'");
  const history: EpochLog[] = [];
  let last = performance.now();
  const result = lbfgs(
    (x, g) => {
      problem.setParameters(x);
      const { loss, gradient } = objective(problem, o.l2, 0);
      g.set(gradient);
      return loss;
    },
    problem.getParameters(),
    {
      maxIter: o.maxIter,
      tol: o.tol,
      onIter: (epoch, loss, _gMax, step) => {
        const now = performance.now();
        history.push({ epoch, loss, ...validationLog(problem), learningRate: step, ms: now - last });
        last = now;
        return o.onEpochEnd?.(history[history.length - 1]);
      },
    },
  );
  problem.setParameters(result.x);
  if (!Number.isFinite(result.f)) fail('DIVERGED', `lbfgs: the objective became ${result.f}; standardize X or add a penalty`);
  return { nIter: result.nIter, converged: result.converged, diverged: false, message: result.message, history };
}

/** Full-batch (proximal, with L1) gradient descent: x -= lr g, then soft-thresholding of the weights. */
function solveGd(problem: Problem, o: SolveOptions): SolverResult {
  const history: EpochLog[] = [];
  const mask = problem.weightMask;
  let guard: DivergenceGuard | null = null;
  for (let iter = 1; iter <= o.maxIter; iter++) {
    const t0 = performance.now();
    const lr = scheduledRate(o.schedule, o.learningRate, iter, o.maxIter, (iter - 1) * o.rows);
    const x = problem.getParameters();
    const { loss, gradient } = objective(problem, o.l2, o.l1, x);
    guard ??= new DivergenceGuard(problem, loss, o.onDivergence);
    const stopped = guard.check(loss, x, iter, lr, history);
    if (stopped) return stopped;
    // Stop on the gradient mapping (x - prox(x - lr g)) / lr: the gradient itself without L1.
    let gMax = 0;
    const next = x.map((v, i) => {
      const step = v - lr * gradient[i];
      const moved = mask[i] ? softThreshold(step, lr * o.l1) : step;
      gMax = Math.max(gMax, Math.abs(v - moved) / lr);
      return moved;
    });
    // The logged loss is at the parameters before this step, like the gradient that made it.
    history.push({ epoch: iter, loss, ...validationLog(problem), learningRate: lr, ms: performance.now() - t0 });
    if (gMax <= o.tol) return { nIter: iter, converged: true, diverged: false, message: 'the largest gradient component fell below tol', history };
    problem.setParameters(next);
    if (o.onEpochEnd?.(history[iter - 1]) === false) return { nIter: iter, converged: false, diverged: false, message: 'stopped by onEpochEnd', history };
  }
  return { nIter: o.maxIter, converged: false, diverged: false, message: `reached maxIter = ${o.maxIter} before the gradient fell below tol`, history };
}

/** Mini-batch epochs, each one engine call, with schedules, early stopping and divergence checks. */
function solveEpochs(problem: Problem, o: SolveOptions): SolverResult {
  const history: EpochLog[] = [];
  const guard = new DivergenceGuard(problem, objective(problem, o.l2, o.l1).loss, o.onDivergence);
  if (o.earlyStopping && !problem.validation) fail('BAD_OPTION', 'earlyStopping needs validation data: pass validationData or set validationFraction');
  const stop = new NoImprovement(o.tol, o.nIterNoChange);
  let lr = o.learningRate;
  let best: { loss: number; params: Float64Array; epoch: number } | null = null;
  const finish = (nIter: number, converged: boolean, message: string): SolverResult => {
    if (best) {
      problem.setParameters(best.params);
      message += `; kept the weights of epoch ${best.epoch}, the best on the validation data`;
    }
    return { nIter, converged, diverged: false, message, history };
  };
  for (let epoch = 1; epoch <= o.maxIter; epoch++) {
    const t0 = performance.now();
    if (o.schedule.schedule !== 'adaptive') lr = scheduledRate(o.schedule, o.learningRate, epoch, o.maxIter, (epoch - 1) * o.rows);
    const dataLoss = problem.epoch(lr, o.l2, o.l1);
    const x = problem.getParameters();
    const loss = dataLoss + penalty(x, problem.weightMask, o.l2, o.l1);
    const stopped = guard.check(loss, x, epoch, lr, history);
    if (stopped) return stopped;
    const log: EpochLog = { epoch, loss, ...validationLog(problem), learningRate: lr, ms: performance.now() - t0 };
    history.push(log);
    if (o.earlyStopping && (best === null || log.valLoss! < best.loss)) best = { loss: log.valLoss!, params: x, epoch };
    if (o.onEpochEnd?.(log) === false) return finish(epoch, false, 'stopped by onEpochEnd');
    if (stop.update(o.earlyStopping ? log.valLoss! : loss)) {
      // scikit-learn's 'adaptive': a stalled loss divides the rate by 5 until it falls below 1e-6.
      if (o.schedule.schedule === 'adaptive' && lr / 5 >= 1e-6) {
        lr /= 5;
        stop.reset();
        continue;
      }
      const what = o.earlyStopping ? 'validation loss' : 'loss';
      return finish(epoch, true, `the ${what} did not improve by tol for ${o.nIterNoChange} epochs`);
    }
  }
  return finish(o.maxIter, false, `reached maxIter = ${o.maxIter} epochs while the loss was still improving`);
}
