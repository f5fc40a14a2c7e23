// A dense network resident in one engine, with the solvers that train it: mini-batch epochs run
// whole inside the engine; L-BFGS and full-batch gradient descent drive the engine's full-batch
// gradient from TypeScript. Multinomial and multi-label linear models are one-layer networks.
import type { Engine, F32Buf, U32Buf } from '../engine/engine.js';
import { createNet, createOptimizer, freeNet, type Net, type NetData, type NetSpec, type OptimizerConfig } from '../engine/net.js';
import { fail } from '../errors.js';
import type { Matrix } from '../matrix.js';
import { lbfgs } from '../optim/lbfgs.js';
import { NoImprovement } from '../optim/stopping.js';
import { seedState } from '../rng.js';
import type { EpochLog, SolverResult } from './logistic-solvers.js';
import { uploadMatrix } from './rows.js';

/** Targets as the network's head wants them: class indices (softmax) or 0/1 rows (sigmoid). */
export type NetTargets = { classes: Uint32Array } | { indicators: Matrix };

export interface NetTrainConfig {
  solver: 'lbfgs' | 'gd' | 'sgd';
  /** The optimizer of mini-batch epochs (solver 'sgd'); its lr is also gd's step size. */
  optimizer: OptimizerConfig;
  maxIter: number;
  tol: number;
  nIterNoChange: number;
  batchSize: number;
  shuffle: boolean;
  seed: number;
  /** The objective is sum_i sw_i loss_i / (S outScale) + penalty / 2 ||W||^2 (weights only). */
  penalty: number;
  /** Sum of the sample weights (n without weights). */
  weightSum: number;
  /** K to average the loss over outputs as well as rows, 1 to sum over outputs. */
  outScale: number;
  /** How the mini-batch gradient gets the penalty: scikit-learn's MLP adds (alpha / rows) W. */
  penaltyPerBatch: 'alpha' | 'mean';
  onEpochEnd?: (log: EpochLog) => boolean | void;
}

/** The most rows a kernel call handles at once outside training (full-batch passes, prediction). */
const CHUNK = 256;

export class NetTrainer {
  readonly net: Net;
  private data: NetData | null = null;

  constructor(
    readonly engine: Engine,
    readonly spec: Omit<NetSpec, 'maxBatch'>,
    batchSize = CHUNK,
  ) {
    this.net = createNet(engine, { ...spec, maxBatch: Math.max(batchSize, CHUNK) });
  }

  get nParams(): number {
    return this.net.layout.nParams;
  }

  /** Real parameters in a packed vector: per layer W (nOut x nIn, row-major) then b. */
  getParameters(): Float64Array {
    const p = this.net.params.view();
    const out = new Float64Array(this.packedLength());
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

  private packedLength(): number {
    return this.net.layout.layers.reduce((s, L) => s + L.nOut * (L.nIn + 1), 0);
  }

  /** Copies the training rows into the engine once; they stay resident until release(). */
  upload(X: Matrix, targets: NetTargets, sw: Float64Array | null): void {
    this.release();
    const { buf } = uploadMatrix(this.engine, X);
    let Y: F32Buf | U32Buf;
    if ('classes' in targets) {
      Y = this.engine.u32(X.rows);
      Y.view().set(targets.classes);
    } else {
      const ys = this.net.layout.yStride, K = targets.indicators.cols;
      Y = this.engine.f32(X.rows * ys);
      const y = Y.view(), src = targets.indicators.data;
      for (let i = 0; i < X.rows; i++) for (let k = 0; k < K; k++) y[i * ys + k] = src[i * K + k];
    }
    let swBuf: F32Buf | null = null;
    if (sw) {
      swBuf = this.engine.f32(X.rows);
      swBuf.view().set(sw);
    }
    this.data = { X: buf, Y, sw: swBuf, n: X.rows };
  }

  /** Frees the training rows (the network itself stays, for prediction). */
  release(): void {
    if (!this.data) return;
    this.engine.free(this.data.X);
    this.engine.free(this.data.Y);
    if (this.data.sw) this.engine.free(this.data.sw);
    this.data = null;
  }

  dispose(): void {
    this.release();
    freeNet(this.engine, this.net);
  }

  /** Sum of squares of the weights (not the biases). */
  private weightNorm2(): number {
    const p = this.net.params.view();
    let s = 0;
    for (const L of this.net.layout.layers) for (let i = L.w; i < L.b; i++) s += p[i] * p[i];
    return s;
  }

  /** The full-batch objective at the current parameters, and its gradient in packed order. */
  lossAndGradient(cfg: Pick<NetTrainConfig, 'penalty' | 'weightSum' | 'outScale'>): { loss: number; gradient: Float64Array } {
    const data = this.resident();
    const scale = 1 / (cfg.weightSum * cfg.outScale);
    const loss = this.engine.netLossGrad(this.net, data) * scale + 0.5 * cfg.penalty * this.weightNorm2();
    const g = this.net.grads.view(), p = this.net.params.view();
    const gradient = new Float64Array(this.packedLength());
    let k = 0;
    for (const L of this.net.layout.layers) {
      for (let o = 0; o < L.nOut; o++) {
        for (let j = 0; j < L.nIn; j++) {
          const i = L.w + o * L.inPad + j;
          gradient[k++] = g[i] * scale + cfg.penalty * p[i];
        }
      }
      for (let o = 0; o < L.nOut; o++) gradient[k++] = g[L.b + o] * scale;
    }
    return { loss, gradient };
  }

  private resident(): NetData {
    if (!this.data) fail('NOT_FITTED', 'no training data is resident');
    return this.data;
  }

  train(cfg: NetTrainConfig): SolverResult {
    if (cfg.solver === 'lbfgs') return this.trainLbfgs(cfg);
    if (cfg.solver === 'gd') return this.trainGd(cfg);
    return this.trainEpochs(cfg);
  }

  private trainLbfgs(cfg: NetTrainConfig): SolverResult {
    const history: EpochLog[] = [];
    let last = performance.now();
    const result = lbfgs(
      (x, g) => {
        this.setParameters(x);
        const { loss, gradient } = this.lossAndGradient(cfg);
        g.set(gradient);
        return loss;
      },
      this.getParameters(),
      {
        maxIter: cfg.maxIter,
        tol: cfg.tol,
        onIter: (epoch, loss, _gMax, step) => {
          const now = performance.now();
          history.push({ epoch, loss, learningRate: step, ms: now - last });
          last = now;
          return cfg.onEpochEnd?.(history[history.length - 1]);
        },
      },
    );
    checkFinite(result.f, result.nIter, 'the line search');
    this.setParameters(result.x);
    return { nIter: result.nIter, converged: result.converged, message: result.message, history };
  }

  private trainGd(cfg: NetTrainConfig): SolverResult {
    const history: EpochLog[] = [];
    const lr = cfg.optimizer.lr;
    for (let iter = 1; iter <= cfg.maxIter; iter++) {
      const t0 = performance.now();
      const x = this.getParameters();
      const { loss, gradient } = this.lossAndGradient(cfg);
      checkFinite(loss, iter, `learning rate ${lr}`);
      let gMax = 0;
      for (let i = 0; i < x.length; i++) {
        gMax = Math.max(gMax, Math.abs(gradient[i]));
        x[i] -= lr * gradient[i];
      }
      this.setParameters(x);
      history.push({ epoch: iter, loss, learningRate: lr, ms: performance.now() - t0 });
      if (cfg.onEpochEnd?.(history[iter - 1]) === false) return { nIter: iter, converged: false, message: 'stopped by onEpochEnd', history };
      if (gMax <= cfg.tol) return { nIter: iter, converged: true, message: 'the largest gradient component fell below tol', history };
    }
    return { nIter: cfg.maxIter, converged: false, message: `reached maxIter = ${cfg.maxIter} before the gradient fell below tol`, history };
  }

  private trainEpochs(cfg: NetTrainConfig): SolverResult {
    const data = this.resident();
    const { engine } = this;
    const idx = engine.u32(data.n);
    const rng = engine.u32(4);
    const optimizer = createOptimizer(engine, this.nParams, cfg.optimizer);
    const history: EpochLog[] = [];
    try {
      idx.view().set(Uint32Array.from({ length: data.n }, (_, i) => i));
      seedState(cfg.seed, rng.view());
      const stop = new NoImprovement(cfg.tol, cfg.nIterNoChange);
      const opts = {
        batch: cfg.batchSize, shuffle: cfg.shuffle, outScale: cfg.outScale,
        alpha: cfg.penaltyPerBatch === 'alpha' ? cfg.penalty * data.n : 0,
        l2: cfg.penaltyPerBatch === 'mean' ? (cfg.penalty * cfg.weightSum) / data.n : 0,
      };
      for (let epoch = 1; epoch <= cfg.maxIter; epoch++) {
        const t0 = performance.now();
        const sum = engine.epochNet(this.net, optimizer, data, idx, rng, opts);
        const loss = sum / (cfg.weightSum * cfg.outScale) + 0.5 * cfg.penalty * this.weightNorm2();
        checkFinite(loss, epoch, `learning rate ${cfg.optimizer.lr}`);
        history.push({ epoch, loss, learningRate: cfg.optimizer.lr, ms: performance.now() - t0 });
        if (cfg.onEpochEnd?.(history[epoch - 1]) === false) return { nIter: epoch, converged: false, message: 'stopped by onEpochEnd', history };
        if (stop.update(loss)) {
          return { nIter: epoch, converged: true, message: `the loss did not improve by tol for ${cfg.nIterNoChange} epochs`, history };
        }
      }
      return { nIter: cfg.maxIter, converged: false, message: `reached maxIter = ${cfg.maxIter} epochs while the loss was still improving`, history };
    } finally {
      engine.free(idx);
      engine.free(rng);
      engine.free(optimizer.header);
      engine.free(optimizer.state);
    }
  }

  /** Output probabilities (sigmoid or softmax) of every row of X, as a rows x K matrix. */
  predictProba(X: Matrix): Matrix {
    const { engine, net } = this;
    const K = this.spec.sizes[this.spec.sizes.length - 1];
    const { buf } = uploadMatrix(engine, X);
    const out = engine.f32(CHUNK * K);
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

function checkFinite(loss: number, epoch: number, what: string): void {
  if (!Number.isFinite(loss)) fail('DIVERGED', `the loss became ${loss} at epoch ${epoch}; try a smaller ${what} or standardize X`);
}
