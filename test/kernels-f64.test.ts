// The kernel suite in float64: every backend against an f64 oracle, to ~1e-12 rather than f32's 1e-5.
import { describe, expect, it } from 'vitest';
import { engines } from './helpers/backends.js';
import { normals, uniforms } from './helpers/random.js';
import { uploadMatrix, uploadRows } from '../src/models/rows.js';
import { WasmlearnError } from '../src/errors.js';
import type { Engine, F64Buf } from '../src/engine/engine.js';
import { seedState } from '../src/rng.js';

function f64(engine: Engine, values: ArrayLike<number>): F64Buf {
  const b = engine.f64(values.length);
  b.view().set(values);
  return b;
}

/** The f64 oracle: the logistic loss and its gradient, written plainly. */
function oracle(X: Float64Array, y: Float64Array, sw: Float64Array | null, n: number, d: number, w: Float64Array, b: number) {
  let loss = 0;
  const grad = new Float64Array(d + 1);
  for (let i = 0; i < n; i++) {
    let z = b;
    for (let j = 0; j < d; j++) z += X[i * d + j] * w[j];
    const p = 1 / (1 + Math.exp(-z));
    const s = sw ? sw[i] : 1;
    loss += s * (y[i] === 1 ? -Math.log(p) : -Math.log(1 - p));
    for (let j = 0; j < d; j++) grad[j] += s * (p - y[i]) * X[i * d + j];
    grad[d] += s * (p - y[i]);
  }
  return { loss, grad };
}

/** Random f64 data, labels from a logistic model. */
function problem(n: number, d: number, seed: number) {
  const X = normals(n * d, seed);
  const w = normals(d, seed + 1).map((v) => v * 0.5);
  const b = 0.3;
  const u = uniforms(n, seed + 2);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let z = b;
    for (let j = 0; j < d; j++) z += X[i * d + j] * w[j];
    y[i] = u[i] < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  }
  const sw = uniforms(n, seed + 3).map((v) => 0.5 + v);
  return { X, y, w, b, sw };
}

const relErr = (got: number, want: number) => Math.abs(got - want) / Math.abs(want);

describe.each(engines)('float64 kernels on %s', (_name, engine) => {
  it('sigmoid has its known values and is accurate to 1e-14 relative over [-100, 100]', () => {
    const z = f64(engine, [0, 1e4, -1e4, 2, -2]);
    engine.sigmoid(z, z, 5);
    expect(Array.from(z.view())).toEqual([0.5, 1, 0, 1 / (1 + Math.exp(-2)), 1 / (1 + Math.exp(2))].map((v, i) => (i > 2 ? expect.closeTo(v, 15) : v)));
    const n = 20001;
    const zs = Float64Array.from({ length: n }, (_, i) => -100 + (200 * i) / (n - 1));
    const out = engine.f64(n);
    engine.sigmoid(f64(engine, zs), out, n);
    let worst = 0;
    out.view().forEach((p, i) => (worst = Math.max(worst, relErr(p, 1 / (1 + Math.exp(-zs[i]))))));
    expect(worst).toBeLessThan(1e-14);
  });

  it('log-loss is accurate to 1e-14 relative over [-100, 100] and exact at logits of 1e4', () => {
    const n = 4001;
    const zs = Float64Array.from({ length: n }, (_, i) => -100 + (200 * i) / (n - 1));
    for (const label of [0, 1]) {
      const y = f64(engine, new Float64Array(n).fill(label));
      let ref = 0;
      zs.forEach((z) => (ref += Math.max(z, 0) - z * label + Math.log1p(Math.exp(-Math.abs(z)))));
      expect(relErr(engine.bceLogits(f64(engine, zs), y, n), ref)).toBeLessThan(1e-14);
      // Lanes of one value: each logit's own loss.
      for (const z of [-30, -1e-3, 0.7, 25]) {
        const got = engine.bceLogits(f64(engine, [z, z, z, z]), f64(engine, [label, label, label, label]), 4) / 4;
        expect(relErr(got, Math.max(z, 0) - z * label + Math.log1p(Math.exp(-Math.abs(z))))).toBeLessThan(1e-14);
      }
    }
    expect(engine.bceLogits(f64(engine, [1e4, -1e4, 1e4, -1e4, 0]), f64(engine, [0, 1, 1, 0, 1]), 5)).toBe(2e4 + Math.LN2);
  });

  describe.each([1, 3, 5, 12, 13, 40, 256])('logistic loss and gradient, d = %i', (d) => {
    const n = 1037;
    const { X, y, w, b, sw } = problem(n, d, 100 + d);
    const Xm = { data: X, rows: n, cols: d };
    const weights = (stride: number, params: ArrayLike<number>, bias: number) => {
      const wBuf = engine.f64(stride + 4);
      wBuf.view().set(params);
      wBuf.view()[stride] = bias;
      return wBuf;
    };

    for (const weighted of [false, true]) {
      it(`matches the f64 oracle to 1e-12${weighted ? ' with sample weights' : ''}`, () => {
        const rows = uploadRows(engine, Xm, y, weighted ? sw : null, 'float64');
        const grad = engine.f64(rows.stride + 1);
        const loss = engine.lossGradLogistic(rows, weights(rows.stride, w, b), grad);
        const ref = oracle(X, y, weighted ? sw : null, n, d, w, b);
        expect(relErr(loss, ref.loss)).toBeLessThan(1e-12);
        const g = grad.view();
        const scale = Math.max(...Array.from(ref.grad, Math.abs));
        for (let j = 0; j < d; j++) expect(Math.abs(g[j] - ref.grad[j]) / scale).toBeLessThan(1e-12);
        expect(Math.abs(g[rows.stride] - ref.grad[d]) / scale).toBeLessThan(1e-12);
      });
    }

    it('has the gradient of its own loss (finite differences, below 1e-7)', () => {
      const rows = uploadRows(engine, Xm, y, sw, 'float64');
      const grad = engine.f64(rows.stride + 1);
      const params = new Float64Array(rows.stride + 1);
      w.forEach((v, j) => (params[j] = v + 0.25));
      params[rows.stride] = b - 0.25;
      const wBuf = engine.f64(rows.stride + 4);
      const lossAt = (k: number, v: number) => {
        const view = wBuf.view();
        view.set(params);
        view[k] = v;
        return engine.lossGradLogistic(rows, wBuf, grad);
      };
      lossAt(0, params[0]);
      const g = Float64Array.from(grad.view());
      const gMax = Math.max(...Array.from(g, Math.abs));
      let worst = 0;
      for (const k of [0, d - 1, Math.floor(d / 2), rows.stride]) {
        const h = 1e-3;
        const v = params[k];
        const fd = (-lossAt(k, v + 2 * h) + 8 * lossAt(k, v + h) - 8 * lossAt(k, v - h) + lossAt(k, v - 2 * h)) / (12 * h);
        worst = Math.max(worst, Math.abs(fd - g[k]) / gMax);
      }
      expect(worst).toBeLessThan(1e-7);
    });

    it('an SGD epoch makes the oracle\'s update, batch by batch', () => {
      const rows = uploadRows(engine, Xm, y, sw, 'float64');
      const wBuf = weights(rows.stride, w, b);
      const idx = engine.u32(n);
      idx.view().set(Uint32Array.from({ length: n }, (_, i) => i));
      const rng = engine.u32(4);
      const opts = { batch: 300, lr: 0.1, l2: 0.01, l1: 0, fitIntercept: true, shuffle: false };
      const loss = engine.epochSgdLogistic(rows, idx, wBuf, rng, opts);
      const cur = Float64Array.from(w);
      let bias = b, refLoss = 0;
      for (let start = 0; start < n; start += opts.batch) {
        const m = Math.min(opts.batch, n - start);
        const part = oracle(X.subarray(start * d, (start + m) * d), y.subarray(start, start + m), sw.subarray(start, start + m), m, d, cur, bias);
        refLoss += part.loss;
        for (let j = 0; j < d; j++) cur[j] -= opts.lr * (part.grad[j] / m + opts.l2 * cur[j]);
        bias -= (opts.lr * part.grad[d]) / m;
      }
      expect(relErr(loss, refLoss)).toBeLessThan(1e-12);
      const got = wBuf.view();
      cur.forEach((v, j) => expect(Math.abs(got[j] - v)).toBeLessThan(1e-12));
      expect(Math.abs(got[rows.stride] - bias)).toBeLessThan(1e-12);
    });
  });

  it('pads rows in place and finds the first non-finite value (1e39 is a float64)', () => {
    for (const d of [3, 5, 16, 19]) {
      const n = 37;
      const data = Float64Array.from({ length: n * d }, (_, k) => k + 0.1);
      const { buf, stride } = uploadMatrix(engine, { data, rows: n, cols: d }, 'X', 'float64');
      expect(buf.view()).toBeInstanceOf(Float64Array);
      const v = buf.view();
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < stride; j++) expect(v[i * stride + j]).toBe(j < d ? data[i * d + j] : 0);
      }
      engine.free(buf);
      for (const [row, col, bad] of [[0, 0, NaN], [17, d - 1, Infinity], [36, 1, -Infinity]] as const) {
        const copy = Float64Array.from(data);
        copy[row * d + col] = bad;
        if (row * d + col < n * d - 1) copy[n * d - 1] = NaN;
        let err: unknown;
        try {
          uploadMatrix(engine, { data: copy, rows: n, cols: d }, 'X', 'float64');
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(WasmlearnError);
        expect((err as Error).message).toContain(`${bad} at row ${row}, column ${col}`);
      }
      const big = Float64Array.from(data);
      big[5] = 1e39;
      engine.free(uploadMatrix(engine, { data: big, rows: n, cols: d }, 'X', 'float64').buf);
    }
  });

  it('sums and computes padded-row logits in f64', () => {
    const v = Float64Array.from({ length: 1024 }, (_, i) => (i % 7) - 3 + 1e-9 * i);
    let ref = 0;
    v.forEach((x) => (ref += x));
    expect(relErr(engine.sum(f64(engine, v), 1024), ref)).toBeLessThan(1e-14);
    const { X, w, b } = problem(9, 6, 5);
    const rows = uploadRows(engine, { data: X, rows: 9, cols: 6 }, new Float64Array(9), null, 'float64');
    const wBuf = engine.f64(rows.stride + 4);
    wBuf.view().set(w);
    wBuf.view()[rows.stride] = b;
    const out = engine.f64(9);
    engine.gemvBias(rows.X, 9, 6, rows.stride, wBuf, out);
    for (let i = 0; i < 9; i++) {
      let z = b;
      for (let j = 0; j < 6; j++) z += X[i * 6 + j] * w[j];
      expect(Math.abs(out.view()[i] - z)).toBeLessThan(1e-14);
    }
  });
});

describe('float64 SGD epochs agree across backends', () => {
  it('three seeded epochs give the same weights within 1e-10 relative', () => {
    for (const d of [5, 40]) {
      const n = 3001;
      const { X, y, sw } = problem(n, d, 41 + d);
      const results = engines.map(([, engine]) => {
        const rows = uploadRows(engine, { data: X, rows: n, cols: d }, y, sw, 'float64');
        const w = engine.f64(rows.stride + 4);
        const idx = engine.u32(n);
        idx.view().set(Uint32Array.from({ length: n }, (_, i) => i));
        const rng = engine.u32(4);
        seedState(7, rng.view());
        for (let e = 0; e < 3; e++) engine.epochSgdLogistic(rows, idx, w, rng, { batch: 64, lr: 0.1, l2: 1e-3, l1: 1e-4, fitIntercept: true, shuffle: true });
        return Float64Array.from(w.view());
      });
      const ref = results[results.length - 1];
      const scale = Math.max(...Array.from(ref, Math.abs));
      for (const w of results) w.forEach((v, j) => expect(Math.abs(v - ref[j]) / scale).toBeLessThan(1e-10));
    }
  });
});
