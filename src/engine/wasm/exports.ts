/** The exports of build/{scalar,simd,relaxed}.wasm (assembly/index.ts): pointers and counts only. */
export interface WasmExports {
  memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  free(ptr: number): void;
  pad_rows_f32(X: number, n: number, d: number, stride: number): void;
  find_nonfinite_f32(x: number, n: number): number;
  sigmoid_f32(z: number, out: number, n: number): void;
  bce_logits_f32(z: number, y: number, n: number): number;
  gemv_bias_f32(X: number, n: number, d: number, stride: number, w: number, out: number): void;
  loss_grad_logistic_f32(X: number, y: number, sw: number, n: number, d: number, stride: number, w: number, grad: number, scratch: number): number;
  epoch_sgd_logistic_f32(
    X: number, y: number, sw: number, idx: number, n: number, d: number, stride: number,
    w: number, grad: number, scratch: number, rng: number,
    batch: number, lr: number, l2: number, l1: number, fitIntercept: number, shuffle: number,
  ): number;
  sum_f32(x: number, n: number): number;
  optimizer_step_f32(opt: number, state: number, params: number, grads: number, n: number): void;
  gemm_nt_f32(A: number, lda: number, idx: number, start: number, m: number, W: number, nOut: number, k: number, bias: number, C: number, ldc: number): void;
  gemm_tn_acc_f32(D: number, ldd: number, m: number, nOut: number, A: number, lda: number, idx: number, start: number, k: number, dW: number): void;
  gemm_nn_f32(D: number, ldd: number, m: number, nOut: number, W: number, k: number, Out: number, ldo: number): void;
  activation_f32(kind: number, x: number, out: number, n: number): void;
  activation_grad_f32(kind: number, a: number, g: number, out: number, n: number): void;
  softmax_rows_f32(Z: number, ldz: number, m: number, K: number, P: number, ldp: number): void;
  softmax_ce_rows_f32(Z: number, ldz: number, m: number, K: number, labels: number, idx: number, start: number, sw: number, D: number, ldd: number): number;
  sigmoid_bce_rows_f32(Z: number, ldz: number, m: number, K: number, Y: number, ldy: number, idx: number, start: number, sw: number, D: number, ldd: number): number;
  net_batch_grad_f32(desc: number, params: number, grads: number, scratch: number, X: number, Y: number, sw: number, idx: number, start: number, count: number): number;
  net_loss_grad_f32(desc: number, params: number, grads: number, scratch: number, X: number, Y: number, sw: number, n: number): number;
  epoch_net_f32(
    desc: number, params: number, grads: number, scratch: number, opt: number, state: number,
    X: number, Y: number, sw: number, idx: number, n: number, rng: number,
    batch: number, shuffle: number, alpha: number, l2: number, l1: number, outScale: number,
  ): number;
  net_predict_f32(desc: number, params: number, scratch: number, X: number, start: number, count: number, out: number, ldo: number): void;
}

export type WasmBuild = 'relaxed' | 'simd' | 'scalar';
