import { describe, expect, it } from 'vitest';
import { engines } from './helpers/backends.js';
import { normals, uniforms } from './helpers/random.js';
import type { Engine, F32Buf } from '../src/engine/engine.js';
import { paddedStride } from '../src/engine/engine.js';
import { createNet, createOptimizer, type Activation, type Net, type NetData, type NetSpec } from '../src/engine/net.js';
import { uploadMatrix } from '../src/models/rows.js';
import { seedState } from '../src/rng.js';

function f32(engine: Engine, values: ArrayLike<number>): F32Buf {
  const b = engine.f32(values.length);
  b.view().set(values);
  return b;
}

/** A network with seeded random parameters (zero in the padding, as the models keep it). */
function randomNet(engine: Engine, spec: NetSpec, seed: number): Net {
  const net = createNet(engine, spec);
  const p = net.params.view();
  const r = normals(net.layout.nParams, seed);
  for (const L of net.layout.layers) {
    for (let o = 0; o < L.nOut; o++) {
      for (let j = 0; j < L.nIn; j++) p[L.w + o * L.inPad + j] = 0.6 * r[L.w + o * L.inPad + j];
      p[L.b + o] = 0.3 * r[L.b + o];
    }
  }
  return net;
}

/** Seeded data for a net: X padded, targets of the head's kind, optional sample weights. */
function randomData(engine: Engine, spec: NetSpec, n: number, seed: number, weighted: boolean): NetData {
  const d = spec.sizes[0], K = spec.sizes[spec.sizes.length - 1];
  const { buf: X } = uploadMatrix(engine, { data: normals(n * d, seed), rows: n, cols: d });
  const u = uniforms(n * K, seed + 1);
  let Y: NetData['Y'];
  if (spec.output === 'softmax') {
    Y = engine.u32(n);
    Y.view().set(Array.from({ length: n }, (_, i) => Math.floor(u[i] * K)));
  } else {
    const ys = paddedStride(K);
    Y = engine.f32(n * ys);
    const y = Y.view();
    for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) y[i * ys + k] = u[i * K + k] < 0.5 ? 1 : 0;
  }
  const sw = weighted ? f32(engine, uniforms(n, seed + 2).map((v) => 0.5 + v)) : null;
  return { X, Y, sw, n };
}

function act(kind: Activation, z: number): number {
  return kind === 'relu' ? Math.max(z, 0) : kind === 'tanh' ? Math.tanh(z) : kind === 'logistic' ? 1 / (1 + Math.exp(-z)) : z;
}

/** The f64 oracle: the summed loss of a dense network, written plainly. */
function oracleLoss(spec: NetSpec, net: Net, data: NetData, params: Float32Array | Float64Array): number {
  const { X, Y, sw, n } = data;
  const x = X.view(), y = Y.view(), w = sw?.view();
  const layers = net.layout.layers;
  let total = 0;
  for (let i = 0; i < n; i++) {
    let a = Array.from(x.subarray(i * layers[0].inPad, i * layers[0].inPad + layers[0].nIn));
    layers.forEach((L, l) => {
      const z = Array.from({ length: L.nOut }, (_, o) => {
        let s = params[L.b + o];
        for (let j = 0; j < L.nIn; j++) s += params[L.w + o * L.inPad + j] * a[j];
        return s;
      });
      a = l < layers.length - 1 ? z.map((v) => act(spec.hidden, v)) : z;
    });
    let loss = 0;
    if (spec.output === 'softmax') {
      const mx = Math.max(...a);
      const lse = mx + Math.log(a.reduce((s, v) => s + Math.exp(v - mx), 0));
      loss = lse - a[y[i]];
    } else {
      const ys = paddedStride(a.length);
      a.forEach((z, k) => (loss += Math.max(z, 0) - z * y[i * ys + k] + Math.log1p(Math.exp(-Math.abs(z)))));
    }
    total += (w ? w[i] : 1) * loss;
  }
  return total;
}

describe.each(engines)('network kernels on %s', (_name, engine) => {
  it('has the known softmax cross-entropy gradient of a fixed logits matrix', () => {
    const Z = f32(engine, [0.4, 0.0, -4.0, -1.0, 0.4, 0.0, -4.0, -10.0]);
    const labels = engine.u32(2);
    labels.view().set([1, 3]);
    const D = engine.f32(8);
    const loss = engine.softmaxCeRows(Z, 4, 2, 4, labels, null, D, 4);
    const mean = Array.from(D.view(), (v) => v / 2);
    const want = [0.25917555, -0.32626944, 0.00318199, 0.0639119, 0.29715425, 0.19918845, 0.00364826, -0.49999096];
    mean.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-6));
    const lse = (r: number[]) => Math.log(r.reduce((s, v) => s + Math.exp(v), 0));
    const ref = lse([0.4, 0, -4, -1]) - 0 + lse([0.4, 0, -4, -10]) + 10;
    expect(Math.abs(loss - ref) / ref).toBeLessThan(1e-6);
  });

  it('softmax rows sum to one and survive logits of 1e4', () => {
    const Z = f32(engine, [1e4, 0, -1e4, 3, 1, 2, 3, 4, 5, 6, 7, 8]);
    const P = engine.f32(12);
    engine.softmaxRows(Z, 6, 2, 5, P, 6);
    const p = P.view();
    expect(p[0]).toBe(1);
    expect(p[2]).toBe(0);
    const row2 = Array.from(p.subarray(6, 11));
    expect(row2.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 6);
    const e = [2, 3, 4, 5, 6].map(Math.exp), s = e.reduce((a, b) => a + b);
    row2.forEach((v, k) => expect(v).toBeCloseTo(e[k] / s, 6));
  });

  it('the three matrix products match a plain computation', () => {
    const m = 7, nOut = 8, k = 12;
    const A = f32(engine, normals(m * k, 1)), W = f32(engine, normals(nOut * k, 2)), bias = f32(engine, normals(nOut, 3));
    const D = f32(engine, normals(m * nOut, 4));
    const C = engine.f32(m * nOut), dW = f32(engine, normals(nOut * k, 5)), Out = engine.f32(m * k);
    const dW0 = Float64Array.from(dW.view());
    engine.gemmNT(A, k, m, W, nOut, k, bias, C, nOut);
    engine.gemmTNAcc(D, nOut, m, nOut, A, k, k, dW);
    engine.gemmNN(D, nOut, m, nOut, W, k, Out, k);
    const a = A.view(), w = W.view(), b = bias.view(), d = D.view();
    for (let i = 0; i < m; i++) {
      for (let o = 0; o < nOut; o++) {
        let s = b[o];
        for (let q = 0; q < k; q++) s += a[i * k + q] * w[o * k + q];
        expect(C.view()[i * nOut + o]).toBeCloseTo(s, 4);
      }
      for (let q = 0; q < k; q++) {
        let s = 0;
        for (let o = 0; o < nOut; o++) s += d[i * nOut + o] * w[o * k + q];
        expect(Out.view()[i * k + q]).toBeCloseTo(s, 4);
      }
    }
    for (let o = 0; o < nOut; o++) {
      for (let q = 0; q < k; q++) {
        let s = dW0[o * k + q];
        for (let i = 0; i < m; i++) s += d[i * nOut + o] * a[i * k + q];
        expect(dW.view()[o * k + q]).toBeCloseTo(s, 4);
      }
    }
  });

  const specs: [string, NetSpec][] = [
    ['softmax regression 5 -> 3', { sizes: [5, 3], hidden: 'identity', output: 'softmax', maxBatch: 16 }],
    ['multi-label 6 -> 5', { sizes: [6, 5], hidden: 'identity', output: 'sigmoid', maxBatch: 16 }],
    ['MLP 5 -> 7 (tanh) -> 3, softmax', { sizes: [5, 7, 3], hidden: 'tanh', output: 'softmax', maxBatch: 16 }],
    ['MLP 9 -> 6 -> 5 (relu) -> 1, sigmoid', { sizes: [9, 6, 5, 1], hidden: 'relu', output: 'sigmoid', maxBatch: 16 }],
    ['MLP 4 -> 3 (logistic) -> 2, sigmoid', { sizes: [4, 3, 2], hidden: 'logistic', output: 'sigmoid', maxBatch: 16 }],
    ['MLP 3 -> 5 (identity) -> 4, softmax', { sizes: [3, 5, 4], hidden: 'identity', output: 'softmax', maxBatch: 16 }],
  ];
  describe.each(specs)('%s', (_label, spec) => {
    it('has the loss of the f64 oracle and its finite-difference gradient', () => {
      const net = randomNet(engine, spec, 11);
      const data = randomData(engine, spec, 37, 12, true); // 37 rows: three batches, the last partial
      const loss = engine.netLossGrad(net, data);
      const params = Float64Array.from(net.params.view());
      expect(Math.abs(loss - oracleLoss(spec, net, data, params)) / loss).toBeLessThan(1e-5);
      const g = Float64Array.from(net.grads.view());
      const gMax = Math.max(...Array.from(g, Math.abs));
      let worst = 0;
      const h = 1e-2;
      for (const L of net.layout.layers) {
        for (const k of [L.w, L.w + L.inPad * (L.nOut - 1) + L.nIn - 1, L.b, L.b + L.nOut - 1]) {
          const at = (v: number) => {
            const p = Float64Array.from(params);
            p[k] = v;
            return oracleLoss(spec, net, data, Float32Array.from(p));
          };
          const v = params[k];
          const fd = (-at(v + 2 * h) + 8 * at(v + h) - 8 * at(v - h) + at(v - 2 * h)) / (12 * h);
          worst = Math.max(worst, Math.abs(fd - g[k]) / gMax);
        }
        // Padding stays out of it: no gradient on padded weights or biases.
        for (let o = 0; o < L.outPad; o++) for (let j = L.nIn; j < L.inPad; j++) expect(g[L.w + o * L.inPad + j]).toBe(0);
        for (let o = L.nOut; o < L.outPad; o++) expect(g[L.b + o]).toBe(0);
      }
      expect(worst).toBeLessThan(1e-3);
    });
  });

  it('one Adam and one AMSGrad step equal the hand computation', () => {
    for (const kind of ['adam', 'amsgrad'] as const) {
      const params = f32(engine, [1, -2, 0.5, 3]);
      const grads = f32(engine, [0.1, -0.2, 0, 4]);
      const o = createOptimizer(engine, 4, { kind, lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8 });
      o.state.view().set([0.05, 0, 0, 0, 0.01, 0, 0, 0, 0.02, 0, 0, 0]); // m, v, vmax from an earlier step
      engine.optimizerStep(o, params, grads, 4);
      // t = 1: m = 0.9 m0 + 0.1 g; v = 0.999 v0 + 0.001 g^2; p -= lr / (1 - 0.9) m / (sqrt(v') / sqrt(1 - 0.999) + eps)
      const m0 = [0.05, 0, 0, 0], v0 = [0.01, 0, 0, 0], vmax0 = [0.02, 0, 0, 0], g = [0.1, -0.2, 0, 4], p0 = [1, -2, 0.5, 3];
      p0.forEach((p, i) => {
        const m = 0.9 * m0[i] + 0.1 * g[i];
        const v = 0.999 * v0[i] + 0.001 * g[i] * g[i];
        const vUse = kind === 'amsgrad' ? Math.max(vmax0[i], v) : v;
        const want = p - ((0.01 / 0.1) * m) / (Math.sqrt(vUse) / Math.sqrt(0.001) + 1e-8);
        expect(Math.abs(params.view()[i] - want)).toBeLessThan(1e-6);
      });
      expect(o.header.view()[1]).toBe(1);
    }
  });

  it('momentum and nesterov steps follow PyTorch', () => {
    for (const kind of ['sgd', 'momentum', 'nesterov'] as const) {
      const params = f32(engine, [1, 2, 3, 4]);
      const grads = f32(engine, [0.5, -1, 2, 0]);
      const o = createOptimizer(engine, 4, { kind, lr: 0.1, beta1: 0.9, beta2: 0, eps: 0 });
      o.state.view().set([1, 1, 1, 1]); // velocity from an earlier step
      engine.optimizerStep(o, params, grads, 4);
      [1, 2, 3, 4].forEach((p, i) => {
        const g = [0.5, -1, 2, 0][i];
        const v = 0.9 * 1 + g;
        const want = kind === 'sgd' ? p - 0.1 * g : kind === 'momentum' ? p - 0.1 * v : p - 0.1 * (g + 0.9 * v);
        expect(params.view()[i]).toBeCloseTo(want, 6);
      });
    }
  });
});

describe('network epochs agree across backends', () => {
  it('two seeded Adam epochs of an MLP give the same parameters within 1e-4 relative', () => {
    const spec: NetSpec = { sizes: [13, 10, 6, 3], hidden: 'relu', output: 'softmax', maxBatch: 32 };
    const results = engines.map(([, engine]) => {
      const net = randomNet(engine, spec, 21);
      const data = randomData(engine, spec, 200, 22, false);
      const idx = engine.u32(200);
      idx.view().set(Array.from({ length: 200 }, (_, i) => i));
      const rng = engine.u32(4);
      seedState(5, rng.view());
      const o = createOptimizer(engine, net.layout.nParams, { kind: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8 });
      for (let e = 0; e < 2; e++) engine.epochNet(net, o, data, idx, rng, { batch: 32, shuffle: true, alpha: 1e-3, l2: 0, l1: 0, outScale: 1 });
      return Float64Array.from(net.params.view());
    });
    const ref = results[results.length - 1];
    const scale = Math.max(...Array.from(ref, Math.abs));
    for (const p of results) p.forEach((v, i) => expect(Math.abs(v - ref[i]) / scale).toBeLessThan(1e-4));
  });
});
