import type { BackendName, Buf, Engine, F32Buf, F64Buf, RowsF32, SgdEpochOptions, U32Buf } from '../engine.js';
import type { WasmExports } from './exports.js';
import type { Net, NetData, NetEpochOptions, OptimizerBufs } from '../net.js';

type TypedArray = Float32Array | Float64Array | Uint32Array;
type Ctor<A extends TypedArray> = { new (buffer: ArrayBuffer, byteOffset: number, length: number): A; BYTES_PER_ELEMENT: number };

/** A block of linear memory; its view is rebuilt whenever memory.grow has replaced the buffer. */
class WasmBuf<A extends TypedArray> implements Buf<A> {
  private cached: A | null = null;
  constructor(
    readonly owner: WasmEngine,
    public ptr: number,
    readonly length: number,
    private readonly ctor: Ctor<A>,
  ) {}
  view(): A {
    if (this.ptr === 0) throw new Error('wasmlearn: buffer used after free');
    const buffer = this.owner.memory.buffer;
    if (this.cached === null || this.cached.buffer !== buffer) this.cached = new this.ctor(buffer, this.ptr, this.length);
    return this.cached;
  }
}

function ptr(buf: Buf<TypedArray> | null): number {
  return buf === null ? 0 : (buf as WasmBuf<TypedArray>).ptr;
}

/** Kernels from one WASM build (scalar, SIMD or relaxed SIMD); only integers cross the boundary. */
export class WasmEngine implements Engine {
  readonly memory: WebAssembly.Memory;
  /** Vector accumulators and the per-batch gradient, grown on demand, shared by all calls. */
  private scratch: WasmBuf<Float32Array> | null = null;
  private grad: WasmBuf<Float64Array> | null = null;

  constructor(
    readonly name: BackendName,
    private readonly k: WasmExports,
  ) {
    this.memory = k.memory;
  }

  private alloc<A extends TypedArray>(length: number, ctor: Ctor<A>): WasmBuf<A> {
    // At least 16 bytes so that no two buffers share an address, even empty ones.
    const p = this.k.alloc(Math.max(16, length * ctor.BYTES_PER_ELEMENT));
    return new WasmBuf(this, p, length, ctor);
  }
  f32(length: number): F32Buf {
    return this.alloc(length, Float32Array);
  }
  f64(length: number): F64Buf {
    return this.alloc(length, Float64Array);
  }
  u32(length: number): U32Buf {
    return this.alloc(length, Uint32Array);
  }
  free(buf: Buf<TypedArray>): void {
    const b = buf as WasmBuf<TypedArray>;
    if (b.owner !== this) throw new Error(`wasmlearn: buffer freed on the wrong engine (${this.name})`);
    if (b.ptr !== 0) this.k.free(b.ptr);
    b.ptr = 0;
  }

  private scratchFor(stride: number): number {
    const need = 8 * stride + 4; // 32 * stride + 16 bytes
    if (this.scratch === null || this.scratch.length < need) {
      if (this.scratch) this.free(this.scratch);
      this.scratch = this.alloc(need, Float32Array);
    }
    return this.scratch.ptr;
  }
  private gradFor(stride: number): number {
    if (this.grad === null || this.grad.length < stride + 1) {
      if (this.grad) this.free(this.grad);
      this.grad = this.alloc(stride + 1, Float64Array);
    }
    return this.grad.ptr;
  }

  padRows(X: F32Buf, n: number, d: number, stride: number): void {
    this.k.pad_rows_f32(ptr(X), n, d, stride);
  }
  findNonFinite(x: F32Buf, n: number): number {
    return this.k.find_nonfinite_f32(ptr(x), n);
  }
  sigmoid(z: F32Buf, out: F32Buf, n: number): void {
    this.k.sigmoid_f32(ptr(z), ptr(out), n);
  }
  bceLogits(z: F32Buf, y: F32Buf, n: number): number {
    return this.k.bce_logits_f32(ptr(z), ptr(y), n);
  }
  gemvBias(X: F32Buf, n: number, d: number, stride: number, w: F32Buf, out: F32Buf): void {
    this.k.gemv_bias_f32(ptr(X), n, d, stride, ptr(w), ptr(out));
  }
  lossGradLogistic(r: RowsF32, w: F32Buf, grad: F64Buf): number {
    const scratch = this.scratchFor(r.stride);
    return this.k.loss_grad_logistic_f32(ptr(r.X), ptr(r.y), ptr(r.sw), r.n, r.d, r.stride, ptr(w), ptr(grad), scratch);
  }
  epochSgdLogistic(r: RowsF32, idx: U32Buf, w: F32Buf, rng: U32Buf, o: SgdEpochOptions): number {
    const scratch = this.scratchFor(r.stride);
    const grad = this.gradFor(r.stride);
    return this.k.epoch_sgd_logistic_f32(
      ptr(r.X), ptr(r.y), ptr(r.sw), ptr(idx), r.n, r.d, r.stride,
      ptr(w), grad, scratch, ptr(rng),
      o.batch, o.lr, o.l2, o.l1, o.fitIntercept ? 1 : 0, o.shuffle ? 1 : 0,
    );
  }
  sum(x: F32Buf, n: number): number {
    return this.k.sum_f32(ptr(x), n);
  }

  netBatchGrad(net: Net, d: NetData, idx: U32Buf | null, start: number, count: number): number {
    return this.k.net_batch_grad_f32(ptr(net.desc), ptr(net.params), ptr(net.grads), ptr(net.scratch), ptr(d.X), ptr(d.Y), ptr(d.sw), ptr(idx), start, count);
  }
  netLossGrad(net: Net, d: NetData): number {
    return this.k.net_loss_grad_f32(ptr(net.desc), ptr(net.params), ptr(net.grads), ptr(net.scratch), ptr(d.X), ptr(d.Y), ptr(d.sw), d.n);
  }
  epochNet(net: Net, o: OptimizerBufs, d: NetData, idx: U32Buf, rng: U32Buf, e: NetEpochOptions): number {
    return this.k.epoch_net_f32(
      ptr(net.desc), ptr(net.params), ptr(net.grads), ptr(net.scratch), ptr(o.header), ptr(o.state),
      ptr(d.X), ptr(d.Y), ptr(d.sw), ptr(idx), d.n, ptr(rng), e.batch, e.shuffle ? 1 : 0, e.alpha, e.l2, e.l1, e.outScale,
    );
  }
  netPredict(net: Net, X: F32Buf, start: number, count: number, out: F32Buf, ldo: number): void {
    this.k.net_predict_f32(ptr(net.desc), ptr(net.params), ptr(net.scratch), ptr(X), start, count, ptr(out), ldo);
  }
  optimizerStep(o: OptimizerBufs, params: F32Buf, grads: F32Buf, n: number): void {
    this.k.optimizer_step_f32(ptr(o.header), ptr(o.state), ptr(params), ptr(grads), n);
  }
  gemmNT(A: F32Buf, lda: number, m: number, W: F32Buf, nOut: number, k: number, bias: F32Buf | null, C: F32Buf, ldc: number): void {
    this.k.gemm_nt_f32(ptr(A), lda, 0, 0, m, ptr(W), nOut, k, ptr(bias), ptr(C), ldc);
  }
  gemmTNAcc(D: F32Buf, ldd: number, m: number, nOut: number, A: F32Buf, lda: number, k: number, dW: F32Buf): void {
    this.k.gemm_tn_acc_f32(ptr(D), ldd, m, nOut, ptr(A), lda, 0, 0, k, ptr(dW));
  }
  gemmNN(D: F32Buf, ldd: number, m: number, nOut: number, W: F32Buf, k: number, Out: F32Buf, ldo: number): void {
    this.k.gemm_nn_f32(ptr(D), ldd, m, nOut, ptr(W), k, ptr(Out), ldo);
  }
  activation(kind: number, x: F32Buf, out: F32Buf, n: number): void {
    this.k.activation_f32(kind, ptr(x), ptr(out), n);
  }
  activationGrad(kind: number, a: F32Buf, g: F32Buf, out: F32Buf, n: number): void {
    this.k.activation_grad_f32(kind, ptr(a), ptr(g), ptr(out), n);
  }
  softmaxRows(Z: F32Buf, ldz: number, m: number, K: number, P: F32Buf, ldp: number): void {
    this.k.softmax_rows_f32(ptr(Z), ldz, m, K, ptr(P), ldp);
  }
  softmaxCeRows(Z: F32Buf, ldz: number, m: number, K: number, labels: U32Buf, sw: F32Buf | null, D: F32Buf, ldd: number): number {
    return this.k.softmax_ce_rows_f32(ptr(Z), ldz, m, K, ptr(labels), 0, 0, ptr(sw), ptr(D), ldd);
  }
  sigmoidBceRows(Z: F32Buf, ldz: number, m: number, K: number, Y: F32Buf, ldy: number, sw: F32Buf | null, D: F32Buf, ldd: number): number {
    return this.k.sigmoid_bce_rows_f32(ptr(Z), ldz, m, K, ptr(Y), ldy, 0, 0, ptr(sw), ptr(D), ldd);
  }
}
