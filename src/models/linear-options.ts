// The options LogisticRegression and MultiLabelClassifier share, with scikit-learn's names.
import { BACKENDS, type Dtype } from '../engine/engine.js';
import type { BackendChoice } from '../engine/index.js';
import type { OptimizerConfig, OptimizerKind } from '../engine/net.js';
import { fail } from '../core/errors.js';
import { bool, inRange, integerAtLeast, nonNegative, oneOf, positive } from '../core/check.js';
import type { SolveOptions } from '../solvers/solve.js';
import type { FitCallbacks } from './estimator.js';
import type { MatrixLike } from '../core/matrix.js';
import type { EpochConfig } from '../objectives/objective.js';
import { checkControl, CONTROL_DEFAULTS, type TrainingControlOptions } from './training.js';

/** The options LogisticRegression and MultiLabelClassifier share, with scikit-learn's names in camelCase. */
export interface LinearOptions extends TrainingControlOptions {
  /**
   * 'lbfgs' (full-batch quasi-Newton), 'gd' (full-batch gradient descent) or 'sgd' (mini-batch epochs; see `optimizer`).
   * @default 'lbfgs'
   */
  solver: 'lbfgs' | 'gd' | 'sgd';
  /**
   * Inverse regularization strength: the objective is sum of losses + ||w||^2 / (2C) (l2), + ||w||_1 / C (l1).
   * @default 1
   */
  C: number;
  /**
   * 'l1' and 'elasticnet' need solver 'gd' or 'sgd' (proximal steps, exact zeros).
   * @default 'l2'
   */
  penalty: 'l2' | 'l1' | 'elasticnet' | 'none';
  /**
   * elasticnet's mix: l1Ratio ||w||_1 + (1 - l1Ratio) ||w||^2 / 2, all over C.
   * @default 0.15
   */
  l1Ratio: number;
  /**
   * Learn an intercept per output (not penalized).
   * @default true
   */
  fitIntercept: boolean;
  /**
   * Iterations (lbfgs, gd) or epochs (sgd).
   * @default 100
   */
  maxIter: number;
  /**
   * Stop when the loss improves by less than tol (for nIterNoChange epochs with sgd).
   * @default 1e-4
   */
  tol: number;
  /**
   * Step size of 'gd' and 'sgd' (scikit-learn's eta0).
   * @default 0.1
   */
  learningRate: number;
  /**
   * Rows per mini-batch (solver 'sgd').
   * @default 256
   */
  batchSize: number;
  /**
   * Reshuffle the rows before every epoch (solver 'sgd').
   * @default true
   */
  shuffle: boolean;
  /**
   * Seeds shuffling and the validation split (scikit-learn's random_state).
   * @default 0
   */
  seed: number;
  /**
   * The update rule of solver 'sgd', with PyTorch's defaults: momentum 0.9, betas (0.9, 0.999), eps 1e-8.
   * @default 'sgd'
   */
  optimizer: OptimizerKind;
  /**
   * Epochs without an improvement of tol before sgd stops.
   * @default 5
   */
  nIterNoChange: number;
  /**
   * What the engine computes in: 'float32' (fast) or 'float64' (scikit-learn's precision).
   * @default 'float32'
   */
  dtype: Dtype;
  /**
   * Where it computes: 'auto' (the one `init` chose) or a backend's name.
   * @default 'auto'
   */
  backend: BackendChoice;
}

/** The options of `fit` and `partialFit` for the linear estimators. */
export interface LinearFitOptions extends FitCallbacks {
  /**
   * One weight per row (scikit-learn's sample_weight); none: all 1.
   * @default undefined (all 1)
   */
  sampleWeight?: ArrayLike<number>;
  /**
   * Held-out rows scored after every epoch (valLoss, valAccuracy in history); early stopping uses them.
   * @default undefined (none)
   */
  validationData?: [MatrixLike, unknown];
  /**
   * Starting weights, outputs x features (one row for a binary model), as scikit-learn's SGDClassifier.fit.
   * @default undefined (the model's own start, or its current weights with warmStart)
   */
  coefInit?: MatrixLike;
  /**
   * Starting intercepts, one per output.
   * @default undefined (the model's own start)
   */
  interceptInit?: ArrayLike<number>;
}

export const LINEAR_DEFAULTS: LinearOptions = {
  ...CONTROL_DEFAULTS,
  solver: 'lbfgs', C: 1, penalty: 'l2', l1Ratio: 0.15, fitIntercept: true, maxIter: 100, tol: 1e-4,
  learningRate: 0.1, batchSize: 256, shuffle: true, seed: 0, optimizer: 'sgd',
  nIterNoChange: 5, dtype: 'float32', backend: 'auto',
};

export function checkLinearOptions(o: LinearOptions): void {
  oneOf('solver', o.solver, ['lbfgs', 'gd', 'sgd']);
  positive('C', o.C);
  oneOf('penalty', o.penalty, ['l2', 'l1', 'elasticnet', 'none']);
  inRange('l1Ratio', o.l1Ratio, 0, 1);
  if ((o.penalty === 'l1' || o.penalty === 'elasticnet') && o.solver === 'lbfgs') {
    fail('BAD_OPTION', `penalty '${o.penalty}' needs solver 'gd' or 'sgd' (proximal steps); lbfgs handles 'l2' and 'none'`);
  }
  if (o.earlyStopping && o.solver !== 'sgd') fail('BAD_OPTION', "earlyStopping needs solver 'sgd' (epochs to compare)");
  checkControl(o);
  bool('fitIntercept', o.fitIntercept);
  integerAtLeast('maxIter', o.maxIter, 1);
  nonNegative('tol', o.tol);
  positive('learningRate', o.learningRate);
  integerAtLeast('batchSize', o.batchSize, 1);
  bool('shuffle', o.shuffle);
  integerAtLeast('seed', o.seed, 0);
  integerAtLeast('nIterNoChange', o.nIterNoChange, 1);
  oneOf('optimizer', o.optimizer, ['sgd', 'momentum', 'nesterov', 'adam', 'amsgrad']);
  oneOf('backend', o.backend, ['auto', ...BACKENDS]);
  oneOf('dtype', o.dtype, ['float32', 'float64']);
}

/** The mean-objective coefficients of the L2 and L1 terms, for rows of total weight S. */
export function penaltyTerms(o: LinearOptions, weightSum: number): { l2: number; l1: number } {
  const c = 1 / (o.C * weightSum);
  if (o.penalty === 'l2') return { l2: c, l1: 0 };
  if (o.penalty === 'l1') return { l2: 0, l1: c };
  if (o.penalty === 'elasticnet') return { l2: (1 - o.l1Ratio) * c, l1: o.l1Ratio * c };
  return { l2: 0, l1: 0 };
}

/** What the solver needs from the options. */
export function linearSolveOptions(o: LinearOptions, rows: number, terms: { l2: number; l1: number }, { onEpochEnd, onBatchEnd }: FitCallbacks): SolveOptions {
  return {
    fullBatchEpochs: o.solver === 'gd' && o.optimizer !== 'sgd', onBatchEnd,
    // gd with an optimizer trains in (full-batch) epochs.
    solver: o.solver === 'gd' && o.optimizer !== 'sgd' ? 'sgd' : o.solver, maxIter: o.maxIter, tol: o.tol, nIterNoChange: o.nIterNoChange, ...terms, learningRate: o.learningRate,
    schedule: { schedule: o.learningRateSchedule, powerT: o.powerT, gamma: o.gamma, stepSize: o.stepSize },
    rows, earlyStopping: o.earlyStopping, onDivergence: o.onDivergence, onEpochEnd,
  };
}

/**
 * How epochs run: mini-batches for solver 'sgd'; for 'gd' with an optimizer other than plain
 * steps, one optimizer step per epoch on the full-batch gradient; null for lbfgs and plain gd.
 */
export function linearEpochs(o: LinearOptions): EpochConfig | null {
  const base = { optimizer: linearOptimizer(o), batchSize: o.batchSize, shuffle: o.shuffle, seed: o.seed, penaltyPerBatch: 'mean' as const };
  if (o.solver === 'sgd') return base;
  if (o.solver === 'gd' && o.optimizer !== 'sgd') return { ...base, shuffle: false, fullBatch: true };
  return null;
}

/** The optimizer of solver 'sgd' (and the step size of 'gd'). */
export function linearOptimizer(o: LinearOptions): OptimizerConfig {
  // beta1 is Adam's first-moment decay, or the momentum of 'momentum' and 'nesterov'.
  return { kind: o.optimizer, lr: o.learningRate, beta1: o.optimizer === 'sgd' ? 0 : 0.9, beta2: 0.999, eps: 1e-8 };
}
