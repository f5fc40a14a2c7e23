// The three solvers of binary logistic regression over data resident in an engine. Each works on
// the mean objective  f(w, b) = sum_i sw_i loss_i / S + ||w||^2 / (2 C S)  (S = sum of weights),
// which has scikit-learn's minimizer; the intercept is never penalized.
import type { Engine, F32Buf, F64Buf, RowsF32 } from '../engine/engine.js';
import { fail } from '../errors.js';
import { lbfgs } from '../optim/lbfgs.js';
import { NoImprovement } from '../optim/stopping.js';
import { seedState } from '../rng.js';

export interface EpochLog {
  epoch: number;
  /** The objective: mean loss plus the penalty. */
  loss: number;
  /** The step size: the learning rate (gd, sgd) or the line search's accepted step (lbfgs). */
  learningRate: number;
  /** Wall time of the epoch or iteration. */
  ms: number;
}

export interface SolverConfig {
  maxIter: number;
  tol: number;
  /** 1 / (C S), or 0 without a penalty. */
  l2: number;
  /** Sum of the sample weights (n without weights). */
  weightSum: number;
  fitIntercept: boolean;
  learningRate: number;
  batchSize: number;
  shuffle: boolean;
  seed: number;
  nIterNoChange: number;
  /** Called after each epoch; returning false stops training. */
  onEpochEnd?: (log: EpochLog) => boolean | void;
}

export interface SolverResult {
  nIter: number;
  converged: boolean;
  message: string;
  history: EpochLog[];
}

function penalty(w: Float32Array, d: number, l2: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) s += w[j] * w[j];
  return 0.5 * l2 * s;
}

function checkFinite(loss: number, epoch: number, lr: number): void {
  if (!Number.isFinite(loss)) {
    fail('DIVERGED', `the loss became ${loss} at epoch ${epoch}; try a smaller learning rate than ${lr} or standardize X`);
  }
}

/** Records an epoch and asks the callback whether to go on. */
function record(history: EpochLog[], cfg: SolverConfig, log: EpochLog): boolean {
  history.push(log);
  return cfg.onEpochEnd?.(log) !== false;
}

export function solveLbfgs(engine: Engine, rows: RowsF32, w: F32Buf, cfg: SolverConfig): SolverResult {
  const { d, stride } = rows;
  const grad: F64Buf = engine.f64(stride + 1);
  const nParams = cfg.fitIntercept ? d + 1 : d;
  const history: EpochLog[] = [];
  let last = performance.now();
  try {
    const fg = (x: Float64Array, g: Float64Array): number => {
      const wv = w.view();
      for (let j = 0; j < d; j++) wv[j] = x[j];
      if (cfg.fitIntercept) wv[stride] = x[d];
      const loss = engine.lossGradLogistic(rows, w, grad);
      const gv = grad.view();
      for (let j = 0; j < d; j++) g[j] = gv[j] / cfg.weightSum + cfg.l2 * wv[j];
      if (cfg.fitIntercept) g[d] = gv[stride] / cfg.weightSum;
      return loss / cfg.weightSum + penalty(wv, d, cfg.l2);
    };
    const x0 = new Float64Array(nParams);
    const result = lbfgs(fg, x0, {
      maxIter: cfg.maxIter,
      tol: cfg.tol,
      onIter: (iter, f, _gMax, step) => {
        const now = performance.now();
        const go = record(history, cfg, { epoch: iter, loss: f, learningRate: step, ms: now - last });
        last = now;
        return go;
      },
    });
    checkFinite(result.f, result.nIter, 1);
    // Leave the solution, not the last trial point of the line search, in w.
    const wv = w.view();
    for (let j = 0; j < d; j++) wv[j] = result.x[j];
    wv[stride] = cfg.fitIntercept ? result.x[d] : 0;
    return { nIter: result.nIter, converged: result.converged, message: result.message, history };
  } finally {
    engine.free(grad);
  }
}

export function solveGd(engine: Engine, rows: RowsF32, w: F32Buf, cfg: SolverConfig): SolverResult {
  const { d, stride } = rows;
  const grad = engine.f64(stride + 1);
  const history: EpochLog[] = [];
  const lr = cfg.learningRate;
  try {
    for (let iter = 1; iter <= cfg.maxIter; iter++) {
      const t0 = performance.now();
      const loss = engine.lossGradLogistic(rows, w, grad);
      const wv = w.view();
      const gv = grad.view();
      const f = loss / cfg.weightSum + penalty(wv, d, cfg.l2);
      checkFinite(f, iter, lr);
      let gMax = 0;
      for (let j = 0; j < d; j++) {
        const gj = gv[j] / cfg.weightSum + cfg.l2 * wv[j];
        gMax = Math.max(gMax, Math.abs(gj));
        wv[j] -= lr * gj;
      }
      if (cfg.fitIntercept) {
        const gb = gv[stride] / cfg.weightSum;
        gMax = Math.max(gMax, Math.abs(gb));
        wv[stride] -= lr * gb;
      }
      // The logged loss is at the weights before this step, like the gradient that made it.
      if (!record(history, cfg, { epoch: iter, loss: f, learningRate: lr, ms: performance.now() - t0 })) {
        return { nIter: iter, converged: false, message: 'stopped by onEpochEnd', history };
      }
      if (gMax <= cfg.tol) return { nIter: iter, converged: true, message: 'the largest gradient component fell below tol', history };
    }
    return { nIter: cfg.maxIter, converged: false, message: `reached maxIter = ${cfg.maxIter} before the gradient fell below tol`, history };
  } finally {
    engine.free(grad);
  }
}

export function solveSgd(engine: Engine, rows: RowsF32, w: F32Buf, cfg: SolverConfig): SolverResult {
  const { d, n } = rows;
  const idx = engine.u32(n);
  const rng = engine.u32(4);
  const history: EpochLog[] = [];
  const lr = cfg.learningRate;
  try {
    const order = idx.view();
    for (let i = 0; i < n; i++) order[i] = i;
    seedState(cfg.seed, rng.view());
    const stop = new NoImprovement(cfg.tol, cfg.nIterNoChange);
    const opts = { batch: cfg.batchSize, lr, l2: cfg.l2 * cfg.weightSum / n, fitIntercept: cfg.fitIntercept, shuffle: cfg.shuffle };
    for (let epoch = 1; epoch <= cfg.maxIter; epoch++) {
      const t0 = performance.now();
      const loss = engine.epochSgdLogistic(rows, idx, w, rng, opts);
      const f = loss / cfg.weightSum + penalty(w.view(), d, cfg.l2);
      checkFinite(f, epoch, lr);
      if (!record(history, cfg, { epoch, loss: f, learningRate: lr, ms: performance.now() - t0 })) {
        return { nIter: epoch, converged: false, message: 'stopped by onEpochEnd', history };
      }
      if (stop.update(f)) {
        return { nIter: epoch, converged: true, message: `the loss did not improve by tol for ${cfg.nIterNoChange} epochs`, history };
      }
    }
    return { nIter: cfg.maxIter, converged: false, message: `reached maxIter = ${cfg.maxIter} epochs while the loss was still improving`, history };
  } finally {
    engine.free(idx);
    engine.free(rng);
  }
}
