import { describe, expect, it } from 'vitest';
import { engines } from './helpers/backends.js';
import { normals, uniforms } from './helpers/random.js';
import { uploadMatrix, uploadRows } from '../src/models/rows.js';
import { WasmlearnError } from '../src/errors.js';
import type { Engine, F32Buf } from '../src/engine/engine.js';

function f32(engine: Engine, values: ArrayLike<number>): F32Buf {
  const b = engine.f32(values.length);
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

/** Random data rounded to f32 (what the engine stores), labels from a logistic model. */
function problem(n: number, d: number, seed: number) {
  const X = Float64Array.from(normals(n * d, seed), Math.fround);
  const w = Float64Array.from(normals(d, seed + 1), (v) => Math.fround(v * 0.5));
  const b = Math.fround(0.3);
  const u = uniforms(n, seed + 2);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let z = b;
    for (let j = 0; j < d; j++) z += X[i * d + j] * w[j];
    y[i] = u[i] < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  }
  const sw = Float64Array.from(uniforms(n, seed + 3), (v) => Math.fround(0.5 + v));
  return { X, y, w, b, sw };
}

describe.each(engines)('kernels on %s', (_name, engine) => {
  it('sigmoid has its known values and never NaN', () => {
    const z = f32(engine, [0, -100, 100, 1e4, -1e4, 2, -2, 0.5, -0.5]);
    const out = engine.f32(9);
    engine.sigmoid(z, out, 9);
    const p = Array.from(out.view());
    expect(p[0]).toBe(0.5);
    expect(p[1].toFixed(4)).toBe('0.0000');
    expect(p[2].toFixed(4)).toBe('1.0000');
    expect(p[3]).toBe(1);
    expect(p[4]).toBe(0);
    expect(p[5]).toBeCloseTo(1 / (1 + Math.exp(-2)), 6);
    expect(p[6]).toBeCloseTo(1 / (1 + Math.exp(2)), 6);
    for (const v of p) expect(Number.isFinite(v)).toBe(true);
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
    const cases: [number, number, string][] = [
      [1e-6, 0, '0.0000'],
      [0.9999999, 1, '0.0000'],
      [0.3, 0, '0.3567'],
    ];
    for (const [p, y, want] of cases) {
      const z = f32(engine, [logit(p)]);
      const loss = engine.bceLogits(z, f32(engine, [y]), 1);
      expect(loss.toFixed(4)).toBe(want);
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

  // Narrow (d < 13: four rows per vector) and wide (vectorized along the row) layouts, widths
  // that are and are not multiples of 4, a row count that leaves a tail and spans several blocks.
  describe.each([1, 3, 5, 12, 13, 40, 256])('logistic loss and gradient, d = %i', (d) => {
    const n = 1037;
    const { X, y, w, b, sw } = problem(n, d, 100 + d);
    const Xm = { data: X, rows: n, cols: d };

    for (const weighted of [false, true]) {
      it(`matches the f64 oracle${weighted ? ' with sample weights' : ''}`, () => {
        const rows = uploadRows(engine, Xm, y, weighted ? sw : null);
        const wBuf = engine.f32(rows.stride + 4);
        wBuf.view().set(w);
        wBuf.view()[rows.stride] = b;
        const grad = engine.f64(rows.stride + 1);
        const loss = engine.lossGradLogistic(rows, wBuf, grad);
        const ref = oracle(X, y, weighted ? sw : null, n, d, w, b);
        expect(Math.abs(loss - ref.loss) / ref.loss).toBeLessThan(1e-5);
        const g = grad.view();
        const scale = Math.max(...Array.from(ref.grad, Math.abs));
        for (let j = 0; j < d; j++) expect(Math.abs(g[j] - ref.grad[j]) / scale).toBeLessThan(1e-4);
        expect(Math.abs(g[rows.stride] - ref.grad[d]) / scale).toBeLessThan(1e-4);
      });
    }

    it('has the gradient of its own loss (finite differences)', () => {
      const rows = uploadRows(engine, Xm, y, null);
      const wBuf = engine.f32(rows.stride + 4);
      const grad = engine.f64(rows.stride + 1);
      // Away from the generating weights, so the gradient is large and the check is sharp.
      const params = new Float64Array(rows.stride + 1);
      w.forEach((v, j) => (params[j] = Math.fround(v + 0.25)));
      params[rows.stride] = Math.fround(b - 0.25);
      const lossAt = (k: number, v: number) => {
        const view = wBuf.view();
        view.set(params.subarray(0, rows.stride));
        view[rows.stride] = params[rows.stride];
        view[k] = v;
        return engine.lossGradLogistic(rows, wBuf, grad);
      };
      lossAt(0, params[0]);
      const g = Float64Array.from(grad.view());
      const gMax = Math.max(...Array.from(g, Math.abs));
      let worst = 0;
      for (const k of [0, d - 1, Math.floor(d / 2), rows.stride]) {
        // Five-point stencil: truncation error O(h^4), so h can stay large against f32 noise.
        const h = 1e-2;
        const v = params[k];
        const fd = (-lossAt(k, v + 2 * h) + 8 * lossAt(k, v + h) - 8 * lossAt(k, v - h) + lossAt(k, v - 2 * h)) / (12 * h);
        worst = Math.max(worst, Math.abs(fd - g[k]) / gMax);
      }
      expect(worst).toBeLessThan(1e-3);
    });
  });

  it('pads rows in place and finds the first non-finite value', () => {
    for (const d of [3, 5, 16, 19]) {
      const n = 37;
      const data = Float64Array.from({ length: n * d }, (_, k) => k + 0.5);
      const { buf, stride } = uploadMatrix(engine, { data, rows: n, cols: d });
      const v = buf.view();
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < stride; j++) expect(v[i * stride + j]).toBe(j < d ? data[i * d + j] : 0);
      }
      engine.free(buf);
      for (const [row, col, bad] of [[0, 0, NaN], [17, d - 1, Infinity], [36, 1, -Infinity], [20, 2, 1e39]] as const) {
        const copy = Float64Array.from(data);
        copy[row * d + col] = bad;
        if (row * d + col < n * d - 1) copy[n * d - 1] = NaN; // a later one must not be reported first
        let err: unknown;
        try {
          uploadMatrix(engine, { data: copy, rows: n, cols: d });
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(WasmlearnError);
        expect((err as Error).message).toContain(`${bad} at row ${row}, column ${col}`);
        if (bad === 1e39) expect((err as Error).message).toContain('beyond float32 range');
      }
    }
  });

  it('sums f32 data (the roofline read)', () => {
    const v = Float64Array.from({ length: 1024 }, (_, i) => (i % 7) - 3);
    let ref = 0;
    v.forEach((x) => (ref += x));
    expect(engine.sum(f32(engine, v), 1024)).toBe(ref);
  });

  it('computes padded-row logits', () => {
    const { X, w, b } = problem(9, 6, 5);
    const rows = uploadRows(engine, { data: X, rows: 9, cols: 6 }, new Float64Array(9), null);
    const wBuf = engine.f32(rows.stride + 4);
    wBuf.view().set(w);
    wBuf.view()[rows.stride] = b;
    const out = engine.f32(9);
    engine.gemvBias(rows.X, 9, 6, rows.stride, wBuf, out);
    for (let i = 0; i < 9; i++) {
      let z = b;
      for (let j = 0; j < 6; j++) z += X[i * 6 + j] * w[j];
      expect(out.view()[i]).toBeCloseTo(z, 5);
    }
  });
});
