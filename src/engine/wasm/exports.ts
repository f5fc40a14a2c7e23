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
    batch: number, lr: number, l2: number, fitIntercept: number, shuffle: number,
  ): number;
  sum_f32(x: number, n: number): number;
}

export type WasmBuild = 'relaxed' | 'simd' | 'scalar';
