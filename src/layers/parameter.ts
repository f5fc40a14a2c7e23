import type { Buf, Dtype, Engine } from '../engine/engine.js';
import type { OptimizerBufs } from '../engine/net.js';
import { fail } from '../core/errors.js';
import type { Matrix, MatrixLike } from '../core/matrix.js';
import type { Releasable } from './lifetime.js';
import { fitDtype, shaped } from './args.js';
import { alloc, readRows, writeRows } from './memory.js';

/**
 * A parameter's engine memory: value and gradient, rows padded to `stride` values, `length` in
 * all (a weight keeps zero rows up to a multiple of 4 so the kernels never need a tail), and the
 * state each optimizer keeps for it, which goes with it: freeing the parameter frees that too.
 */
export class ParameterStore implements Releasable {
  readonly value: Buf<Dtype>;
  readonly grad: Buf<Dtype>;
  /** Optimizer state by optimizer (its token): moments, velocity, step count. */
  readonly states = new Map<object, OptimizerBufs>();
  disposed = false;

  constructor(readonly engine: Engine, readonly dtype: Dtype, readonly length: number, readonly stride: number, what: string) {
    this.value = alloc(engine, dtype, length, what);
    try {
      this.grad = alloc(engine, dtype, length, `${what}'s gradient`);
    } catch (e) {
      engine.free(this.value);
      throw e;
    }
  }

  free(): void {
    if (this.disposed) return;
    this.disposed = true;
    const bufs = [this.value, this.grad];
    for (const s of this.states.values()) bufs.push(s.header, s.state);
    this.states.clear();
    for (const b of bufs) this.engine.free(b);
  }
}

/** The store behind a live parameter: how optimizers reach its engine memory. Not public API. */
export let storeOf: (p: Parameter) => ParameterStore;

/** A trainable rows x cols matrix resident in an engine. `value` and `grad` are copies read out of it, in its dtype. */
export class Parameter {
  /** [rows, cols]. */
  readonly shape: readonly [rows: number, cols: number];
  readonly #store: ParameterStore;
  /** The layer it belongs to: holding a parameter keeps the layer (and so its memory) alive. */
  readonly #owner: object;

  static {
    storeOf = (p) => p.#live();
  }

  /** Layers create parameters; `owner` is the layer. @hidden */
  constructor(
    /** Its name in namedParameters(), e.g. 'weight'. */
    readonly name: string, rows: number, cols: number, store: ParameterStore, owner: object) {
    this.shape = [rows, cols];
    this.#store = store;
    this.#owner = owner;
  }

  /** The dtype it is stored and updated in. */
  get dtype(): Dtype {
    return this.#store.dtype;
  }

  /** A copy of the values. */
  get value(): Matrix {
    return readRows(this.#live().value.view(), this.shape[0], this.shape[1], this.#store.stride);
  }

  /** A copy of the accumulated gradient. */
  get grad(): Matrix {
    return readRows(this.#live().grad.view(), this.shape[0], this.shape[1], this.#store.stride);
  }

  /** Replaces the value: a Matrix or number[][] of this shape, or its numbers row by row. */
  set(values: MatrixLike | ArrayLike<number>): void {
    const s = this.#live();
    const m = fitDtype(shaped(values, this.shape[0], this.shape[1], this.name), s.dtype, this.name);
    writeRows(s.value.view(), m, s.stride);
  }

  /** Sets the gradient to zero. */
  zeroGrad(): void {
    this.#live().grad.view().fill(0);
  }

  #live(): ParameterStore {
    if (this.#store.disposed) fail('DISPOSED', `parameter '${this.name}' belongs to a disposed ${this.#owner.constructor.name}`);
    return this.#store;
  }
}
