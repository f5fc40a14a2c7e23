// A dense network resident in one engine, as a training Problem (src/optim/solve.ts): its packed
// parameters, its full-batch gradient, and mini-batch epochs run whole inside the engine.
// Multinomial and multi-label linear models are one-layer networks.
import type { Engine, FloatBuf, U32Buf } from '../engine/engine.js';
import { floats } from '../engine/engine.js';
import { createNet, createOptimizer, freeNet, type Net, type NetData, type NetSpec, type OptimizerBufs, type OptimizerConfig } from '../engine/net.js';
import { fail } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import type { Problem } from '../solvers/solve.js';
import { identityOrder, seedState } from '../core/rng.js';
import { softThreshold } from '../core/prox.js';
import { uploadMatrix, uploadValues } from '../engine/resident.js';

/** Targets as the network's head wants them: class indices (softmax) or 0/1 rows (sigmoid). */
export type NetTargets = { classes: Uint32Array } | { indicators: Matrix };

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

/** The most rows a kernel call handles at once outside training (full-batch passes, prediction). */
const CHUNK = 256;

export class NetTrainer implements Problem {
  readonly net: Net;
  readonly weightMask: Uint8Array;
  private data: NetData | null = null;
  private weightSum = 0;
  private epochs: { config: EpochConfig; optimizer: OptimizerBufs; rng: U32Buf; idx: U32Buf | null } | null = null;
  /** Rows trained on by epochs so far (the invscaling schedule's clock). */
  rowsSeen = 0;
  /** Scores held-out rows after each epoch, when the estimator set it. */
  validation?: () => { loss: number; accuracy: number };

  /**
   * outScale: K to average the loss over outputs as well as rows (multi-label), 1 to sum over
   * outputs (scikit-learn's MLP, softmax models).
   */
  private readonly outScale: number;

  constructor(
    readonly engine: Engine,
    readonly spec: Omit<NetSpec, 'maxBatch'>,
    options: { batchSize?: number; outScale?: number } = {},
  ) {
    this.outScale = options.outScale ?? 1;
    this.net = createNet(engine, { ...spec, maxBatch: Math.max(options.batchSize ?? CHUNK, CHUNK) });
    // 1 for each weight, 0 for each bias, in getParameters() order (filled, never spread: a wide layer has millions).
    const layers = this.net.layout.layers;
    this.weightMask = new Uint8Array(layers.reduce((n, L) => n + L.nOut * (L.nIn + 1), 0));
    let k = 0;
    for (const L of layers) {
      this.weightMask.fill(1, k, k + L.nOut * L.nIn);
      k += L.nOut * (L.nIn + 1);
    }
  }

  get nParams(): number {
    return this.net.layout.nParams;
  }

  /** Real parameters in a packed vector: per layer W (nOut x nIn, row-major) then b. */
  getParameters(): Float64Array {
    const p = this.net.params.view();
    const out = new Float64Array(this.weightMask.length);
    let k = 0;
    for (const L of this.net.layout.layers) {
      for (let o = 0; o < L.nOut; o++) for (let j = 0; j < L.nIn; j++) out[k++] = p[L.w + o * L.inPad + j];
      for (let o = 0; o < L.nOut; o++) out[k++] = p[L.b + o];
    }
    return out;
  }

  setParameters(x: ArrayLike<number>): void {
    const p = this.net.params.view();
    let k = 0;
    for (const L of this.net.layout.layers) {
      for (let o = 0; o < L.nOut; o++) for (let j = 0; j < L.nIn; j++) p[L.w + o * L.inPad + j] = x[k++];
      for (let o = 0; o < L.nOut; o++) p[L.b + o] = x[k++];
    }
  }

  /** Copies the training rows into the engine once, in the network's dtype; they stay resident until release(). */
  upload(X: Matrix, targets: NetTargets, sw: Float64Array | null): void {
    const { engine } = this;
    const dtype = this.net.dtype;
    const { buf } = uploadMatrix(engine, X, 'X', dtype);
    this.release();
    let Y: FloatBuf | U32Buf;
    if ('classes' in targets) {
      Y = engine.u32(X.rows);
      Y.view().set(targets.classes);
    } else {
      const ys = this.net.layout.yStride, K = targets.indicators.cols;
      Y = floats(engine, dtype, X.rows * ys);
      const y = Y.view(), src = targets.indicators.data;
      for (let i = 0; i < X.rows; i++) for (let k = 0; k < K; k++) y[i * ys + k] = src[i * K + k];
    }
    this.data = { X: buf, Y, sw: sw && uploadValues(engine, sw, dtype), n: X.rows };
    this.weightSum = sw ? sw.reduce((a, b) => a + b, 0) : X.rows;
  }

  /** Frees the training rows (the network and the optimizer state stay, for prediction and partialFit). */
  release(): void {
    if (!this.data) return;
    this.engine.free(this.data.X);
    this.engine.free(this.data.Y);
    if (this.data.sw) this.engine.free(this.data.sw);
    this.data = null;
    if (this.epochs?.idx) {
      this.engine.free(this.epochs.idx);
      this.epochs.idx = null;
    }
  }

  dispose(): void {
    this.release();
    this.endEpochs();
    freeNet(this.engine, this.net);
  }

  private resident(): NetData {
    if (!this.data) fail('NOT_FITTED', 'no training data is resident');
    return this.data;
  }

  /** The mean data loss (sum_i sw_i loss_i / (S outScale)) and its gradient, packed. */
  dataLossAndGradient(): { loss: number; gradient: Float64Array } {
    const scale = 1 / (this.weightSum * this.outScale);
    const loss = this.engine.netLossGrad(this.net, this.resident()) * scale;
    const g = this.net.grads.view();
    const gradient = new Float64Array(this.weightMask.length);
    let k = 0;
    for (const L of this.net.layout.layers) {
      for (let o = 0; o < L.nOut; o++) for (let j = 0; j < L.nIn; j++) gradient[k++] = g[L.w + o * L.inPad + j] * scale;
      for (let o = 0; o < L.nOut; o++) gradient[k++] = g[L.b + o] * scale;
    }
    return { loss, gradient };
  }

  /** Sets how epochs run; the optimizer state and the shuffling stream then persist across epochs and partial fits. */
  startEpochs(config: EpochConfig): void {
    this.endEpochs();
    const rng = this.engine.u32(4);
    seedState(config.seed, rng.view());
    this.epochs = { config, optimizer: createOptimizer(this.engine, this.nParams, config.optimizer, this.net.dtype), rng, idx: null };
    this.rowsSeen = 0;
  }

  get epochsStarted(): boolean {
    return this.epochs !== null;
  }

  private endEpochs(): void {
    if (!this.epochs) return;
    const { optimizer, rng, idx } = this.epochs;
    for (const b of [optimizer.header, optimizer.state, rng]) this.engine.free(b);
    if (idx) this.engine.free(idx);
    this.epochs = null;
  }

  epoch(lr: number, l2: number, l1: number): number {
    const data = this.resident();
    if (!this.epochs) fail('NOT_FITTED', 'startEpochs() must come before epoch()');
    const e = this.epochs;
    if (!e.idx) {
      e.idx = this.engine.u32(data.n);
      identityOrder(e.idx.view());
    }
    e.optimizer.header.view()[2] = lr;
    const c = e.config;
    if (c.fullBatch) return this.fullBatchStep(l2, l1);
    const sum = this.engine.epochNet(this.net, e.optimizer, data, e.idx, e.rng, {
      batch: Math.min(c.batchSize, data.n), shuffle: c.shuffle, outScale: this.outScale,
      alpha: c.penaltyPerBatch === 'alpha' ? l2 * data.n : 0,
      l2: c.penaltyPerBatch === 'mean' ? (l2 * this.weightSum) / data.n : 0,
      l1: (l1 * this.weightSum) / data.n,
    });
    this.rowsSeen += data.n;
    return sum / (this.weightSum * this.outScale);
  }

  /** The full-batch gradient of the mean objective, then one optimizer step and the L1 shrink. */
  private fullBatchStep(l2: number, l1: number): number {
    const e = this.epochs!;
    const scale = 1 / (this.weightSum * this.outScale);
    const loss = this.engine.netLossGrad(this.net, this.resident()) * scale;
    const g = this.net.grads.view(), p = this.net.params.view();
    for (let i = 0; i < g.length; i++) g[i] *= scale;
    for (const L of this.net.layout.layers) for (let i = L.w; i < L.b; i++) g[i] += l2 * p[i];
    this.engine.optimizerStep(e.optimizer, this.net.params, this.net.grads, this.nParams);
    if (l1 !== 0) {
      const t = e.optimizer.header.view()[2] * l1;
      const w = this.net.params.view();
      for (const L of this.net.layout.layers) for (let i = L.w; i < L.b; i++) w[i] = softThreshold(w[i], t);
    }
    this.rowsSeen += this.resident().n;
    return loss;
  }

  /** Output probabilities (sigmoid or softmax) of every row of X, as a rows x K matrix. */
  predictProba(X: Matrix): Matrix {
    const { engine, net } = this;
    const K = this.spec.sizes[this.spec.sizes.length - 1];
    const { buf } = uploadMatrix(engine, X, 'X', net.dtype);
    const out = floats(engine, net.dtype, CHUNK * K);
    const result = new Float64Array(X.rows * K);
    try {
      for (let start = 0; start < X.rows; start += CHUNK) {
        const count = Math.min(CHUNK, X.rows - start);
        engine.netPredict(net, buf, start, count, out, K);
        result.set(out.view().subarray(0, count * K), start * K);
      }
      return { data: result, rows: X.rows, cols: K };
    } finally {
      engine.free(buf);
      engine.free(out);
    }
  }
}
