import { fittedInputs, sampleWeights } from '../core/check.js';
import { fail } from '../core/errors.js';
import type { Matrix, MatrixLike } from '../core/matrix.js';
import { subsetAccuracy, thresholded } from '../core/predictions.js';
import { takeRows } from '../core/rows.js';
import { indicatorTargets } from '../core/targets.js';
import type { Engine } from '../engine/engine.js';
import type { BackendChoice } from '../engine/index.js';
import { valuesIn } from '../engine/resident.js';
import { DenseNet } from '../objectives/dense-net.js';
import type { EpochConfig } from '../objectives/objective.js';
import { checkModelJson, decodeArray, encodeArray, registerLoader, type ModelJson } from '../persist.js';
import type { SolveOptions } from '../solvers/solve.js';
import { Estimator, type FitCallbacks, type PartialStart, type TrainingPlan, type TrainingSet } from './estimator.js';
import { checkLinearOptions, linearEpochs, linearOptimizer, linearSolveOptions, LINEAR_DEFAULTS, penaltyTerms, type LinearFitOptions, type LinearOptions } from './linear-options.js';
import { positiveInteger, restoreOptions, restoreSolved, savedModel } from './saved.js';
import { packStart } from './start.js';
import { holdOut } from './training.js';

/** MultiLabelClassifier's options: the linear ones. */
export type MultiLabelClassifierOptions = LinearOptions;

import type { Indicators } from '../metrics.js';

interface Meta {
  outputs: number;
}

/**
 * k independent logistic outputs trained jointly on an n x k 0/1 indicator matrix: binary
 * cross-entropy averaged over rows and outputs (PyTorch's BCELoss(reduction='mean')) plus
 * ||W||^2 / (2C) per row weight, with LogisticRegression's solvers and optimizers.
 *
 * @example
 * ```ts
 * import { init, MultiLabelClassifier } from 'wasmlearn';
 * import { loadDigits } from 'wasmlearn/datasets';
 *
 * await init();
 * const { train, test } = await loadDigits();
 * const labels = (y: number[]) => y.map((d) => [d % 2, d >= 5 ? 1 : 0]);  // odd? five or more?
 * const model = new MultiLabelClassifier({ maxIter: 200 }).fit(train.X, labels(train.y));
 * console.log(model.predict(test.X).data.slice(0, 4), model.score(test.X, labels(test.y)));
 * model.dispose();
 * ```
 */
export class MultiLabelClassifier extends Estimator<MultiLabelClassifierOptions, Meta, Indicators, LinearFitOptions> {
  /** @internal */
  protected readonly startKeys = ['coefInit', 'interceptInit'];

  constructor(options: Partial<MultiLabelClassifierOptions> = {}) {
    super('MultiLabelClassifier', options, LINEAR_DEFAULTS, checked);
  }

  /** @internal */
  protected plan(X: Matrix, y: Indicators, opts: LinearFitOptions): TrainingPlan<Meta> {
    const Y = indicatorTargets(y, X.rows, this.modelName);
    const meta = { outputs: Y.cols };
    const o = this.options;
    let train = { X, Y, sw: opts.sampleWeight === undefined ? null : sampleWeights(opts.sampleWeight, X.rows) };
    let val: { X: Matrix; Y: Matrix } | null = null;
    if (opts.validationData) {
      const [Xv, yv] = opts.validationData;
      const Xvm = fittedInputs(Xv as MatrixLike, X.cols, 'validationData X');
      val = { X: Xvm, Y: this.indicators(meta, Xvm, yv as Indicators) };
    } else if (o.earlyStopping) {
      const split = holdOut(X.rows, o.validationFraction, o.seed, null);
      const sw = train.sw;
      val = { X: takeRows(X, split.val), Y: takeRows(Y, split.val) };
      train = { X: takeRows(X, split.train), Y: takeRows(Y, split.train), sw: sw && Float64Array.from(split.train, (i) => sw[i]) };
    }
    const terms = this.terms(train.sw, train.X.rows);
    return {
      meta, nFeatures: X.cols,
      create: (engine) => this.objective(engine, X.cols, meta.outputs),
      train: { X: train.X, targets: { indicators: train.Y }, sw: train.sw, terms },
      val: val && { X: val.X, targets: { indicators: val.Y } },
      epochs: linearEpochs(o), solve: this.solveOptions(train.X.rows, terms, opts),
      start: packStart([{ nIn: X.cols, nOut: meta.outputs }], opts.coefInit && [opts.coefInit], opts.interceptInit && [opts.interceptInit], { coef: 'coefInit', intercept: 'interceptInit' }),
    };
  }

  private objective(engine: Engine, d: number, K: number): DenseNet {
    const { fitIntercept: bias, dtype, batchSize } = this.options;
    return new DenseNet(engine, { sizes: [d, K], hidden: 'identity', output: 'sigmoid', bias, dtype }, { batchSize, outScale: K });
  }

  /** @internal */
  protected startPartial(X: Matrix, y: Indicators): PartialStart<Meta> {
    if (this.options.solver !== 'sgd') fail('BAD_OPTION', "partialFit needs solver 'sgd'");
    const meta = { outputs: indicatorTargets(y, X.rows, this.modelName).cols };
    return { meta, create: (engine) => this.objective(engine, X.cols, meta.outputs) };
  }

  /** @internal */
  protected partialEpochs(): EpochConfig {
    const o = this.options;
    if (o.solver !== 'sgd') fail('BAD_OPTION', "partialFit needs solver 'sgd'");
    return { optimizer: linearOptimizer(o), batchSize: o.batchSize, shuffle: o.shuffle, seed: o.seed, penaltyPerBatch: 'mean' };
  }

  /** @internal */
  protected encode(meta: Meta, X: Matrix, y: Indicators, sampleWeight?: ArrayLike<number>): TrainingSet {
    const indicators = this.indicators(meta, X, y);
    const sw = sampleWeight === undefined ? null : sampleWeights(sampleWeight, X.rows);
    return { targets: { indicators }, sw, terms: this.terms(sw, X.rows) };
  }

  private indicators({ outputs }: Meta, X: Matrix, y: Indicators): Matrix {
    const Y = indicatorTargets(y, X.rows, this.modelName);
    if (Y.cols !== outputs) fail('SHAPE_MISMATCH', `y has ${Y.cols} outputs but the model has ${outputs}`);
    return Y;
  }

  private terms(sw: Float64Array | null, rows: number): { l2: number; l1: number } {
    return penaltyTerms(this.options, sw ? sw.reduce((a, b) => a + b, 0) : rows);
  }

  /** @internal */
  protected solveOptions(rows: number, terms: { l2: number; l1: number }, callbacks: FitCallbacks): SolveOptions {
    return linearSolveOptions(this.options, rows, terms, callbacks);
  }

  /** The k output probabilities of each row. */
  predictProba(X: MatrixLike): Matrix {
    return this.outputs(X);
  }

  /** The log-probability of each output, finite for any finite X. */
  predictLogProba(X: MatrixLike): Matrix {
    return this.logProbabilities(X, false, false);
  }

  /** A 0/1 matrix: output k is on where its probability exceeds 1/2. */
  predict(X: MatrixLike): Matrix {
    return thresholded(this.outputs(X));
  }

  /** The fraction of rows with every output right (scikit-learn's subset accuracy). */
  score(X: MatrixLike, y: Indicators): number {
    const pred = this.predict(X);
    return subsetAccuracy(pred, indicatorTargets(y, pred.rows, this.modelName));
  }

  /** outputs x features. */
  get coef(): Matrix {
    const { nFeatures: d, meta } = this.fitted();
    return { data: this.getParameters().slice(0, meta.outputs * d), rows: meta.outputs, cols: d };
  }
  /** One intercept per output. */
  get intercept(): Float64Array {
    const { nFeatures: d, meta } = this.fitted();
    return this.getParameters().slice(meta.outputs * d);
  }

  /** A plain, versioned object holding the options and weights exactly, in the model's dtype. */
  toJSON(): ModelJson {
    const { solved, nFeatures, meta } = this.fitted();
    const parameters = encodeArray(valuesIn(this.options.dtype, this.getParameters()));
    return savedModel('MultiLabelClassifier', this.options, solved, { nFeatures, nOutputs: meta.outputs, parameters });
  }

  /** Rebuilds a model saved by `toJSON`, on `backend` (default: the one `init` chose). */
  static fromJSON(obj: unknown, { backend = 'auto' }: { backend?: BackendChoice } = {}): MultiLabelClassifier {
    const name = 'MultiLabelClassifier';
    const o = checkModelJson(obj, name, 1);
    const model = restoreOptions(name, o.options, LINEAR_DEFAULTS, (opts) => new MultiLabelClassifier({ ...opts, backend }));
    const d = positiveInteger(name, 'nFeatures', o.nFeatures);
    const K = positiveInteger(name, 'nOutputs', o.nOutputs);
    const solved = restoreSolved(name, o);
    const parameters = decodeArray(o.parameters, { name: `${name}.parameters`, dtype: model.options.dtype, expectedLength: K * (d + 1), finite: true });
    model.restore((engine) => model.objective(engine, d, K), d, { outputs: K }, solved, parameters);
    return model;
  }
}

function checked(o: MultiLabelClassifierOptions): MultiLabelClassifierOptions {
  checkLinearOptions(o);
  return o;
}

registerLoader('MultiLabelClassifier', (obj) => MultiLabelClassifier.fromJSON(obj));
