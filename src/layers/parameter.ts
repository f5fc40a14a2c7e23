import type { Engine, F32Buf } from '../engine/engine.js';
import { fail } from '../core/errors.js';
import type { Matrix, MatrixLike } from '../core/matrix.js';
import { readRows, shaped, writeRows } from './memory.js';

/**
 * A parameter's engine memory: value and gradient, rows padded to `stride` floats, `length` floats
 * in all (a weight keeps zero rows up to a multiple of 4 so the kernels never need a tail).
 */
export class ParameterStore {
  readonly value: F32Buf;
  readonly grad: F32Buf;
  disposed = false;

  constructor(readonly engine: Engine, readonly length: number, readonly stride: number) {
    this.value = engine.f32(length);
    this.grad = engine.f32(length);
    this.value.view().fill(0);
    this.grad.view().fill(0);
  }

  free(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.engine.free(this.value);
    this.engine.free(this.grad);
  }
}

/** The store behind a live parameter: how optimizers reach its engine memory. Not public API. */
export let storeOf: (p: Parameter) => ParameterStore;

/** A trainable rows x cols matrix resident in an engine. `value` and `grad` are copies read out of it. */
export class Parameter {
  readonly shape: readonly [rows: number, cols: number];
  readonly #store: ParameterStore;

  static {
    storeOf = (p) => p.#live();
  }

  constructor(readonly name: string, rows: number, cols: number, store: ParameterStore) {
    this.shape = [rows, cols];
    this.#store = store;
  }

  get value(): Matrix {
    return readRows(this.#live().value.view(), this.shape[0], this.shape[1], this.#store.stride);
  }

  get grad(): Matrix {
    return readRows(this.#live().grad.view(), this.shape[0], this.shape[1], this.#store.stride);
  }

  /** Replaces the value: a Matrix or number[][] of this shape, or its numbers row by row. */
  set(values: MatrixLike | ArrayLike<number>): void {
    const s = this.#live();
    writeRows(s.value.view(), shaped(values, this.shape[0], this.shape[1], this.name), s.stride);
  }

  zeroGrad(): void {
    this.#live().grad.view().fill(0);
  }

  #live(): ParameterStore {
    if (this.#store.disposed) fail('DISPOSED', `parameter '${this.name}' belongs to a disposed layer`);
    return this.#store;
  }
}
