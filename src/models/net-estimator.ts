// The plumbing shared by estimators built on a dense network (MLPClassifier, MultiLabelClassifier,
// multinomial LogisticRegression): the resident trainer, prediction, saved parameters, and the
// hooks gradCheck uses.
import type { Engine } from '../engine/engine.js';
import type { NetSpec } from '../engine/net.js';
import { fail } from '../errors.js';
import type { Matrix, MatrixLike } from '../matrix.js';
import { fittedInputs } from './check.js';
import { decodeArray, encodeArray, type EncodedArray } from '../persist.js';
import { BaseEstimator } from './estimator.js';
import { NetTrainer, type NetTargets, type NetTrainConfig } from './net-trainer.js';

export type Objective = Pick<NetTrainConfig, 'penalty' | 'weightSum' | 'outScale'>;

export abstract class NetEstimator extends BaseEstimator {
  protected trainer: NetTrainer | null = null;
  protected nFeatures = 0;

  /** A fresh network on `engine`, owned by this estimator (the previous one is freed). */
  protected startTrainer(engine: Engine, spec: Omit<NetSpec, 'maxBatch'>, batchSize: number): NetTrainer {
    const trainer = new NetTrainer(engine, spec, batchSize);
    this.own(() => trainer.dispose());
    this.trainer = trainer;
    this.nFeatures = spec.sizes[0];
    return trainer;
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

  /** The parameters, packed per layer as W (rows nOut x nIn) then b, float32 exactly. */
  protected savedParameters(): EncodedArray {
    return encodeArray(Float32Array.from(this.trainer!.getParameters()));
  }

  protected loadParameters(trainer: NetTrainer, saved: unknown, name: string): void {
    const expected = trainer.getParameters().length;
    trainer.setParameters(decodeArray(saved, { name: `${name}.parameters`, dtype: 'float32', expectedLength: expected, finite: true }));
  }

  /** The targets and objective of (X, y), as the subclass trains on them. */
  protected abstract prepare(X: Matrix, y: unknown, sampleWeight?: ArrayLike<number>): { targets: NetTargets; sw: Float64Array | null; objective: Objective };

  // The GradCheckable interface of src/layers/gradcheck.ts.
  getParameters(): Float64Array {
    this.fitted();
    return this.trainer!.getParameters();
  }
  setParameters(values: ArrayLike<number>): void {
    this.fitted();
    if (values.length !== this.trainer!.getParameters().length) fail('SHAPE_MISMATCH', `expected ${this.trainer!.getParameters().length} parameters, got ${values.length}`);
    this.trainer!.setParameters(values);
  }
  /** The training objective at the current parameters on (X, y), and its gradient in getParameters() order. */
  lossAndGradient(X: MatrixLike, y: unknown): { loss: number; gradient: Float64Array } {
    const Xm = this.inputs(X);
    const { targets, sw, objective } = this.prepare(Xm, y);
    const trainer = this.trainer!;
    trainer.upload(Xm, targets, sw);
    try {
      return trainer.lossAndGradient(objective);
    } finally {
      trainer.release();
    }
  }
}
