// Moving matrices between the host and a layer's engine memory. Every kernel reads row-major f32
// with rows padded to a multiple of 4 floats, the padding zero.
import type { Engine, F32Buf } from '../engine/engine.js';
import { fail } from '../core/errors.js';
import { checkMatrix, isMatrix, type Matrix, type MatrixLike } from '../core/matrix.js';

/** An engine buffer a layer reuses from call to call, so a steady training loop allocates nothing. */
export class Scratch {
  private buf: F32Buf | null = null;

  constructor(private readonly engine: Engine) {}

  /** At least n floats. Growing replaces the buffer (its contents are lost) and detaches WASM views. */
  get(n: number): F32Buf {
    if (this.buf === null || this.buf.length < n) {
      this.free();
      this.buf = this.engine.f32(n);
    }
    return this.buf;
  }

  free(): void {
    if (this.buf) this.engine.free(this.buf);
    this.buf = null;
  }
}

/** Writes m's rows into view at `stride` floats per row, zeroing the padding (a scratch buffer holds old rows). */
export function writeRows(view: Float32Array, m: Matrix, stride: number): void {
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

/** A copy of `rows` x `cols` out of padded rows: the unpadded Matrix the layer API returns. */
export function readRows(view: Float32Array, rows: number, cols: number, stride: number): Matrix {
  if (cols === stride) return { data: view.slice(0, rows * cols), rows, cols };
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) data.set(view.subarray(i * stride, i * stride + cols), i * cols);
  return { data, rows, cols };
}

/** Whether values are rows (a Matrix or number[][]) rather than flat numbers. */
export function isRowsLike(values: unknown): values is MatrixLike {
  return isMatrix(values) || (Array.isArray(values) && values.length > 0 && typeof values[0] !== 'number');
}

/** values as a checked rows x cols Matrix: a Matrix, number[][], or rows * cols numbers row by row. */
export function shaped(values: MatrixLike | ArrayLike<number>, rows: number, cols: number, name: string): Matrix {
  if (isRowsLike(values)) {
    const m = checkMatrix(values, { name });
    if (m.rows !== rows || m.cols !== cols) fail('SHAPE_MISMATCH', `${name} is ${m.rows} x ${m.cols}; expected ${rows} x ${cols}`);
    return m;
  }
  if (values.length !== rows * cols) {
    fail('SHAPE_MISMATCH', `${name} has ${values.length} values; expected ${rows} x ${cols} = ${rows * cols}`);
  }
  return checkMatrix({ data: Float64Array.from(values), rows, cols }, { name });
}
