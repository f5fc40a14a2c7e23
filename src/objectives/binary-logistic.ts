// Binary logistic regression over rows resident in an engine, as a training Problem
// (src/optim/solve.ts), on the dedicated binary kernels: the four-rows-per-vector layout for
// narrow data and the whole-epoch SGD loop. Parameters pack as [w_0 .. w_d-1, intercept].
import type { Engine, F64Buf, FloatArray, FloatBuf, Rows, U32Buf } from '../engine/engine.js';
import type { Problem } from '../solvers/solve.js';
import { identityOrder, seedState } from '../core/rng.js';

export interface BinaryEpochConfig {
  batchSize: number;
  shuffle: boolean;
  seed: number;
  fitIntercept: boolean;
}

export class BinaryProblem implements Problem {
  readonly weightMask: Uint8Array;
  private readonly grad: F64Buf;
  private readonly weightSum: number;
  private stream: { idx: U32Buf; rng: U32Buf } | null = null;
  validation?: () => { loss: number; accuracy: number };

  /** `w` ([stride + 4] values in the rows' dtype, intercept at w[stride]) is the model's weight buffer, trained in place. */
  constructor(
    private readonly engine: Engine,
    private readonly rows: Rows,
    private readonly w: FloatBuf,
    private readonly config: BinaryEpochConfig,
  ) {
    this.weightMask = new Uint8Array(rows.d + 1).fill(1, 0, rows.d);
    this.grad = engine.f64(rows.stride + 1);
    this.weightSum = rows.sw ? total(rows.sw.view()) : rows.n;
  }

  getParameters(): Float64Array {
    const v = this.w.view();
    const x = new Float64Array(this.rows.d + 1);
    x.set(v.subarray(0, this.rows.d));
    x[this.rows.d] = v[this.rows.stride];
    return x;
  }

  setParameters(x: ArrayLike<number>): void {
    const v = this.w.view();
    for (let j = 0; j < this.rows.d; j++) v[j] = x[j];
    // Without an intercept it stays at zero whatever a solver proposes.
    v[this.rows.stride] = this.config.fitIntercept ? x[this.rows.d] : 0;
  }

  dataLossAndGradient(): { loss: number; gradient: Float64Array } {
    const { d, stride } = this.rows;
    const loss = this.engine.lossGradLogistic(this.rows, this.w, this.grad);
    const g = this.grad.view();
    const gradient = new Float64Array(d + 1);
    for (let j = 0; j < d; j++) gradient[j] = g[j] / this.weightSum;
    gradient[d] = this.config.fitIntercept ? g[stride] / this.weightSum : 0;
    return { loss: loss / this.weightSum, gradient };
  }

  epoch(lr: number, l2: number, l1: number): number {
    const { n } = this.rows;
    if (!this.stream) {
      const idx = this.engine.u32(n), rng = this.engine.u32(4);
      identityOrder(idx.view());
      seedState(this.config.seed, rng.view());
      this.stream = { idx, rng };
    }
    // Per-row coefficients: a batch's mean gradient estimates (S / n) times the objective's.
    const scale = this.weightSum / n;
    const sum = this.engine.epochSgdLogistic(this.rows, this.stream.idx, this.w, this.stream.rng, {
      batch: this.config.batchSize, lr, l2: l2 * scale, l1: l1 * scale, fitIntercept: this.config.fitIntercept, shuffle: this.config.shuffle,
    });
    return sum / this.weightSum;
  }

  dispose(): void {
    this.engine.free(this.grad);
    if (this.stream) {
      this.engine.free(this.stream.idx);
      this.engine.free(this.stream.rng);
    }
  }
}

function total(a: FloatArray): number {
  let s = 0;
  for (const v of a) s += v;
  return s;
}
