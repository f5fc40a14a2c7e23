// Optimizer objects for the layer API. The update itself is the engine's optimizerStep (PyTorch's
// formulas); each parameter gets its own state (moments, velocity, step count) the first time it
// is stepped, kept in the parameter's engine.
import type { Engine } from '../engine/engine.js';
import { createOptimizer, type OptimizerBufs, type OptimizerConfig } from '../engine/net.js';
import { fail } from '../core/errors.js';
import { bool, nonNegative, positive } from '../core/check.js';
import { storeOf, type Parameter } from './parameter.js';

export abstract class Optimizer {
  readonly #config: OptimizerConfig;
  readonly #state = new Map<Parameter, { engine: Engine; bufs: OptimizerBufs }>();
  #disposed = false;

  protected constructor(config: OptimizerConfig) {
    this.#config = config;
  }

  /** Updates each parameter from its grad. Call once per batch, after backward. */
  step(parameters: Iterable<Parameter>): void {
    if (this.#disposed) fail('DISPOSED', `this ${this.constructor.name} was disposed`);
    for (const p of parameters) {
      const s = storeOf(p);
      let state = this.#state.get(p);
      if (!state) {
        state = { engine: s.engine, bufs: createOptimizer(s.engine, s.length, this.#config) };
        this.#state.set(p, state);
      }
      s.engine.optimizerStep(state.bufs, s.value, s.grad, s.length);
    }
  }

  /** Frees the per-parameter state; any later step throws DISPOSED. */
  dispose(): void {
    this.#disposed = true;
    for (const { engine, bufs } of this.#state.values()) {
      engine.free(bufs.header);
      engine.free(bufs.state);
    }
    this.#state.clear();
  }
}

export interface SGDOptions {
  /** Default 0.01. */
  lr?: number;
}

/** p -= lr g. */
export class SGD extends Optimizer {
  constructor({ lr = 0.01 }: SGDOptions = {}) {
    super({ kind: 'sgd', lr: positive('lr', lr), beta1: 0, beta2: 0, eps: 0 });
  }
}

export interface MomentumOptions {
  /** Default 0.01. */
  lr?: number;
  /** Default 0.9. */
  momentum?: number;
  /** Nesterov's variant: p -= lr (g + momentum v). Default false. */
  nesterov?: boolean;
}

/** PyTorch's SGD with momentum: v = momentum v + g; p -= lr v. */
export class Momentum extends Optimizer {
  constructor({ lr = 0.01, momentum = 0.9, nesterov = false }: MomentumOptions = {}) {
    super({ kind: bool('nesterov', nesterov) ? 'nesterov' : 'momentum', lr: positive('lr', lr), beta1: unitInterval('momentum', momentum), beta2: 0, eps: 0 });
  }
}

export interface AdamOptions {
  /** Default 0.001. */
  lr?: number;
  /** Decay of the first moment; default 0.9. */
  beta1?: number;
  /** Decay of the second moment; default 0.999. */
  beta2?: number;
  /** Default 1e-8. */
  eps?: number;
  /** Divide by the running maximum of the second moment (Reddi et al.). Default false. */
  amsgrad?: boolean;
}

/** PyTorch's Adam: bias-corrected moments, p -= lr m^ / (sqrt(v^) + eps). */
export class Adam extends Optimizer {
  constructor({ lr = 0.001, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, amsgrad = false }: AdamOptions = {}) {
    super({
      kind: bool('amsgrad', amsgrad) ? 'amsgrad' : 'adam',
      lr: positive('lr', lr),
      beta1: unitInterval('beta1', beta1),
      beta2: unitInterval('beta2', beta2),
      eps: nonNegative('eps', eps),
    });
  }
}

/** In [0, 1): a decay rate of 1 would never forget (and breaks Adam's bias correction). */
function unitInterval(name: string, v: number): number {
  if (!(v >= 0 && v < 1)) fail('BAD_OPTION', `${name} must be in [0, 1); got ${String(v)}`);
  return v;
}
