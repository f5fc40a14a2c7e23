// sigmoid and softmax against a plain f64 oracle of the same stored inputs, on every backend: a
// dense sweep and the extremes (+-88, +-1e30, the largest float, +-Infinity), lengths and row widths
// that leave vector tails, rows stored with and without padding, in place, and nothing written past
// a row's K values. Also the softmax cross-entropy head, which shares the row max and exp-sum pass,
// and relu's answer for NaN and -0.
import { describe, expect, it } from 'vitest';
import { engines } from './helpers/backends.js';
import { floatsOf } from './helpers/buffers.js';
import { normals } from './helpers/random.js';
import { roundTo } from './helpers/oracles.js';
import type { Dtype, Engine, FloatBuf } from '../src/engine/engine.js';

/** Largest error allowed, relative for sigmoid and absolute (on probabilities) for softmax. */
const TOL: Record<Dtype, number> = { float32: 2e-7, float64: 1e-14 };
const F32_MAX = 3.4028234663852886e38;
const SMALLEST_NORMAL = 1.1754943508222875e-38;
const SENTINEL = 12345;

const sigmoidOf = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** The f64 softmax of one row. */
function softmaxOf(z: ArrayLike<number>): number[] {
  const mx = Math.max(...Array.from(z));
  const e = Array.from(z, (v) => Math.exp(v - mx));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/** The dense sweep: [-100, 100] in steps of 1/256, the extremes, and signed zeros and tiny values. */
function sweep(): number[] {
  const out: number[] = [];
  for (let i = -25600; i <= 25600; i++) out.push(i / 256);
  for (const v of [87.3, 87.34, 88, 88.7, 89, 100, 1e4, 1e30, F32_MAX, 1e-30, 1e-45]) out.push(v, -v);
  out.push(0, -0, Infinity, -Infinity);
  return out;
}

/** An engine buffer of `n` values with `values` at the start and SENTINEL after them. */
function withSentinel(engine: Engine, dtype: Dtype, values: ArrayLike<number>, n: number): FloatBuf {
  const all = new Float64Array(n).fill(SENTINEL);
  all.set(Array.from(values));
  return floatsOf(engine, dtype, all);
}

describe.each(engines)('%s: sigmoid and softmax against f64', (_name, engine) => {
  describe.each(['float32', 'float64'] as const)('%s', (dtype) => {
    const round = roundTo(dtype);
    const tol = TOL[dtype];

    it('sigmoid is within tolerance of f64 over the sweep, in [0, 1], exact at 0 and the infinities', () => {
      const z = sweep().map(round);
      const n = z.length;
      const out = floatsOf(engine, dtype, new Float64Array(n));
      engine.sigmoid(floatsOf(engine, dtype, z), out, n);
      const p = out.view();
      let worst = 0;
      const wrong: string[] = [];
      for (let i = 0; i < n; i++) {
        const ref = sigmoidOf(z[i]);
        // Out of [0, 1] (NaN included), or not flushed/subnormal where the oracle is.
        if (!(p[i] >= 0 && p[i] <= 1) || (ref < SMALLEST_NORMAL && !(p[i] < SMALLEST_NORMAL))) wrong.push(`sigmoid(${z[i]}) = ${p[i]}`);
        if (ref >= SMALLEST_NORMAL) worst = Math.max(worst, Math.abs(p[i] - ref) / ref);
      }
      expect(wrong).toEqual([]);
      expect(worst).toBeLessThanOrEqual(tol);
      const at = (v: number) => p[z.findIndex((x) => Object.is(x, round(v)))];
      expect([at(0), at(-0), at(Infinity), at(-Infinity), at(1e30), at(-1e30)]).toEqual([0.5, 0.5, 1, 0, 1, 0]);
    });

    it.runIf(dtype === 'float32')('sigmoid near 1 is within 0.7 ulp, so 1 - sigmoid (the other class) keeps its digits', () => {
      const z = Array.from({ length: 4001 }, (_, i) => round(2 + i / 250));
      const out = floatsOf(engine, dtype, new Float64Array(z.length));
      engine.sigmoid(floatsOf(engine, dtype, z), out, z.length);
      const p = out.view();
      const worst = Math.max(...z.map((v, i) => Math.abs(p[i] - sigmoidOf(v))));
      expect(worst).toBeLessThanOrEqual(0.7 * 2 ** -24);
    });

    it.each([1, 2, 3, 4, 5, 7, 8, 13, 17, 63, 64, 65])('sigmoid of %i values: every tail value right, in place too, nothing past n written', (n) => {
      const z = Array.from(normals(n, n), (v) => round(8 * v));
      const out = withSentinel(engine, dtype, [], n + 4);
      engine.sigmoid(floatsOf(engine, dtype, z), out, n);
      const inPlace = withSentinel(engine, dtype, z, n + 4);
      engine.sigmoid(inPlace, inPlace, n);
      for (const p of [out.view(), inPlace.view()]) {
        for (let i = 0; i < n; i++) expect(Math.abs(p[i] - sigmoidOf(z[i]))).toBeLessThanOrEqual(tol * sigmoidOf(z[i]));
        expect(Array.from(p.subarray(n))).toEqual([SENTINEL, SENTINEL, SENTINEL, SENTINEL]);
      }
    });

    it('relu is 0 for NaN, -0 and negatives in the vector lanes and the tail alike, as the JS twin gives it', () => {
      const z = [NaN, -0, -1, 2, -1e30, 1e30, 0.5, NaN, -0];
      const out = withSentinel(engine, dtype, [], z.length);
      engine.activation('relu', floatsOf(engine, dtype, z), out, z.length);
      expect(Array.from(out.view())).toEqual([0, 0, 0, 2, 0, round(1e30), 0.5, 0, 0]);
      expect(Array.from(out.view()).every((v) => !Object.is(v, -0))).toBe(true);
    });

    it('a negative count is no values: sigmoid, the activations and softmax write nothing', () => {
      const z = floatsOf(engine, dtype, [1, 2, 3, 4, 5, 6, 7, 8]);
      const out = withSentinel(engine, dtype, [], 8);
      engine.sigmoid(z, out, -1);
      for (const kind of ['relu', 'tanh', 'logistic', 'identity'] as const) {
        engine.activation(kind, z, out, -5);
        engine.activationGrad(kind, z, z, out, -5);
      }
      engine.softmaxRows(z, 4, 2, -3, out, 4);
      engine.softmaxRows(z, 4, -2, 3, out, 4);
      expect(Array.from(out.view())).toEqual(new Array(8).fill(SENTINEL));
    });

    /** Softmax of m rows of width K stored with row strides ld, P exactly as long as the kernel may write. */
    function softmaxCase(rows: number[][], K: number, ld: number, inPlace: boolean) {
      const m = rows.length;
      const size = (m - 1) * ld + K;
      const zs = new Float64Array(size).fill(SENTINEL);
      rows.forEach((r, i) => zs.set(r.map(round), i * ld));
      const Z = floatsOf(engine, dtype, zs);
      const P = inPlace ? Z : withSentinel(engine, dtype, [], size);
      engine.softmaxRows(Z, ld, m, K, P, ld);
      const p = P.view();
      return rows.map((_, i) => {
        if (i < m - 1) expect(Array.from(p.subarray(i * ld + K, (i + 1) * ld)), 'padding untouched').toEqual(new Array(ld - K).fill(SENTINEL));
        return Array.from(p.subarray(i * ld, i * ld + K));
      });
    }

    /** Checks rows of probabilities against the oracle: error, range, and the row sum. */
    function expectSoftmax(got: number[][], rows: number[][]) {
      got.forEach((p, i) => {
        const ref = softmaxOf(rows[i].map(round));
        const what = `row ${i} [${rows[i].slice(0, 4)}...]`;
        expect(p.filter((v) => !(v >= 0 && v <= 1)), what).toEqual([]);
        expect(Math.max(...p.map((v, k) => Math.abs(v - ref[k]))), what).toBeLessThanOrEqual(tol);
        expect(Math.abs(p.reduce((a, b) => a + b, 0) - 1), what).toBeLessThanOrEqual(dtype === 'float32' ? 2.5e-7 : 1e-14);
      });
    }

    it.each([1, 2, 3, 4, 5, 7, 8, 10, 13, 26, 256])('softmax rows of K = %i: padded, unpadded and odd strides, in place, extremes', (K) => {
      const random = Array.from({ length: 9 }, (_, i) => Array.from(normals(K, 100 * K + i), (v) => 3 * v));
      const extremes = [
        Array.from({ length: K }, (_, k) => (k % 2 ? -88 : 88)),
        Array.from({ length: K }, (_, k) => (k % 3 === 0 ? 1e30 : k % 3 === 1 ? -1e30 : 0)),
        Array.from({ length: K }, (_, k) => (k % 2 ? -F32_MAX : F32_MAX)),
        Array.from({ length: K }, () => -1e30),
        Array.from({ length: K }, () => 88),
        Array.from({ length: K }, (_, k) => (k === K - 1 ? 0 : -100)),
      ];
      const rows = [...random, ...extremes];
      for (const ld of [K, (K + 3) & ~3, K + 1]) {
        expectSoftmax(softmaxCase(rows, K, ld, false), rows);
        expectSoftmax(softmaxCase(rows, K, ld, true), rows);
      }
    });

    it('softmax gives -Infinity logits probability 0; a row with +Infinity is NaN, as the twin gives it', () => {
      const K = 7;
      const masked = [-Infinity, 1, -Infinity, 2, 3, -Infinity, 0];
      const [p] = softmaxCase([masked], K, K, false);
      expect(p.filter((_, k) => masked[k] === -Infinity)).toEqual([0, 0, 0]);
      expectSoftmax([p.filter((_, k) => masked[k] !== -Infinity)], [masked.filter((v) => v !== -Infinity)]);
      const [q] = softmaxCase([[0, Infinity, 1, 2, 3, 4, 5]], K, K, false);
      expect(q.every(Number.isNaN)).toBe(true);
    });

    it.each([1, 3, 5, 10, 13])('softmax cross-entropy over K = %i: loss and gradient as the f64 oracle gives them', (K) => {
      const m = 11, ld = (K + 3) & ~3;
      const Zv = Array.from(normals(m * ld, K), (v) => round(4 * v));
      const labels = Array.from({ length: m }, (_, i) => (i * 7) % K);
      const D = floatsOf(engine, dtype, new Float64Array(m * ld));
      const lab = engine.u32(m);
      lab.view().set(labels);
      const loss = engine.softmaxCeRows(floatsOf(engine, dtype, Zv), ld, m, K, lab, null, D, ld);
      let refLoss = 0;
      for (let i = 0; i < m; i++) {
        const row = Zv.slice(i * ld, i * ld + K);
        const p = softmaxOf(row);
        refLoss -= Math.log(p[labels[i]]);
        for (let k = 0; k < K; k++) {
          expect(Math.abs(D.view()[i * ld + k] - (p[k] - (k === labels[i] ? 1 : 0)))).toBeLessThanOrEqual(4 * tol);
        }
      }
      expect(Math.abs(loss - refLoss)).toBeLessThanOrEqual(4 * tol * Math.max(1, refLoss));
    });
  });
});
