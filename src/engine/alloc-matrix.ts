// Matrices whose values live in engine memory: fit and predict on the same engine read them in
// place instead of copying them in.
import { fail } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { describe, strictOptions } from '../core/options.js';
import { floats, paddedStride, type Dtype, type Engine, type FloatBuf } from './engine.js';
import { getEngine, type BackendChoice } from './index.js';

/** Options of {@link allocMatrix}. */
export interface AllocMatrixOptions {
  /**
   * The values' type: a model of the same dtype reads them without a copy.
   * @default 'float32'
   */
  dtype?: Dtype;
  /**
   * The engine whose memory holds the values: models on that backend read them without a copy.
   * @default 'auto'
   */
  backend?: BackendChoice;
}

/**
 * A Matrix whose values live in an engine's memory (see {@link allocMatrix}). `data` is a view of
 * them, taken fresh at each read: a WASM memory that grows (any allocation may) detaches the
 * views taken before, so keep the matrix, not its `data`, across calls into wasmlearn.
 */
export interface EngineMatrix extends Matrix {
  /** The values' type. */
  readonly dtype: Dtype;
  /** Frees the values; reading `data` afterwards, or passing the matrix to a model, is a DISPOSED error. Idempotent. */
  dispose(): void;
}

// The engine and the buffer are private fields (#): only rows and cols are the matrix's own keys.
class ResidentMatrix implements EngineMatrix {
  readonly #engine: Engine;
  readonly #buf: FloatBuf;
  #disposed = false;
  constructor(
    engine: Engine,
    buf: FloatBuf,
    readonly rows: number,
    readonly cols: number,
  ) {
    this.#engine = engine;
    this.#buf = buf;
  }
  get data(): Float32Array | Float64Array {
    const v = this.values().view();
    // A streaming reader's buffer may hold room for rows it never read.
    return v.length === this.rows * this.cols ? v : v.subarray(0, this.rows * this.cols);
  }
  get dtype(): Dtype {
    return this.#buf.dtype;
  }
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#engine.free(this.#buf);
  }
  /** The engine buffer, or DISPOSED once freed. */
  values(): FloatBuf {
    if (this.#disposed) fail('DISPOSED', `this ${this.rows} x ${this.cols} matrix was disposed`);
    return this.#buf;
  }
  /** Whether the values are in `engine`, as `dtype`. */
  isIn(engine: Engine, dtype: Dtype): boolean {
    return this.#engine.memoryId === engine.memoryId && this.#buf.dtype === dtype;
  }
}

/**
 * A rows x cols matrix of zeros in engine memory: fill `data` (row-major) in place, as a streaming
 * reader would, then fit and predict on it with no copy into the engine (a model of the same
 * backend and dtype reads it where it is; with cols a multiple of 4 not even a padded copy is
 * made, only the check for NaN and Infinity). `dispose()` frees it; until then it counts in the
 * engine's memory.
 */
export function allocMatrix(rows: number, cols: number, options?: AllocMatrixOptions): EngineMatrix {
  const o = strictOptions('allocMatrix options', options, ['dtype', 'backend']) as AllocMatrixOptions;
  for (const [name, v] of [['rows', rows], ['cols', cols]] as const) {
    if (!Number.isSafeInteger(v) || v < 0) fail('SHAPE_MISMATCH', `allocMatrix ${name} must be a non-negative integer; got ${describe(v)}`);
  }
  const dtype = o.dtype ?? 'float32';
  if (dtype !== 'float32' && dtype !== 'float64') fail('BAD_OPTION', `dtype must be 'float32' or 'float64'; got ${describe(dtype)}`);
  const engine = getEngine(o.backend ?? 'auto');
  engine.checkRoom(`a ${rows} x ${cols} ${dtype} matrix`, [[dtype, rows * cols]]);
  return new ResidentMatrix(engine, floats(engine, dtype, rows * cols), rows, cols);
}

/** The first rows x cols values of `buf`, a buffer of `engine` now owned by the matrix (a streaming reader's result). */
export function residentMatrix(engine: Engine, buf: FloatBuf, rows: number, cols: number): EngineMatrix {
  if (buf.length < rows * cols) fail('INTERNAL', `a buffer of ${buf.length} values cannot hold ${rows} x ${cols}`);
  return new ResidentMatrix(engine, buf, rows, cols);
}

/**
 * X's values as rows of a padded stride in `engine`, of `dtype`, where they already are: an
 * allocMatrix matrix of that engine and dtype whose width is its padded stride. Null otherwise.
 */
export function residentValues(X: Matrix, engine: Engine, dtype: Dtype): FloatBuf | null {
  if (!(X instanceof ResidentMatrix) || !X.isIn(engine, dtype) || paddedStride(X.cols) !== X.cols) return null;
  return X.values();
}
