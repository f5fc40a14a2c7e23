// The module's exports: memory, then every kernel family (kernels/<family>.ts, twinned by
// src/engine/js/kernels/<family>.ts), each kernel as `<op>_f32` and `<op>_f64` with one parameter
// list. src/engine/wasm/exports.ts lists them with their parameter counts.
export { alloc, free } from './memory';
export { sigmoid_f32, sigmoid_f64, activation_f32, activation_f64, activation_grad_f32, activation_grad_f64, softmax_rows_f32, softmax_rows_f64 } from './kernels/activation';
export { settle_rows_f32, settle_rows_f64 } from './kernels/ingest';
export { fill_blocks_f32, fill_blocks_f64 } from './kernels/blocks';
export { gemv_bias_f32, gemv_bias_f64, gemm_nt_f32, gemm_nt_f64, gemm_tn_acc_f32, gemm_tn_acc_f64, gemm_nn_f32, gemm_nn_f64 } from './kernels/linalg';
export {
  loss_grad_logistic_f32, loss_grad_logistic_f64, epoch_sgd_logistic_f32, epoch_sgd_logistic_f64,
  loss_grad_logistic_blocks_f32, loss_grad_logistic_blocks_f64, epoch_sgd_logistic_blocks_f32, epoch_sgd_logistic_blocks_f64,
} from './kernels/logistic';
export { bce_logits_f32, bce_logits_f64, softmax_ce_rows_f32, softmax_ce_rows_f64, sigmoid_bce_rows_f32, sigmoid_bce_rows_f64 } from './kernels/loss';
export {
  net_loss_grad_f32, net_loss_grad_f64, epoch_net_f32, epoch_net_f64, net_predict_f32, net_predict_f64,
  net_batch_grad_f32, net_batch_grad_f64, net_step_f32, net_step_f64,
} from './kernels/net';
export { optimizer_step_f32, optimizer_step_f64 } from './kernels/optim';
export { sum_f32, sum_f64, sum_slots_f32, sum_slots_f64 } from './kernels/reduce';
