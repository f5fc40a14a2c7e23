// Issue #12: the losses as people write them, from logits or probabilities, with PyTorch's
// reductions, checked against known values and plain float64 oracles on every backend.
import { describe, expect, it } from 'vitest';
import { engines } from './helpers/backends.js';
import { caught } from './helpers/errors.js';
import type { Matrix } from '../src/core/matrix.js';
import { binaryCrossEntropy, softmaxCrossEntropy } from '../src/layers/index.js';

const m64 = (rows: number[][]): Matrix => ({ data: Float64Array.from(rows.flat()), rows: rows.length, cols: rows[0].length });
const sum = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0);
const relClose = (a: number, b: number, tol: number) => expect(Math.abs(a - b) / Math.max(Math.abs(b), 1e-300)).toBeLessThan(tol);

/** Plain float64 oracles. */
const bceLogit = (z: number, y: number) => Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z))); // the linear terms first: no cancellation
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const logSumExp = (z: number[]) => {
  const mx = Math.max(...z);
  return mx + Math.log(z.reduce((s, v) => s + Math.exp(v - mx), 0));
};
const softmaxRow = (z: number[]) => z.map((v) => Math.exp(v - logSumExp(z)));

describe.each(engines)('losses on %s', (backend) => {
  describe('binaryCrossEntropy', () => {
    it("from probabilities: p = 0.3, y = 0 costs -log(0.7) = 0.3567, gradient (p - y) / (p (1 - p)), as PyTorch's BCELoss", () => {
      const r = binaryCrossEntropy([[0.3]], [0], { backend, from: 'probabilities' });
      expect(r.loss).toBeCloseTo(0.3567, 4);
      relClose(r.loss, -Math.log(0.7), 1e-6);
      relClose(r.grad.data[0], 0.3 / (0.3 * 0.7), 1e-6);
      const f64 = binaryCrossEntropy(m64([[0.3]]), [0], { backend, from: 'probabilities' });
      relClose(f64.loss, -Math.log(0.7), 1e-12);
      expect(f64.grad.data).toBeInstanceOf(Float64Array);
    });

    it('from probabilities: the logs are clamped at -100, so 0 and 1 cost at most 100 and the gradient stays finite', () => {
      const P = m64([[0, 1, 0, 1, 1e-60]]), Y = [[1, 0, 0, 1, 1]];
      const r = binaryCrossEntropy(P, Y, { backend, from: 'probabilities', reduction: 'none' });
      const want = [100, 100, 0, 0, 100];
      Array.from(r.loss).forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-9));
      expect(Array.from(r.grad.data).every(Number.isFinite)).toBe(true);
      expect(r.grad.data[0]).toBe(-1e12); // (0 - 1) / max(0, 1e-12)
      const mean = binaryCrossEntropy(P, Y, { backend, from: 'probabilities' });
      relClose(mean.loss, 300 / 5, 1e-9);
      expect(caught(() => binaryCrossEntropy([[1.5]], [1], { backend, from: 'probabilities' })).message).toMatch(/probabilities has 1\.5 at row 0, column 0; probabilities must be in \[0, 1\]/);
    });

    it("reduction 'none' gives each entry's loss (each row's for one output): they sum to 'sum' and average to 'mean'", () => {
      const Z = [[2, -1, 0.5], [-3, 30, -1e4], [0.1, 0.2, 1e4]], T = [[1, 0, 1], [0, 1, 0.25], [0.5, 0, 1]];
      const none = binaryCrossEntropy(Z, T, { backend, reduction: 'none' });
      expect(none.loss).toBeInstanceOf(Float64Array);
      expect(none.loss).toHaveLength(9);
      Array.from(none.loss).forEach((v, k) => relClose(v, bceLogit(Z[Math.floor(k / 3)][k % 3], T[Math.floor(k / 3)][k % 3]), 1e-6));
      const total = binaryCrossEntropy(Z, T, { backend, reduction: 'sum' });
      const mean = binaryCrossEntropy(Z, T, { backend });
      relClose(sum(none.loss), total.loss, 1e-6);
      relClose(sum(none.loss) / 9, mean.loss, 1e-6);
      // Gradients: per entry for 'none' and 'sum', over the 9 entries for 'mean'.
      Array.from(total.grad.data).forEach((g, k) => {
        expect(Math.abs(g - (sigmoid(Z[Math.floor(k / 3)][k % 3]) - T[Math.floor(k / 3)][k % 3]))).toBeLessThan(1e-6);
        expect(none.grad.data[k]).toBe(g);
        expect(Math.abs(mean.grad.data[k] - g / 9)).toBeLessThan(1e-7);
      });
      // One output: one loss per row.
      const rows = binaryCrossEntropy(m64([[0.3], [-2], [4]]), [1, 0, 1], { backend, reduction: 'none' });
      Array.from(rows.loss).forEach((v, i) => relClose(v, bceLogit([0.3, -2, 4][i], [1, 0, 1][i]), 1e-12));
    });
  });

  describe('softmaxCrossEntropy', () => {
    const Z = [[0.4, 0.0, -4.0, -1.0], [0.4, 0.0, -4.0, -10.0]], y = [1, 3];
    // softmax(z) - onehot(y), worked by hand to 8 digits; halved by the mean over 2 rows.
    const handGrad = [[0.25917555, -0.32626944, 0.00318199, 0.0639119], [0.29715425, 0.19918845, 0.00364826, -0.49999096]];

    it('has the hand-computed gradient of a fixed logits matrix, for every reduction and dtype', () => {
      for (const input of [Z, m64(Z)]) {
        const mean = softmaxCrossEntropy(input, y, { backend });
        const total = softmaxCrossEntropy(input, y, { backend, reduction: 'sum' });
        const tol = Array.isArray(input) ? 1e-6 : 1e-8;
        Array.from(mean.grad.data).forEach((g, k) => expect(Math.abs(g - handGrad[k >> 2][k & 3])).toBeLessThan(tol));
        Array.from(total.grad.data).forEach((g, k) => expect(Math.abs(g - 2 * handGrad[k >> 2][k & 3])).toBeLessThan(2 * tol));
        if (!Array.isArray(input)) {
          // float64 in, float64 out: against the oracle to 1e-12.
          expect(mean.grad.data).toBeInstanceOf(Float64Array);
          Z.forEach((row, i) => softmaxRow(row).forEach((p, k) => expect(Math.abs(mean.grad.data[i * 4 + k] - (p - Number(k === y[i])) / 2)).toBeLessThan(1e-12)));
        }
      }
    });

    it("reduction 'none' gives each row's loss: they sum to 'sum' and average to 'mean'; finite at logits of 1e4", () => {
      const X = [...Z, [1e4, 0, -1e4, 5], [-1e4, -1e4, -1e4, -1e4]], labels = [1, 3, 2, 0];
      const none = softmaxCrossEntropy(X, labels, { backend, reduction: 'none' });
      expect(none.loss).toHaveLength(4);
      const want = X.map((row, i) => logSumExp(row) - row[labels[i]]);
      Array.from(none.loss).forEach((v, i) => relClose(v, want[i], 1e-6));
      expect(none.loss[2]).toBe(2e4); // log-sum-exp(1e4, ...) - (-1e4), exactly
      const total = softmaxCrossEntropy(X, labels, { backend, reduction: 'sum' });
      const mean = softmaxCrossEntropy(X, labels, { backend });
      relClose(sum(none.loss), total.loss, 1e-6);
      relClose(sum(none.loss) / 4, mean.loss, 1e-6);
      expect(Array.from(mean.grad.data).every(Number.isFinite)).toBe(true);
    });

    it('from probabilities: -log p_y of each row normalised to sum 1, clamped at -100; its gradient 1/S - [k = y] / p_y', () => {
      const P = [[0.7, 0.2, 0.1], [0.1, 0.5, 0.4], [0.25, 0.25, 0.25], [1, 0, 0]], labels = [0, 2, 1, 1];
      const none = softmaxCrossEntropy(m64(P), labels, { backend, from: 'probabilities', reduction: 'none' });
      const want = [-Math.log(0.7), -Math.log(0.4), -Math.log(1 / 3), 100];
      Array.from(none.loss).forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-9));
      const mean = softmaxCrossEntropy(P, labels, { backend, from: 'probabilities' });
      relClose(mean.loss, sum(want) / 4, 1e-6);
      const S = P.map((r) => sum(r));
      Array.from(none.grad.data).forEach((g, k) => {
        const i = Math.floor(k / 3), c = k % 3;
        const w = 1 / S[i] - (c === labels[i] ? 1 / Math.max(P[i][c], 1e-12) : 0);
        expect(Math.abs(g - w)).toBeLessThan(1e-9 * Math.max(1, Math.abs(w)));
      });
      expect(caught(() => softmaxCrossEntropy([[0, 0]], [0], { backend, from: 'probabilities' })).message).toMatch(/row 0 sums to 0/);
      expect(caught(() => softmaxCrossEntropy([[-0.1, 1.1]], [0], { backend, from: 'probabilities' })).code).toBe('BAD_OPTION');
    });
  });
});
