// The kernels: one parameter list per kernel, shared by the WASM exports (pointers are byte
// addresses) and their TypeScript twins (pointers are typed arrays starting at that address), and
// the engine-level primitives, typed by dtype, that the layers call.
import type { Buf, Dtype, FloatArray, U32Buf } from './memory.js';
import type { Activation } from './kinds.js';
import type { OptimizerBufs } from './net.js';

/**
 * Every kernel's parameters, as assembly/kernels/<family>.ts exports them and
 * src/engine/js/kernels/<family>.ts twins them. F: a float pointer of the kernel's dtype; U: a u32
 * pointer; N: the null pointer (0 in WASM, null in JS) where a pointer is optional; G: an f64
 * pointer whatever the dtype. Flags are 0 or 1. Matrices are row-major with rows padded to a
 * multiple of 4 values (padding zero) where the doc comment says so; `idx` takes rows through a
 * u32 order from position `start` (N: rows start.. in storage order).
 */
export interface KernelOps<F, U, N, G> {
  // activation
  /** out[i] = sigmoid(z[i]) for n values; out may alias z. */
  sigmoid(z: F, out: F, n: number): void;
  /** out = act(x) over n values (out may alias x); kind an ACT_* of formats.ts. */
  activation(kind: number, x: F, out: F, n: number): void;
  /** out = g * act'(.) over n values, the derivative written with the activation's output a; out may alias g. */
  activation_grad(kind: number, a: F, g: F, out: F, n: number): void;
  /** Row-wise softmax of m rows of K logits (row strides ldz, ldp). */
  softmax_rows(Z: F, ldz: number, m: number, K: number, P: F, ldp: number): void;
  // ingest
  /**
   * Spreads rows start..start+n, written back to back from row start's place, to rows of stride
   * values (padding zeroed), in place; returns the index (r * stride + j, from row start) of the
   * first NaN or Infinity among them, or -1.
   */
  settle_rows(X: F, start: number, n: number, d: number, stride: number): number;
  // blocks
  /**
   * Blocks b0..b0+c of a 4-row-blocked X (lane l of block b: data row l * nb + b) from Q, c rows of
   * d values of each quarter of the data back to back; lanes past n zeroed. 1 if all are finite, else 0.
   */
  fill_blocks(Q: F, c: number, d: number, n: number, nb: number, b0: number, dst: F): number;
  // linalg
  /** out[i] = X_i . w + w[stride] over n padded rows. */
  gemv_bias(X: F, n: number, d: number, stride: number, w: F, out: F): void;
  /** C[i][o] = A_i . W_o + bias[o] for m rows (through idx) and nOut outputs; W nOut x k; nOut, k multiples of 4. */
  gemm_nt(A: F, lda: number, idx: U | N, start: number, m: number, W: F, nOut: number, k: number, bias: F | N, C: F, ldc: number): void;
  /** dW[o] += sum_i D[i][o] A_i over m rows (A through idx); dW nOut x k; nOut, k multiples of 4. */
  gemm_tn_acc(D: F, ldd: number, m: number, nOut: number, A: F, lda: number, idx: U | N, start: number, k: number, dW: F): void;
  /** Out[i] = sum_o D[i][o] W[o] for m rows; W nOut x k; k a multiple of 4. */
  gemm_nn(D: F, ldd: number, m: number, nOut: number, W: F, k: number, Out: F, ldo: number): void;
  // logistic
  /**
   * Binary logistic regression's full-batch summed loss, returned, and its gradient into grad
   * (f64[stride + 1], intercept last); w is [stride + 4], intercept at w[stride]. scratch: the f32
   * kernel's vector scratch (16-byte aligned, 32 * stride + 16 bytes); the f64 kernel ignores it.
   */
  loss_grad_logistic(X: F, y: F, sw: F | N, n: number, d: number, stride: number, w: F, grad: G, scratch: F | N): number;
  /** One epoch of mini-batch SGD (shuffle, then per batch gradient, update, L1 shrink); returns the summed loss. */
  epoch_sgd_logistic(
    X: F, y: F, sw: F | N, idx: U, n: number, d: number, stride: number, w: F, grad: G, scratch: F | N, rng: U,
    batch: number, lr: number, l2: number, l1: number, fitIntercept: number, shuffle: number,
  ): number;
  /**
   * loss_grad_logistic over 4-row blocks (narrow data): X is ceil(n / 4) blocks of d column vectors
   * of 4 lanes, lane l of block b data row l * ceil(n / 4) + b; y and sw one value per lane;
   * lanes past the data are padding (src/engine/blocks.ts). scratch as above.
   */
  loss_grad_logistic_blocks(X: F, y: F, sw: F | N, n: number, d: number, stride: number, w: F, grad: G, scratch: F | N): number;
  /**
   * One SGD epoch over 4-row blocks: shuffle the block order (u32[ceil(n / 4)]) when asked, then
   * positions start..start+count of it (4 a block) in batches of `batch` positions, each batch's
   * mean over its data rows; returns the summed loss. count 0 only shuffles.
   */
  epoch_sgd_logistic_blocks(
    X: F, y: F, sw: F | N, order: U, n: number, d: number, stride: number, w: F, grad: G, scratch: F | N, rng: U,
    start: number, count: number, batch: number, lr: number, l2: number, l1: number, fitIntercept: number, shuffle: number,
  ): number;
  // loss
  /** Summed binary cross-entropy of n logits against 0/1 labels. */
  bce_logits(z: F, y: F, n: number): number;
  /** Softmax cross-entropy of m rows against u32 class labels (of data rows, through idx): gradient into D, loss returned. */
  softmax_ce_rows(Z: F, ldz: number, m: number, K: number, labels: U, idx: U | N, start: number, sw: F | N, D: F, ldd: number): number;
  /** Binary cross-entropy of K sigmoid outputs per row against 0/1 targets Y (ldy per data row): gradient into D, loss returned. */
  sigmoid_bce_rows(Z: F, ldz: number, m: number, K: number, Y: F, ldy: number, idx: U | N, start: number, sw: F | N, D: F, ldd: number): number;
  // net (the descriptor's words: formats.ts)
  /** The full-batch summed loss of n rows, returned, and its gradient, written to grads. */
  net_loss_grad(desc: U, params: F, grads: F, scratch: F, X: F, Y: F | U, sw: F | N, n: number): number;
  /** One epoch: shuffle, then per batch gradient, penalties, optimizer step, L1 shrink; returns the summed loss. */
  epoch_net(
    desc: U, params: F, grads: F, scratch: F, opt: F, state: F, X: F, Y: F | U, sw: F | N, idx: U, n: number, rng: U,
    batch: number, shuffle: number, alpha: number, l2: number, l1: number, outScale: number,
  ): number;
  /** The gradient of the summed loss of count rows from position start of idx (N: rows in order), written to grads; returns the loss. count <= the descriptor's max batch. */
  net_batch_grad(desc: U, params: F, grads: F, scratch: F, X: F, Y: F | U, sw: F | N, idx: U | N, start: number, count: number): number;
  /** One update from a batch's summed gradient in grads: scale, penalties, optimizer step, L1 shrink (epoch_net's per-batch tail). */
  net_step(desc: U, params: F, grads: F, opt: F, state: F, rows: number, alpha: number, l2: number, l1: number, outScale: number): void;
  /** Output probabilities of rows start..start+count (count <= the descriptor's max batch) into out. */
  net_predict(desc: U, params: F, scratch: F, X: F, start: number, count: number, out: F, ldo: number): void;
  // optim
  /** One optimizer step over n parameters; opt is the header (formats.ts OPT_*), state 3 n values. */
  optimizer_step(opt: F, state: F, params: F, grads: F, n: number): void;
  // reduce
  /** Sum of n values: the roofline read of the benchmarks. */
  sum(x: F, n: number): number;
  /** out[j] = sum over blocks b, in block order, of slots[b * step + j], j < width: per-block partials reduced alike on any thread count. */
  sum_slots(slots: F, blocks: number, step: number, width: number, out: F): void;
}

export type KernelName = keyof KernelOps<unknown, unknown, unknown, unknown>;

/** Each function's parameter count, as a type. */
export type ParamCounts<O> = { readonly [K in keyof O]: O[K] extends (...args: infer A) => unknown ? A['length'] : never };

/** Every kernel's parameter count: both dtypes, both backends. Checked against KernelOps here, against the builds by test/engine-exports.test.ts. */
export const KERNEL_PARAMS = {
  sigmoid: 3,
  activation: 4,
  activation_grad: 5,
  softmax_rows: 6,
  settle_rows: 5,
  fill_blocks: 7,
  gemv_bias: 6,
  gemm_nt: 11,
  gemm_tn_acc: 10,
  gemm_nn: 8,
  loss_grad_logistic: 9,
  epoch_sgd_logistic: 17,
  loss_grad_logistic_blocks: 9,
  epoch_sgd_logistic_blocks: 19,
  bce_logits: 3,
  softmax_ce_rows: 10,
  sigmoid_bce_rows: 11,
  net_loss_grad: 8,
  epoch_net: 18,
  net_batch_grad: 10,
  net_step: 10,
  net_predict: 8,
  optimizer_step: 5,
  sum: 2,
  sum_slots: 5,
} as const satisfies ParamCounts<KernelOps<0, 0, 0, 0>>;

export const KERNEL_NAMES = Object.keys(KERNEL_PARAMS) as KernelName[];

/** The two dtypes' suffixes: kernel `op` is exported as `op_f32` and `op_f64`. */
export const SUFFIX = { float32: 'f32', float64: 'f64' } as const satisfies Record<Dtype, string>;

type Suffixed<O, S extends string> = { [K in keyof O & string as `${K}_${S}`]: O[K] };
/** A backend's whole kernel table: every kernel in both dtypes. */
export type KernelTable<F32, F64, U, N, G> = Suffixed<KernelOps<F32, U, N, G>, 'f32'> & Suffixed<KernelOps<F64, U, N, G>, 'f64'>;
/** The TypeScript twins' signatures over one dtype's arrays. */
export type ArrayOps<F extends FloatArray> = KernelOps<F, Uint32Array, null, Float64Array>;

/**
 * The primitives, typed by dtype: every float buffer of a call has the dtype of the first (a
 * mixed call does not compile, and is refused at run time where the types were widened). They
 * take whole buffers, rows in order; the matrices are row-major with rows padded to multiples of 4.
 */
export interface Kernels {
  /**
   * Rows start..start+n of X, written back to back from row start's place, settled into padded
   * rows of `stride` in place; the index (from row start, padded) of the first NaN or Infinity, or -1.
   */
  settleRows<T extends Dtype>(X: Buf<T>, start: number, n: number, d: number, stride: number): number;
  /** Blocks b0..b0+c of a 4-row-blocked X from c rows of each quarter of the data in Q; 1 if all are finite, else 0. */
  fillBlocks<T extends Dtype>(Q: Buf<T>, c: number, d: number, n: number, nb: number, b0: number, dst: Buf<NoInfer<T>>): number;
  /** out[i] = sigmoid(z[i]); out may be z. */
  sigmoid<T extends Dtype>(z: Buf<T>, out: Buf<NoInfer<T>>, n: number): void;
  /** Summed binary cross-entropy of logits z against 0/1 labels y. */
  bceLogits<T extends Dtype>(z: Buf<T>, y: Buf<NoInfer<T>>, n: number): number;
  /** out[i] = X[i] . w + w[stride] (the intercept). */
  gemvBias<T extends Dtype>(X: Buf<T>, n: number, d: number, stride: number, w: Buf<NoInfer<T>>, out: Buf<NoInfer<T>>): void;
  /** Sum of x[0..n): the roofline read of benchmarks. */
  sum<T extends Dtype>(x: Buf<T>, n: number): number;
  /** One optimizer step over n parameters. */
  optimizerStep<T extends Dtype>(optimizer: OptimizerBufs<T>, params: Buf<NoInfer<T>>, grads: Buf<NoInfer<T>>, n: number): void;
  /** C = A W^T + bias (bias may be null); nOut and k multiples of 4. */
  gemmNT<T extends Dtype>(
    A: Buf<T>, lda: number, m: number, W: Buf<NoInfer<T>>, nOut: number, k: number, bias: Buf<NoInfer<T>> | null, C: Buf<NoInfer<T>>, ldc: number,
  ): void;
  /** dW += D^T A; nOut and k multiples of 4. */
  gemmTNAcc<T extends Dtype>(D: Buf<T>, ldd: number, m: number, nOut: number, A: Buf<NoInfer<T>>, lda: number, k: number, dW: Buf<NoInfer<T>>): void;
  /** Out = D W; k a multiple of 4. */
  gemmNN<T extends Dtype>(D: Buf<T>, ldd: number, m: number, nOut: number, W: Buf<NoInfer<T>>, k: number, Out: Buf<NoInfer<T>>, ldo: number): void;
  activation<T extends Dtype>(kind: Activation, x: Buf<T>, out: Buf<NoInfer<T>>, n: number): void;
  activationGrad<T extends Dtype>(kind: Activation, a: Buf<T>, g: Buf<NoInfer<T>>, out: Buf<NoInfer<T>>, n: number): void;
  softmaxRows<T extends Dtype>(Z: Buf<T>, ldz: number, m: number, K: number, P: Buf<NoInfer<T>>, ldp: number): void;
  softmaxCeRows<T extends Dtype>(
    Z: Buf<T>, ldz: number, m: number, K: number, labels: U32Buf, sw: Buf<NoInfer<T>> | null, D: Buf<NoInfer<T>>, ldd: number,
  ): number;
  sigmoidBceRows<T extends Dtype>(
    Z: Buf<T>, ldz: number, m: number, K: number, Y: Buf<NoInfer<T>>, ldy: number, sw: Buf<NoInfer<T>> | null, D: Buf<NoInfer<T>>, ldd: number,
  ): number;
}
