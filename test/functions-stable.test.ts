// sigmoid, logSigmoid, softmax and logSoftmax over arrays and matrices, on every backend: against
// plain float64 oracles, and finite and right at +-1e4 where the naive forms give NaN or Infinity.
import { describe, expect, it } from 'vitest';
import { engines } from './helpers/backends.js';
import { caught, codeOf } from './helpers/errors.js';
import { normals } from './helpers/random.js';
import type { Matrix } from '../src/core/matrix.js';
import { logSigmoid, logSoftmax, sigmoid, softmax } from '../src/index.js';

/** Float64 oracles, each in its stable form. */
const sigmoidOf = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));
const logSigmoidOf = (z: number) => Math.min(z, 0) - Math.log1p(Math.exp(-Math.abs(z)));
const logSoftmaxOf = (z: number[]) => {
  const mx = Math.max(...z);
  const lse = mx + Math.log(z.reduce((s, v) => s + Math.exp(v - mx), 0));
  return z.map((v) => v - lse);
};
const softmaxOf = (z: number[]) => logSoftmaxOf(z).map(Math.exp);

const EXTREMES = [-1e4, -1000, -100, -30, -1, -1e-8, 0, 1e-8, 1, 30, 100, 1000, 1e4];

describe.each(engines)('functions on %s', (backend) => {
  it('sigmoid and logSigmoid match the oracle over arrays, typed arrays and matrices, in the input dtype', () => {
    const z = [...EXTREMES, ...Array.from(normals(20, 1), (v) => 5 * v)];
    for (const dtype of ['float32', 'float64'] as const) {
      const input = dtype === 'float32' ? Float32Array.from(z) : z;
      const tol = dtype === 'float32' ? 1e-6 : 1e-14;
      const s = sigmoid(input, { backend }), ls = logSigmoid(input, { backend });
      expect(s).toBeInstanceOf(dtype === 'float32' ? Float32Array : Float64Array);
      expect(ls).toBeInstanceOf(dtype === 'float32' ? Float32Array : Float64Array);
      const zs = Array.from(input);
      zs.forEach((v, i) => {
        expect(Math.abs(s[i] - sigmoidOf(v))).toBeLessThanOrEqual(tol * Math.max(sigmoidOf(v), 1e-30) + (dtype === 'float32' ? 1e-38 : 0));
        expect(Math.abs(ls[i] - logSigmoidOf(v))).toBeLessThanOrEqual(tol * Math.max(Math.abs(logSigmoidOf(v)), 1e-30));
      });
    }
    const M = { data: Float64Array.from(EXTREMES.slice(0, 12)), rows: 3, cols: 4 };
    const out = sigmoid(M, { backend }) as Matrix;
    expect([out.rows, out.cols]).toEqual([3, 4]);
    expect(out.data).toBeInstanceOf(Float64Array);
    const rows = logSigmoid([[1, 2], [3, 4]], { backend }) as Matrix;
    expect([rows.rows, rows.cols]).toEqual([2, 2]);
    expect(rows.data[3]).toBeCloseTo(logSigmoidOf(4), 14);
  });

  it('at +-1e4 every function is finite and right: logSigmoid(-1e4) = -1e4, logSoftmax keeps the gaps exactly', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const x = dtype === 'float32' ? Float32Array.of(-1e4, 1e4) : Float64Array.of(-1e4, 1e4);
      expect(Array.from(sigmoid(x, { backend }))).toEqual([0, 1]);
      const ls = logSigmoid(x, { backend });
      expect(ls[0]).toBe(-1e4);
      expect(ls[1]).toBeCloseTo(0, 30); // -e^-1e4: zero, or its negative
      expect(Array.from(softmax(x, { backend }))).toEqual([0, 1]);
      expect(Array.from(logSoftmax(x, { backend }))).toEqual([-2e4, 0]);
      const M = { data: dtype === 'float32' ? Float32Array.of(1e4, 0, -1e4, 1e4, 1e4, 1e4) : Float64Array.of(1e4, 0, -1e4, 1e4, 1e4, 1e4), rows: 2, cols: 3 };
      const lsm = logSoftmax(M, { backend }) as Matrix;
      expect(Array.from(lsm.data.subarray(0, 3))).toEqual([0, -1e4, -2e4]);
      Array.from(lsm.data.subarray(3)).forEach((v) => expect(Math.abs(v + Math.log(3))).toBeLessThan(1e-6));
      const sm = softmax(M, { backend }) as Matrix;
      expect(Array.from(sm.data).every(Number.isFinite)).toBe(true);
      Array.from(sm.data.subarray(3)).forEach((v) => expect(Math.abs(v - 1 / 3)).toBeLessThan(1e-6));
      for (const f of [sigmoid, logSigmoid, softmax, logSoftmax]) {
        const r = f(M, { backend }) as Matrix;
        expect(Array.from(r.data).every(Number.isFinite), f.name).toBe(true);
      }
    }
  });

  it('softmax and logSoftmax go row by row over a matrix and over the whole of flat input', () => {
    const Z = Array.from({ length: 5 }, (_, i) => Array.from(normals(7, 10 + i), (v) => 4 * v));
    for (const dtype of ['float32', 'float64'] as const) {
      const input = { data: dtype === 'float32' ? Float32Array.from(Z.flat()) : Float64Array.from(Z.flat()), rows: 5, cols: 7 };
      const tol = dtype === 'float32' ? 1e-6 : 1e-13;
      const P = softmax(input, { backend }) as Matrix, L = logSoftmax(input, { backend }) as Matrix;
      Z.forEach((row, i) => {
        const r = dtype === 'float32' ? Array.from(Float32Array.from(row)) : row;
        softmaxOf(r).forEach((p, k) => expect(Math.abs(P.data[i * 7 + k] - p)).toBeLessThan(tol));
        logSoftmaxOf(r).forEach((l, k) => expect(Math.abs(L.data[i * 7 + k] - l)).toBeLessThan(tol * Math.max(1, Math.abs(l))));
      });
    }
    const flat = softmax([1, 2, 3], { backend });
    expect(flat).toBeInstanceOf(Float64Array);
    softmaxOf([1, 2, 3]).forEach((p, k) => expect(flat[k]).toBeCloseTo(p, 14));
    expect(logSoftmax([[5]], { backend })).toEqual({ data: Float64Array.of(0), rows: 1, cols: 1 });
    expect(sigmoid([], { backend })).toEqual(new Float64Array(0));
    expect(softmax(new Float32Array(0), { backend })).toEqual(new Float32Array(0));
    // dtype chosen explicitly.
    expect(sigmoid([0.5], { backend, dtype: 'float32' })).toBeInstanceOf(Float32Array);
    expect(softmax(Float32Array.of(1, 2), { backend, dtype: 'float64' })).toBeInstanceOf(Float64Array);
  });

  it('refuses what is not finite numbers with a typed error', () => {
    for (const f of [sigmoid, logSigmoid, softmax, logSoftmax]) {
      expect(caught(() => f([1, NaN], { backend })).message).toMatch(/x\[1\] is NaN; expected a finite number/);
      expect(codeOf(() => f(Float64Array.of(Infinity), { backend }))).toBe('NON_FINITE_INPUT');
      expect(codeOf(() => f([[1, Infinity]], { backend }))).toBe('NON_FINITE_INPUT');
      expect(codeOf(() => f([1n] as never, { backend }))).toBe('NON_FINITE_INPUT');
      expect(codeOf(() => f(null as never, { backend }))).toBe('SHAPE_MISMATCH');
      expect(codeOf(() => f('12' as never, { backend }))).toBe('SHAPE_MISMATCH');
      expect(codeOf(() => f([1], { backend, dtype: 'int8' } as never))).toBe('BAD_OPTION');
      expect(caught(() => f([1], { backend, dType: 'float32' } as never)).message).toMatch(/did you mean 'dtype'\?/);
    }
  });
});
