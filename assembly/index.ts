export { alloc, free } from './memory';
export { sigmoid_f32, sigmoid_f64 } from './kernels/activation';
export { bce_logits_f32, bce_logits_f64, loss_grad_logistic_f32, loss_grad_logistic_f64 } from './kernels/loss';
export { gemv_bias_f32, gemv_bias_f64 } from './kernels/linalg';
export { sum_f32, sum_f64 } from './kernels/reduce';
export { pad_rows_f32, pad_rows_f64, find_nonfinite_f32, find_nonfinite_f64 } from './kernels/layout';
export { epoch_sgd_logistic_f32, epoch_sgd_logistic_f64 } from './kernels/train';
export { activation_f32, activation_f64, activation_grad_f32, activation_grad_f64, softmax_rows_f32, softmax_rows_f64 } from './kernels/activation';
export { softmax_ce_rows_f32, softmax_ce_rows_f64, sigmoid_bce_rows_f32, sigmoid_bce_rows_f64 } from './kernels/loss';
export { gemm_nt_f32, gemm_nt_f64, gemm_tn_acc_f32, gemm_tn_acc_f64, gemm_nn_f32, gemm_nn_f64 } from './kernels/linalg';
export { optimizer_step_f32, optimizer_step_f64 } from './kernels/optim';
export {
  net_batch_grad_f32, net_batch_grad_f64, net_loss_grad_f32, net_loss_grad_f64,
  epoch_net_f32, epoch_net_f64, net_predict_f32, net_predict_f64,
} from './kernels/net';
