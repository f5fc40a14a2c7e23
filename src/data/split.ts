import { isCallable } from '../core/check.js';
import { fail } from '../core/errors.js';
import { isMatrix, type Matrix, type MatrixLike } from '../core/matrix.js';
import { describe, strictOptions } from '../core/options.js';
import { Xoshiro128 } from '../core/rng.js';
import { classIndex, uniqueSorted, type Label } from '../core/labels.js';
import type { Estimator, Targets } from './pipeline.js';
import { takeRows, takeTargets, targetLength } from '../core/rows.js';
import { labelArray, readMatrix } from './common.js';

const SPLIT_KEYS = ['testSize', 'seed', 'shuffle', 'stratify'] as const;
const FOLD_KEYS = ['k', 'shuffle', 'seed', 'stratify'] as const;
/** Row indices are Uint32: no more rows than that. */
const MAX_ROWS = 2 ** 32 - 1;
/** k folds of n rows are k * n indices (4 bytes each): at most 4 GiB of them, wasm32's whole memory. */
const MAX_FOLD_INDICES = 2 ** 30;

/** trainTestSplit's options (scikit-learn's train_test_split). */
export interface TrainTestSplitOptions {
  /**
   * A fraction of the rows in (0, 1), or a row count. Default 0.25.
   * @default 0.25
   */
  testSize?: number;
  /**
   * Seeds the shuffle (scikit-learn's random_state).
   * @default 0
   */
  seed?: number;
  /**
   * Shuffle before splitting; false takes the last rows as the test part.
   * @default true
   */
  shuffle?: boolean;
  /**
   * Labels whose class proportions both parts keep, or true to use y.
   * @default undefined (not stratified)
   */
  stratify?: ArrayLike<Label> | boolean;
}

/** trainTestSplit's result: X as Matrices, y in the container it came in. */
export interface Split<Y> {
  /** The training rows. */
  XTrain: Matrix;
  /** The test rows. */
  XTest: Matrix;
  /** The training targets. */
  yTrain: Y;
  /** The test targets. */
  yTest: Y;
}

/** Splits rows into a training and a test part; y comes back in the container it came in. */
export function trainTestSplit<Y extends Targets>(X: MatrixLike, y: Y, opts?: TrainTestSplitOptions): Split<Y> {
  const { testSize = 0.25, seed = 0, shuffle = true, stratify } = strictOptions('trainTestSplit', opts, SPLIT_KEYS) as TrainTestSplitOptions;
  checkShuffle('trainTestSplit', shuffle);
  const m = readMatrix(X, 'trainTestSplit', { allowNaN: true });
  const n = m.rows;
  checkTargets(y, n, 'trainTestSplit');
  const nTest = testCount(testSize, n);
  const rng = makeRng(seed);
  const labels = strata(stratify, y, n);
  let test: Uint32Array;
  let train: Uint32Array;
  if (labels) {
    const groups = groupByClass(labels, shuffle ? rng : null);
    const quota = largestRemainder(groups.map((g) => g.length), nTest, n);
    test = Uint32Array.from(groups.flatMap((g, c) => Array.from(g.subarray(0, quota[c]))));
    train = Uint32Array.from(groups.flatMap((g, c) => Array.from(g.subarray(quota[c]))));
    for (const part of [test, train]) {
      if (shuffle) rng.shuffle(part); // mix the classes, grouped until now
      else part.sort();
    }
  } else {
    const order = range(n);
    if (shuffle) rng.shuffle(order);
    // Like scikit-learn: shuffled, the test rows come first; in order, they are the last ones.
    test = shuffle ? order.slice(0, nTest) : order.slice(n - nTest);
    train = shuffle ? order.slice(nTest) : order.slice(0, n - nTest);
  }
  return { XTrain: takeRows(m, train), XTest: takeRows(m, test), yTrain: takeTargets(y, train), yTest: takeTargets(y, test) };
}

/** kFold's options (scikit-learn's KFold and StratifiedKFold). */
export interface KFoldOptions {
  /**
   * Number of folds, at least 2 (scikit-learn's n_splits).
   * @default 5
   */
  k?: number;
  /**
   * Shuffle the rows before dealing them into folds.
   * @default false
   */
  shuffle?: boolean;
  /**
   * Seeds the shuffle (scikit-learn's random_state).
   * @default 0
   */
  seed?: number;
  /**
   * Labels to spread evenly over the folds (stratified k-fold).
   * @default undefined (not stratified)
   */
  stratify?: ArrayLike<Label>;
}

/** One fold: the row indices to train on and to test on. */
export interface Fold {
  /** Row indices, ascending. */
  train: Uint32Array;
  /** Row indices, ascending. */
  test: Uint32Array;
}

/**
 * k folds over n rows: every row is in exactly one test fold, fold sizes differ by at most one.
 * Stratified, every class is dealt round-robin, so its count also differs by at most one per fold.
 */
export function kFold(n: number, opts?: KFoldOptions): Fold[] {
  const { k = 5, shuffle = false, seed = 0, stratify } = strictOptions('kFold', opts, FOLD_KEYS) as KFoldOptions;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_ROWS) fail('BAD_OPTION', `kFold: n must be a whole number of rows from 0 to ${MAX_ROWS}; got ${describe(n)}`);
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 2 || k > n) fail('BAD_OPTION', `kFold: k must be an integer from 2 to the number of rows (${n}); got ${describe(k)}`);
  checkShuffle('kFold', shuffle);
  if (k * n > MAX_FOLD_INDICES) fail('UNSUPPORTED', `kFold: ${k} folds of ${n} rows hold ${k * n} row indices, more than the ${MAX_FOLD_INDICES} this function returns at once`);
  const rng = makeRng(seed);
  if (stratify !== undefined && stratify !== null) labelArray(stratify, 'kFold', 'stratify');
  const foldOf = allocIndices(n, 'kFold');
  if (stratify) {
    if (stratify.length !== n) fail('SHAPE_MISMATCH', `stratify has ${stratify.length} labels for ${n} rows`);
    let p = 0;
    for (const g of groupByClass(stratify, shuffle ? rng : null)) for (const i of g) foldOf[i] = p++ % k;
  } else {
    const order = range(n);
    if (shuffle) rng.shuffle(order);
    const small = Math.floor(n / k);
    const big = n % k; // the first n % k folds hold one more row
    let p = 0;
    for (let f = 0; f < k; f++) for (let c = 0; c < small + (f < big ? 1 : 0); c++) foldOf[order[p++]] = f;
  }
  const sizes = new Uint32Array(k);
  for (let i = 0; i < n; i++) sizes[foldOf[i]]++;
  return Array.from(sizes, (size, f) => {
    const test = new Uint32Array(size);
    const train = new Uint32Array(n - size);
    let a = 0;
    let b = 0;
    for (let i = 0; i < n; i++) {
      if (foldOf[i] === f) test[a++] = i;
      else train[b++] = i;
    }
    return { train, test };
  });
}

/** crossValScore's options (scikit-learn's cross_val_score with cv=k). */
export interface CrossValOptions {
  /**
   * Number of folds, at least 2.
   * @default 5
   */
  k?: number;
  /**
   * Shuffle the rows before dealing them into folds.
   * @default false
   */
  shuffle?: boolean;
  /**
   * Seeds the shuffle.
   * @default 0
   */
  seed?: number;
  /**
   * Stratified folds: true uses y, or pass labels.
   * @default undefined (not stratified)
   */
  stratify?: ArrayLike<Label> | boolean;
}

/** Fits a fresh model on each k-1 folds and scores it on the held-out fold. */
export function crossValScore(makeModel: () => Estimator, X: MatrixLike, y: Targets, opts?: CrossValOptions): Float64Array {
  const { k = 5, shuffle = false, seed = 0, stratify } = strictOptions('crossValScore', opts, FOLD_KEYS) as CrossValOptions;
  if (!isCallable(makeModel)) fail('BAD_OPTION', `crossValScore takes a function that makes a fresh model; got ${describe(makeModel)}`);
  const m = readMatrix(X, 'crossValScore', { allowNaN: true });
  checkTargets(y, m.rows, 'crossValScore');
  const folds = kFold(m.rows, { k, shuffle, seed, stratify: strata(stratify, y, m.rows) });
  return Float64Array.from(folds, ({ train, test }, f) => {
    const model = makeModel();
    if (typeof model !== 'object' || model === null || typeof model.fit !== 'function' || typeof model.score !== 'function') {
      fail('BAD_OPTION', `crossValScore: makeModel() returned ${describe(model)}, not a model with fit and score`);
    }
    try {
      model.fit(takeRows(m, train), takeTargets(y, train));
      const score: unknown = model.score(takeRows(m, test), takeTargets(y, test));
      if (typeof score !== 'number') fail('BAD_OPTION', `crossValScore: the model of fold ${f} scored ${describe(score)}, not a number`);
      return score;
    } finally {
      if (typeof model.dispose === 'function') model.dispose();
    }
  });
}

/** y as a split takes it: labels (array or typed array), indicator rows, or a Matrix, one per row of X. */
function checkTargets(y: unknown, n: number, owner: string): void {
  if (!isMatrix(y) && !Array.isArray(y) && !(ArrayBuffer.isView(y) && !(y instanceof DataView))) {
    fail('SHAPE_MISMATCH', `${owner}: y must be labels (an array or typed array), 0/1 indicator rows or a Matrix; got ${describe(y)}`);
  }
  if (targetLength(y as Targets) !== n) fail('SHAPE_MISMATCH', `X has ${n} rows but y has ${targetLength(y as Targets)}`);
}

function checkShuffle(owner: string, shuffle: unknown): void {
  if (typeof shuffle !== 'boolean') fail('BAD_OPTION', `${owner}: shuffle must be true or false; got ${describe(shuffle)}`);
}

function allocIndices(n: number, owner: string): Uint32Array {
  try {
    return new Uint32Array(n);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    return fail('OUT_OF_MEMORY', `${owner}: ${n} row indices (${n * 4} bytes) cannot be allocated (${e.message})`);
  }
}

function testCount(testSize: number, n: number): number {
  if (typeof testSize !== 'number' || !(testSize > 0)) fail('BAD_OPTION', `testSize must be a fraction in (0, 1) or a row count, got ${describe(testSize)}`);
  if (testSize >= 1 && !Number.isInteger(testSize)) fail('BAD_OPTION', `testSize ${testSize} is neither a fraction below 1 nor a whole row count`);
  // The tolerance keeps 0.7 * 10 = 7.000000000000001 at 7 rows.
  const nTest = testSize < 1 ? Math.ceil(testSize * n - 1e-9) : testSize;
  if (nTest < 1 || nTest > n - 1) fail('BAD_OPTION', `testSize ${testSize} of ${n} rows leaves ${nTest} test and ${n - nTest} training rows; both need at least one`);
  return nTest;
}

function strata(stratify: ArrayLike<Label> | boolean | undefined, y: Targets, n: number): ArrayLike<Label> | undefined {
  if (stratify === undefined || stratify === false) return undefined;
  if (stratify !== true) labelArray(stratify, 'stratify', 'stratify');
  const labels = stratify === true ? y : stratify;
  if (stratify === true && (isMatrix(y) || typeof (y as ArrayLike<unknown>)[0] === 'object')) {
    fail('BAD_OPTION', 'stratify: true needs y to be one label per row; pass the labels to stratify by');
  }
  if (targetLength(labels as Targets) !== n) fail('SHAPE_MISMATCH', `stratify has ${targetLength(labels as Targets)} labels for ${n} rows`);
  return labels as ArrayLike<Label>;
}

/** Row indices per class, classes in sorted order, each group shuffled when an rng is given. */
function groupByClass(labels: ArrayLike<Label>, rng: Xoshiro128 | null): Uint32Array[] {
  const classes = uniqueSorted(labels, 'stratify');
  const index = classIndex(classes);
  const counts = new Uint32Array(classes.length);
  const cls = Uint32Array.from({ length: labels.length }, (_, i) => index.get(labels[i])!);
  for (const c of cls) counts[c]++;
  const groups = Array.from(counts, (c) => new Uint32Array(c));
  const fill = new Uint32Array(classes.length);
  cls.forEach((c, i) => (groups[c][fill[c]++] = i));
  if (rng) for (const g of groups) rng.shuffle(g);
  return groups;
}

/**
 * Splits `total` among classes in proportion to their counts (Hamilton's method): each share
 * is within one of counts[c] * total / n, so both parts keep the class proportions to one row.
 */
function largestRemainder(counts: number[], total: number, n: number): number[] {
  const exact = counts.map((c) => (c * total) / n);
  const share = exact.map(Math.floor);
  let left = total - share.reduce((a, b) => a + b, 0);
  const byRemainder = counts.map((_, c) => c).sort((a, b) => exact[b] - share[b] - (exact[a] - share[a]) || counts[b] - counts[a] || a - b);
  for (const c of byRemainder) {
    if (left-- <= 0) break;
    share[c]++;
  }
  return share;
}

function makeRng(seed: number): Xoshiro128 {
  if (typeof seed !== 'number' || !Number.isInteger(seed)) fail('BAD_OPTION', `seed must be an integer, got ${describe(seed)}`);
  return new Xoshiro128(seed);
}

function range(n: number): Uint32Array {
  const a = allocIndices(n, 'split');
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}
