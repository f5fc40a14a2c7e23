// The epoch-level entry points: one call per full-batch gradient or per epoch, the whole loop inside.
import type { Buf, Dtype, F64Buf, U32Buf } from './memory.js';
import type { Net, NetData, NetEpochOptions, OptimizerBufs } from './net.js';

/**
 * Training rows resident in an engine. X is row-major with each row zero-padded from d to
 * `stride` values (a multiple of 4); y holds 0/1 labels; sw the sample weights or null. All three
 * share one dtype.
 */
export interface Rows<T extends Dtype = Dtype> {
  X: Buf<T>;
  y: Buf<T>;
  sw: Buf<T> | null;
  n: number;
  d: number;
  stride: number;
}

/**
 * Training rows of narrow data resident in 4-row blocks (src/engine/blocks.ts): X holds nb =
 * ceil(n / 4) blocks of d column vectors of 4 lanes, lane l of block b data row l * nb + b; y and
 * sw one value per lane (4 nb), zero past the data. w and grad keep the rows' shape: `stride` is
 * where the intercept sits.
 */
export interface Blocks<T extends Dtype = Dtype> extends Rows<T> {
  nb: number;
}

/** Positions start..start+count of a block order (4 a block): one batch of an epoch run batch by batch. */
export interface BlockPositions {
  start: number;
  count: number;
}

export interface SgdEpochOptions {
  batch: number;
  lr: number;
  /** Coefficient of the L2 term in the mean objective: w_j's gradient gains l2 * w_j. */
  l2: number;
  /** After each step the weights are soft-thresholded by lr * l1 (0: no L1 penalty). */
  l1: number;
  fitIntercept: boolean;
  shuffle: boolean;
}

/**
 * Whole passes in one call, in the dtype of the data. Logistic parameter vectors `w` are
 * [stride + 4] values: weights then the intercept at w[stride].
 */
export interface Trainers {
  /** Full-batch summed loss, returned, and its gradient into grad (f64[stride + 1]). */
  lossGradLogistic<T extends Dtype>(rows: Rows<T>, w: Buf<NoInfer<T>>, grad: F64Buf): number;
  /** One epoch of mini-batch SGD, updating w in place; returns the summed loss. */
  epochSgdLogistic<T extends Dtype>(rows: Rows<T>, idx: U32Buf, w: Buf<NoInfer<T>>, rng: U32Buf, opts: SgdEpochOptions): number;
  /** lossGradLogistic over 4-row blocks. */
  lossGradLogisticBlocks<T extends Dtype>(blocks: Blocks<T>, w: Buf<NoInfer<T>>, grad: F64Buf): number;
  /**
   * One SGD epoch over 4-row blocks: shuffles the block order (u32[nb]) when opts.shuffle, then
   * takes `positions` of it (default: all 4 nb) in batches of opts.batch positions.
   */
  epochSgdLogisticBlocks<T extends Dtype>(
    blocks: Blocks<T>, order: U32Buf, w: Buf<NoInfer<T>>, rng: U32Buf, opts: SgdEpochOptions, positions?: BlockPositions,
  ): number;
  /** The full-batch summed loss, and its gradient written to net.grads. */
  netLossGrad<T extends Dtype>(net: Net<T>, data: NetData<NoInfer<T>>): number;
  /** One epoch: shuffle, then per batch gradient, penalty and optimizer step; returns the summed loss. */
  epochNet<T extends Dtype>(
    net: Net<T>, optimizer: OptimizerBufs<NoInfer<T>>, data: NetData<NoInfer<T>>, idx: U32Buf, rng: U32Buf, opts: NetEpochOptions,
  ): number;
  /** Output probabilities of rows start..start+count (count <= maxBatch) into out, ldo values per row. */
  netPredict<T extends Dtype>(net: Net<T>, X: Buf<NoInfer<T>>, start: number, count: number, out: Buf<NoInfer<T>>, ldo: number): void;
}
