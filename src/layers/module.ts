import { BACKENDS, type BackendName, type Dtype, type Engine } from '../engine/engine.js';
import { getEngine, type BackendChoice } from '../engine/index.js';
import { fail } from '../core/errors.js';
import type { Matrix, MatrixLike } from '../core/matrix.js';
import { Holdings, track, untrack } from './lifetime.js';
import { booleanOption, dtypeOf, fitDtype, layerOptions, matrixArg, oneOfOption } from './args.js';
import type { Parameter } from './parameter.js';

/** Options of `forward`. */
export interface ForwardOptions {
  /**
   * Keep what backward needs (default true); pass false for inference.
   * @default true
   */
  training?: boolean;
}

/** Options every layer takes. */
export interface LayerOptions {
  /**
   * The engine the layer computes on and keeps its memory in; default: the one `init` chose.
   * @default 'auto'
   */
  backend?: BackendChoice;
}

/** The `backend` option of anything engine-backed, checked before the engine is looked up. */
export function engineOf(backend: unknown): Engine {
  return getEngine(backend === undefined ? 'auto' : oneOfOption<BackendChoice>('backend', backend, ['auto', ...BACKENDS]));
}

/** forward's options, checked: `training` only. */
export function forwardOptions(owner: string, options: unknown): { training: boolean } {
  const o = layerOptions(`${owner}.forward`, options, ['training']);
  return { training: o.training === undefined ? true : booleanOption('training', o.training) };
}

/**
 * Runs fn with `module` (and every module inside it) BUSY: disposing one of them from code of the
 * caller's that fn runs (gradCheck's loss function, a custom layer inside a Sequential) throws BUSY
 * instead of freeing memory the running call still uses. Not public API.
 */
export let holding: <T>(module: Module, fn: () => T) => T;

/** Whether a module was disposed. Not public API. */
export let isDisposed: (module: Module) => boolean;

/**
 * Anything with a forward pass, a backward pass and parameters, as in micrograd and PyTorch:
 * layers, and Sequential stacks of them. Matrices in and out are row-major on the host.
 *
 * Lifetime: dispose() frees the engine memory, and any later use throws DISPOSED. One dropped
 * without dispose() is freed once garbage-collected (a FinalizationRegistry), but only dispose()
 * frees it at a known time. While gradCheck or a Sequential runs code of yours with a module, the
 * module is BUSY: disposing it there throws BUSY.
 */
export abstract class Module {
  #disposed = false;
  #busy = 0;

  static {
    holding = <T>(module: Module, fn: () => T): T => {
      const all = module.#tree();
      for (const m of all) m.#busy++;
      try {
        return fn();
      } finally {
        for (const m of all) m.#busy--;
      }
    };
    isDisposed = (module) => module.#disposed;
  }

  /** The output for the rows of x. */
  abstract forward(x: MatrixLike, options?: ForwardOptions): Matrix;

  /**
   * Given dLoss/dOutput of the last training forward, adds dLoss/dParameter to each parameter's
   * grad and returns dLoss/dInput.
   */
  abstract backward(grad: MatrixLike): Matrix;

  /** The parameters with their names, e.g. ['0.weight', p] in a Sequential. */
  namedParameters(): [string, Parameter][] {
    this.checkAlive();
    return [];
  }

  /** The trainable parameters, for an optimizer's `step`. */
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Gradients accumulate over backward calls; clear them before each batch. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  /** Frees the engine memory; any later use throws DISPOSED. Disposing twice is harmless. */
  dispose(): void {
    if (this.#busy > 0) {
      fail('BUSY', `this ${this.constructor.name} is in use by a running gradCheck or Sequential call; dispose it after that call returns`);
    }
    if (this.#disposed) return;
    this.#disposed = true;
    this.release();
  }

  /** Frees what the module holds; called once, by dispose(). @internal */
  protected release(): void {}

  /** The modules inside this one (a Sequential's layers), BUSY with it. @internal */
  protected children(): readonly Module[] {
    return [];
  }

  /** @internal */
  protected checkAlive(): void {
    if (this.#disposed) fail('DISPOSED', `this ${this.constructor.name} was disposed`);
  }

  #tree(): Module[] {
    const all: Module[] = [this];
    for (let i = 0; i < all.length; i++) for (const c of all[i].children()) if (!all.includes(c)) all.push(c);
    return all;
  }
}

/**
 * A module that computes in one engine, owns engine memory (freed by dispose, or by the registry
 * if dropped), and remembers between forward and backward the batch's shape and dtype.
 */
export abstract class Layer extends Module {
  /** @internal */
  protected readonly engine: Engine;
  /** The engine memory this layer owns; the registry's held value, so it never references the layer. @internal */
  protected readonly holdings = new Holdings();
  /** Rows, output columns and dtype of the last training forward, or null after an inference forward. */
  #cached: { rows: number; cols: number; dtype: Dtype } | null = null;

  /** `options` is checked by the subclass (its own keys); only its backend is read here. */
  constructor(options: LayerOptions = {}) {
    super();
    this.engine = engineOf(options.backend);
    track(this, this.holdings);
  }

  /** The backend the layer computes on. */
  get backend(): BackendName {
    return this.engine.name;
  }

  /** x checked, with `cols` columns when given, its values within `dtype`'s range. @internal */
  protected input(x: unknown, cols: number | null, dtype: Dtype): Matrix {
    this.checkAlive();
    const m = matrixArg(x, 'x');
    if (cols !== null && m.cols !== cols) fail('SHAPE_MISMATCH', `${this.constructor.name} expects ${cols} columns; x has ${m.cols}`);
    return fitDtype(m, dtype, 'x');
  }

  /** The dtype a layer without parameters computes x in: a Matrix's own, float32 for number[][]. @internal */
  protected inputDtype(x: unknown): Dtype {
    return dtypeOf(x);
  }

  /** Called at the end of forward: a training pass keeps its shape for backward; inference clears it. @internal */
  protected remember(training: boolean, rows: number, cols: number, dtype: Dtype): void {
    this.#cached = training ? { rows, cols, dtype } : null;
  }

  /** grad checked against the output of the last training forward, with that forward's dtype. @internal */
  protected outputGrad(grad: unknown): { G: Matrix; dtype: Dtype } {
    this.checkAlive();
    const c = this.#cached;
    if (c === null) fail('NOT_FITTED', `${this.constructor.name}.backward() needs a forward(x) with training: true before it`);
    const G = matrixArg(grad, 'grad');
    if (G.rows !== c.rows || G.cols !== c.cols) {
      fail('SHAPE_MISMATCH', `grad is ${G.rows} x ${G.cols}, but the last forward gave ${c.rows} x ${c.cols}`);
    }
    return { G: fitDtype(G, c.dtype, 'grad'), dtype: c.dtype };
  }

  /** @internal */
  protected override release(): void {
    untrack(this);
    this.holdings.free();
  }
}
