// Moving matrices between the host and a layer's engine memory. Every kernel reads row-major
// values with rows padded to a multiple of 4, the padding zero, in the dtype of its buffers.
import { floats, type Buf, type Dtype, type Engine, type FloatArray } from '../engine/engine.js';
import type { Matrix } from '../core/matrix.js';
import type { Releasable } from './lifetime.js';

/**
 * A new zeroed engine buffer of n values. The engine refuses one it cannot hold with
 * OUT_OF_MEMORY naming `what` and the limit, before allocating anything.
 */
export function alloc<D extends Dtype>(engine: Engine, dtype: D, n: number, what: string): Buf<D> {
  engine.checkRoom(what, [[dtype, n]]);
  const buf = floats(engine, dtype, n);
  buf.view().fill(0);
  return buf;
}

/** An engine buffer a layer reuses from call to call, so a steady training loop allocates nothing. */
export class Scratch implements Releasable {
  #buf: Buf<Dtype> | null = null;

  constructor(
    private readonly engine: Engine,
    private readonly what: string,
  ) {}

  /** At least n values of dtype. Growing (or a new dtype) replaces the buffer: its contents are lost, WASM views detach. */
  get<D extends Dtype>(dtype: D, n: number): Buf<D> {
    if (this.#buf === null || this.#buf.dtype !== dtype || this.#buf.length < n) {
      this.free();
      this.#buf = alloc(this.engine, dtype, n, this.what);
    }
    return this.#buf as Buf<D>;
  }

  free(): void {
    const b = this.#buf;
    this.#buf = null;
    if (b) this.engine.free(b);
  }
}

/** Writes m's rows into view at `stride` values per row, zeroing the padding (a scratch buffer holds old rows). */
export function writeRows(view: FloatArray, m: Matrix, stride: number): void {
  if (m.cols === stride) {
    view.set(m.data);
    return;
  }
  for (let i = 0; i < m.rows; i++) {
    const at = i * stride;
    view.set(m.data.subarray(i * m.cols, (i + 1) * m.cols), at);
    view.fill(0, at + m.cols, at + stride);
  }
}

/** A copy of `rows` x `cols` out of padded rows, in the view's dtype: the unpadded Matrix the layer API returns. */
export function readRows(view: FloatArray, rows: number, cols: number, stride: number): Matrix {
  if (cols === stride) return { data: view.slice(0, rows * cols), rows, cols };
  const data = view instanceof Float64Array ? new Float64Array(rows * cols) : new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) data.set(view.subarray(i * stride, i * stride + cols), i * cols);
  return { data, rows, cols };
}

