/**
 * The exports of build/{scalar,simd,relaxed}.wasm (assembly/index.ts): pointers and counts only.
 * Most kernels come as an `_f32` and an `_f64` twin with one signature.
 */
type PadRows = (X: number, n: number, d: number, stride: number) => void;
type FindNonFinite = (x: number, n: number) => number;
type Sigmoid = (z: number, out: number, n: number) => void;
type BceLogits = (z: number, y: number, n: number) => number;
type GemvBias = (X: number, n: number, d: number, stride: number, w: number, out: number) => void;
type Sum = (x: number, n: number) => number;
type OptimizerStep = (opt: number, state: number, params: number, grads: number, n: number) => void;
type GemmNT = (A: number, lda: number, idx: number, start: number, m: number, W: number, nOut: number, k: number, bias: number, C: number, ldc: number) => void;
type GemmTNAcc = (D: number, ldd: number, m: number, nOut: number, A: number, lda: number, idx: number, start: number, k: number, dW: number) => void;
type GemmNN = (D: number, ldd: number, m: number, nOut: number, W: number, k: number, Out: number, ldo: number) => void;
type Activation = (kind: number, x: number, out: number, n: number) => void;
type ActivationGrad = (kind: number, a: number, g: number, out: number, n: number) => void;
type SoftmaxRows = (Z: number, ldz: number, m: number, K: number, P: number, ldp: number) => void;
type SoftmaxCeRows = (Z: number, ldz: number, m: number, K: number, labels: number, idx: number, start: number, sw: number, D: number, ldd: number) => number;
type SigmoidBceRows = (Z: number, ldz: number, m: number, K: number, Y: number, ldy: number, idx: number, start: number, sw: number, D: number, ldd: number) => number;
type NetBatchGrad = (desc: number, params: number, grads: number, scratch: number, X: number, Y: number, sw: number, idx: number, start: number, count: number) => number;
type NetLossGrad = (desc: number, params: number, grads: number, scratch: number, X: number, Y: number, sw: number, n: number) => number;
type EpochNet = (
  desc: number, params: number, grads: number, scratch: number, opt: number, state: number,
  X: number, Y: number, sw: number, idx: number, n: number, rng: number,
  batch: number, shuffle: number, alpha: number, l2: number, l1: number, outScale: number,
) => number;
type NetPredict = (desc: number, params: number, scratch: number, X: number, start: number, count: number, out: number, ldo: number) => void;

export interface WasmExports {
  memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  free(ptr: number): void;
  pad_rows_f32: PadRows;
  pad_rows_f64: PadRows;
  find_nonfinite_f32: FindNonFinite;
  find_nonfinite_f64: FindNonFinite;
  sigmoid_f32: Sigmoid;
  sigmoid_f64: Sigmoid;
  bce_logits_f32: BceLogits;
  bce_logits_f64: BceLogits;
  gemv_bias_f32: GemvBias;
  gemv_bias_f64: GemvBias;
  /** The f32 kernel takes a 16-byte aligned scratch of 32 * stride + 16 bytes; the f64 one none. */
  loss_grad_logistic_f32(X: number, y: number, sw: number, n: number, d: number, stride: number, w: number, grad: number, scratch: number): number;
  loss_grad_logistic_f64(X: number, y: number, sw: number, n: number, d: number, stride: number, w: number, grad: number): number;
  epoch_sgd_logistic_f32(
    X: number, y: number, sw: number, idx: number, n: number, d: number, stride: number,
    w: number, grad: number, scratch: number, rng: number,
    batch: number, lr: number, l2: number, l1: number, fitIntercept: number, shuffle: number,
  ): number;
  epoch_sgd_logistic_f64(
    X: number, y: number, sw: number, idx: number, n: number, d: number, stride: number,
    w: number, grad: number, rng: number,
    batch: number, lr: number, l2: number, l1: number, fitIntercept: number, shuffle: number,
  ): number;
  sum_f32: Sum;
  sum_f64: Sum;
  optimizer_step_f32: OptimizerStep;
  optimizer_step_f64: OptimizerStep;
  gemm_nt_f32: GemmNT;
  gemm_nt_f64: GemmNT;
  gemm_tn_acc_f32: GemmTNAcc;
  gemm_tn_acc_f64: GemmTNAcc;
  gemm_nn_f32: GemmNN;
  gemm_nn_f64: GemmNN;
  activation_f32: Activation;
  activation_f64: Activation;
  activation_grad_f32: ActivationGrad;
  activation_grad_f64: ActivationGrad;
  softmax_rows_f32: SoftmaxRows;
  softmax_rows_f64: SoftmaxRows;
  softmax_ce_rows_f32: SoftmaxCeRows;
  softmax_ce_rows_f64: SoftmaxCeRows;
  sigmoid_bce_rows_f32: SigmoidBceRows;
  sigmoid_bce_rows_f64: SigmoidBceRows;
  net_batch_grad_f32: NetBatchGrad;
  net_batch_grad_f64: NetBatchGrad;
  net_loss_grad_f32: NetLossGrad;
  net_loss_grad_f64: NetLossGrad;
  epoch_net_f32: EpochNet;
  epoch_net_f64: EpochNet;
  net_predict_f32: NetPredict;
  net_predict_f64: NetPredict;
}

export type WasmBuild = 'relaxed' | 'simd' | 'scalar';
