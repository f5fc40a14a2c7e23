export { alloc, free } from './memory';
export { sigmoid_f32 } from './kernels/activation';
export { bce_logits_f32, loss_grad_logistic_f32 } from './kernels/loss';
export { gemv_bias_f32 } from './kernels/linalg';
export { sum_f32 } from './kernels/reduce';
export { pad_rows_f32, find_nonfinite_f32 } from './kernels/layout';
export { epoch_sgd_logistic_f32 } from './kernels/train';
