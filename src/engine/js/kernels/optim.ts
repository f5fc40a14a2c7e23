// Twin of assembly/kernels/optim.ts: opt is the header (formats.ts OPT_*), state is [first moment
// or velocity | second moment | AMSGrad's max], n values each.
import { OPT_BETA1, OPT_BETA2, OPT_EPS, OPT_KIND, OPT_LR, OPT_T, OPTIM_AMSGRAD, OPTIM_MOMENTUM, OPTIM_NESTEROV, OPTIM_SGD } from '../../formats.js';
import type { ArrayOps } from '../../kernels.js';
import type { FloatArray } from '../../memory.js';

export function optimizer_step(opt: FloatArray, state: FloatArray, params: FloatArray, grads: FloatArray, n: number): void {
  const kind = opt[OPT_KIND];
  const t = (opt[OPT_T] += 1);
  const lr = opt[OPT_LR], beta1 = opt[OPT_BETA1], beta2 = opt[OPT_BETA2], eps = opt[OPT_EPS];
  if (kind === OPTIM_SGD) {
    for (let i = 0; i < n; i++) params[i] -= lr * grads[i];
    return;
  }
  if (kind === OPTIM_MOMENTUM || kind === OPTIM_NESTEROV) {
    const nesterov = kind === OPTIM_NESTEROV;
    for (let i = 0; i < n; i++) {
      const g = grads[i];
      const v = (state[i] = beta1 * state[i] + g);
      params[i] -= lr * (nesterov ? g + beta1 * v : v);
    }
    return;
  }
  const stepSize = lr / (1 - Math.pow(beta1, t));
  const invSqrtBc2 = 1 / Math.sqrt(1 - Math.pow(beta2, t));
  const amsgrad = kind === OPTIM_AMSGRAD;
  for (let i = 0; i < n; i++) {
    const g = grads[i];
    const m = (state[i] = beta1 * state[i] + (1 - beta1) * g);
    const v = (state[n + i] = beta2 * state[n + i] + (1 - beta2) * g * g);
    const vUse = amsgrad ? (state[2 * n + i] = Math.max(state[2 * n + i], v)) : v;
    params[i] -= (stepSize * m) / (Math.sqrt(vUse) * invSqrtBc2 + eps);
  }
}
export const optimizer_step_f32: ArrayOps<Float32Array>['optimizer_step'] = optimizer_step;
export const optimizer_step_f64: ArrayOps<Float64Array>['optimizer_step'] = optimizer_step;
