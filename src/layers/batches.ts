// Mini-batches for your own training loop, shuffled by the seeded generator the estimators use
// (xoshiro128**, Fisher-Yates), so a seed gives the same batches on every run and backend.
import { fail } from '../core/errors.js';
import { isMatrix, type Matrix, type MatrixLike } from '../core/matrix.js';
import { shuffleU32, Xoshiro128, identityOrder } from '../core/rng.js';
import { booleanOption, isNumberArray, isRowsLike, layerOptions, matrixArg, shown } from './args.js';

/** Options of `batches` (PyTorch's DataLoader's batch_size and shuffle). */
export interface BatchesOptions {
  /**
   * Rows per batch; the last batch of an epoch holds the rest. Default 32.
   * @default 32
   */
  batchSize?: number;
  /**
   * A new order every epoch (default true); false keeps the rows in order.
   * @default true
   */
  shuffle?: boolean;
  /**
   * Seed of the shuffles; default 0. The same seed gives the same epochs.
   * @default 0
   */
  seed?: number;
}

/** A batch of y: the same kind as y (an array, a typed array, number[][] or a Matrix) with the batch's rows. */
export type BatchOf<Y> = Y extends Matrix ? Matrix : Y extends readonly (infer E)[] ? E[] : Y;

/**
 * The rows of X and y in batches of `batchSize`, as [xBatch, yBatch] pairs. Each pass over it
 * (each for...of) is one epoch: every row exactly once, in a new order when shuffling; the order
 * of epoch after epoch follows from the seed alone. X and y are read when each batch is made.
 */
export class Batches<Y> implements Iterable<[Matrix, BatchOf<Y>]> {
  /** Rows per batch. */
  readonly batchSize: number;
  /** Whether each epoch takes a new order. */
  readonly shuffle: boolean;
  /** Rows in all. */
  readonly rows: number;
  /** Batches per epoch. */
  readonly length: number;
  /** Epochs started so far. */
  epoch = 0;
  readonly #X: Matrix;
  readonly #y: Y;
  readonly #order: Uint32Array;
  readonly #rng: Xoshiro128;

  /** Use batches(X, y, options). @hidden */
  constructor(X: Matrix, y: Y, batchSize: number, shuffle: boolean, seed: number) {
    this.#X = X;
    this.#y = y;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.rows = X.rows;
    this.length = Math.ceil(X.rows / batchSize);
    this.#order = new Uint32Array(X.rows);
    identityOrder(this.#order);
    this.#rng = new Xoshiro128(seed);
  }

  /** One epoch: [xBatch, yBatch] pairs covering every row once. */
  *[Symbol.iterator](): Iterator<[Matrix, BatchOf<Y>]> {
    this.epoch++;
    if (this.shuffle) shuffleU32(this.#order, this.#order.length, this.#rng.state);
    const order = this.#order.slice(); // this epoch's order, even if another pass starts meanwhile
    for (let start = 0; start < order.length; start += this.batchSize) {
      const idx = order.subarray(start, Math.min(start + this.batchSize, order.length));
      yield [takeRows(this.#X, idx), takeY(this.#y, idx)];
    }
  }
}

/**
 * Mini-batches of (X, y) for the layer API: `for (const [xb, yb] of batches(X, y, { batchSize: 64,
 * seed: 1 }))` is one epoch; iterate the same object again for the next. y is one label or
 * target per row (an array or typed array) or rows of targets (number[][] or a Matrix).
 */
export function batches<Y extends ArrayLike<unknown> | MatrixLike>(X: MatrixLike, y: Y, options: BatchesOptions = {}): Batches<Y> {
  const o = layerOptions('batches', options, ['batchSize', 'shuffle', 'seed']);
  const batchSize = o.batchSize === undefined ? 32 : o.batchSize;
  if (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize < 1) fail('BAD_OPTION', `batchSize must be an integer >= 1; got ${shown(batchSize)}`);
  const shuffle = o.shuffle === undefined ? true : booleanOption('shuffle', o.shuffle);
  const seed = o.seed === undefined ? 0 : o.seed;
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) fail('BAD_OPTION', `seed must be an integer in [0, 2^32); got ${shown(seed)}`);
  const Xm = matrixArg(X, 'X');
  const n = targetRows(y);
  if (n !== Xm.rows) fail('SHAPE_MISMATCH', `X has ${Xm.rows} rows but y has ${n}`);
  return new Batches(Xm, y, batchSize, shuffle, seed);
}

/** How many rows y has: a Matrix's rows, or its length. */
function targetRows(y: unknown): number {
  if (isRowsLike(y)) {
    if (isMatrix(y)) return matrixArg(y, 'y').rows;
    const rows = y as unknown[];
    rows.forEach((r, i) => {
      if (!isNumberArray(r)) fail('SHAPE_MISMATCH', `y[${i}] is ${shown(r)}; rows of targets must be arrays`);
    });
    return rows.length;
  }
  if (!Array.isArray(y) && !(ArrayBuffer.isView(y) && !(y instanceof DataView))) {
    fail('SHAPE_MISMATCH', `y must be one target per row (an array or typed array) or rows of targets (number[][] or a Matrix); got ${shown(y)}`);
  }
  return (y as ArrayLike<unknown>).length;
}

function takeRows(X: Matrix, idx: Uint32Array): Matrix {
  const d = X.cols;
  const data = X.data instanceof Float64Array ? new Float64Array(idx.length * d) : new Float32Array(idx.length * d);
  for (let i = 0; i < idx.length; i++) data.set(X.data.subarray(idx[i] * d, (idx[i] + 1) * d), i * d);
  return { data, rows: idx.length, cols: d };
}

function takeY<Y>(y: Y, idx: Uint32Array): BatchOf<Y> {
  if (isMatrix(y)) return takeRows(y, idx) as BatchOf<Y>;
  if (Array.isArray(y)) return Array.from(idx, (i) => (Array.isArray(y[i]) ? [...y[i]] : ArrayBuffer.isView(y[i]) ? (y[i] as Float64Array).slice() : y[i])) as BatchOf<Y>;
  const typed = y as unknown as { constructor: new (n: number) => { [k: number]: unknown } };
  const out = new typed.constructor(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = (y as unknown as ArrayLike<unknown>)[idx[i]];
  return out as BatchOf<Y>;
}
