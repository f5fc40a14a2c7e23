import { describe, expect, it } from 'vitest';
import type { Matrix } from '../src/core/matrix.js';
import { Xoshiro128 } from '../src/core/rng.js';
import { crossValScore, kFold, trainTestSplit, type Estimator, type Label } from '../src/data/index.js';
import { NearestCentroid } from './helpers/nearestCentroid.js';
import { codeOf } from './helpers/errors.js';


/** Row i of X is [i, -i], so each output row says which input row it came from. */
function indexed(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => [i, -i]);
}

const firstCol = (m: Matrix) => Array.from({ length: m.rows }, (_, i) => m.data[i * m.cols]!);

function count<T>(a: ArrayLike<T>, v: T): number {
  let c = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === v) c++;
  return c;
}

describe('trainTestSplit', () => {
  it('takes the first ceil(testSize * n) rows of the seeded permutation as the test part', () => {
    const y = Array.from({ length: 10 }, (_, i) => i * 10);
    const { XTrain, XTest, yTrain, yTest } = trainTestSplit(indexed(10), y, { testSize: 0.3, seed: 5 });
    const perm = Uint32Array.from({ length: 10 }, (_, i) => i);
    new Xoshiro128(5).shuffle(perm);
    expect(firstCol(XTest)).toEqual(Array.from(perm.subarray(0, 3)));
    expect(firstCol(XTrain)).toEqual(Array.from(perm.subarray(3)));
    expect(yTest).toEqual(firstCol(XTest).map((i) => i * 10));
    expect(yTrain).toEqual(firstCol(XTrain).map((i) => i * 10));
    expect([...firstCol(XTrain), ...firstCol(XTest)].sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => i));
  });

  it('is deterministic per seed and keeps the last rows for testing without shuffle', () => {
    const X = indexed(50);
    const y = Array.from({ length: 50 }, (_, i) => i % 2);
    const a = trainTestSplit(X, y, { seed: 3 });
    expect(trainTestSplit(X, y, { seed: 3 })).toEqual(a);
    expect(firstCol(trainTestSplit(X, y, { seed: 4 }).XTest)).not.toEqual(firstCol(a.XTest));
    const ordered = trainTestSplit(X, y, { shuffle: false, testSize: 0.2 });
    expect(firstCol(ordered.XTest)).toEqual([40, 41, 42, 43, 44, 45, 46, 47, 48, 49]);
    expect(trainTestSplit(X, y, { testSize: 7 }).XTest.rows).toBe(7);
  });

  it('keeps class proportions within one row with stratify', () => {
    // 60 'a', 30 'b', 10 'c'; 25 test rows: exact shares 15, 7.5, 2.5, so 15, 8 or 7, 3 or 2.
    const y: Label[] = Array.from({ length: 100 }, (_, i) => (i % 10 < 6 ? 'a' : i % 10 < 9 ? 'b' : 'c'));
    for (const seed of [0, 1, 2, 3]) {
      for (const stratify of [true, y] as const) {
        const { XTest, yTrain, yTest } = trainTestSplit(indexed(100), y, { seed, stratify });
        expect(yTest).toHaveLength(25);
        for (const [c, total] of [['a', 60], ['b', 30], ['c', 10]] as const) {
          expect(Math.abs(count(yTest, c) - (total * 25) / 100)).toBeLessThan(1);
          expect(Math.abs(count(yTrain, c) - (total * 75) / 100)).toBeLessThan(1);
        }
        expect(yTest).toEqual(firstCol(XTest).map((i) => y[i]));
      }
    }
    // Hamilton's method on the tie between b and c (both .5): the larger class gets the row.
    const { yTest } = trainTestSplit(indexed(100), y, { stratify: true });
    expect([count(yTest, 'a'), count(yTest, 'b'), count(yTest, 'c')]).toEqual([15, 8, 2]);
  });

  it('returns y in the container it came in', () => {
    const X = indexed(8);
    const typed = trainTestSplit(X, new Float64Array([0, 1, 2, 3, 4, 5, 6, 7]), { seed: 1 });
    expect(typed.yTest).toBeInstanceOf(Float64Array);
    expect(Array.from(typed.yTest)).toEqual(firstCol(typed.XTest));
    const Y: Matrix = { data: new Float32Array(16).map((_, k) => k), rows: 8, cols: 2 };
    const multi = trainTestSplit(X, Y, { seed: 1 });
    expect(multi.yTest.data).toBeInstanceOf(Float32Array);
    expect(firstCol(multi.yTest)).toEqual(firstCol(multi.XTest).map((i) => 2 * i));
  });

  it('refuses mismatched lengths and impossible sizes', () => {
    expect(codeOf(() => trainTestSplit(indexed(4), [1, 2, 3]))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => trainTestSplit(indexed(4), [1, 2, 3, 4], { testSize: 0 }))).toBe('BAD_OPTION');
    expect(codeOf(() => trainTestSplit(indexed(4), [1, 2, 3, 4], { testSize: 4 }))).toBe('BAD_OPTION');
    expect(codeOf(() => trainTestSplit(indexed(4), [1, 2, 3, 4], { seed: 0.5 }))).toBe('BAD_OPTION');
  });
});

describe('kFold', () => {
  function checkPartition(folds: { train: Uint32Array; test: Uint32Array }[], n: number): void {
    const seen = new Uint32Array(n);
    for (const { train, test } of folds) {
      for (const i of test) seen[i]!++;
      expect(train.length + test.length).toBe(n);
      const inTest = new Set(test);
      expect(Array.from(train).some((i) => inTest.has(i))).toBe(false);
      expect(Array.from(train)).toEqual(Array.from(train).sort((a, b) => a - b));
    }
    expect(Array.from(seen)).toEqual(new Array(n).fill(1));
  }

  it('puts every index in exactly one test fold, sizes differing by at most one', () => {
    const folds = kFold(23, { k: 5 });
    checkPartition(folds, 23);
    expect(folds.map((f) => f.test.length)).toEqual([5, 5, 5, 4, 4]);
    expect(Array.from(folds[0]!.test)).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(folds[4]!.test)).toEqual([19, 20, 21, 22]);
    const shuffled = kFold(23, { k: 5, shuffle: true, seed: 9 });
    checkPartition(shuffled, 23);
    expect(kFold(23, { k: 5, shuffle: true, seed: 9 })).toEqual(shuffled);
    expect(Array.from(shuffled[0]!.test)).not.toEqual([0, 1, 2, 3, 4]);
  });

  it('spreads each class evenly over the folds when stratified', () => {
    const labels = Array.from({ length: 37 }, (_, i) => (i < 20 ? 0 : i < 31 ? 1 : 2));
    const folds = kFold(37, { k: 4, stratify: labels, shuffle: true, seed: 2 });
    checkPartition(folds, 37);
    for (const c of [0, 1, 2]) {
      const perFold = folds.map((f) => Array.from(f.test).filter((i) => labels[i] === c).length);
      expect(Math.max(...perFold) - Math.min(...perFold)).toBeLessThanOrEqual(1);
    }
    const sizes = folds.map((f) => f.test.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });

  it('refuses k outside 2..n', () => {
    expect(codeOf(() => kFold(3, { k: 4 }))).toBe('BAD_OPTION');
    expect(codeOf(() => kFold(10, { k: 1 }))).toBe('BAD_OPTION');
  });
});

describe('crossValScore', () => {
  it('scores a fresh model on each held-out fold and disposes every model', () => {
    const made: NearestCentroid[] = [];
    const X = Array.from({ length: 20 }, (_, i) => [i < 10 ? i : 100 + i]);
    const y = Array.from({ length: 20 }, (_, i) => (i < 10 ? 'small' : 'big'));
    const scores = crossValScore(() => (made.push(new NearestCentroid()), made[made.length - 1]!), X, y, { k: 4, shuffle: true, seed: 1, stratify: true });
    expect(scores).toBeInstanceOf(Float64Array);
    expect(Array.from(scores)).toEqual([1, 1, 1, 1]);
    expect(made).toHaveLength(4);
    expect(made.every((m) => m.disposed)).toBe(true);
  });

  it('passes the held-out fold to score', () => {
    // A model whose score is the number of rows and the sum of the labels it is scored on.
    const model = (): Estimator => ({
      fit: () => undefined,
      predict: () => [],
      score: (X, y) => (X as Matrix).rows * 1000 + Array.from(y as number[]).reduce((a, b) => a + b, 0),
      toJSON: () => ({ name: 'Probe', version: 1 }),
    });
    const y = Array.from({ length: 7 }, (_, i) => i);
    // Folds in order: {0,1,2}, {3,4}, {5,6}.
    expect(Array.from(crossValScore(model, indexed(7), y, { k: 3 }))).toEqual([3003, 2007, 2011]);
  });
});
