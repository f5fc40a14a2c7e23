// What a solver trains: a model's training problem over rows resident in one engine, with its
// parameters packed in one vector. The same object is the fitted model's predictor, so its
// weights live in one place.
import type { Matrix } from '../core/matrix.js';
import { shuffleU32 } from '../core/rng.js';
import type { TrainingTargets } from '../core/targets.js';
import type { Dtype, Engine, FloatBuf, U32Buf } from '../engine/engine.js';
import { freeUpload, uploadMatrix } from '../engine/resident.js';
import { scoreProbabilities } from '../core/predictions.js';
import type { OptimizerConfig } from '../engine/net.js';

export interface EpochConfig {
  optimizer: OptimizerConfig;
  batchSize: number;
  shuffle: boolean;
  seed: number;
  /**
   * How a batch's gradient gets the L2 term l2 / 2 ||W||^2 of the mean objective: 'alpha' as
   * scikit-learn's MLP, (l2 n / rows) W; 'mean' as a linear model, l2 (S / n) W.
   */
  penaltyPerBatch: 'alpha' | 'mean';
  /** One step per epoch on the full-batch gradient (solver 'gd' with an optimizer such as Adam). */
  fullBatch?: boolean;
}

export interface Objective {
  readonly engine: Engine;
  /** 1 where the packed parameter is a weight (penalized), 0 for an intercept. */
  readonly weightMask: Uint8Array;
  /** The mean data loss of an uninformed model (every logit 0): the scale a sane loss stays near. */
  readonly chanceLoss: number;
  getParameters(): Float64Array;
  setParameters(x: ArrayLike<number>): void;

  /** Copies the training rows into the engine once; they stay resident until release(). */
  upload(X: Matrix, targets: TrainingTargets, sw: Float64Array | null): void;
  /** Copies held-out rows into the engine once; validation() scores them until release(). */
  holdValidation(X: Matrix, targets: TrainingTargets): void;
  /** Frees the training and validation rows; the parameters and the epoch state stay. */
  release(): void;

  /** The mean data loss over the training rows and its gradient, without penalty. */
  dataLossAndGradient(): { loss: number; gradient: Float64Array };
  /** Sets how epochs run; the optimizer state and the shuffling stream then persist across epochs and partial fits. */
  startEpochs(config: EpochConfig): void;
  readonly epochsStarted: boolean;
  /**
   * One epoch in the engine at learning rate lr; returns the mean data loss. With `onBatch`, the
   * epoch runs one engine call per mini-batch (the same shuffle and steps) and reports each
   * batch's mean data loss.
   */
  epoch(lr: number, l2: number, l1: number, onBatch?: (batch: number, loss: number) => void): number;
  /** Rows trained on by epochs so far (the invscaling schedule's clock). */
  readonly rowsSeen: number;
  /** Mean log-loss and accuracy on the held-out rows; null when none are held. */
  validation(): { loss: number; accuracy: number } | null;

  /** The output probabilities of every row of X: one column per sigmoid output, or K softmax columns. */
  predictProba(X: Matrix): Matrix;
  /** The last layer's pre-activations (logits) of every row, in f64, finite for any finite X. */
  decision(X: Matrix): Matrix;
  /** Frees everything the objective holds in the engine. */
  dispose(): void;
}

/**
 * An epoch one engine call per mini-batch, for onBatchEnd: the same shuffle the kernel would do
 * (the shared xoshiro128** stream), then `step` on each batch's row indices (copied into a small
 * buffer) with shuffling off. Reports each batch's mean loss; returns the summed loss.
 */
export function batchByBatch(
  engine: Engine, n: number, batch: number, shuffle: boolean, idx: U32Buf, rng: U32Buf, sw: FloatBuf | null, outScale: number,
  onBatch: (batch: number, loss: number) => void, step: (idx: U32Buf, count: number) => number,
): number {
  if (shuffle) shuffleU32(idx.view(), n, rng.view());
  const part = engine.u32(batch);
  let total = 0;
  try {
    for (let start = 0, b = 1; start < n; start += batch, b++) {
      const count = Math.min(batch, n - start);
      const rows = idx.view().subarray(start, start + count);
      part.view().set(rows);
      const sum = step(part, count);
      total += sum;
      let weight = count;
      if (sw) {
        const w = sw.view();
        weight = 0;
        for (const i of rows) weight += w[i];
      }
      onBatch(b, sum / (weight * outScale));
    }
  } finally {
    engine.free(part);
  }
  return total;
}

/** A power of two that brings max |x_j| of a row to at most 1 (1 when it already is): scaling by it is exact. */
export function rowScale(x: ArrayLike<number>, from: number, to: number): number {
  let m = 0;
  for (let j = from; j < to; j++) m = Math.max(m, Math.abs(x[j]));
  return m > 1 ? 2 ** -Math.ceil(Math.log2(m)) : 1;
}

/** z / scale, kept finite: a logit beyond float64's range is the largest float64 of its sign. */
export function unscaled(z: number, scale: number): number {
  return Math.max(-Number.MAX_VALUE, Math.min(Number.MAX_VALUE, z / scale));
}

/** The sigmoid of z / scale, stable for any finite z. */
export function scaledSigmoid(z: number, scale: number): number {
  const t = z / scale;
  return t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t));
}

/** Held-out rows resident in an engine: uploaded once per fit, scored after every epoch, freed on release. */
export class HeldOut {
  private rows: { X: FloatBuf; n: number; targets: TrainingTargets } | null = null;

  constructor(
    private readonly engine: Engine,
    private readonly dtype: Dtype,
  ) {}

  hold(X: Matrix, targets: TrainingTargets): void {
    const { buf } = uploadMatrix(this.engine, X, 'validationData X', this.dtype);
    this.release();
    this.rows = { X: buf, n: X.rows, targets };
  }

  /** Mean log-loss and accuracy of `forward`'s probabilities for the held rows; null when none are held. */
  score(forward: (X: FloatBuf, n: number) => Matrix): { loss: number; accuracy: number } | null {
    return this.rows && scoreProbabilities(forward(this.rows.X, this.rows.n), this.rows.targets);
  }

  release(): void {
    if (this.rows) freeUpload(this.engine, this.rows.X);
    this.rows = null;
  }
}
