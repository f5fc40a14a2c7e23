// Parameter updates over a flat f32 parameter vector, PyTorch's formulas.
//
// `opt` is a small f32 header: [kind, t (steps taken), lr, beta1 or momentum, beta2, eps];
// kind 0 sgd, 1 momentum, 2 nesterov, 3 adam, 4 amsgrad. `state` is f32[3 n]: the first moment
// (or velocity), the second moment, and AMSGrad's running maximum of the second moment.

export const SGD = 0, MOMENTUM = 1, NESTEROV = 2, ADAM = 3, AMSGRAD = 4;

/** One step over n parameters (n a multiple of 4): params -= the update for grads; t advances. */
export function optimizer_step_f32(opt: usize, state: usize, params: usize, grads: usize, n: i32): void {
  const kind = <i32>load<f32>(opt);
  const t = load<f32>(opt, 4) + 1;
  store<f32>(opt, t, 4);
  const lr = load<f32>(opt, 8), beta1 = load<f32>(opt, 12), beta2 = load<f32>(opt, 16), eps = load<f32>(opt, 20);
  const bytes = <usize>n << 2;
  const m = state, v = state + bytes, vmax = state + 2 * bytes;
  if (kind == SGD) {
    for (let o: usize = 0; o < bytes; o += 4) store<f32>(params + o, load<f32>(params + o) - lr * load<f32>(grads + o));
    return;
  }
  if (kind == MOMENTUM || kind == NESTEROV) {
    // v = mu v + g;  p -= lr v  (nesterov: p -= lr (g + mu v))
    for (let o: usize = 0; o < bytes; o += 4) {
      const g = load<f32>(grads + o);
      const vel = beta1 * load<f32>(m + o) + g;
      store<f32>(m + o, vel);
      store<f32>(params + o, load<f32>(params + o) - lr * (kind == NESTEROV ? g + beta1 * vel : vel));
    }
    return;
  }
  // Adam: p -= lr / (1 - b1^t) * m / (sqrt(v') / sqrt(1 - b2^t) + eps), v' = v or AMSGrad's max.
  const stepSize = <f32>(<f64>lr / (1 - Math.pow(<f64>beta1, <f64>t)));
  const invSqrtBc2 = <f32>(1 / Math.sqrt(1 - Math.pow(<f64>beta2, <f64>t)));
  const amsgrad = kind == AMSGRAD;
  let o: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const b1 = f32x4.splat(beta1), b2 = f32x4.splat(beta2), c1 = f32x4.splat(1 - beta1), c2 = f32x4.splat(1 - beta2);
    const vEps = f32x4.splat(eps), vStep = f32x4.splat(stepSize), vBc = f32x4.splat(invSqrtBc2);
    for (; o + 16 <= bytes; o += 16) {
      const g = v128.load(grads + o);
      const mo = f32x4.add(f32x4.mul(b1, v128.load(m + o)), f32x4.mul(c1, g));
      const vo = f32x4.add(f32x4.mul(b2, v128.load(v + o)), f32x4.mul(c2, f32x4.mul(g, g)));
      v128.store(m + o, mo);
      v128.store(v + o, vo);
      let vUse = vo;
      if (amsgrad) {
        vUse = f32x4.max(v128.load(vmax + o), vo);
        v128.store(vmax + o, vUse);
      }
      const denom = f32x4.add(f32x4.mul(f32x4.sqrt(vUse), vBc), vEps);
      v128.store(params + o, f32x4.sub(v128.load(params + o), f32x4.div(f32x4.mul(vStep, mo), denom)));
    }
  }
  for (; o < bytes; o += 4) {
    const g = load<f32>(grads + o);
    const mo = beta1 * load<f32>(m + o) + (1 - beta1) * g;
    const vo = beta2 * load<f32>(v + o) + (1 - beta2) * g * g;
    store<f32>(m + o, mo);
    store<f32>(v + o, vo);
    let vUse = vo;
    if (amsgrad) {
      vUse = max(load<f32>(vmax + o), vo);
      store<f32>(vmax + o, vUse);
    }
    store<f32>(params + o, load<f32>(params + o) - stepSize * mo / (Mathf.sqrt(vUse) * invSqrtBc2 + eps));
  }
}
