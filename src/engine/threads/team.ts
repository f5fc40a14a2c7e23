// A backend's kernels on several threads: each parallel kernel cut into fixed-size row blocks that
// depend only on the number of rows, each block's loss and gradient written to its own slot, and
// the slots summed here in block order, so the result is the same bits on 1, 2 or 16 threads.
// Only this (calling) thread allocates: the slots and the threads' scratch, per call.
import { LOGISTIC_SCRATCH_EXTRA, LOGISTIC_SCRATCH_PER_VALUE } from '../formats.js';
import type { Buf, Dtype, F64Buf } from '../memory.js';
import type { WasmMemory } from '../wasm/memory.js';
import { JOB_GEMV_BIAS, JOB_LOGISTIC_BLOCKS, JOB_LOGISTIC_ROWS, JOB_NET_BATCH, JOB_NET_PREDICT, JOB_NET_ROWS, MAX_BLOCKS, TAIL_BLOCKS, type Exports } from './jobs.js';
import type { ThreadPool } from './pool.js';

/** The fewest rows in a block: below this a block's fixed cost is felt. */
const MIN_BLOCK_ROWS = 1024;

/** Rows per block for n rows: at least MIN_BLOCK_ROWS, at most MAX_BLOCKS blocks, a multiple of 4. */
export function blockRows(n: number): number {
  return Math.max(MIN_BLOCK_ROWS, 4 * Math.ceil(n / (4 * MAX_BLOCKS)));
}

/**
 * Rows per block of a mini-batch of `batch` rows, at least 32: four blocks of a batch below 1,024
 * rows (each block's gradient is summed into the batch's on this thread, so fewer blocks cost less
 * there), sixteen of a larger one.
 */
export function batchBlockRows(batch: number): number {
  return Math.max(32, 4 * Math.ceil(batch / (batch < 1024 ? 16 : 64)));
}

/** Pointers are byte addresses; values are 4 (float32) or 8 (float64) bytes. */
type Bytes = 4 | 8;
const DTYPE = { 4: 'float32', 8: 'float64' } as const satisfies Record<Bytes, Dtype>;
const SUFFIX = { 4: 'f32', 8: 'f64' } as const;
type Fn = (...args: number[]) => number;

/** The options of a mini-batch epoch's updates (epoch_net's). */
export interface NetStep {
  opt: number;
  state: number;
  alpha: number;
  l2: number;
  l1: number;
  outScale: number;
}

export class Team {
  constructor(
    private readonly pool: ThreadPool,
    private readonly build: number,
    private readonly k: Exports,
    private readonly mem: WasmMemory,
    /** Threads asked for, this one included (Infinity: the pool's size, whatever init made it). */
    private readonly asked: number,
  ) {}

  /** Threads a call runs on: those asked for, at most the pool's. */
  get threads(): number {
    return Math.min(this.asked, this.pool.size);
  }

  with(threads: number): Team {
    return new Team(this.pool, this.build, this.k, this.mem, threads);
  }

  /** Binary logistic loss and f64 gradient over padded rows (or 4-row blocks: `blocked`), into grad. */
  lossGradLogistic(bytes: Bytes, blocked: boolean, X: number, y: number, sw: number, n: number, d: number, stride: number, w: number, grad: F64Buf): number {
    const head = Math.ceil(n / 4) - TAIL_BLOCKS; // 4-row blocks before the blocked layout's tail
    const B = blocked ? blockRows(n) / 4 : blockRows(n);
    const blocks = blocked ? Math.max(0, Math.ceil(head / B)) + 1 : Math.ceil(n / B);
    const scratchBytes = bytes === 4 ? LOGISTIC_SCRATCH_PER_VALUE * stride + LOGISTIC_SCRATCH_EXTRA : 0;
    return this.#withSlots('float64', blocks * (stride + 1), scratchBytes, (slots, scratch) => {
      const kind = blocked ? JOB_LOGISTIC_BLOCKS : JOB_LOGISTIC_ROWS;
      const at = this.mem.ptr(slots, 'float64');
      const loss = this.#run([kind, 0, bytes, blocks, B, X, y, sw, n, d, stride, w, at, scratch, scratchBytes], blocks);
      this.#fn('sum_slots', 8)(at, blocks, stride + 1, stride + 1, this.mem.ptr(grad, 'float64'));
      return loss;
    });
  }

  /** A net's full-batch loss, returned, and gradient, written to grads (of the net's dtype). */
  netLossGrad(
    bytes: Bytes, desc: number, params: number, grads: Buf, nParams: number, scratchValues: number,
    X: number, xRowBytes: number, Y: number, yRowBytes: number, sw: number, n: number,
  ): number {
    const B = blockRows(n), blocks = Math.ceil(n / B), dtype = DTYPE[bytes];
    // Each block's slot starts 16-byte aligned, as the kernels' vector loads want.
    const step = 4 * Math.ceil(nParams / 4);
    return this.#withSlots(dtype, blocks * step, scratchValues * bytes, (slots, scratch) => {
      const at = this.mem.ptr(slots, dtype);
      const loss = this.#run([JOB_NET_ROWS, 0, bytes, blocks, B, desc, params, at, step * bytes, scratch, scratchValues * bytes, X, xRowBytes, Y, yRowBytes, sw, n], blocks);
      this.#fn('sum_slots', bytes)(at, blocks, step, nParams, this.mem.ptr(grads, dtype));
      return loss;
    });
  }

  /**
   * A mini-batch epoch of a net over the order idx (already shuffled): each batch's gradient cut
   * into blocks of batchBlockRows(batch) positions shared among the threads, reduced in block
   * order into grads, then one update (net_step) here. Returns the summed loss.
   */
  netEpoch(
    bytes: Bytes, desc: number, params: number, grads: Buf, nParams: number, scratchValues: number,
    X: number, Y: number, sw: number, idx: number, n: number, batch: number, step: NetStep,
  ): number {
    const B = batchBlockRows(batch), dtype = DTYPE[bytes], width = 4 * Math.ceil(nParams / 4);
    const most = Math.ceil(batch / B), gradsAt = this.mem.ptr(grads, dtype);
    const update = this.#fn('net_step', bytes), sum = this.#fn('sum_slots', bytes);
    return this.#withSlots(dtype, most * width, scratchValues * bytes, (slots, scratch) => {
      const at = this.mem.ptr(slots, dtype);
      let loss = 0;
      for (let start = 0; start < n; start += batch) {
        const rows = Math.min(batch, n - start), blocks = Math.ceil(rows / B);
        loss += this.#run([JOB_NET_BATCH, 0, bytes, blocks, B, desc, params, at, width * bytes, scratch, scratchValues * bytes, X, Y, sw, idx, start, rows], blocks);
        sum(at, blocks, width, nParams, gradsAt);
        update(desc, params, gradsAt, step.opt, step.state, rows, step.alpha, step.l2, step.l1, step.outScale);
      }
      return loss;
    });
  }

  /** A kernel of this build, in the dtype of `bytes`, called here (on this thread). */
  #fn(name: string, bytes: Bytes): Fn {
    return this.k[`${name}_${SUFFIX[bytes]}`] as Fn;
  }

  /** out[i] = X_i . w + w[stride] for n rows. */
  gemvBias(bytes: Bytes, X: number, n: number, d: number, stride: number, w: number, out: number): void {
    const B = blockRows(n);
    this.#run([JOB_GEMV_BIAS, 0, bytes, Math.ceil(n / B), B, X, n, d, stride, w, out], 0);
  }

  /** A net's output probabilities for n rows into out (ldo per row), maxBatch at a time on each thread. */
  netPredict(bytes: Bytes, desc: number, params: number, scratchValues: number, maxBatch: number, X: number, n: number, out: number, ldo: number): void {
    const B = blockRows(n);
    this.#withSlots(DTYPE[bytes], 0, scratchValues * bytes, (_, scratch) =>
      this.#run([JOB_NET_PREDICT, 0, bytes, Math.ceil(n / B), B, desc, params, scratch, scratchValues * bytes, X, n, out, ldo, maxBatch], 0),
    );
  }

  /** Runs a job; returns the losses of its first `losses` blocks summed in block order. */
  #run(args: number[], losses: number): number {
    const c = this.pool.run(this.k, this.build, (into) => into.set(args), this.threads);
    let loss = 0;
    for (let b = 0; b < losses; b++) loss += c.losses[b];
    return loss;
  }

  /** `body` with `length` slot values of dtype and each thread's `scratchBytes` of scratch (its address), freed after. */
  #withSlots<D extends Dtype, R>(dtype: D, length: number, scratchBytes: number, body: (slots: Buf<D>, scratch: number) => R): R {
    const slots = this.mem.blank(dtype, length);
    let scratch: Buf<'float32'> | null = null;
    try {
      scratch = this.mem.blank('float32', (this.threads * scratchBytes) / 4);
      return body(slots, this.mem.ptr(scratch, 'float32'));
    } finally {
      this.mem.free(slots);
      if (scratch) this.mem.free(scratch);
    }
  }
}
