// What every thread of a team runs, the calling thread (thread 0) and the pool's workers alike:
// the shared control block's layout, and the jobs, each a kernel over fixed-size row blocks. A
// thread claims the next block from a shared counter and writes that block's result to the
// block's own slot; the caller sums the slots in block order, so the result does not depend on
// how many threads ran or which took which block.

/** Int32 slots of the control block (a SharedArrayBuffer apart from WASM memory, which grows). */
export const GEN = 0; // bumped once per job: a worker waits on it
export const ACTIVE = 1; // threads taking part in the job, the caller included
export const NEXT = 2; // the next unclaimed block
export const DONE = 3; // workers finished with the job
export const FAILED = 4; // 1 when a kernel threw in a worker
export const READY = 5; // workers that instantiated the builds
export const STOP = 6; // 1: workers leave their loop
export const SLEEPING = 7; // workers in Atomics.wait for the next job: only then does a job notify
export const WAITING = 8; // 1 while the caller sleeps in Atomics.wait for DONE: only then does a worker notify
/** Loads of a control slot a thread spins through before it sleeps in Atomics.wait (waking costs tens of microseconds). */
export const SPIN = 4000;
/** The most blocks a job is cut into (one more for the blocked layout's last block). */
export const MAX_BLOCKS = 64;
/** The control block: int32 slots, then ARGS float64 job arguments, then one float64 loss per block. */
export const ARGS_AT = 64;
export const ARGS = 24;
export const LOSSES_AT = ARGS_AT + 8 * ARGS;
export const CONTROL_BYTES = LOSSES_AT + 8 * (MAX_BLOCKS + 1);

/** Job kinds (args[0]). */
export const JOB_LOGISTIC_ROWS = 1;
export const JOB_LOGISTIC_BLOCKS = 2;
export const JOB_NET_ROWS = 3;
export const JOB_GEMV_BIAS = 4;
export const JOB_NET_PREDICT = 5;
export const JOB_NET_BATCH = 6;

/**
 * A job's arguments begin [kind, build, valueBytes, blocks, blockRows]; the kind's own follow.
 * Pointers are byte addresses into the build's shared memory.
 */
export const HEAD = 5;

type Kernel = (...args: number[]) => number;
/** One build instance's exports, by name. */
export type Exports = Record<string, unknown>;

/** The control block's three views. */
export interface Control {
  ctrl: Int32Array;
  args: Float64Array;
  losses: Float64Array;
}

export function controlViews(sab: SharedArrayBuffer): Control {
  return {
    ctrl: new Int32Array(sab, 0, ARGS_AT / 4),
    args: new Float64Array(sab, ARGS_AT, ARGS),
    losses: new Float64Array(sab, LOSSES_AT, MAX_BLOCKS + 1),
  };
}

function kernel(k: Exports, name: string, bytes: number): Kernel {
  return k[`${name}_${bytes === 4 ? 'f32' : 'f64'}`] as Kernel;
}

/** Claims blocks of the job until none is left, running each on `k` (the job's build) as thread `tid` (its scratch slot). */
export function runBlocks(k: Exports, c: Control, tid: number): void {
  const { ctrl, args, losses } = c;
  const kind = args[0], bytes = args[2], blocks = args[3], B = args[4];
  const a = args.subarray(HEAD);
  for (let b = Atomics.add(ctrl, NEXT, 1); b < blocks; b = Atomics.add(ctrl, NEXT, 1)) {
    if (kind === JOB_LOGISTIC_ROWS) losses[b] = logisticRows(kernel(k, 'loss_grad_logistic', bytes), a, bytes, B, b, tid);
    else if (kind === JOB_LOGISTIC_BLOCKS) losses[b] = logisticBlocks(kernel(k, 'loss_grad_logistic_blocks', bytes), a, bytes, B, b, blocks, tid);
    else if (kind === JOB_NET_ROWS) losses[b] = netRows(kernel(k, 'net_loss_grad', bytes), a, bytes, B, b, tid);
    else if (kind === JOB_GEMV_BIAS) gemvBias(kernel(k, 'gemv_bias', bytes), a, bytes, B, b);
    else if (kind === JOB_NET_PREDICT) netPredict(kernel(k, 'net_predict', bytes), a, bytes, B, b, tid);
    else if (kind === JOB_NET_BATCH) losses[b] = netBatch(kernel(k, 'net_batch_grad', bytes), a, B, b, tid);
  }
}

/** [X, y, sw, n, d, stride, w, partials, scratch, scratchBytes]: rows b B.. of padded rows; the f64 gradient into block b's partial. */
function logisticRows(f: Kernel, a: Float64Array, bytes: number, B: number, b: number, tid: number): number {
  const [X, y, sw, n, d, stride, w, partials, scratch, scratchBytes] = a;
  const r0 = b * B;
  return f(X + r0 * stride * bytes, y + r0 * bytes, sw && sw + r0 * bytes, Math.min(B, n - r0), d, stride, w, partials + 8 * b * (stride + 1), scratch + tid * scratchBytes);
}

/**
 * The same over 4-row blocks (nb = ceil(n / 4) of them). Lane 3 of the last 4 nb - n (at most 3)
 * blocks is padding, which the kernel masks by its own count of rows; so the last job block is the
 * last TAIL_BLOCKS four-row blocks (or all, when fewer), given their rows' count, and job block
 * b < last takes B of the ones before, every lane data.
 */
function logisticBlocks(f: Kernel, a: Float64Array, bytes: number, B: number, b: number, blocks: number, tid: number): number {
  const [X, y, sw, n, d, stride, w, partials, scratch, scratchBytes] = a;
  const nb = Math.ceil(n / 4), tail = Math.min(TAIL_BLOCKS, nb);
  const q0 = b === blocks - 1 ? nb - tail : b * B;
  const rows = b === blocks - 1 ? n - 4 * (nb - tail) : 4 * Math.min(B, nb - tail - q0);
  return f(X + 4 * q0 * d * bytes, y + 4 * q0 * bytes, sw && sw + 4 * q0 * bytes, rows, d, stride, w, partials + 8 * b * (stride + 1), scratch + tid * scratchBytes);
}

/** The 4-row blocks of the blocked layout's last job block: all that can hold padding. */
export const TAIL_BLOCKS = 3;

/** [desc, params, partials, gradBytes, scratch, scratchBytes, X, xRowBytes, Y, yRowBytes, sw, n]: the net's gradient of block b into its partial. */
function netRows(f: Kernel, a: Float64Array, bytes: number, B: number, b: number, tid: number): number {
  const [desc, params, partials, gradBytes, scratch, scratchBytes, X, xRowBytes, Y, yRowBytes, sw, n] = a;
  const r0 = b * B;
  return f(desc, params, partials + b * gradBytes, scratch + tid * scratchBytes, X + r0 * xRowBytes, Y + r0 * yRowBytes, sw && sw + r0 * bytes, Math.min(B, n - r0));
}

/** [desc, params, partials, gradBytes, scratch, scratchBytes, X, Y, sw, idx, start, rows]: block b of a mini-batch's positions, its gradient into its partial. */
function netBatch(f: Kernel, a: Float64Array, B: number, b: number, tid: number): number {
  const [desc, params, partials, gradBytes, scratch, scratchBytes, X, Y, sw, idx, start, rows] = a;
  return f(desc, params, partials + b * gradBytes, scratch + tid * scratchBytes, X, Y, sw, idx, start + b * B, Math.min(B, rows - b * B));
}

/** [X, n, d, stride, w, out]: logits of rows b B.. into out. */
function gemvBias(f: Kernel, a: Float64Array, bytes: number, B: number, b: number): void {
  const [X, n, d, stride, w, out] = a;
  const r0 = b * B;
  f(X + r0 * stride * bytes, Math.min(B, n - r0), d, stride, w, out + r0 * bytes);
}

/** [desc, params, scratch, scratchBytes, X, n, out, ldo, maxBatch]: probabilities of rows b B.., maxBatch at a time. */
function netPredict(f: Kernel, a: Float64Array, bytes: number, B: number, b: number, tid: number): void {
  const [desc, params, scratch, scratchBytes, X, n, out, ldo, maxBatch] = a;
  const end = Math.min((b + 1) * B, n);
  for (let start = b * B; start < end; start += maxBatch) {
    const count = Math.min(maxBatch, end - start);
    f(desc, params, scratch + tid * scratchBytes, X, start, count, out + start * ldo * bytes, ldo);
  }
}
