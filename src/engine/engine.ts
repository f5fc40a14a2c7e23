// The engine: memory, kernels and trainers (memory.ts, kernels.ts, trainers.ts), implemented once
// over a backend's checked memory and its kernel table. The backends differ only in what a pointer
// is: a byte address into WASM memory (wasm/engine.ts) or a typed array (js/engine.ts).
import { LOGISTIC_SCRATCH_EXTRA, LOGISTIC_SCRATCH_PER_VALUE, OPT_HEADER } from './formats.js';
import { KERNEL_NAMES, SUFFIX, type KernelOps, type KernelTable, type Kernels } from './kernels.js';
import { shuffleU32 } from '../core/rng.js';
import { activationKind, type Activation } from './kinds.js';
import { misuse, type Buf, type BufDtype, type BufSize, type Dtype, type F32Buf, type F64Buf, type Memory, type PointerMemory, type U32Buf } from './memory.js';
import { netLayout, type Net, type NetData, type NetEpochOptions, type OptimizerBufs } from './net.js';
import { batchBlockRows, type Team } from './threads/team.js';
import type { BlockPositions, Blocks, Rows, SgdEpochOptions, Trainers } from './trainers.js';

export type { ArrayOf, Buf, BufDtype, BufSize, Dtype, F32Buf, F64Buf, FloatArray, FloatBuf, Memory, U32Buf } from './memory.js';
export { allocateAll, floats, grouped, paddedStride } from './memory.js';
export type { Kernels } from './kernels.js';
export type { BlockPositions, Blocks, Rows, SgdEpochOptions, Trainers } from './trainers.js';

/** The backends, fastest first. */
export const BACKENDS = ['wasm-relaxed', 'wasm-simd', 'wasm-scalar', 'js'] as const;
/**
 * A backend: 'wasm-relaxed' (relaxed SIMD), 'wasm-simd', 'wasm-scalar' (WebAssembly builds) or 'js' (plain JavaScript).
 */
export type BackendName = (typeof BACKENDS)[number];

/** What models and layers hold: one object with the three parts. */
export type Engine = Memory & Kernels & Trainers & Threaded & { readonly name: BackendName };

/** How many threads an engine computes on, and the same engine on another count. */
export interface Threaded {
  /** Threads the parallel kernels of this engine run on (1: this thread alone). */
  readonly threads: number;
  /**
   * This engine's kernels on n threads (at most the pool's size), the same memory and buffers;
   * itself on a backend without a thread pool.
   */
  withThreads(n: number): Engine;
  /** The memory its buffers belong to: engines with the same one share buffers. */
  readonly memoryId: object;
}

/** Buffers an engine keeps between calls. */
interface Held {
  scratch: F32Buf | null;
  grad: F64Buf | null;
}

/** Bytes per value of each dtype. */
const BYTES = { float32: 4, float64: 8 } as const;
/** Rows from which predictions are shared among threads. */
const PARALLEL_ROWS = 4096;
/** The most rows a thread's net scratch holds at once. */
const THREAD_BATCH = 256;
/** Mini-batches from this size on are shared among threads (on a threads build, whatever the count: the result must not depend on it). */
const SPLIT_BATCH = 128;

/** One dtype's kernels with pointers of type P. */
type Ops<P> = KernelOps<P, P, P, P>;

/** m rows of `cols` values, `ld` apart, fit in buf. */
function fits(buf: Buf, rows: number, ld: number, cols: number, what: string): void {
  const need = rows > 0 ? (rows - 1) * ld + cols : 0;
  if (need > buf.length) misuse(`${what} holds ${buf.length} values; ${rows} rows of ${cols} at stride ${ld} need ${need}`);
}
function multipleOf4(v: number, what: string): void {
  if (v % 4 !== 0) misuse(`${what} is ${v}; it must be a multiple of 4 (padded)`);
}
function positive(v: number, what: string): void {
  if (!(Number.isInteger(v) && v >= 1)) misuse(`${what} is ${v}; it must be an integer >= 1`);
}

/**
 * Every kernel the models use, on one backend, in float32 and float64: a call runs in the dtype of
 * its first float buffer, and the memory checks every buffer (this engine's, live, that dtype)
 * before any pointer reaches a kernel. Sizes are checked against the buffers, so no kernel writes
 * outside them.
 */
export class KernelEngine<P> implements Engine {
  readonly #mem: PointerMemory<P>;
  readonly #ops: Record<Dtype, Ops<P>>;
  /** The thread team of a threads build (pointers are then byte addresses), or null. */
  readonly #team: Team | null;
  /** The f32 logistic kernels' vector scratch and the SGD epoch's gradient, grown on demand, shared by all calls (and by the same engine on other thread counts). */
  protected readonly held: Held;

  constructor(
    readonly name: BackendName,
    mem: PointerMemory<P>,
    table: KernelTable<P, P, P, P, P>,
    team: Team | null = null,
    held: Held = { scratch: null, grad: null },
  ) {
    this.#mem = mem;
    this.#team = team;
    this.held = held;
    const ops = (dtype: Dtype) => Object.fromEntries(KERNEL_NAMES.map((k) => [k, table[`${k}_${SUFFIX[dtype]}`]])) as unknown as Ops<P>;
    this.#ops = { float32: ops('float32'), float64: ops('float64') };
  }

  get threads(): number {
    return this.#team?.threads ?? 1;
  }
  withThreads(n: number): Engine {
    positive(n, 'threads');
    return this;
  }
  get memoryId(): object {
    return this.#mem;
  }

  // Memory
  f32(length: number): F32Buf {
    return this.#mem.f32(length);
  }
  f64(length: number): F64Buf {
    return this.#mem.f64(length);
  }
  u32(length: number): U32Buf {
    return this.#mem.u32(length);
  }
  blank<D extends Dtype>(dtype: D, length: number): Buf<D> {
    return this.#mem.blank(dtype, length);
  }
  free(buf: Buf): void {
    this.#mem.free(buf);
  }
  get bytesInUse(): number {
    return this.#mem.bytesInUse;
  }
  checkRoom(what: string, buffers: readonly BufSize[]): void {
    this.#mem.checkRoom(what, buffers);
  }

  #p(buf: Buf, dtype: BufDtype): P {
    return this.#mem.ptr(buf, dtype);
  }
  /** A buffer's byte address, for the thread team (which exists only where pointers are addresses). */
  #a(buf: Buf, dtype: BufDtype): number {
    return this.#mem.ptr(buf, dtype) as unknown as number;
  }
  #opt(buf: Buf | null, dtype: BufDtype): P {
    return this.#mem.ptrOrNil(buf, dtype);
  }
  #vectorScratch(dtype: Dtype, stride: number): P {
    if (dtype === 'float64') return this.#mem.nil;
    const need = (LOGISTIC_SCRATCH_PER_VALUE * stride + LOGISTIC_SCRATCH_EXTRA) / 4;
    if (this.held.scratch === null || this.held.scratch.length < need) {
      // Dropped before the new one is asked for: an OUT_OF_MEMORY leaves no freed buffer behind.
      if (this.held.scratch) this.#mem.free(this.held.scratch);
      this.held.scratch = null;
      this.held.scratch = this.#mem.f32(need);
    }
    return this.#p(this.held.scratch, 'float32');
  }
  #gradFor(stride: number): P {
    if (this.held.grad === null || this.held.grad.length < stride + 1) {
      if (this.held.grad) this.#mem.free(this.held.grad);
      this.held.grad = null;
      this.held.grad = this.#mem.f64(stride + 1);
    }
    return this.#p(this.held.grad, 'float64');
  }

  // Kernels
  fillBlocks<T extends Dtype>(Q: Buf<T>, c: number, d: number, n: number, nb: number, b0: number, dst: Buf<T>): number {
    const t = Q.dtype;
    if (nb !== Math.ceil(n / 4) || b0 < 0 || c < 0 || b0 + c > nb) misuse(`fillBlocks: blocks ${b0}..${b0 + c} of ${nb} for n = ${n}`);
    fits(Q, 1, 0, 4 * c * d, 'fillBlocks Q');
    fits(dst, 1, 0, 4 * nb * d, 'fillBlocks dst');
    return this.#ops[t].fill_blocks(this.#p(Q, t), c, d, n, nb, b0, this.#p(dst, t));
  }
  settleRows<T extends Dtype>(X: Buf<T>, start: number, n: number, d: number, stride: number): number {
    fits(X, start + n, stride, stride, 'settleRows X');
    if (d > stride) misuse(`settleRows: d = ${d} is more than stride = ${stride}`);
    return this.#ops[X.dtype].settle_rows(this.#p(X, X.dtype), start, n, d, stride);
  }
  sigmoid<T extends Dtype>(z: Buf<T>, out: Buf<T>, n: number): void {
    const t = z.dtype;
    fits(z, 1, 0, n, 'sigmoid z');
    fits(out, 1, 0, n, 'sigmoid out');
    this.#ops[t].sigmoid(this.#p(z, t), this.#p(out, t), n);
  }
  bceLogits<T extends Dtype>(z: Buf<T>, y: Buf<T>, n: number): number {
    const t = z.dtype;
    fits(z, 1, 0, n, 'bceLogits z');
    fits(y, 1, 0, n, 'bceLogits y');
    return this.#ops[t].bce_logits(this.#p(z, t), this.#p(y, t), n);
  }
  gemvBias<T extends Dtype>(X: Buf<T>, n: number, d: number, stride: number, w: Buf<T>, out: Buf<T>): void {
    const t = X.dtype;
    multipleOf4(stride, 'gemvBias stride');
    fits(X, n, stride, stride, 'gemvBias X');
    fits(w, 1, 0, stride + 1, 'gemvBias w');
    fits(out, 1, 0, n, 'gemvBias out');
    if (this.#team && this.#team.threads > 1 && n >= PARALLEL_ROWS) {
      return this.#team.gemvBias(BYTES[t], this.#a(X, t), n, d, stride, this.#a(w, t), this.#a(out, t));
    }
    this.#ops[t].gemv_bias(this.#p(X, t), n, d, stride, this.#p(w, t), this.#p(out, t));
  }
  sum<T extends Dtype>(x: Buf<T>, n: number): number {
    fits(x, 1, 0, n, 'sum x');
    return this.#ops[x.dtype].sum(this.#p(x, x.dtype), n);
  }
  optimizerStep<T extends Dtype>(o: OptimizerBufs<T>, params: Buf<T>, grads: Buf<T>, n: number): void {
    const t = params.dtype;
    fits(o.header, 1, 0, OPT_HEADER, 'optimizer header');
    fits(o.state, 1, 0, 3 * n, 'optimizer state');
    fits(params, 1, 0, n, 'params');
    fits(grads, 1, 0, n, 'grads');
    this.#ops[t].optimizer_step(this.#p(o.header, t), this.#p(o.state, t), this.#p(params, t), this.#p(grads, t), n);
  }
  gemmNT<T extends Dtype>(A: Buf<T>, lda: number, m: number, W: Buf<T>, nOut: number, k: number, bias: Buf<T> | null, C: Buf<T>, ldc: number): void {
    const t = A.dtype;
    multipleOf4(nOut, 'gemmNT nOut');
    multipleOf4(k, 'gemmNT k');
    fits(A, m, lda, k, 'gemmNT A');
    fits(W, nOut, k, k, 'gemmNT W');
    if (bias) fits(bias, 1, 0, nOut, 'gemmNT bias');
    fits(C, m, ldc, nOut, 'gemmNT C');
    this.#ops[t].gemm_nt(this.#p(A, t), lda, this.#mem.nil, 0, m, this.#p(W, t), nOut, k, this.#opt(bias, t), this.#p(C, t), ldc);
  }
  gemmTNAcc<T extends Dtype>(D: Buf<T>, ldd: number, m: number, nOut: number, A: Buf<T>, lda: number, k: number, dW: Buf<T>): void {
    const t = D.dtype;
    multipleOf4(nOut, 'gemmTNAcc nOut');
    multipleOf4(k, 'gemmTNAcc k');
    fits(D, m, ldd, nOut, 'gemmTNAcc D');
    fits(A, m, lda, k, 'gemmTNAcc A');
    fits(dW, nOut, k, k, 'gemmTNAcc dW');
    this.#ops[t].gemm_tn_acc(this.#p(D, t), ldd, m, nOut, this.#p(A, t), lda, this.#mem.nil, 0, k, this.#p(dW, t));
  }
  gemmNN<T extends Dtype>(D: Buf<T>, ldd: number, m: number, nOut: number, W: Buf<T>, k: number, Out: Buf<T>, ldo: number): void {
    const t = D.dtype;
    multipleOf4(k, 'gemmNN k');
    fits(D, m, ldd, nOut, 'gemmNN D');
    fits(W, nOut, k, k, 'gemmNN W');
    fits(Out, m, ldo, k, 'gemmNN Out');
    this.#ops[t].gemm_nn(this.#p(D, t), ldd, m, nOut, this.#p(W, t), k, this.#p(Out, t), ldo);
  }
  activation<T extends Dtype>(kind: Activation, x: Buf<T>, out: Buf<T>, n: number): void {
    const t = x.dtype;
    fits(x, 1, 0, n, 'activation x');
    fits(out, 1, 0, n, 'activation out');
    this.#ops[t].activation(activationKind(kind), this.#p(x, t), this.#p(out, t), n);
  }
  activationGrad<T extends Dtype>(kind: Activation, a: Buf<T>, g: Buf<T>, out: Buf<T>, n: number): void {
    const t = a.dtype;
    for (const [b, what] of [[a, 'a'], [g, 'g'], [out, 'out']] as const) fits(b, 1, 0, n, `activationGrad ${what}`);
    this.#ops[t].activation_grad(activationKind(kind), this.#p(a, t), this.#p(g, t), this.#p(out, t), n);
  }
  softmaxRows<T extends Dtype>(Z: Buf<T>, ldz: number, m: number, K: number, P: Buf<T>, ldp: number): void {
    const t = Z.dtype;
    fits(Z, m, ldz, K, 'softmaxRows Z');
    fits(P, m, ldp, K, 'softmaxRows P');
    this.#ops[t].softmax_rows(this.#p(Z, t), ldz, m, K, this.#p(P, t), ldp);
  }
  softmaxCeRows<T extends Dtype>(Z: Buf<T>, ldz: number, m: number, K: number, labels: U32Buf, sw: Buf<T> | null, D: Buf<T>, ldd: number): number {
    const t = Z.dtype;
    fits(Z, m, ldz, K, 'softmaxCeRows Z');
    fits(labels, 1, 0, m, 'softmaxCeRows labels');
    if (sw) fits(sw, 1, 0, m, 'softmaxCeRows sw');
    fits(D, m, ldd, ldd, 'softmaxCeRows D');
    const ops = this.#ops[t];
    return ops.softmax_ce_rows(this.#p(Z, t), ldz, m, K, this.#p(labels, 'uint32'), this.#mem.nil, 0, this.#opt(sw, t), this.#p(D, t), ldd);
  }
  sigmoidBceRows<T extends Dtype>(Z: Buf<T>, ldz: number, m: number, K: number, Y: Buf<T>, ldy: number, sw: Buf<T> | null, D: Buf<T>, ldd: number): number {
    const t = Z.dtype;
    fits(Z, m, ldz, K, 'sigmoidBceRows Z');
    fits(Y, m, ldy, K, 'sigmoidBceRows Y');
    if (sw) fits(sw, 1, 0, m, 'sigmoidBceRows sw');
    fits(D, m, ldd, ldd, 'sigmoidBceRows D');
    const ops = this.#ops[t];
    return ops.sigmoid_bce_rows(this.#p(Z, t), ldz, m, K, this.#p(Y, t), ldy, this.#mem.nil, 0, this.#opt(sw, t), this.#p(D, t), ldd);
  }

  /**
   * `body` with the descriptor of the net at a batch of at most `rows` (its address, and the
   * scratch values it needs): each thread's scratch then holds that many rows, not the net's maxBatch.
   */
  #withBlockNet<R>(net: Net, rows: number, body: (desc: number, scratchValues: number) => R): R {
    const L = net.layout;
    const block = rows >= L.spec.maxBatch ? L : netLayout({ ...L.spec, maxBatch: rows });
    const desc = this.#mem.u32(block.desc.length);
    try {
      desc.view().set(block.desc);
      return body(this.#a(desc, 'uint32'), block.scratchValues);
    } finally {
      this.#mem.free(desc);
    }
  }

  // Trainers
  #rows<T extends Dtype>(r: Rows<T>, w: Buf<T>): void {
    multipleOf4(r.stride, 'rows stride');
    if (r.d > r.stride) misuse(`rows: d = ${r.d} is more than stride = ${r.stride}`);
    fits(r.X, r.n, r.stride, r.stride, 'rows X');
    fits(r.y, 1, 0, r.n, 'rows y');
    if (r.sw) fits(r.sw, 1, 0, r.n, 'rows sw');
    fits(w, 1, 0, r.stride + 1, 'w');
  }
  lossGradLogistic<T extends Dtype>(r: Rows<T>, w: Buf<T>, grad: F64Buf): number {
    const t = r.X.dtype;
    this.#rows(r, w);
    fits(grad, 1, 0, r.stride + 1, 'grad');
    if (this.#team) {
      return this.#team.lossGradLogistic(BYTES[t], false, this.#a(r.X, t), this.#a(r.y, t), r.sw ? this.#a(r.sw, t) : 0, r.n, r.d, r.stride, this.#a(w, t), grad);
    }
    return this.#ops[t].loss_grad_logistic(
      this.#p(r.X, t), this.#p(r.y, t), this.#opt(r.sw, t), r.n, r.d, r.stride, this.#p(w, t), this.#p(grad, 'float64'), this.#vectorScratch(t, r.stride),
    );
  }
  epochSgdLogistic<T extends Dtype>(r: Rows<T>, idx: U32Buf, w: Buf<T>, rng: U32Buf, o: SgdEpochOptions): number {
    const t = r.X.dtype;
    this.#rows(r, w);
    fits(idx, 1, 0, r.n, 'idx');
    fits(rng, 1, 0, 4, 'rng');
    positive(o.batch, 'batch');
    return this.#ops[t].epoch_sgd_logistic(
      this.#p(r.X, t), this.#p(r.y, t), this.#opt(r.sw, t), this.#p(idx, 'uint32'), r.n, r.d, r.stride,
      this.#p(w, t), this.#gradFor(r.stride), this.#vectorScratch(t, r.stride), this.#p(rng, 'uint32'),
      o.batch, o.lr, o.l2, o.l1, o.fitIntercept ? 1 : 0, o.shuffle ? 1 : 0,
    );
  }
  #blocks<T extends Dtype>(b: Blocks<T>, w: Buf<T>): void {
    multipleOf4(b.stride, 'blocks stride');
    if (b.d > b.stride) misuse(`blocks: d = ${b.d} is more than stride = ${b.stride}`);
    if (b.nb !== Math.ceil(b.n / 4)) misuse(`blocks: nb = ${b.nb} for n = ${b.n}; it must be ceil(n / 4)`);
    fits(b.X, 1, 0, 4 * b.nb * b.d, 'blocks X');
    fits(b.y, 1, 0, 4 * b.nb, 'blocks y');
    if (b.sw) fits(b.sw, 1, 0, 4 * b.nb, 'blocks sw');
    fits(w, 1, 0, b.stride + 1, 'w');
  }
  lossGradLogisticBlocks<T extends Dtype>(b: Blocks<T>, w: Buf<T>, grad: F64Buf): number {
    const t = b.X.dtype;
    this.#blocks(b, w);
    fits(grad, 1, 0, b.stride + 1, 'grad');
    if (this.#team) {
      return this.#team.lossGradLogistic(BYTES[t], true, this.#a(b.X, t), this.#a(b.y, t), b.sw ? this.#a(b.sw, t) : 0, b.n, b.d, b.stride, this.#a(w, t), grad);
    }
    return this.#ops[t].loss_grad_logistic_blocks(
      this.#p(b.X, t), this.#p(b.y, t), this.#opt(b.sw, t), b.n, b.d, b.stride, this.#p(w, t), this.#p(grad, 'float64'), this.#vectorScratch(t, b.stride),
    );
  }
  epochSgdLogisticBlocks<T extends Dtype>(b: Blocks<T>, order: U32Buf, w: Buf<T>, rng: U32Buf, o: SgdEpochOptions, at?: BlockPositions): number {
    const t = b.X.dtype;
    this.#blocks(b, w);
    fits(order, 1, 0, b.nb, 'order');
    fits(rng, 1, 0, 4, 'rng');
    positive(o.batch, 'batch');
    const { start, count } = at ?? { start: 0, count: 4 * b.nb };
    if (!(Number.isInteger(start) && Number.isInteger(count) && start >= 0 && count >= 0 && start + count <= 4 * b.nb)) {
      misuse(`positions ${start}..${start + count} are outside 0..${4 * b.nb}`);
    }
    return this.#ops[t].epoch_sgd_logistic_blocks(
      this.#p(b.X, t), this.#p(b.y, t), this.#opt(b.sw, t), this.#p(order, 'uint32'), b.n, b.d, b.stride,
      this.#p(w, t), this.#gradFor(b.stride), this.#vectorScratch(t, b.stride), this.#p(rng, 'uint32'),
      start, count, o.batch, o.lr, o.l2, o.l1, o.fitIntercept ? 1 : 0, o.shuffle ? 1 : 0,
    );
  }
  /** The pointers of a net's own buffers, in its dtype. */
  #net<T extends Dtype>(net: Net<T>): [desc: P, params: P, grads: P, scratch: P] {
    const t = net.dtype;
    return [this.#p(net.desc, 'uint32'), this.#p(net.params, t), this.#p(net.grads, t), this.#p(net.scratch, t)];
  }
  /** X, Y and sw of n rows, checked against the net's layout: Y is u32 classes for a softmax head, rows of yStride otherwise. */
  #data<T extends Dtype>(net: Net<T>, d: NetData<T>): [X: P, Y: P, sw: P] {
    const t = net.dtype, L = net.layout;
    fits(d.X, d.n, L.layers[0].inPad, L.layers[0].inPad, 'X');
    const softmax = L.spec.output === 'softmax';
    fits(d.Y, d.n, softmax ? 1 : L.yStride, softmax ? 1 : L.yStride, 'Y');
    if (d.sw) fits(d.sw, 1, 0, d.n, 'sw');
    return [this.#p(d.X, t), this.#p(d.Y, softmax ? 'uint32' : t), this.#opt(d.sw, t)];
  }
  netLossGrad<T extends Dtype>(net: Net<T>, d: NetData<T>): number {
    const [desc, params, grads, scratch] = this.#net(net);
    const [X, Y, sw] = this.#data(net, d);
    if (this.#team) {
      const t = net.dtype, L = net.layout, bytes = BYTES[t];
      const yRowBytes = L.spec.output === 'softmax' ? 4 : L.yStride * bytes;
      const Yp = this.#a(d.Y, L.spec.output === 'softmax' ? 'uint32' : t);
      return this.#withBlockNet(net, THREAD_BATCH, (desc, scratchValues) => this.#team!.netLossGrad(
        bytes, desc, this.#a(net.params, t), net.grads, L.nParams, scratchValues,
        this.#a(d.X, t), L.layers[0].inPad * bytes, Yp, yRowBytes, d.sw ? this.#a(d.sw, t) : 0, d.n,
      ));
    }
    return this.#ops[net.dtype].net_loss_grad(desc, params, grads, scratch, X, Y, sw, d.n);
  }
  epochNet<T extends Dtype>(net: Net<T>, o: OptimizerBufs<T>, d: NetData<T>, idx: U32Buf, rng: U32Buf, e: NetEpochOptions): number {
    const t = net.dtype;
    positive(e.batch, 'batch');
    if (e.batch > net.layout.spec.maxBatch) misuse(`batch ${e.batch} is more than the net's maxBatch ${net.layout.spec.maxBatch}`);
    fits(o.header, 1, 0, OPT_HEADER, 'optimizer header');
    fits(o.state, 1, 0, 3 * net.layout.nParams, 'optimizer state');
    fits(idx, 1, 0, d.n, 'idx');
    fits(rng, 1, 0, 4, 'rng');
    const [X, Y, sw] = this.#data(net, d);
    if (this.#team && e.batch >= SPLIT_BATCH) {
      // Large batches are shared among threads: the same shuffle as the kernel's, then each
      // batch's gradient in fixed blocks (the same result on any thread count).
      if (e.shuffle) shuffleU32(idx.view(), d.n, rng.view());
      const L = net.layout, softmax = L.spec.output === 'softmax';
      const step = { opt: this.#a(o.header, t), state: this.#a(o.state, t), alpha: e.alpha, l2: e.l2, l1: e.l1, outScale: e.outScale };
      return this.#withBlockNet(net, batchBlockRows(e.batch), (desc, scratchValues) => this.#team!.netEpoch(
        BYTES[t], desc, this.#a(net.params, t), net.grads, L.nParams, scratchValues,
        this.#a(d.X, t), this.#a(d.Y, softmax ? 'uint32' : t), d.sw ? this.#a(d.sw, t) : 0, this.#a(idx, 'uint32'), d.n, e.batch, step,
      ));
    }
    return this.#ops[t].epoch_net(
      ...this.#net(net), this.#p(o.header, t), this.#p(o.state, t), X, Y, sw, this.#p(idx, 'uint32'), d.n, this.#p(rng, 'uint32'),
      e.batch, e.shuffle ? 1 : 0, e.alpha, e.l2, e.l1, e.outScale,
    );
  }
  /** With more than one thread, count may exceed maxBatch: the rows are then shared among the threads. */
  netPredict<T extends Dtype>(net: Net<T>, X: Buf<T>, start: number, count: number, out: Buf<T>, ldo: number): void {
    const t = net.dtype, L = net.layout, inPad = L.layers[0].inPad;
    const team = this.#team && this.#team.threads > 1 ? this.#team : null;
    if (count > L.spec.maxBatch && !team) misuse(`netPredict of ${count} rows: more than the net's maxBatch ${L.spec.maxBatch}`);
    fits(X, start + count, inPad, inPad, 'X');
    fits(out, count, ldo, L.layers[L.layers.length - 1].nOut, 'out');
    const [desc, params, , scratch] = this.#net(net);
    if (team && (count > L.spec.maxBatch || count >= PARALLEL_ROWS)) {
      const bytes = BYTES[t];
      return this.#withBlockNet(net, THREAD_BATCH, (desc, scratchValues) =>
        team.netPredict(bytes, desc, this.#a(net.params, t), scratchValues, Math.min(L.spec.maxBatch, THREAD_BATCH), this.#a(X, t) + start * inPad * bytes, count, this.#a(out, t), ldo));
    }
    this.#ops[t].net_predict(desc, params, scratch, this.#p(X, t), start, count, this.#p(out, t), ldo);
  }

}
