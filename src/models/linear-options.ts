// The options LogisticRegression and MultiLabelClassifier share, with scikit-learn's names.
import { BACKENDS } from '../engine/engine.js';
import type { BackendChoice } from '../engine/index.js';
import type { OptimizerConfig, OptimizerKind } from '../engine/net.js';
import { fail } from '../errors.js';
import { bool, integerAtLeast, oneOf, positive } from './check.js';
import type { EpochLog } from './logistic-solvers.js';

export interface LinearOptions {
  solver: 'lbfgs' | 'gd' | 'sgd';
  /** Inverse regularization strength: the objective is sum of losses + ||w||^2 / (2C). */
  C: number;
  penalty: 'l2' | 'none';
  fitIntercept: boolean;
  /** Iterations (lbfgs, gd) or epochs (sgd). */
  maxIter: number;
  tol: number;
  learningRate: number;
  batchSize: number;
  shuffle: boolean;
  seed: number;
  /** The update rule of solver 'sgd', with PyTorch's defaults: momentum 0.9, betas (0.9, 0.999), eps 1e-8. */
  optimizer: OptimizerKind;
  nIterNoChange: number;
  dtype: 'float32';
  backend: BackendChoice;
}

export interface LinearFitOptions {
  sampleWeight?: ArrayLike<number>;
  /** Called after every epoch (iteration for lbfgs and gd); returning false stops training. */
  onEpochEnd?: (log: EpochLog) => boolean | void;
}

export const LINEAR_DEFAULTS: LinearOptions = {
  solver: 'lbfgs', C: 1, penalty: 'l2', fitIntercept: true, maxIter: 100, tol: 1e-4,
  learningRate: 0.1, batchSize: 256, shuffle: true, seed: 0, optimizer: 'sgd',
  nIterNoChange: 5, dtype: 'float32', backend: 'auto',
};

export function checkLinearOptions(o: LinearOptions): void {
  oneOf('solver', o.solver, ['lbfgs', 'gd', 'sgd']);
  positive('C', o.C);
  oneOf('penalty', o.penalty, ['l2', 'none']);
  bool('fitIntercept', o.fitIntercept);
  integerAtLeast('maxIter', o.maxIter, 1);
  positive('tol', o.tol);
  positive('learningRate', o.learningRate);
  integerAtLeast('batchSize', o.batchSize, 1);
  bool('shuffle', o.shuffle);
  integerAtLeast('seed', o.seed, 0);
  integerAtLeast('nIterNoChange', o.nIterNoChange, 1);
  oneOf('optimizer', o.optimizer, ['sgd', 'momentum', 'nesterov', 'adam', 'amsgrad']);
  oneOf('backend', o.backend, ['auto', ...BACKENDS]);
  if (o.dtype !== 'float32') fail('UNSUPPORTED', `dtype '${o.dtype}' is not available yet; this version computes in 'float32'`);
}

/** The optimizer of solver 'sgd' (and the step size of 'gd'). */
export function linearOptimizer(o: LinearOptions): OptimizerConfig {
  // beta1 is Adam's first-moment decay, or the momentum of 'momentum' and 'nesterov'.
  return { kind: o.optimizer, lr: o.learningRate, beta1: o.optimizer === 'sgd' ? 0 : 0.9, beta2: 0.999, eps: 1e-8 };
}
