// batches(X, y, { batchSize, shuffle, seed }): every row once per epoch, reproducible by seed,
// y batched in its own kind. Pure host code, so one run covers every backend.
import { describe, expect, it } from 'vitest';
import './helpers/backends.js';
import { caught, codeOf } from './helpers/errors.js';
import type { Matrix } from '../src/core/matrix.js';
import { batches } from '../src/index.js';

const n = 103, d = 3;
/** Row i holds i, i + 0.25, i + 0.5: every batch row says which row it came from. */
const X: Matrix = { data: Float32Array.from({ length: n * d }, (_, k) => Math.floor(k / d) + (k % d) / 4), rows: n, cols: d };
const y = Array.from({ length: n }, (_, i) => i % 7);

function epochRows(data: Iterable<[Matrix, unknown]>): number[][] {
  const out: number[][] = [];
  for (const [xb] of data) out.push(Array.from({ length: xb.rows }, (_, i) => xb.data[i * xb.cols]));
  return out;
}

describe('batches', () => {
  it('covers every row exactly once per epoch, in batches of batchSize and the rest, x and y together', () => {
    const data = batches(X, y, { batchSize: 10, seed: 5 });
    expect([data.length, data.batchSize, data.rows]).toEqual([11, 10, n]);
    for (let epoch = 0; epoch < 3; epoch++) {
      const sizes: number[] = [];
      const seen: number[] = [];
      for (const [xb, yb] of data) {
        expect(xb.data).toBeInstanceOf(Float32Array);
        expect(xb.cols).toBe(d);
        sizes.push(xb.rows);
        for (let i = 0; i < xb.rows; i++) {
          const row = xb.data[i * d];
          expect(Array.from(xb.data.subarray(i * d, i * d + d))).toEqual([row, row + 0.25, row + 0.5]);
          expect(yb[i]).toBe(y[row]); // the label of the same row
          seen.push(row);
        }
      }
      expect(sizes).toEqual([10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 3]);
      expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    }
    expect(data.epoch).toBe(3);
  });

  it('is reproducible by seed: the same seed gives the same epochs, another seed others; each epoch a new order', () => {
    const run = (seed: number) => {
      const data = batches(X, y, { batchSize: 16, seed });
      return [epochRows(data), epochRows(data)];
    };
    const [a1, a2] = run(1), [b1, b2] = run(1), [c1] = run(2);
    expect(b1).toEqual(a1);
    expect(b2).toEqual(a2);
    expect(a2).not.toEqual(a1);
    expect(c1).not.toEqual(a1);
    // Not merely reversed or rotated: most rows move.
    expect(a1.flat().filter((r, i) => r === i).length).toBeLessThan(n / 4);
  });

  it('keeps the rows in order with shuffle: false, and defaults to batches of 32, shuffled, seed 0', () => {
    expect(epochRows(batches(X, y, { batchSize: 50, shuffle: false })).flat()).toEqual(Array.from({ length: n }, (_, i) => i));
    const defaults = batches(X, y);
    expect([defaults.batchSize, defaults.shuffle, defaults.length]).toEqual([32, true, 4]);
    expect(epochRows(defaults)).toEqual(epochRows(batches(X, y, { seed: 0, batchSize: 32, shuffle: true })));
  });

  it('gives y in its own kind: an array, a typed array, number[][] or a Matrix; X as a Matrix of its dtype', () => {
    const Xrows = Array.from({ length: 5 }, (_, i) => [i, -i]);
    const order = (data: Iterable<[Matrix, unknown]>) => [...data].map(([xb, yb]) => [Array.from(xb.data), yb]);
    const [[xb, yb]] = order(batches(Xrows, ['a', 'b', 'c', 'd', 'e'], { batchSize: 5, shuffle: false }));
    expect(xb).toEqual([0, -0, 1, -1, 2, -2, 3, -3, 4, -4]);
    expect(yb).toEqual(['a', 'b', 'c', 'd', 'e']);
    const [[, typed]] = [...batches(Xrows, Uint32Array.of(4, 3, 2, 1, 0), { batchSize: 2, shuffle: false })];
    expect(typed).toEqual(Uint32Array.of(4, 3));
    const onehot = Xrows.map((_, i) => [Number(i % 2 === 0), Number(i % 2 === 1)]);
    const [[x0, rows0]] = [...batches(Xrows, onehot, { batchSize: 3, seed: 9 })];
    expect(x0.data).toBeInstanceOf(Float64Array);
    rows0.forEach((r, i) => expect(r).toEqual(onehot[x0.data[i * 2]]));
    expect(rows0[0]).not.toBe(onehot[x0.data[0]]); // copies: changing a batch leaves y alone
    const Y: Matrix = { data: Float64Array.from(onehot.flat()), rows: 5, cols: 2 };
    const [[x1, m1]] = [...batches(Xrows, Y, { batchSize: 4, seed: 9 })];
    expect([m1.rows, m1.cols]).toEqual([4, 2]);
    expect(m1.data).toBeInstanceOf(Float64Array);
    for (let i = 0; i < 4; i++) expect(Array.from(m1.data.subarray(2 * i, 2 * i + 2))).toEqual(onehot[x1.data[2 * i]]);
  });

  it('refuses bad options and mismatched data before making any batch', () => {
    for (const batchSize of [0, -1, 1.5, NaN, Infinity, '8', 8n, null]) {
      expect(caught(() => batches(X, y, { batchSize: batchSize as number })).message).toMatch(/batchSize must be an integer >= 1; got /);
    }
    expect(caught(() => batches(X, y, { batchSize: Infinity })).message).toMatch(/got Infinity/);
    for (const seed of [-1, 0.5, 2 ** 32, '1', 1n, Symbol('s')]) expect(codeOf(() => batches(X, y, { seed: seed as number }))).toBe('BAD_OPTION');
    expect(codeOf(() => batches(X, y, { shuffle: 'yes' as unknown as boolean }))).toBe('BAD_OPTION');
    expect(caught(() => batches(X, y.slice(1))).message).toMatch(/X has 103 rows but y has 102/);
    expect(codeOf(() => batches(X, null as never))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => batches(X, 'abc' as never))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => batches(null as never, y))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => batches([[1, NaN]], [1]))).toBe('NON_FINITE_INPUT');
    expect(codeOf(() => batches([[1], [2]], [[1], 2] as never))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => batches(X, y, null as never))).toBe('BAD_OPTION');
  });
});
