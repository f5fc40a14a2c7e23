// Parameter updates over a flat parameter vector of T, PyTorch's formulas.
//
// `opt` is the header of T laid out by the OPT_* slots of src/engine/formats.ts (kind, steps taken,
// lr, beta1 or momentum, beta2, eps). `state` is T[3 n]: the first moment (or velocity), the
// second moment, and AMSGrad's running maximum of the second moment.
import {
  OPT_KIND, OPT_T, OPT_LR, OPT_BETA1, OPT_BETA2, OPT_EPS,
  OPTIM_SGD, OPTIM_MOMENTUM, OPTIM_NESTEROV, OPTIM_AMSGRAD,
} from '../../src/engine/formats';
import { elem } from '../inline/simd';

/** One step over n parameters: params -= the update for grads; t advances. */
export function optimizer_step<T>(opt: usize, state: usize, params: usize, grads: usize, n: i32): void {
  const kind = <i32>load<T>(elem<T>(opt, OPT_KIND));
  const t = load<T>(elem<T>(opt, OPT_T)) + 1;
  store<T>(elem<T>(opt, OPT_T), t);
  const lr = load<T>(elem<T>(opt, OPT_LR)), beta1 = load<T>(elem<T>(opt, OPT_BETA1));
  const beta2 = load<T>(elem<T>(opt, OPT_BETA2)), eps = load<T>(elem<T>(opt, OPT_EPS));
  const bytes = <usize>n << alignof<T>();
  const m = state, v = state + bytes, vmax = state + 2 * bytes;
  if (kind == OPTIM_SGD) {
    for (let o: usize = 0; o < bytes; o += sizeof<T>()) store<T>(params + o, load<T>(params + o) - lr * load<T>(grads + o));
    return;
  }
  if (kind == OPTIM_MOMENTUM || kind == OPTIM_NESTEROV) {
    // v = mu v + g;  p -= lr v  (nesterov: p -= lr (g + mu v))
    for (let o: usize = 0; o < bytes; o += sizeof<T>()) {
      const g = load<T>(grads + o);
      const vel = beta1 * load<T>(m + o) + g;
      store<T>(m + o, vel);
      store<T>(params + o, load<T>(params + o) - lr * (kind == OPTIM_NESTEROV ? g + beta1 * vel : vel));
    }
    return;
  }
  // Adam: p -= lr / (1 - b1^t) * m / (sqrt(v') / sqrt(1 - b2^t) + eps), v' = v or AMSGrad's max.
  const stepSize = <T>(<f64>lr / (1 - Math.pow(<f64>beta1, <f64>t)));
  const invSqrtBc2 = <T>(1 / Math.sqrt(1 - Math.pow(<f64>beta2, <f64>t)));
  const amsgrad = kind == OPTIM_AMSGRAD;
  let o: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const b1 = v128.splat<T>(beta1), b2 = v128.splat<T>(beta2), c1 = v128.splat<T>(1 - beta1), c2 = v128.splat<T>(1 - beta2);
    const vEps = v128.splat<T>(eps), vStep = v128.splat<T>(stepSize), vBc = v128.splat<T>(invSqrtBc2);
    for (; o + 16 <= bytes; o += 16) {
      const g = v128.load(grads + o);
      const mo = v128.add<T>(v128.mul<T>(b1, v128.load(m + o)), v128.mul<T>(c1, g));
      const vo = v128.add<T>(v128.mul<T>(b2, v128.load(v + o)), v128.mul<T>(c2, v128.mul<T>(g, g)));
      v128.store(m + o, mo);
      v128.store(v + o, vo);
      let vUse = vo;
      if (amsgrad) {
        vUse = v128.max<T>(v128.load(vmax + o), vo);
        v128.store(vmax + o, vUse);
      }
      const denom = v128.add<T>(v128.mul<T>(v128.sqrt<T>(vUse), vBc), vEps);
      v128.store(params + o, v128.sub<T>(v128.load(params + o), v128.div<T>(v128.mul<T>(vStep, mo), denom)));
    }
  }
  for (; o < bytes; o += sizeof<T>()) {
    const g = load<T>(grads + o);
    const mo = beta1 * load<T>(m + o) + (1 - beta1) * g;
    const vo = beta2 * load<T>(v + o) + (1 - beta2) * g * g;
    store<T>(m + o, mo);
    store<T>(v + o, vo);
    let vUse = vo;
    if (amsgrad) {
      vUse = max<T>(load<T>(vmax + o), vo);
      store<T>(vmax + o, vUse);
    }
    store<T>(params + o, load<T>(params + o) - stepSize * mo / (sqrt<T>(vUse) * invSqrtBc2 + eps));
  }
}

export function optimizer_step_f32(opt: usize, state: usize, params: usize, grads: usize, n: i32): void {
  optimizer_step<f32>(opt, state, params, grads, n);
}
export function optimizer_step_f64(opt: usize, state: usize, params: usize, grads: usize, n: i32): void {
  optimizer_step<f64>(opt, state, params, grads, n);
}
