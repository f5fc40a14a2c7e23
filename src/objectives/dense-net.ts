// A dense network resident in one engine: its packed parameters, its full-batch gradient, and
// mini-batch epochs run whole inside the engine. Multinomial and multi-label linear models are
// one-layer networks; MLPClassifier's are deeper.
import { fail } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { softThreshold } from '../core/prox.js';
import { identityOrder, seedState } from '../core/rng.js';
import type { TrainingTargets } from '../core/targets.js';
import { floats, type Engine, type FloatBuf, type U32Buf } from '../engine/engine.js';
import { createNet, createOptimizer, freeNet, type LayerLayout, type Net, type NetData, type NetSpec, type OptimizerBufs } from '../engine/net.js';
import { OPT_LR } from '../engine/formats.js';
import { freeUpload, uploadMatrix, uploadValues } from '../engine/resident.js';
import { batchByBatch, HeldOut, rowScale, scaledSigmoid, unscaled, type EpochConfig, type Objective } from './objective.js';

/** The most rows a kernel call handles at once outside training (full-batch passes, prediction). */
const CHUNK = 256;

export class DenseNet implements Objective {
  net: Net;
  private readonly batchSize: number;
  readonly weightMask: Uint8Array;
  readonly chanceLoss: number;
  private data: NetData | null = null;
  private weightSum = 0;
  private readonly val: HeldOut;
  private epochs: { config: EpochConfig; optimizer: OptimizerBufs; rng: U32Buf; idx: U32Buf | null } | null = null;
  rowsSeen = 0;

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
    const K = spec.sizes[spec.sizes.length - 1];
    this.chanceLoss = spec.output === 'softmax' ? Math.log(K) : (K * Math.LN2) / this.outScale;
    this.batchSize = options.batchSize ?? CHUNK;
    // Refused before anything is allocated: parameters, gradient and optimizer state (5 values each) beyond wasm32's 4 GiB.
    const sizes = spec.sizes;
    const count = sizes.slice(1).reduce((n, nOut, l) => n + nOut * (sizes[l] + 1), 0);
    const bytes = 5 * count * (spec.dtype === 'float64' ? 8 : 4);
    if (!(bytes <= 2 ** 32)) fail('OUT_OF_MEMORY', `a network of ${count} parameters needs ${bytes} bytes of engine memory; the limit is ${2 ** 32} bytes (wasm32's 4 GiB)`);
    // The batch scratch grows to the batches the data needs (upload), never to a batchSize larger than n.
    this.net = createNet(engine, { ...spec, maxBatch: CHUNK });
    this.val = new HeldOut(engine, this.net.dtype);
    // 1 for each weight, 0 for each bias, in getParameters() order (filled, never spread: a wide layer has millions).
    this.weightMask = new Uint8Array(this.layers.reduce((n, L) => n + L.nOut * (L.nIn + 1), 0));
    let k = 0;
    for (const L of this.layers) {
      this.weightMask.fill(1, k, k + L.nOut * L.nIn);
      k += L.nOut * (L.nIn + 1);
    }
  }

  get layers(): LayerLayout[] {
    return this.net.layout.layers;
  }

  /** Real parameters in a packed vector: per layer W (nOut x nIn, row-major) then b. */
  getParameters(): Float64Array {
    return this.packed(this.net.params.view(), 1);
  }

  setParameters(x: ArrayLike<number>): void {
    const p = this.net.params.view();
    // The padding too: entries a diverged step turned NaN must not reach the next forward pass.
    p.fill(0);
    let k = 0;
    for (const L of this.layers) {
      for (let o = 0; o < L.nOut; o++) for (let j = 0; j < L.nIn; j++) p[L.w + o * L.inPad + j] = x[k++];
      for (let o = 0; o < L.nOut; o++) p[L.b + o] = x[k++];
    }
  }

  /** Values of the padded layout v (parameters or their gradient) in packed order, times scale. */
  private packed(v: ArrayLike<number>, scale: number): Float64Array {
    const out = new Float64Array(this.weightMask.length);
    let k = 0;
    for (const L of this.layers) {
      for (let o = 0; o < L.nOut; o++) for (let j = 0; j < L.nIn; j++) out[k++] = v[L.w + o * L.inPad + j] * scale;
      for (let o = 0; o < L.nOut; o++) out[k++] = v[L.b + o] * scale;
    }
    return out;
  }

  upload(X: Matrix, targets: TrainingTargets, sw: Float64Array | null): void {
    const { engine } = this;
    const dtype = this.net.dtype;
    if (this.spec.output === 'softmax' && !('classes' in targets)) fail('INTERNAL', 'a softmax network trains on class indices');
    this.reserveBatch(Math.min(this.batchSize, X.rows));
    this.releaseRows();
    const { buf } = uploadMatrix(engine, X, 'X', dtype);
    let Y: FloatBuf | U32Buf | null = null;
    try {
      if (this.spec.output === 'softmax') {
        Y = engine.u32(X.rows);
        Y.view().set((targets as { classes: Uint32Array }).classes);
      } else {
        // Sigmoid outputs train on 0/1 rows; a binary model's class indices are its one column.
        const src = 'classes' in targets ? targets.classes : targets.indicators.data;
        const ys = this.net.layout.yStride, K = 'classes' in targets ? 1 : targets.indicators.cols;
        Y = floats(engine, dtype, X.rows * ys);
        const y = Y.view();
        for (let i = 0; i < X.rows; i++) for (let k = 0; k < K; k++) y[i * ys + k] = src[i * K + k];
      }
      this.data = { X: buf, Y, sw: sw && uploadValues(engine, sw, dtype), n: X.rows };
    } catch (e) {
      // Out of memory part way: free what this upload took.
      freeUpload(engine, buf);
      if (Y) engine.free(Y);
      throw e;
    }
    this.weightSum = sw ? sw.reduce((a, b) => a + b, 0) : X.rows;
  }

  /** Rebuilds the network with batch scratch for `rows` rows when it has less, keeping the parameters. */
  private reserveBatch(rows: number): void {
    if (rows <= this.net.layout.spec.maxBatch) return;
    const next = createNet(this.engine, { ...this.spec, maxBatch: rows });
    next.params.view().set(this.net.params.view());
    freeNet(this.engine, this.net);
    this.net = next;
  }

  holdValidation(X: Matrix, targets: TrainingTargets): void {
    this.val.hold(X, targets);
  }

  release(): void {
    this.releaseRows();
    this.val.release();
  }

  private releaseRows(): void {
    if (!this.data) return;
    freeUpload(this.engine, this.data.X);
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
    return { loss, gradient: this.packed(this.net.grads.view(), scale) };
  }

  startEpochs(config: EpochConfig): void {
    this.endEpochs();
    const rng = this.engine.u32(4);
    seedState(config.seed, rng.view());
    this.epochs = { config, optimizer: createOptimizer(this.engine, this.net.layout.nParams, config.optimizer, this.net.dtype), rng, idx: null };
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

  epoch(lr: number, l2: number, l1: number, onBatch?: (batch: number, loss: number) => void): number {
    const data = this.resident();
    if (!this.epochs) fail('NOT_FITTED', 'startEpochs() must come before epoch()');
    const e = this.epochs;
    if (!e.idx) {
      e.idx = this.engine.u32(data.n);
      identityOrder(e.idx.view());
    }
    e.optimizer.header.view()[OPT_LR] = lr;
    const c = e.config;
    this.rowsSeen += data.n;
    if (c.fullBatch) {
      const loss = this.fullBatchStep(l2, l1);
      onBatch?.(1, loss);
      return loss;
    }
    const options = {
      batch: Math.min(c.batchSize, data.n), shuffle: c.shuffle, outScale: this.outScale,
      alpha: c.penaltyPerBatch === 'alpha' ? l2 * data.n : 0,
      l2: c.penaltyPerBatch === 'mean' ? (l2 * this.weightSum) / data.n : 0,
      l1: (l1 * this.weightSum) / data.n,
    };
    const sum = onBatch
      ? batchByBatch(this.engine, data.n, options.batch, options.shuffle, e.idx, e.rng, data.sw, this.outScale, onBatch, (idx, count) =>
          this.engine.epochNet(this.net, e.optimizer, { ...data, n: count }, idx, e.rng, { ...options, batch: count, shuffle: false }))
      : this.engine.epochNet(this.net, e.optimizer, data, e.idx, e.rng, options);
    return sum / (this.weightSum * this.outScale);
  }

  /** The full-batch gradient of the mean objective, then one optimizer step and the L1 shrink. */
  private fullBatchStep(l2: number, l1: number): number {
    const e = this.epochs!;
    const scale = 1 / (this.weightSum * this.outScale);
    const loss = this.engine.netLossGrad(this.net, this.resident()) * scale;
    const g = this.net.grads.view(), p = this.net.params.view();
    for (let i = 0; i < g.length; i++) g[i] *= scale;
    for (const L of this.layers) for (let i = L.w; i < L.b; i++) g[i] += l2 * p[i];
    this.engine.optimizerStep(e.optimizer, this.net.params, this.net.grads, this.net.layout.nParams);
    if (l1 !== 0) {
      const t = e.optimizer.header.view()[OPT_LR] * l1;
      const w = this.net.params.view();
      for (const L of this.layers) for (let i = L.w; i < L.b; i++) w[i] = softThreshold(w[i], t);
    }
    return loss;
  }

  validation(): { loss: number; accuracy: number } | null {
    return this.val.score((X, n) => this.forward(X, n));
  }

  /** Output probabilities (sigmoid or softmax) of every row of X, as a rows x K matrix. */
  predictProba(X: Matrix): Matrix {
    const { buf } = uploadMatrix(this.engine, X, 'X', this.net.dtype);
    let P: Matrix;
    try {
      P = this.forward(buf, X.rows);
    } finally {
      freeUpload(this.engine, buf);
    }
    // Where a product overflowed the dtype, the row is computed again here in f64, scaled.
    const K = P.cols, data = P.data as Float64Array;
    let p: Float64Array | null = null;
    for (let i = 0; i < X.rows; i++) {
      const out = data.subarray(i * K, (i + 1) * K);
      if (out.every(Number.isFinite)) continue;
      p ??= this.getParameters();
      const { z, scale } = this.scaledRow(p, X, i);
      if (this.spec.output === 'sigmoid') z.forEach((v, k) => (out[k] = scaledSigmoid(v, scale)));
      else softmaxScaled(z, scale, out);
    }
    return P;
  }

  /** The last layer's pre-activations of every row, computed here in f64 (scaled rows: finite for any finite X). */
  decision(X: Matrix): Matrix {
    const p = this.getParameters();
    const K = this.layers[this.layers.length - 1].nOut;
    const out = new Float64Array(X.rows * K);
    for (let i = 0; i < X.rows; i++) {
      const { z, scale } = this.scaledRow(p, X, i);
      for (let k = 0; k < K; k++) out[i * K + k] = unscaled(z[k], scale);
    }
    return { data: out, rows: X.rows, cols: K };
  }

  /**
   * Row i's forward pass in f64 from the packed parameters p, with the row scaled by a power of two
   * s so that no product overflows. Identity and relu units commute with s, so the scale is carried
   * (each bias times s); tanh and logistic units are bounded, so they take the unscaled value and
   * the scale returns to 1. Returns the last layer's pre-activations times `scale`.
   */
  private scaledRow(p: Float64Array, X: Matrix, i: number): { z: Float64Array; scale: number } {
    const d = X.cols;
    let scale = rowScale(X.data, i * d, (i + 1) * d);
    let a = Float64Array.from(X.data.subarray(i * d, (i + 1) * d), (v) => v * scale);
    let k = 0;
    this.layers.forEach((L, l) => {
      const z = new Float64Array(L.nOut);
      const b = k + L.nOut * L.nIn;
      for (let o = 0; o < L.nOut; o++) {
        let v = scale * p[b + o];
        for (let j = 0; j < L.nIn; j++) v += p[k + o * L.nIn + j] * a[j];
        z[o] = v;
      }
      k = b + L.nOut;
      if (l < this.layers.length - 1) {
        const act = this.spec.hidden;
        if (act === 'relu') z.forEach((v, o) => (z[o] = Math.max(v, 0)));
        else if (act === 'tanh' || act === 'logistic') {
          z.forEach((v, o) => (z[o] = act === 'tanh' ? Math.tanh(v / scale) : scaledSigmoid(v, scale)));
          scale = 1;
        }
      }
      a = z;
    });
    return { z: a, scale };
  }

  /** Output probabilities of n resident rows, CHUNK rows per kernel call. */
  private forward(X: FloatBuf, n: number): Matrix {
    const { engine, net } = this;
    const K = this.spec.sizes[this.spec.sizes.length - 1];
    const out = floats(engine, net.dtype, CHUNK * K);
    const result = new Float64Array(n * K);
    try {
      for (let start = 0; start < n; start += CHUNK) {
        const count = Math.min(CHUNK, n - start);
        engine.netPredict(net, X, start, count, out, K);
        result.set(out.view().subarray(0, count * K), start * K);
      }
      return { data: result, rows: n, cols: K };
    } finally {
      engine.free(out);
    }
  }
}

/** The softmax of z / scale into out, stable for any finite z: differences from the row's max. */
function softmaxScaled(z: Float64Array, scale: number, out: Float64Array): void {
  let m = -Infinity;
  for (const v of z) m = Math.max(m, v);
  let sum = 0;
  z.forEach((v, k) => (sum += out[k] = Math.exp((v - m) / scale)));
  for (let k = 0; k < z.length; k++) out[k] /= sum;
}
