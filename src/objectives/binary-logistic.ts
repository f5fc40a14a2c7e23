// Binary logistic regression on the dedicated binary kernels and their whole-epoch SGD loop. The
// training rows are resident in 4-row blocks for narrow data (padded stride below 16: every lane of
// a vector is a value; src/engine/blocks.ts), as padded rows otherwise; both dtypes alike.
// Parameters pack as [w_0 .. w_d-1, intercept]; in the engine they are w ([stride + 4] values of
// the model's dtype) with the intercept at w[stride].
import { fail } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { identityOrder, seedState } from '../core/rng.js';
import type { TrainingTargets } from '../core/targets.js';
import { uploadBlocks } from '../engine/blocks.js';
import { floats, paddedStride, type Blocks, type Dtype, type Engine, type F64Buf, type FloatBuf, type Rows, type SgdEpochOptions, type U32Buf } from '../engine/engine.js';
import { freeRows, freeUpload, uploadMatrix, uploadRows } from '../engine/resident.js';
import { batchByBatch, HeldOut, rowScale, scaledSigmoid, unscaled, type EpochConfig, type Objective } from './objective.js';

/** Padded strides below this keep their training rows in 4-row blocks. */
const BLOCKS_BELOW_STRIDE = 16;

export class BinaryLogistic implements Objective {
  readonly weightMask: Uint8Array;
  readonly chanceLoss = Math.LN2;
  private readonly stride: number;
  private readonly w: FloatBuf;
  private rows: Rows | Blocks | null = null;
  private weightSum = 0;
  private grad: F64Buf | null = null;
  private readonly val: HeldOut;
  /** The shuffling stream and row (or block) order of epochs, once startEpochs ran. */
  private stream: { config: EpochConfig; rng: U32Buf; idx: U32Buf | null } | null = null;
  rowsSeen = 0;

  constructor(
    readonly engine: Engine,
    private readonly d: number,
    private readonly dtype: Dtype,
    private readonly fitIntercept: boolean,
  ) {
    this.stride = paddedStride(d);
    this.weightMask = new Uint8Array(d + 1).fill(1, 0, d);
    this.w = floats(engine, dtype, this.stride + 4);
    this.val = new HeldOut(engine, dtype);
  }

  getParameters(): Float64Array {
    const v = this.w.view();
    const x = new Float64Array(this.d + 1);
    x.set(v.subarray(0, this.d));
    x[this.d] = v[this.stride];
    return x;
  }

  setParameters(x: ArrayLike<number>): void {
    const v = this.w.view();
    v.fill(0);
    for (let j = 0; j < this.d; j++) v[j] = x[j];
    // Without an intercept it stays at zero whatever a solver proposes.
    v[this.stride] = this.fitIntercept ? x[this.d] : 0;
  }

  upload(X: Matrix, targets: TrainingTargets, sw: Float64Array | null): void {
    const rows = this.stride < BLOCKS_BELOW_STRIDE
      ? uploadBlocks(this.engine, X, zeroOne(targets), sw, this.dtype)
      : uploadRows(this.engine, X, zeroOne(targets), sw, this.dtype);
    this.releaseRows();
    this.rows = rows;
    this.weightSum = sw ? sw.reduce((a, b) => a + b, 0) : X.rows;
  }

  holdValidation(X: Matrix, targets: TrainingTargets): void {
    this.val.hold(X, targets);
  }

  release(): void {
    this.releaseRows();
    this.val.release();
  }

  private releaseRows(): void {
    if (!this.rows) return;
    freeRows(this.engine, this.rows);
    this.rows = null;
    if (this.stream?.idx) {
      this.engine.free(this.stream.idx);
      this.stream.idx = null;
    }
  }

  private resident(): Rows | Blocks {
    if (!this.rows) fail('NOT_FITTED', 'no training data is resident');
    return this.rows;
  }

  dataLossAndGradient(): { loss: number; gradient: Float64Array } {
    const rows = this.resident();
    this.grad ??= this.engine.f64(this.stride + 1);
    const loss = isBlocks(rows) ? this.engine.lossGradLogisticBlocks(rows, this.w, this.grad) : this.engine.lossGradLogistic(rows, this.w, this.grad);
    const g = this.grad.view();
    const gradient = new Float64Array(this.d + 1);
    for (let j = 0; j < this.d; j++) gradient[j] = g[j] / this.weightSum;
    gradient[this.d] = this.fitIntercept ? g[this.stride] / this.weightSum : 0;
    return { loss: loss / this.weightSum, gradient };
  }

  /** Plain SGD only (the estimator sends other optimizers to a one-layer network). */
  startEpochs(config: EpochConfig): void {
    this.endEpochs();
    const rng = this.engine.u32(4);
    seedState(config.seed, rng.view());
    this.stream = { config, rng, idx: null };
    this.rowsSeen = 0;
  }

  get epochsStarted(): boolean {
    return this.stream !== null;
  }

  private endEpochs(): void {
    if (!this.stream) return;
    this.engine.free(this.stream.rng);
    if (this.stream.idx) this.engine.free(this.stream.idx);
    this.stream = null;
  }

  epoch(lr: number, l2: number, l1: number, onBatch?: (batch: number, loss: number) => void): number {
    const rows = this.resident();
    if (!this.stream) fail('NOT_FITTED', 'startEpochs() must come before epoch()');
    const s = this.stream;
    const blocks = isBlocks(rows);
    if (!s.idx) {
      s.idx = this.engine.u32(blocks ? rows.nb : rows.n);
      identityOrder(s.idx.view());
    }
    const idx = s.idx;
    // Per-row coefficients: a batch's mean gradient estimates (S / n) times the objective's.
    const scale = this.weightSum / rows.n;
    const options = { batch: Math.min(s.config.batchSize, rows.n), lr, l2: l2 * scale, l1: l1 * scale, fitIntercept: this.fitIntercept, shuffle: s.config.shuffle };
    this.rowsSeen += rows.n;
    let sum: number;
    if (blocks) {
      sum = onBatch ? this.blocksByBatch(rows, idx, s.rng, options, onBatch) : this.engine.epochSgdLogisticBlocks(rows, idx, this.w, s.rng, options);
    } else {
      sum = onBatch
        ? batchByBatch(this.engine, rows.n, options.batch, options.shuffle, idx, s.rng, rows.sw, 1, onBatch, (part, count) =>
            this.engine.epochSgdLogistic({ ...rows, n: count }, part, this.w, s.rng, { ...options, batch: count, shuffle: false }))
        : this.engine.epochSgdLogistic(rows, idx, this.w, s.rng, options);
    }
    return sum / this.weightSum;
  }

  /** An epoch over blocks one batch per call, reporting each batch's mean loss: the same steps as one call. */
  private blocksByBatch(b: Blocks, order: U32Buf, rng: U32Buf, options: SgdEpochOptions, onBatch: (batch: number, loss: number) => void): number {
    if (options.shuffle) this.engine.epochSgdLogisticBlocks(b, order, this.w, rng, options, { start: 0, count: 0 });
    const once = { ...options, shuffle: false };
    let total = 0;
    for (let start = 0, k = 1; start < 4 * b.nb; start += options.batch) {
      const count = Math.min(options.batch, 4 * b.nb - start);
      const weight = batchWeight(b, order.view(), start, count);
      if (weight.rows === 0) continue;
      const sum = this.engine.epochSgdLogisticBlocks(b, order, this.w, rng, once, { start, count });
      total += sum;
      onBatch(k++, sum / weight.sum);
    }
    return total;
  }

  validation(): { loss: number; accuracy: number } | null {
    return this.val.score((X, n) => ({ data: this.forward(X, n, true), rows: n, cols: 1 }));
  }

  /** P(class 1) of every row, one column. */
  predictProba(X: Matrix): Matrix {
    return { data: this.safe(X, this.resolved(X, true), scaledSigmoid), rows: X.rows, cols: 1 };
  }

  /** The logits X w + intercept, one column, in f64. */
  decision(X: Matrix): Matrix {
    return { data: this.safe(X, this.resolved(X, false), unscaled), rows: X.rows, cols: 1 };
  }

  /**
   * The kernel's outputs, where one overflowed (NaN or Infinity from a product beyond the dtype's
   * range) recomputed here in f64 from the row scaled by a power of two: `out(z, scale)` of the
   * scaled logit z = (x s) w + s b.
   */
  private safe(X: Matrix, values: Float64Array, out: (z: number, scale: number) => number): Float64Array {
    let w: Float64Array | null = null;
    for (let i = 0; i < values.length; i++) {
      if (Number.isFinite(values[i])) continue;
      w ??= this.getParameters();
      const d = this.d, s = rowScale(X.data, i * d, (i + 1) * d);
      let z = s * w[d];
      for (let j = 0; j < d; j++) z += X.data[i * d + j] * s * w[j];
      values[i] = out(z, s);
    }
    return values;
  }

  private resolved(X: Matrix, probability: boolean): Float64Array {
    const { buf } = uploadMatrix(this.engine, X, 'X', this.dtype);
    try {
      return this.forward(buf, X.rows, probability);
    } finally {
      freeUpload(this.engine, buf);
    }
  }

  /** Logits (or probabilities) of n resident rows. */
  private forward(X: FloatBuf, n: number, probability: boolean): Float64Array {
    const out = floats(this.engine, this.dtype, n);
    try {
      this.engine.gemvBias(X, n, this.d, this.stride, this.w, out);
      if (probability) this.engine.sigmoid(out, out, n);
      return Float64Array.from(out.view());
    } finally {
      this.engine.free(out);
    }
  }

  dispose(): void {
    this.release();
    this.endEpochs();
    if (this.grad) this.engine.free(this.grad);
    this.grad = null;
    this.engine.free(this.w);
  }
}

function isBlocks(r: Rows | Blocks): r is Blocks {
  return 'nb' in r;
}

/** The data rows at positions start..start+count of a block order, and their summed sample weight. */
function batchWeight(b: Blocks, order: Uint32Array, start: number, count: number): { rows: number; sum: number } {
  const sw = b.sw?.view();
  let rows = 0, sum = 0;
  for (let p = start; p < start + count; p++) {
    const block = order[p >> 2], lane = p & 3;
    if (lane * b.nb + block >= b.n) continue;
    rows++;
    sum += sw ? sw[4 * block + lane] : 1;
  }
  return { rows, sum };
}

/** A binary model's 0/1 targets, from class indices or one indicator column. */
function zeroOne(t: TrainingTargets): ArrayLike<number> {
  return 'classes' in t ? t.classes : t.indicators.data;
}
