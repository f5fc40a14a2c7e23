// The twin of assembly/kernels/optim.ts: opt = [kind, t, lr, beta1 or momentum, beta2, eps],
// state = [first moment or velocity | second moment | AMSGrad's max], n values each.
import type { FloatArray } from '../engine.js';

export const SGD = 0, MOMENTUM = 1, NESTEROV = 2, ADAM = 3, AMSGRAD = 4;

export function optimizerStep(opt: FloatArray, state: FloatArray, params: FloatArray, pOff: number, grads: FloatArray, gOff: number, n: number): void {
  const kind = opt[0];
  const t = (opt[1] += 1);
  const lr = opt[2], beta1 = opt[3], beta2 = opt[4], eps = opt[5];
  if (kind === SGD) {
    for (let i = 0; i < n; i++) params[pOff + i] -= lr * grads[gOff + i];
    return;
  }
  if (kind === MOMENTUM || kind === NESTEROV) {
    for (let i = 0; i < n; i++) {
      const g = grads[gOff + i];
      const v = (state[i] = beta1 * state[i] + g);
      params[pOff + i] -= lr * (kind === NESTEROV ? g + beta1 * v : v);
    }
    return;
  }
  const stepSize = lr / (1 - Math.pow(beta1, t));
  const invSqrtBc2 = 1 / Math.sqrt(1 - Math.pow(beta2, t));
  for (let i = 0; i < n; i++) {
    const g = grads[gOff + i];
    const m = (state[i] = beta1 * state[i] + (1 - beta1) * g);
    const v = (state[n + i] = beta2 * state[n + i] + (1 - beta2) * g * g);
    const vUse = kind === AMSGRAD ? (state[2 * n + i] = Math.max(state[2 * n + i], v)) : v;
    params[pOff + i] -= (stepSize * m) / (Math.sqrt(vUse) * invSqrtBc2 + eps);
  }
}
