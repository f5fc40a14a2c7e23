import { getEngine, type BackendChoice } from '../engine/index.js';
import { fail } from '../core/errors.js';
import { checkMatrix, type Matrix, type MatrixLike } from '../core/matrix.js';
import { checkModelJson, registerLoader, type ModelJson } from '../persist.js';
import { sampleWeights } from '../core/check.js';
import { checkLinearOptions, linearEpochs, linearSolveOptions, LINEAR_DEFAULTS, penaltyTerms, type LinearFitOptions, type LinearOptions } from './linear-options.js';
import { NetEstimator, type Prepared } from './net-estimator.js';
import { holdOut } from './training.js';
import { takeRows } from '../core/rows.js';
import type { NetTargets } from '../objectives/dense-net.js';
import { positiveInteger, restoreOptions, savedModel } from './saved.js';
import { indicatorTargets } from '../core/targets.js';
import { subsetAccuracy, thresholded } from '../core/predictions.js';

export type MultiLabelClassifierOptions = LinearOptions;

/**
 * k independent logistic outputs trained jointly on an n x k 0/1 indicator matrix: binary
 * cross-entropy averaged over rows and outputs (PyTorch's BCELoss(reduction='mean')) plus
 * ||W||^2 / (2C) per row weight, with LogisticRegression's solvers and optimizers.
 */
export class MultiLabelClassifier extends NetEstimator {
  protected readonly modelName = 'MultiLabelClassifier';
  readonly options: Readonly<MultiLabelClassifierOptions>;
  private nOutputs = 0;

  constructor(options: Partial<MultiLabelClassifierOptions> = {}) {
    super();
    const o = { ...LINEAR_DEFAULTS, ...options };
    checkLinearOptions(o);
    this.options = Object.freeze(o);
  }

  fit(X: MatrixLike, y: number[][] | Matrix, opts: LinearFitOptions = {}): this {
    this.alive();
    const engine = getEngine(this.options.backend);
    const Xm = checkMatrix(X, { checkFinite: false });
    const K = indicatorTargets(y, Xm.rows, this.modelName).cols;
    const o = this.options;
    let train = { X: Xm, prepared: this.prepareFor(K, Xm, y, opts.sampleWeight) };
    let val: { X: Matrix; targets: NetTargets } | null = null;
    if (opts.validationData) {
      const [Xv, yv] = opts.validationData;
      const Xvm = checkMatrix(Xv as MatrixLike, { name: 'validationData X', checkFinite: false });
      val = { X: Xvm, targets: this.prepareFor(K, Xvm, yv as Matrix).targets };
    } else if (o.earlyStopping) {
      const Ym = indicatorTargets(y, Xm.rows, this.modelName);
      const split = holdOut(Xm.rows, o.validationFraction, o.seed, null);
      const Xt = takeRows(Xm, split.train);
      const sw = train.prepared.sw;
      val = { X: takeRows(Xm, split.val), targets: { indicators: takeRows(Ym, split.val) } };
      train = { X: Xt, prepared: this.prepareFor(K, Xt, takeRows(Ym, split.train), sw ? Array.from(split.train, (i) => sw[i]) : undefined) };
    }
    this.startTrainer(engine, this.netSpec(Xm.cols, K), { batchSize: o.batchSize, outScale: K });
    this.nOutputs = K;
    const epochs = linearEpochs(o);
    this.train(train.X, train.prepared, val, epochs, linearSolveOptions(o, train.X.rows, train.prepared.terms, opts.onEpochEnd));
    return this;
  }

  private netSpec(d: number, K: number) {
    return { sizes: [d, K], hidden: 'identity' as const, output: 'sigmoid' as const, bias: this.options.fitIntercept, dtype: this.options.dtype };
  }

  protected prepare(X: Matrix, y: unknown, sampleWeight?: ArrayLike<number>): Prepared {
    return this.prepareFor(this.nOutputs, X, y as Matrix, sampleWeight);
  }

  private prepareFor(K: number, X: Matrix, y: number[][] | Matrix, sampleWeight?: ArrayLike<number>): Prepared & { targets: { indicators: Matrix } } {
    const indicators = indicatorTargets(y, X.rows, this.modelName);
    if (indicators.cols !== K) fail('SHAPE_MISMATCH', `y has ${indicators.cols} outputs but the model has ${K}`);
    const sw = sampleWeight === undefined ? null : sampleWeights(sampleWeight, X.rows);
    const weightSum = sw ? sw.reduce((a, b) => a + b, 0) : X.rows;
    return { targets: { indicators }, sw, terms: penaltyTerms(this.options, weightSum) };
  }

  /** The k output probabilities of each row. */
  predictProba(X: MatrixLike): Matrix {
    return this.outputs(X);
  }

  /** A 0/1 matrix: output k is on where its probability exceeds 1/2. */
  predict(X: MatrixLike): Matrix {
    return thresholded(this.outputs(X));
  }

  /** The fraction of rows with every output right (scikit-learn's subset accuracy). */
  score(X: MatrixLike, y: number[][] | Matrix): number {
    const pred = this.predict(X);
    return subsetAccuracy(pred, indicatorTargets(y, pred.rows, this.modelName));
  }

  /** outputs x features. */
  get coef(): Matrix {
    const p = this.getParameters();
    return { data: p.slice(0, this.nOutputs * this.nFeatures), rows: this.nOutputs, cols: this.nFeatures };
  }
  get intercept(): Float64Array {
    return this.getParameters().slice(this.nOutputs * this.nFeatures);
  }

  toJSON(): ModelJson {
    return savedModel('MultiLabelClassifier', this.options, this.fitted(), { nFeatures: this.nFeatures, nOutputs: this.nOutputs, parameters: this.savedParameters() });
  }

  static fromJSON(obj: unknown, { backend = 'auto' }: { backend?: BackendChoice } = {}): MultiLabelClassifier {
    const name = 'MultiLabelClassifier';
    const o = checkModelJson(obj, name, 1);
    const model = restoreOptions(name, o.options, LINEAR_DEFAULTS, (opts) => new MultiLabelClassifier({ ...opts, backend }));
    const d = positiveInteger(name, 'nFeatures', o.nFeatures);
    const K = positiveInteger(name, 'nOutputs', o.nOutputs);
    model.nOutputs = K;
    model.restoreNet(getEngine(backend), model.netSpec(d, K), { outScale: K }, o, name);
    return model;
  }
}

registerLoader('MultiLabelClassifier', (obj) => MultiLabelClassifier.fromJSON(obj));
