// The register tiles of the three matrix products (two rows by four outputs, four outputs by two
// vectors, two rows by four vectors) at every edge: row counts that leave a single row, widths
// and output counts that are and are not multiples of a tile, real sizes zero-padded to 4. Every
// backend, float32 and float64, against a plain f64 oracle, compared relative to the largest term.
import { describe, expect, it } from 'vitest';
import { engines } from './helpers/backends.js';
import { floatsOf } from './helpers/buffers.js';
import { normals } from './helpers/random.js';
import { randomData, randomNet } from './helpers/nets.js';
import { floats, type Dtype } from '../src/engine/engine.js';
import { getEngine } from '../src/engine/index.js';
import type { NetSpec } from '../src/engine/net.js';

const pad = (n: number) => (n + 3) & ~3;
const tol: Record<Dtype, number> = { float32: 2e-6, float64: 1e-14 };

/** A rows x cols matrix of normals with rows zero-padded to ld. */
function padded(rows: number, cols: number, ld: number, seed: number): Float64Array {
  const v = normals(rows * cols, seed), out = new Float64Array(rows * ld);
  for (let i = 0; i < rows; i++) out.set(v.subarray(i * cols, (i + 1) * cols), i * ld);
  return out;
}

/** Every value of got against want, within tol times the largest sum of |terms| (the scale of rounding). */
function expectNear(got: ArrayLike<number>, want: Float64Array, scale: number, t: number) {
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
  expect(worst).toBeLessThanOrEqual(t * scale);
}

// Networks whose weight gradients take the two-row tiles (real outputs 2 mod 4: 10, 18, 6) over
// inputs of one to several vectors, checked against the js backend's gradient of the same net.
const nets: [string, NetSpec][] = [
  ['multi-label 37 -> 10', { sizes: [37, 10], hidden: 'identity', output: 'sigmoid', maxBatch: 16 }],
  ['MLP 21 -> 18 (relu) -> 10, softmax', { sizes: [21, 18, 10], hidden: 'relu', output: 'softmax', maxBatch: 16 }],
  ['MLP 3 -> 6 (logistic) -> 2, sigmoid', { sizes: [3, 6, 2], hidden: 'logistic', output: 'sigmoid', maxBatch: 16 }],
];

// [m, k, nOut] real sizes: single rows, odd row counts, k of one vector or an odd count of them,
// output counts of one tile and not, a full-size case.
const shapes: [number, number, number][] = [
  [1, 1, 1], [1, 13, 5], [2, 3, 10], [3, 5, 13], [5, 13, 3], [13, 256, 10], [13, 4, 12],
  [256, 5, 10], [256, 256, 12], [7, 20, 256], [64, 64, 64], [3, 7, 1],
];

describe.each(engines)('gemm tiles on %s', (_name, engine) => {
  describe.each(['float32', 'float64'] as Dtype[])('in %s', (dtype) => {
    it.each(shapes)('m = %i, k = %i, nOut = %i', (m, kReal, outReal) => {
      const k = pad(kReal), nOut = pad(outReal);
      const a = padded(m, kReal, k, 1), w = padded(outReal, kReal, k, 2);
      const wPad = new Float64Array(nOut * k);
      wPad.set(w);
      const b = new Float64Array(nOut);
      b.set(normals(outReal, 3));
      const d = padded(m, outReal, nOut, 4), g0 = padded(outReal, kReal, k, 5);
      const gPad = new Float64Array(nOut * k);
      gPad.set(g0);
      const A = floatsOf(engine, dtype, a), W = floatsOf(engine, dtype, wPad), bias = floatsOf(engine, dtype, b);
      const D = floatsOf(engine, dtype, d), dW = floatsOf(engine, dtype, gPad);
      // Output rows wider than the product (ldc, ldo > the width), prefilled, to show what is written.
      const C = floats(engine, dtype, m * (nOut + 4)), Out = floats(engine, dtype, m * (k + 4));
      C.view().fill(7);
      Out.view().fill(7);
      engine.gemmNT(A, k, m, W, nOut, k, bias, C, nOut + 4);
      engine.gemmTNAcc(D, nOut, m, nOut, A, k, k, dW);
      engine.gemmNN(D, nOut, m, nOut, W, k, Out, k + 4);

      const c = new Float64Array(m * (nOut + 4)).fill(7), out = new Float64Array(m * (k + 4)).fill(7);
      const dw = Float64Array.from(gPad);
      let cScale = 1, outScale = 1, dwScale = 1;
      for (let i = 0; i < m; i++) {
        for (let o = 0; o < nOut; o++) {
          let s = b[o], mag = Math.abs(b[o]);
          for (let q = 0; q < k; q++) {
            s += a[i * k + q] * wPad[o * k + q];
            mag += Math.abs(a[i * k + q] * wPad[o * k + q]);
          }
          c[i * (nOut + 4) + o] = s;
          cScale = Math.max(cScale, mag);
        }
        for (let q = 0; q < k; q++) {
          let s = 0, mag = 0;
          for (let o = 0; o < nOut; o++) {
            s += d[i * nOut + o] * wPad[o * k + q];
            mag += Math.abs(d[i * nOut + o] * wPad[o * k + q]);
          }
          out[i * (k + 4) + q] = s;
          outScale = Math.max(outScale, mag);
        }
      }
      for (let o = 0; o < nOut; o++) {
        for (let q = 0; q < k; q++) {
          let mag = Math.abs(dw[o * k + q]);
          for (let i = 0; i < m; i++) {
            dw[o * k + q] += d[i * nOut + o] * a[i * k + q];
            mag += Math.abs(d[i * nOut + o] * a[i * k + q]);
          }
          dwScale = Math.max(dwScale, mag);
        }
      }
      expectNear(C.view(), c, cScale, tol[dtype]);
      expectNear(Out.view(), out, outScale, tol[dtype]);
      expectNear(dW.view(), dw, dwScale, tol[dtype]);
      // Padded outputs and padded columns stay exactly zero: nothing leaks into the next layer.
      for (let i = 0; i < m; i++) for (let o = outReal; o < nOut; o++) expect(C.view()[i * (nOut + 4) + o]).toBe(0);
      for (let o = 0; o < nOut; o++) for (let q = kReal; q < k; q++) expect(dW.view()[o * k + q]).toBe(0);
      for (const buf of [A, W, bias, D, dW, C, Out]) engine.free(buf);
    });

    it.each(nets)('%s: the weight gradient of the two-row tiles equals the js backend\'s', (_label, spec) => {
      const grads = [engine, getEngine('js')].map((e) => {
        const net = randomNet(e, spec, 21, dtype);
        e.netLossGrad(net, randomData(e, spec, 37, 22, true, dtype));
        return Float64Array.from(net.grads.view());
      });
      const scale = Math.max(...Array.from(grads[1], Math.abs));
      grads[0].forEach((g, i) => expect(Math.abs(g - grads[1][i])).toBeLessThanOrEqual(scale * (dtype === 'float32' ? 1e-5 : 1e-13)));
    });
  });
});
