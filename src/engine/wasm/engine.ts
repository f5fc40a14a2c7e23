import type { BackendName, Buf, Engine, F32Buf, F64Buf, FloatBuf, Rows, SgdEpochOptions, U32Buf } from '../engine.js';
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
    readonly ctor: Ctor<A>,
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

/** A float64 buffer: its call goes to the `_f64` kernel. */
function isF64(buf: FloatBuf): boolean {
  return (buf as WasmBuf<TypedArray>).ctor === Float64Array;
}

/** Kernels from one WASM build (scalar, SIMD or relaxed SIMD); only integers cross the boundary. */
export class WasmEngine implements Engine {
  readonly memory: WebAssembly.Memory;
  /** The f32 kernels' vector accumulators and the per-batch gradient, grown on demand, shared by all calls. */
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

  padRows(X: FloatBuf, n: number, d: number, stride: number): void {
    (isF64(X) ? this.k.pad_rows_f64 : this.k.pad_rows_f32)(ptr(X), n, d, stride);
  }
  findNonFinite(x: FloatBuf, n: number): number {
    return (isF64(x) ? this.k.find_nonfinite_f64 : this.k.find_nonfinite_f32)(ptr(x), n);
  }
  sigmoid(z: FloatBuf, out: FloatBuf, n: number): void {
    (isF64(z) ? this.k.sigmoid_f64 : this.k.sigmoid_f32)(ptr(z), ptr(out), n);
  }
  bceLogits(z: FloatBuf, y: FloatBuf, n: number): number {
    return (isF64(z) ? this.k.bce_logits_f64 : this.k.bce_logits_f32)(ptr(z), ptr(y), n);
  }
  gemvBias(X: FloatBuf, n: number, d: number, stride: number, w: FloatBuf, out: FloatBuf): void {
    (isF64(X) ? this.k.gemv_bias_f64 : this.k.gemv_bias_f32)(ptr(X), n, d, stride, ptr(w), ptr(out));
  }
  lossGradLogistic(r: Rows, w: FloatBuf, grad: F64Buf): number {
    if (isF64(r.X)) return this.k.loss_grad_logistic_f64(ptr(r.X), ptr(r.y), ptr(r.sw), r.n, r.d, r.stride, ptr(w), ptr(grad));
    const scratch = this.scratchFor(r.stride);
    return this.k.loss_grad_logistic_f32(ptr(r.X), ptr(r.y), ptr(r.sw), r.n, r.d, r.stride, ptr(w), ptr(grad), scratch);
  }
  epochSgdLogistic(r: Rows, idx: U32Buf, w: FloatBuf, rng: U32Buf, o: SgdEpochOptions): number {
    const grad = this.gradFor(r.stride);
    const fitIntercept = o.fitIntercept ? 1 : 0, shuffle = o.shuffle ? 1 : 0;
    if (isF64(r.X)) {
      return this.k.epoch_sgd_logistic_f64(
        ptr(r.X), ptr(r.y), ptr(r.sw), ptr(idx), r.n, r.d, r.stride, ptr(w), grad, ptr(rng), o.batch, o.lr, o.l2, o.l1, fitIntercept, shuffle,
      );
    }
    return this.k.epoch_sgd_logistic_f32(
      ptr(r.X), ptr(r.y), ptr(r.sw), ptr(idx), r.n, r.d, r.stride, ptr(w), grad, this.scratchFor(r.stride), ptr(rng), o.batch, o.lr, o.l2, o.l1, fitIntercept, shuffle,
    );
  }
  sum(x: FloatBuf, n: number): number {
    return (isF64(x) ? this.k.sum_f64 : this.k.sum_f32)(ptr(x), n);
  }

  netBatchGrad(net: Net, d: NetData, idx: U32Buf | null, start: number, count: number): number {
    return (isF64(net.params) ? this.k.net_batch_grad_f64 : this.k.net_batch_grad_f32)(
      ptr(net.desc), ptr(net.params), ptr(net.grads), ptr(net.scratch), ptr(d.X), ptr(d.Y), ptr(d.sw), ptr(idx), start, count,
    );
  }
  netLossGrad(net: Net, d: NetData): number {
    return (isF64(net.params) ? this.k.net_loss_grad_f64 : this.k.net_loss_grad_f32)(
      ptr(net.desc), ptr(net.params), ptr(net.grads), ptr(net.scratch), ptr(d.X), ptr(d.Y), ptr(d.sw), d.n,
    );
  }
  epochNet(net: Net, o: OptimizerBufs, d: NetData, idx: U32Buf, rng: U32Buf, e: NetEpochOptions): number {
    return (isF64(net.params) ? this.k.epoch_net_f64 : this.k.epoch_net_f32)(
      ptr(net.desc), ptr(net.params), ptr(net.grads), ptr(net.scratch), ptr(o.header), ptr(o.state),
      ptr(d.X), ptr(d.Y), ptr(d.sw), ptr(idx), d.n, ptr(rng), e.batch, e.shuffle ? 1 : 0, e.alpha, e.l2, e.l1, e.outScale,
    );
  }
  netPredict(net: Net, X: FloatBuf, start: number, count: number, out: FloatBuf, ldo: number): void {
    (isF64(net.params) ? this.k.net_predict_f64 : this.k.net_predict_f32)(ptr(net.desc), ptr(net.params), ptr(net.scratch), ptr(X), start, count, ptr(out), ldo);
  }
  optimizerStep(o: OptimizerBufs, params: FloatBuf, grads: FloatBuf, n: number): void {
    (isF64(params) ? this.k.optimizer_step_f64 : this.k.optimizer_step_f32)(ptr(o.header), ptr(o.state), ptr(params), ptr(grads), n);
  }
  gemmNT(A: FloatBuf, lda: number, m: number, W: FloatBuf, nOut: number, k: number, bias: FloatBuf | null, C: FloatBuf, ldc: number): void {
    (isF64(A) ? this.k.gemm_nt_f64 : this.k.gemm_nt_f32)(ptr(A), lda, 0, 0, m, ptr(W), nOut, k, ptr(bias), ptr(C), ldc);
  }
  gemmTNAcc(D: FloatBuf, ldd: number, m: number, nOut: number, A: FloatBuf, lda: number, k: number, dW: FloatBuf): void {
    (isF64(D) ? this.k.gemm_tn_acc_f64 : this.k.gemm_tn_acc_f32)(ptr(D), ldd, m, nOut, ptr(A), lda, 0, 0, k, ptr(dW));
  }
  gemmNN(D: FloatBuf, ldd: number, m: number, nOut: number, W: FloatBuf, k: number, Out: FloatBuf, ldo: number): void {
    (isF64(D) ? this.k.gemm_nn_f64 : this.k.gemm_nn_f32)(ptr(D), ldd, m, nOut, ptr(W), k, ptr(Out), ldo);
  }
  activation(kind: number, x: FloatBuf, out: FloatBuf, n: number): void {
    (isF64(x) ? this.k.activation_f64 : this.k.activation_f32)(kind, ptr(x), ptr(out), n);
  }
  activationGrad(kind: number, a: FloatBuf, g: FloatBuf, out: FloatBuf, n: number): void {
    (isF64(a) ? this.k.activation_grad_f64 : this.k.activation_grad_f32)(kind, ptr(a), ptr(g), ptr(out), n);
  }
  softmaxRows(Z: FloatBuf, ldz: number, m: number, K: number, P: FloatBuf, ldp: number): void {
    (isF64(Z) ? this.k.softmax_rows_f64 : this.k.softmax_rows_f32)(ptr(Z), ldz, m, K, ptr(P), ldp);
  }
  softmaxCeRows(Z: FloatBuf, ldz: number, m: number, K: number, labels: U32Buf, sw: FloatBuf | null, D: FloatBuf, ldd: number): number {
    return (isF64(Z) ? this.k.softmax_ce_rows_f64 : this.k.softmax_ce_rows_f32)(ptr(Z), ldz, m, K, ptr(labels), 0, 0, ptr(sw), ptr(D), ldd);
  }
  sigmoidBceRows(Z: FloatBuf, ldz: number, m: number, K: number, Y: FloatBuf, ldy: number, sw: FloatBuf | null, D: FloatBuf, ldd: number): number {
    return (isF64(Z) ? this.k.sigmoid_bce_rows_f64 : this.k.sigmoid_bce_rows_f32)(ptr(Z), ldz, m, K, ptr(Y), ldy, 0, 0, ptr(sw), ptr(D), ldd);
  }
}
