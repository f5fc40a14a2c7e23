// Optimizer objects for the layer API. The update itself is the engine's optimizerStep (PyTorch's
// formulas). Each parameter gets its own state (moments, velocity, step count) the first time it
// is stepped, in the parameter's engine and dtype, kept with the parameter: it is freed when the
// parameter's layer is disposed or collected, or when the optimizer is. The optimizer holds its
// parameters only weakly, so a long-lived one never keeps a discarded layer's memory.
import { createOptimizer, type OptimizerBufs, type OptimizerConfig } from '../engine/net.js';
import { fail } from '../core/errors.js';
import { track, untrack, type Releasable } from './lifetime.js';
import { booleanOption, layerOptions, positiveNumber, shown } from './args.js';
import { Parameter, storeOf, type ParameterStore } from './parameter.js';

/**
 * The parameters an optimizer has state in, held weakly: the registry's held value, so it never
 * references the optimizer. `token` keys the state in each parameter's store.
 */
class OptimizerStates implements Releasable {
  readonly token = {};
  #refs = new Set<WeakRef<ParameterStore>>();
  /** The set's size after the last sweep of dead references. */
  #swept = 0;

  add(store: ParameterStore): void {
    this.#refs.add(new WeakRef(store));
    // Sweep parameters freed or collected since, so stepping throwaway layers keeps this small.
    if (this.#refs.size > 2 * this.#swept + 16) {
      for (const ref of this.#refs) {
        const s = ref.deref();
        if (s === undefined || s.disposed || !s.states.has(this.token)) this.#refs.delete(ref);
      }
      this.#swept = this.#refs.size;
    }
  }

  /** How many parameters it still has state in. */
  get size(): number {
    let n = 0;
    for (const ref of this.#refs) {
      const s = ref.deref();
      if (s !== undefined && !s.disposed && s.states.has(this.token)) n++;
    }
    return n;
  }

  free(): void {
    const refs = this.#refs;
    this.#refs = new Set();
    for (const ref of refs) {
      const s = ref.deref();
      const bufs = s === undefined || s.disposed ? undefined : s.states.get(this.token);
      if (!s || !bufs) continue;
      s.states.delete(this.token);
      s.engine.free(bufs.header);
      s.engine.free(bufs.state);
    }
  }
}

/**
 * The base of SGD, Momentum and Adam: updates parameters from their gradients, keeping per-parameter state in the engine.
 */
export abstract class Optimizer {
  readonly #config: OptimizerConfig;
  readonly #states = new OptimizerStates();
  #disposed = false;

  protected constructor(config: OptimizerConfig) {
    this.#config = config;
    track(this, this.#states);
  }

  /**
   * Updates each parameter from its grad. Call once per batch, after backward. The parameters are
   * all checked (and a parameter given twice counted once) before any is updated.
   */
  step(parameters: Iterable<Parameter>): void {
    this.#checkAlive();
    const stores = this.#collect(parameters);
    const token = this.#states.token;
    const steps: [ParameterStore, OptimizerBufs][] = stores.map((s) => {
      let bufs = s.states.get(token);
      if (!bufs) {
        bufs = createOptimizer(s.engine, s.length, this.#config, s.dtype);
        s.states.set(token, bufs);
        this.#states.add(s);
      }
      return [s, bufs];
    });
    for (const [s, bufs] of steps) s.engine.optimizerStep(bufs, s.value, s.grad, s.length);
  }

  /** How many parameters this optimizer keeps state for (those of disposed or collected layers are gone). */
  get stateCount(): number {
    this.#checkAlive();
    return this.#states.size;
  }

  /** Frees the per-parameter state; any later step throws DISPOSED. Disposing twice is harmless. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    untrack(this);
    this.#states.free();
  }

  #checkAlive(): void {
    if (this.#disposed) fail('DISPOSED', `this ${this.constructor.name} was disposed`);
  }

  /** The iterable read to the end first (it is the caller's code), then each entry checked. */
  #collect(parameters: unknown): ParameterStore[] {
    const name = `${this.constructor.name}.step`;
    if (typeof parameters !== 'object' || parameters === null || typeof (parameters as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      fail('BAD_OPTION', `${name} takes the parameters to update (net.parameters()); got ${shown(parameters)}`);
    }
    const list = [...(parameters as Iterable<unknown>)];
    this.#checkAlive(); // the iterable may have disposed this optimizer
    const stores: ParameterStore[] = [];
    list.forEach((p, i) => {
      if (!(p instanceof Parameter)) fail('BAD_OPTION', `${name}: parameters[${i}] is ${shown(p)}, not a Parameter`);
      const s = storeOf(p); // DISPOSED for a parameter of a disposed layer
      if (!stores.includes(s)) stores.push(s);
    });
    return stores;
  }
}

/** SGD's options (PyTorch's torch.optim.SGD). */
export interface SGDOptions {
  /**
   * Learning rate.
   * @default 0.01
   */
  lr?: number;
}

/** p -= lr g. */
export class SGD extends Optimizer {
  constructor(options: SGDOptions = {}) {
    for (const key of ['momentum', 'nesterov']) {
      if (typeof options === 'object' && options !== null && Object.hasOwn(options, key)) {
        fail('BAD_OPTION', `unknown option '${key}' for SGD; for SGD with momentum use new Momentum({ lr, momentum, nesterov })`);
      }
    }
    const { lr = 0.01 } = layerOptions('SGD', options, ['lr']);
    super({ kind: 'sgd', lr: positiveNumber('lr', lr), beta1: 0, beta2: 0, eps: 0 });
  }
}

/** Momentum's options (PyTorch's SGD with momentum). */
export interface MomentumOptions {
  /**
   * Learning rate.
   * @default 0.01
   */
  lr?: number;
  /**
   * Momentum factor.
   * @default 0.9
   */
  momentum?: number;
  /**
   * Nesterov's variant: p -= lr (g + momentum v).
   * @default false
   */
  nesterov?: boolean;
}

/** PyTorch's SGD with momentum: v = momentum v + g; p -= lr v. */
export class Momentum extends Optimizer {
  constructor(options: MomentumOptions = {}) {
    const { lr = 0.01, momentum = 0.9, nesterov = false } = layerOptions('Momentum', options, ['lr', 'momentum', 'nesterov']);
    super({ kind: booleanOption('nesterov', nesterov) ? 'nesterov' : 'momentum', lr: positiveNumber('lr', lr), beta1: unitInterval('momentum', momentum), beta2: 0, eps: 0 });
  }
}

/** Adam's options (PyTorch's torch.optim.Adam). */
export interface AdamOptions {
  /**
   * Learning rate.
   * @default 0.001
   */
  lr?: number;
  /**
   * Decay of the first moment.
   * @default 0.9
   */
  beta1?: number;
  /**
   * Decay of the second moment.
   * @default 0.999
   */
  beta2?: number;
  /**
   * Added to the denominator for stability.
   * @default 1e-8
   */
  eps?: number;
  /**
   * Divide by the running maximum of the second moment (Reddi et al.).
   * @default false
   */
  amsgrad?: boolean;
}

/** PyTorch's Adam: bias-corrected moments, p -= lr m^ / (sqrt(v^) + eps). */
export class Adam extends Optimizer {
  constructor(options: AdamOptions = {}) {
    const { lr = 0.001, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, amsgrad = false } = layerOptions('Adam', options, ['lr', 'beta1', 'beta2', 'eps', 'amsgrad']);
    super({
      kind: booleanOption('amsgrad', amsgrad) ? 'amsgrad' : 'adam',
      lr: positiveNumber('lr', lr),
      beta1: unitInterval('beta1', beta1),
      beta2: unitInterval('beta2', beta2),
      // eps > 0: with a zero gradient, m / (sqrt(v) + 0) is 0 / 0.
      eps: positiveNumber('eps', eps),
    });
  }
}

/** In [0, 1): a decay rate of 1 would never forget (and breaks Adam's bias correction). */
function unitInterval(name: string, v: unknown): number {
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) fail('BAD_OPTION', `${name} must be a number in [0, 1); got ${shown(v)}`);
  return v;
}
