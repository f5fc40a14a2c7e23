// The logistic kernels of every backend, in float32 and float64, against plain f64 oracles: to
// f32's ~1e-5 in float32, to ~1e-12 in float64.
import { describe, expect, it } from 'vitest';
import { engines } from './helpers/backends.js';
import { f32, f64 } from './helpers/buffers.js';
import { logisticOracle, logisticProblem, roundTo } from './helpers/oracles.js';
import { normals, uniforms } from './helpers/random.js';
import { uploadMatrix, uploadRows } from '../src/engine/resident.js';
import { WasmlearnError } from '../src/core/errors.js';
import { floats, type Dtype, type Engine, type FloatBuf } from '../src/engine/engine.js';
import { seedState } from '../src/core/rng.js';

/** What the logistic loss and row tests allow in each dtype. */
interface DtypeCase {
  dtype: Dtype;
  /** Relative error of the loss against the oracle's, and of each gradient value against the largest. */
  lossTol: number;
  gradTol: number;
  /** The finite-difference check: on sample-weighted rows or not, its step, and the error allowed. */
  fd: { weighted: boolean; h: number; tol: number };
  /** A fraction the dtype holds exactly (k + fraction is stored as is), for the padding test. */
  fraction: number;
}

const dtypes: DtypeCase[] = [
  { dtype: 'float32', lossTol: 1e-5, gradTol: 1e-4, fd: { weighted: false, h: 1e-2, tol: 1e-3 }, fraction: 0.5 },
  { dtype: 'float64', lossTol: 1e-12, gradTol: 1e-12, fd: { weighted: true, h: 1e-3, tol: 1e-7 }, fraction: 0.1 },
];

// Narrow (d < 13: four rows per vector) and wide (vectorized along the row) layouts, widths
// that are and are not multiples of 4, a row count that leaves a tail and spans several blocks.
const widths = [1, 3, 5, 12, 13, 40, 256];

const relErr = (got: number, want: number) => Math.abs(got - want) / Math.abs(want);

/** A parameter vector [stride + 4] of `dtype`: the weights, then the intercept at [stride]. */
function weights(engine: Engine, dtype: Dtype, stride: number, w: ArrayLike<number>, b: number): FloatBuf {
  const buf = floats(engine, dtype, stride + 4);
  buf.view().set(w);
  buf.view()[stride] = b;
  return buf;
}

/** gemvBias on padded rows of `dtype` against the plain sum, each logit compared by `near(got, want)`. */
function checkPaddedLogits(engine: Engine, dtype: Dtype, near: (got: number, want: number) => void) {
  const { X, w, b } = logisticProblem(9, 6, 5, dtype);
  const rows = uploadRows(engine, { data: X, rows: 9, cols: 6 }, new Float64Array(9), null, dtype);
  const out = floats(engine, dtype, 9);
  engine.gemvBias(rows.X, 9, 6, rows.stride, weights(engine, dtype, rows.stride, w, b), out);
  for (let i = 0; i < 9; i++) {
    let z = b;
    for (let j = 0; j < 6; j++) z += X[i * 6 + j] * w[j];
    near(out.view()[i], z);
  }
}

describe.each(engines)('kernels on %s', (_name, engine) => {
  describe.each(dtypes)('in $dtype', ({ dtype, lossTol, gradTol, fd, fraction }) => {
    describe.each(widths)('logistic loss and gradient, d = %i', (d) => {
      const n = 1037;
      const { X, y, w, b, sw } = logisticProblem(n, d, 100 + d, dtype);
      const Xm = { data: X, rows: n, cols: d };

      for (const weighted of [false, true]) {
        it(`matches the f64 oracle${weighted ? ' with sample weights' : ''}`, () => {
          const rows = uploadRows(engine, Xm, y, weighted ? sw : null, dtype);
          const grad = engine.f64(rows.stride + 1);
          const loss = engine.lossGradLogistic(rows, weights(engine, dtype, rows.stride, w, b), grad);
          const ref = logisticOracle(X, y, weighted ? sw : null, n, d, w, b);
          expect(relErr(loss, ref.loss)).toBeLessThan(lossTol);
          const g = grad.view();
          const scale = Math.max(...Array.from(ref.grad, Math.abs));
          for (let j = 0; j < d; j++) expect(Math.abs(g[j] - ref.grad[j]) / scale).toBeLessThan(gradTol);
          expect(Math.abs(g[rows.stride] - ref.grad[d]) / scale).toBeLessThan(gradTol);
        });
      }

      it('has the gradient of its own loss (finite differences)', () => {
        const rows = uploadRows(engine, Xm, y, fd.weighted ? sw : null, dtype);
        const grad = engine.f64(rows.stride + 1);
        // Away from the generating weights, so the gradient is large and the check is sharp.
        const round = roundTo(dtype);
        const params = new Float64Array(rows.stride + 1);
        w.forEach((v, j) => (params[j] = round(v + 0.25)));
        params[rows.stride] = round(b - 0.25);
        const wBuf = floats(engine, dtype, rows.stride + 4);
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
          // Five-point stencil: truncation error O(h^4), so h can stay large against f32 noise.
          const { h } = fd;
          const v = params[k];
          const diff = (-lossAt(k, v + 2 * h) + 8 * lossAt(k, v + h) - 8 * lossAt(k, v - h) + lossAt(k, v - 2 * h)) / (12 * h);
          worst = Math.max(worst, Math.abs(diff - g[k]) / gMax);
        }
        expect(worst).toBeLessThan(fd.tol);
      });
    });

    it(`pads rows in place and finds the first non-finite value (1e39 ${dtype === 'float32' ? 'is beyond float32 range' : 'is a float64'})`, () => {
      for (const d of [3, 5, 16, 19]) {
        const n = 37;
        const data = Float64Array.from({ length: n * d }, (_, k) => k + fraction);
        const { buf, stride } = uploadMatrix(engine, { data, rows: n, cols: d }, 'X', dtype);
        expect(buf.view()).toBeInstanceOf(dtype === 'float32' ? Float32Array : Float64Array);
        const v = buf.view();
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < stride; j++) expect(v[i * stride + j]).toBe(j < d ? data[i * d + j] : 0);
        }
        engine.free(buf);
        const bad: [number, number, number][] = [[0, 0, NaN], [17, d - 1, Infinity], [36, 1, -Infinity]];
        if (dtype === 'float32') bad.push([20, 2, 1e39]);
        for (const [row, col, value] of bad) {
          const copy = Float64Array.from(data);
          copy[row * d + col] = value;
          if (row * d + col < n * d - 1) copy[n * d - 1] = NaN; // a later one must not be reported first
          let err: unknown;
          try {
            uploadMatrix(engine, { data: copy, rows: n, cols: d }, 'X', dtype);
          } catch (e) {
            err = e;
          }
          expect(err).toBeInstanceOf(WasmlearnError);
          expect((err as Error).message).toContain(`${value} at row ${row}, column ${col}`);
          if (value === 1e39) expect((err as Error).message).toContain('beyond float32 range');
        }
        if (dtype === 'float64') {
          const big = Float64Array.from(data);
          big[5] = 1e39;
          engine.free(uploadMatrix(engine, { data: big, rows: n, cols: d }, 'X', dtype).buf);
        }
      }
    });
  });

  describe('float32 only', () => {
    it('sigmoid has its known values and never NaN', () => {
      const z = f32(engine, [0, -100, 100, 1e4, -1e4, 2, -2, 0.5, -0.5]);
      const out = engine.f32(9);
      engine.sigmoid(z, out, 9);
      const p = Array.from(out.view());
      expect(p[0]).toBe(0.5);
      expect(p[1]).toBeCloseTo(1 / (1 + Math.exp(100)), 6);
      expect(p[2]).toBeCloseTo(1, 6);
      expect(p[3]).toBe(1);
      expect(p[4]).toBe(0);
      expect(p[5]).toBeCloseTo(1 / (1 + Math.exp(-2)), 6);
      expect(p[6]).toBeCloseTo(1 / (1 + Math.exp(2)), 6);
      expect(p.filter((v) => !Number.isFinite(v))).toEqual([]);
    });

    it('sigmoid is accurate to 1e-6 relative over [-100, 100] against f64', () => {
      const n = 20001;
      const zs = Float64Array.from({ length: n }, (_, i) => Math.fround(-100 + (200 * i) / (n - 1)));
      const z = f32(engine, zs);
      const out = engine.f32(n);
      engine.sigmoid(z, out, n);
      const p = out.view();
      let worst = 0;
      for (let i = 0; i < n; i++) {
        const ref = 1 / (1 + Math.exp(-zs[i]));
        if (ref < 1.2e-38) {
          expect(p[i]).toBeLessThan(1.2e-38); // flushed or subnormal: absolutely tiny
        } else {
          worst = Math.max(worst, Math.abs(p[i] - ref) / ref);
        }
      }
      expect(worst).toBeLessThan(1e-6);
    });

    it('log-loss has its known values, and is stable at extreme logits', () => {
      const logit = (p: number) => Math.log(p / (1 - p));
      // -log(1 - p) for label 0, -log p for label 1: 1e-6, 1e-7 and 0.3567.
      for (const [p, y] of [[1e-6, 0], [0.9999999, 1], [0.3, 0]]) {
        const z = f32(engine, [logit(p)]);
        const loss = engine.bceLogits(z, f32(engine, [y]), 1);
        expect(loss).toBeCloseTo(y === 1 ? -Math.log(p) : -Math.log1p(-p), 6);
      }
      // 1e4 as a logit: the loss is |z| exactly when wrong, 0 when right, never Infinity or NaN.
      const z = f32(engine, [1e4, -1e4, 1e4, -1e4, 0]);
      const y = f32(engine, [0, 1, 1, 0, 1]);
      expect(engine.bceLogits(z, y, 5)).toBeCloseTo(2e4 + Math.LN2, 2);
    });

    it('log-loss of each logit over [-100, 100] is accurate to 1e-6 relative (the f32x4 exp and log1p)', () => {
      const n = 4001;
      const zs = Float64Array.from({ length: n }, (_, i) => Math.fround(-100 + (200 * i) / (n - 1)));
      const z = f32(engine, [0, 0, 0, 0]);
      const y = f32(engine, [0, 0, 0, 0]);
      let worst = 0;
      for (const label of [0, 1]) {
        y.view().fill(label);
        for (let i = 0; i < n; i++) {
          // Four lanes of the same value: the vector path is what gets measured.
          z.view().fill(zs[i]);
          const got = engine.bceLogits(z, y, 4) / 4;
          const ref = Math.max(zs[i], 0) - zs[i] * label + Math.log1p(Math.exp(-Math.abs(zs[i])));
          if (ref > 1e-30) worst = Math.max(worst, Math.abs(got - ref) / ref);
        }
      }
      expect(worst).toBeLessThan(1e-6);
    });

    it('bceLogits sums many rows accurately', () => {
      const n = 10_003;
      const zs = Float64Array.from(normals(n, 7), (v) => Math.fround(3 * v));
      const ys = Float64Array.from(uniforms(n, 8), (v) => (v < 0.5 ? 1 : 0));
      let ref = 0;
      for (let i = 0; i < n; i++) ref += Math.max(zs[i], 0) - zs[i] * ys[i] + Math.log1p(Math.exp(-Math.abs(zs[i])));
      expect(Math.abs(engine.bceLogits(f32(engine, zs), f32(engine, ys), n) - ref) / ref).toBeLessThan(1e-5);
    });

    it('sums f32 data (the roofline read), the tail past a multiple of 16 included', () => {
      for (const n of [1024, 1037, 15]) {
        const v = Float64Array.from({ length: n }, (_, i) => (i % 7) - 2);
        let ref = 0;
        v.forEach((x) => (ref += x));
        expect(engine.sum(f32(engine, v), n)).toBe(ref);
      }
    });

    it('computes padded-row logits', () => {
      checkPaddedLogits(engine, 'float32', (got, want) => expect(got).toBeCloseTo(want, 5));
    });
  });

  describe('float64 only', () => {
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

    describe.each(widths)('logistic SGD, d = %i', (d) => {
      const n = 1037;
      const { X, y, w, b, sw } = logisticProblem(n, d, 100 + d, 'float64');

      it('an SGD epoch makes the oracle\'s update, batch by batch', () => {
        const rows = uploadRows(engine, { data: X, rows: n, cols: d }, y, sw, 'float64');
        const wBuf = weights(engine, 'float64', rows.stride, w, b);
        const idx = engine.u32(n);
        idx.view().set(Uint32Array.from({ length: n }, (_, i) => i));
        const rng = engine.u32(4);
        const opts = { batch: 300, lr: 0.1, l2: 0.01, l1: 0, fitIntercept: true, shuffle: false };
        const loss = engine.epochSgdLogistic(rows, idx, wBuf, rng, opts);
        const cur = Float64Array.from(w);
        let bias = b, refLoss = 0;
        for (let start = 0; start < n; start += opts.batch) {
          const m = Math.min(opts.batch, n - start);
          const part = logisticOracle(X.subarray(start * d, (start + m) * d), y.subarray(start, start + m), sw.subarray(start, start + m), m, d, cur, bias);
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

    it('sums and computes padded-row logits in f64', () => {
      for (const n of [1024, 1037, 15]) {
        const v = Float64Array.from({ length: n }, (_, i) => (i % 7) - 2 + 1e-9 * i);
        let ref = 0;
        v.forEach((x) => (ref += x));
        expect(relErr(engine.sum(f64(engine, v), n), ref)).toBeLessThan(1e-14);
      }
      checkPaddedLogits(engine, 'float64', (got, want) => expect(Math.abs(got - want)).toBeLessThan(1e-14));
    });
  });
});

describe('float64 SGD epochs agree across backends', () => {
  it('three seeded epochs give the same weights within 1e-10 relative', () => {
    for (const d of [5, 40]) {
      const n = 3001;
      const { X, y, sw } = logisticProblem(n, d, 41 + d, 'float64');
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
