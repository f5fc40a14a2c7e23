// Narrow training rows in 4-row blocks, uploaded in one pass: the layout in which every lane of
// every SIMD load of the logistic kernels is a value (assembly/inline/logistic-blocks.ts).
//
// Which rows share a block: lane l of block b holds row l * nb + b (nb = ceil(n / 4)), rows a
// quarter of the data apart. Rows that sit together in a file are often alike (sorted by class, by
// time, repeated), and the 4 rows of a block always share an SGD batch; taking them far apart
// gives each block rows as unrelated as the data's order allows, at the cost of nothing (the copy
// reads 4 sequential streams). An epoch shuffles the order of the blocks, so every batch is a
// uniformly random set of blocks and every row is seen once per epoch; the order within a batch
// does not matter, as a batch's gradient is a sum.
import { fail } from '../core/errors.js';
import { nonFiniteAt, notANumber, rowArraysOf, type Matrix } from '../core/matrix.js';
import { floats, grouped, paddedStride, type BufSize, type Dtype, type Engine, type FloatArray, type FloatBuf } from './engine.js';
import type { Blocks } from './trainers.js';

/** The largest float64 that rounds to a finite float32 is below this. */
const F32_OVERFLOW = 3.4028235677973366e38;

/**
 * Copies X, the 0/1 targets y and optional sample weights sw into engine memory as 4-row blocks
 * of `dtype`, reading each value of X once and checking it on the way for NaN and Infinity
 * (including finite values beyond float32's range), naming the first as uploadMatrix does. Lanes
 * past the data are zero. Sizes are checked together before anything is allocated; should an
 * allocation or the check fail, what was allocated is freed.
 */
export function uploadBlocks(engine: Engine, X: Matrix, y: ArrayLike<number>, sw: ArrayLike<number> | null, dtype: Dtype = 'float32'): Blocks {
  const n = X.rows, d = X.cols, nb = Math.ceil(n / 4), lanes = 4 * nb;
  const sizes: BufSize[] = [[dtype, lanes * d], [dtype, lanes]];
  if (sw) sizes.push([dtype, lanes]);
  const what = `X (${grouped(n)} x ${grouped(d)} ${dtype} values)`;
  engine.checkRoom(`the training set: ${what}, its targets${sw ? ' and sample weights' : ''}`, sizes);
  const done: FloatBuf[] = [];
  try {
    const xb = floats(engine, dtype, lanes * d);
    done.push(xb);
    const yb = floats(engine, dtype, lanes);
    done.push(yb);
    const sb = sw && floats(engine, dtype, lanes);
    if (sb) done.push(sb);
    const limit = dtype === 'float32' ? F32_OVERFLOW : Infinity;
    const rows = rowArraysOf(X)?.rows;
    if (rows) {
      if (!blocksFromRows(xb.view(), rows, n, d, nb, limit)) firstFault(X, limit);
    } else {
      fillFromData(engine, X, xb, nb, limit);
    }
    // Views only now: an allocation may grow the memory, which detaches earlier views.
    spreadLanes(yb.view(), y, n, nb);
    if (sb && sw) spreadLanes(sb.view(), sw, n, nb);
    return { X: xb, y: yb, sw: sb, n, d, nb, stride: paddedStride(d) };
  } catch (e) {
    for (const b of done) engine.free(b);
    throw e;
  }
}

/** Values of a chunk of rows copied at a time: small enough to be blocked while still in cache. */
const CHUNK_VALUES = 1 << 14;

/**
 * Typed-array X into blocks: c rows of each quarter copied into engine memory (converted to the
 * dtype by the copy), then blocked and checked there by the fill_blocks kernel, chunk by chunk.
 */
function fillFromData(engine: Engine, X: Matrix, dst: FloatBuf, nb: number, limit: number): void {
  const n = X.rows, d = X.cols;
  const chunk = Math.max(1, Math.min(nb, Math.floor(CHUNK_VALUES / Math.max(1, d))));
  const Q = floats(engine, dst.dtype, 4 * chunk * d);
  try {
    // Read only now: an allocMatrix matrix's values are a view of engine memory, which an
    // allocation may have grown (detaching the views taken before).
    const data = X.data;
    for (let b0 = 0; b0 < nb; b0 += chunk) {
      const c = Math.min(chunk, nb - b0);
      const q = Q.view();
      for (let l = 0; l < 4; l++) {
        const r0 = l * nb + b0, r1 = Math.min(r0 + c, n);
        if (r1 > r0) q.set(data.subarray(r0 * d, r1 * d), l * c * d);
      }
      if (engine.fillBlocks(Q, c, d, n, nb, b0, dst) !== 1) firstFault(X, limit);
    }
  } finally {
    engine.free(Q);
  }
}

/** number[][] X into blocks; false if a value is not a number or fails the check. */
function blocksFromRows(out: FloatArray, rows: readonly ArrayLike<unknown>[], n: number, d: number, nb: number, limit: number): boolean {
  let k = 0;
  for (let b = 0; b < nb; b++) {
    for (let j = 0; j < d; j++) {
      for (let l = 0, r = b; l < 4; l++, r += nb, k++) {
        const v = r < n ? rows[r][j] : 0;
        if (typeof v !== 'number' || !(Math.abs(v) < limit)) return false;
        out[k] = v;
      }
    }
  }
  return true;
}

/** Fails naming the first value of X, row by row, that is not a number or not below the limit. */
function firstFault(X: Matrix, limit: number): never {
  const src = rowArraysOf(X);
  for (let i = 0; i < X.rows; i++) {
    for (let j = 0; j < X.cols; j++) {
      const v = src ? src.rows[i][j] : X.data[i * X.cols + j];
      if (typeof v !== 'number') notANumber(src?.name ?? 'X', i, j, v);
      if (!(Math.abs(v) < limit)) nonFiniteAt('X', i, j, v);
    }
  }
  return fail('INTERNAL', 'a value of X failed the check, then passed it');
}

/** One value per row spread to its lane (row r: lane r / nb of block r % nb), zero past the data. */
function spreadLanes(out: FloatArray, v: ArrayLike<number>, n: number, nb: number): void {
  for (let b = 0, k = 0; b < nb; b++) {
    for (let l = 0, r = b; l < 4; l++, r += nb, k++) out[k] = r < n ? v[r] : 0;
  }
}
