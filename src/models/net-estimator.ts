// The plumbing shared by estimators built on a dense network (MLPClassifier, MultiLabelClassifier):
// the resident trainer, training with validation, prediction, saved parameters, and the hooks
// gradCheck uses.
import type { Engine } from '../engine/engine.js';
import type { NetSpec } from '../engine/net.js';
import { fail } from '../core/errors.js';
import type { Matrix, MatrixLike } from '../core/matrix.js';
import { DivergedError, objective, type SolveOptions } from '../solvers/solve.js';
import { decodeArray, encodeArray, type EncodedArray } from '../persist.js';
import { fittedInputs } from '../core/check.js';
import { valuesIn } from '../engine/resident.js';
import { restoreSolved } from './saved.js';
import { BaseEstimator } from './estimator.js';
import { NetTrainer, type EpochConfig, type NetTargets } from '../objectives/dense-net.js';
import { runSolver, scoreProbabilities } from './training.js';

export interface Prepared {
  targets: NetTargets;
  sw: Float64Array | null;
  /** The penalty's mean-objective coefficients. */
  terms: { l2: number; l1: number };
}

export abstract class NetEstimator extends BaseEstimator {
  protected trainer: NetTrainer | null = null;
  protected nFeatures = 0;

  /** A fresh network on `engine`, owned by this estimator (the previous one is freed). */
  protected startTrainer(engine: Engine, spec: Omit<NetSpec, 'maxBatch'>, options: { batchSize?: number; outScale?: number }): NetTrainer {
    const trainer = new NetTrainer(engine, spec, options);
    this.own(() => trainer.dispose());
    this.trainer = trainer;
    this.nFeatures = spec.sizes[0];
    return trainer;
  }

  /**
   * Trains the resident network on (X, targets): epochs when `epochs` is given, else full-batch.
   * On DIVERGED the model keeps the last good weights and stays usable.
   */
  protected train(X: Matrix, prepared: Prepared, val: { X: Matrix; targets: NetTargets } | null, epochs: EpochConfig | null, options: SolveOptions): void {
    const trainer = this.trainer!;
    try {
      trainer.upload(X, prepared.targets, prepared.sw);
    } catch (e) {
      this.release();
      throw e;
    }
    if (epochs) trainer.startEpochs(epochs);
    if (val) trainer.validation = () => scoreProbabilities(trainer.predictProba(val.X), val.targets);
    try {
      runSolver(trainer, options, (result) => (this.solved = result));
    } catch (e) {
      if (!(e instanceof DivergedError)) this.release();
      throw e;
    } finally {
      trainer.release();
      trainer.validation = undefined;
    }
  }

  /** X checked against the fitted width. */
  protected inputs(X: MatrixLike): Matrix {
    this.fitted();
    return fittedInputs(X, this.nFeatures);
  }

  /** The network's output probabilities for X (sigmoid or softmax of the last layer). */
  protected outputs(X: MatrixLike): Matrix {
    return this.trainer!.predictProba(this.inputs(X));
  }

  /** The parameters, packed per layer as W (rows nOut x nIn) then b, exactly, in the network's dtype. */
  protected savedParameters(): EncodedArray {
    const trainer = this.trainer!;
    return encodeArray(valuesIn(trainer.net.dtype, trainer.getParameters()));
  }

  /**
   * The end of fromJSON for the model `saved` (checked by checkModelJson): its solver record, and a
   * fresh network for `spec` on `engine` holding its parameters, checked as the network expects them.
   */
  protected restoreNet(engine: Engine, spec: Omit<NetSpec, 'maxBatch'>, options: { outScale?: number }, saved: Record<string, unknown>, name: string): void {
    const solved = restoreSolved(name, saved);
    const trainer = this.startTrainer(engine, spec, options);
    const expected = trainer.getParameters().length;
    trainer.setParameters(decodeArray(saved.parameters, { name: `${name}.parameters`, dtype: trainer.net.dtype, expectedLength: expected, finite: true }));
    this.solved = solved;
  }

  /** The targets, weights and penalty of (X, y), as the subclass trains on them. */
  protected abstract prepare(X: Matrix, y: unknown, sampleWeight?: ArrayLike<number>): Prepared;

  // The GradCheckable interface of src/layers/gradcheck.ts.
  getParameters(): Float64Array {
    this.fitted();
    return this.trainer!.getParameters();
  }
  setParameters(values: ArrayLike<number>): void {
    this.fitted();
    const n = this.trainer!.weightMask.length;
    if (values.length !== n) fail('SHAPE_MISMATCH', `expected ${n} parameters, got ${values.length}`);
    this.trainer!.setParameters(values);
  }
  /** The training objective at the current parameters on (X, y), and its gradient in getParameters() order. */
  lossAndGradient(X: MatrixLike, y: unknown): { loss: number; gradient: Float64Array } {
    const Xm = this.inputs(X);
    const { targets, sw, terms } = this.prepare(Xm, y);
    const trainer = this.trainer!;
    trainer.upload(Xm, targets, sw);
    try {
      return objective(trainer, terms.l2, terms.l1);
    } finally {
      trainer.release();
    }
  }
}
