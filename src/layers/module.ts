import type { BackendName, Engine } from '../engine/engine.js';
import { getEngine, type BackendChoice } from '../engine/index.js';
import { fail } from '../core/errors.js';
import { checkMatrix, type Matrix, type MatrixLike } from '../core/matrix.js';
import type { Parameter } from './parameter.js';

export interface ForwardOptions {
  /** Keep what backward needs (default true); pass false for inference. */
  training?: boolean;
}

export interface LayerOptions {
  /** The engine the layer computes on and keeps its memory in; default: the one `init` chose. */
  backend?: BackendChoice;
}

/**
 * Anything with a forward pass, a backward pass and parameters, as in micrograd and PyTorch:
 * layers, and Sequential stacks of them. Matrices in and out are row-major on the host.
 */
export abstract class Module {
  #disposed = false;

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

  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Gradients accumulate over backward calls; clear them before each batch. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  /** Frees the engine memory; any later use throws DISPOSED. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.release();
  }

  protected abstract release(): void;

  protected checkAlive(): void {
    if (this.#disposed) fail('DISPOSED', `this ${this.constructor.name} was disposed`);
  }
}

/** A module that computes in one engine and remembers, between forward and backward, the batch's shape. */
export abstract class Layer extends Module {
  protected readonly engine: Engine;
  /** Rows and output columns of the last training forward, or null after an inference forward. */
  #cached: { rows: number; cols: number } | null = null;

  constructor(options: LayerOptions = {}) {
    super();
    this.engine = getEngine(options.backend);
  }

  get backend(): BackendName {
    return this.engine.name;
  }

  /** x checked, with `cols` columns when given. */
  protected input(x: MatrixLike, cols: number | null): Matrix {
    this.checkAlive();
    const m = checkMatrix(x, { name: 'x' });
    if (cols !== null && m.cols !== cols) fail('SHAPE_MISMATCH', `${this.constructor.name} expects ${cols} columns; x has ${m.cols}`);
    return m;
  }

  /** Called at the end of forward: a training pass keeps its shape for backward; inference overwrote the cache. */
  protected remember(training: boolean, rows: number, cols: number): void {
    this.#cached = training ? { rows, cols } : null;
  }

  /** grad checked against the output of the last training forward. */
  protected outputGrad(grad: MatrixLike): Matrix {
    this.checkAlive();
    const c = this.#cached;
    if (c === null) fail('NOT_FITTED', `${this.constructor.name}.backward() needs a forward(x) with training: true before it`);
    const g = checkMatrix(grad, { name: 'grad' });
    if (g.rows !== c.rows || g.cols !== c.cols) {
      fail('SHAPE_MISMATCH', `grad is ${g.rows} x ${g.cols}, but the last forward gave ${c.rows} x ${c.cols}`);
    }
    return g;
  }
}
