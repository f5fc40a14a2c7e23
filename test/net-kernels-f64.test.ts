// The network kernel suite in float64: every backend against an f64 oracle and finite differences.
import { describe, expect, it } from 'vitest';
import { engines } from './helpers/backends.js';
import { normals, uniforms } from './helpers/random.js';
import type { Engine, F64Buf } from '../src/engine/engine.js';
import { paddedStride } from '../src/engine/engine.js';
import { createNet, createOptimizer, type Activation, type Net, type NetData, type NetSpec } from '../src/engine/net.js';
import { uploadMatrix } from '../src/models/rows.js';
import { seedState } from '../src/rng.js';

function f64(engine: Engine, values: ArrayLike<number>): F64Buf {
  const b = engine.f64(values.length);
  b.view().set(values);
  return b;
}

/** A float64 network with seeded random parameters (zero in the padding). */
function randomNet(engine: Engine, spec: NetSpec, seed: number): Net {
  const net = createNet(engine, { ...spec, dtype: 'float64' });
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

/** Seeded float64 data for a net: X padded, targets of the head's kind, optional sample weights. */
function randomData(engine: Engine, spec: NetSpec, n: number, seed: number, weighted: boolean): NetData {
  const d = spec.sizes[0], K = spec.sizes[spec.sizes.length - 1];
  const { buf: X } = uploadMatrix(engine, { data: normals(n * d, seed), rows: n, cols: d }, 'X', 'float64');
  const u = uniforms(n * K, seed + 1);
  let Y: NetData['Y'];
  if (spec.output === 'softmax') {
    Y = engine.u32(n);
    Y.view().set(Array.from({ length: n }, (_, i) => Math.floor(u[i] * K)));
  } else {
    const ys = paddedStride(K);
    Y = engine.f64(n * ys);
    const y = Y.view();
    for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) y[i * ys + k] = u[i * K + k] < 0.5 ? 1 : 0;
  }
  const sw = weighted ? f64(engine, uniforms(n, seed + 2).map((v) => 0.5 + v)) : null;
  return { X, Y, sw, n };
}

function act(kind: Activation, z: number): number {
  return kind === 'relu' ? Math.max(z, 0) : kind === 'tanh' ? Math.tanh(z) : kind === 'logistic' ? 1 / (1 + Math.exp(-z)) : z;
}

/** The f64 oracle's logits of row i of X, the network written plainly. */
function oracleLogits(spec: NetSpec, net: Net, X: Float64Array, i: number, params: Float64Array): number[] {
  const layers = net.layout.layers;
  let a = Array.from(X.subarray(i * layers[0].inPad, i * layers[0].inPad + layers[0].nIn));
  layers.forEach((L, l) => {
    const z = Array.from({ length: L.nOut }, (_, o) => {
      let s = params[L.b + o];
      for (let j = 0; j < L.nIn; j++) s += params[L.w + o * L.inPad + j] * a[j];
      return s;
    });
    a = l < layers.length - 1 ? z.map((v) => act(spec.hidden, v)) : z;
  });
  return a;
}

/** The f64 oracle: the summed loss of a dense network. */
function oracleLoss(spec: NetSpec, net: Net, data: NetData, params: Float64Array): number {
  const { X, Y, sw, n } = data;
  const x = X.view() as Float64Array, y = Y.view(), w = sw?.view();
  let total = 0;
  for (let i = 0; i < n; i++) {
    const a = oracleLogits(spec, net, x, i, params);
    let loss = 0;
    if (spec.output === 'softmax') {
      const mx = Math.max(...a);
      loss = mx + Math.log(a.reduce((s, v) => s + Math.exp(v - mx), 0)) - a[y[i]];
    } else {
      const ys = paddedStride(a.length);
      a.forEach((z, k) => (loss += Math.max(z, 0) - z * y[i * ys + k] + Math.log1p(Math.exp(-Math.abs(z)))));
    }
    total += (w ? w[i] : 1) * loss;
  }
  return total;
}

describe.each(engines)('float64 network kernels on %s', (_name, engine) => {
  it('has the known softmax cross-entropy gradient of a fixed logits matrix', () => {
    const Z = f64(engine, [0.4, 0.0, -4.0, -1.0, 0.4, 0.0, -4.0, -10.0]);
    const labels = engine.u32(2);
    labels.view().set([1, 3]);
    const D = engine.f64(8);
    const loss = engine.softmaxCeRows(Z, 4, 2, 4, labels, null, D, 4);
    const want = [0.25917555, -0.32626944, 0.00318199, 0.0639119, 0.29715425, 0.19918845, 0.00364826, -0.49999096];
    D.view().forEach((v, i) => expect(Math.abs(v / 2 - want[i])).toBeLessThan(1e-8));
    const lse = (r: number[]) => Math.log(r.reduce((s, v) => s + Math.exp(v), 0));
    const ref = lse([0.4, 0, -4, -1]) + lse([0.4, 0, -4, -10]) + 10;
    expect(Math.abs(loss - ref) / ref).toBeLessThan(1e-14);
  });

  it('softmax rows sum to one to 1e-15 and survive logits of 1e4', () => {
    const Z = f64(engine, [1e4, 0, -1e4, 3, 1, 2, 3, 4, 5, 6, 7, 8]);
    const P = engine.f64(12);
    engine.softmaxRows(Z, 6, 2, 5, P, 6);
    const p = P.view();
    expect(p[0]).toBe(1);
    expect(p[2]).toBe(0);
    const e = [2, 3, 4, 5, 6].map(Math.exp), s = e.reduce((a, b) => a + b);
    Array.from(p.subarray(6, 11)).forEach((v, k) => expect(Math.abs(v - e[k] / s)).toBeLessThan(1e-15));
  });

  it('activations and their gradients match Math to 1e-15', () => {
    const xs = Float64Array.from(normals(21, 9), (v) => 3 * v);
    for (const [kind, a] of [[1, 'relu'], [2, 'tanh'], [3, 'logistic']] as const) {
      const out = engine.f64(21), g = f64(engine, normals(21, 10)), dOut = engine.f64(21);
      engine.activation(kind, f64(engine, xs), out, 21);
      engine.activationGrad(kind, out, g, dOut, 21);
      xs.forEach((x, i) => {
        const y = act(a, x);
        expect(Math.abs(out.view()[i] - y)).toBeLessThan(1e-15);
        const dy = a === 'relu' ? (y > 0 ? 1 : 0) : a === 'tanh' ? 1 - y * y : y * (1 - y);
        expect(Math.abs(dOut.view()[i] - g.view()[i] * dy)).toBeLessThan(1e-14);
      });
    }
  });

  it('the three matrix products match a plain computation to 1e-13', () => {
    const m = 7, nOut = 8, k = 12;
    const A = f64(engine, normals(m * k, 1)), W = f64(engine, normals(nOut * k, 2)), bias = f64(engine, normals(nOut, 3));
    const D = f64(engine, normals(m * nOut, 4));
    const C = engine.f64(m * nOut), dW = f64(engine, normals(nOut * k, 5)), Out = engine.f64(m * k);
    const dW0 = Float64Array.from(dW.view());
    engine.gemmNT(A, k, m, W, nOut, k, bias, C, nOut);
    engine.gemmTNAcc(D, nOut, m, nOut, A, k, k, dW);
    engine.gemmNN(D, nOut, m, nOut, W, k, Out, k);
    const a = A.view(), w = W.view(), b = bias.view(), d = D.view();
    for (let i = 0; i < m; i++) {
      for (let o = 0; o < nOut; o++) {
        let s = b[o];
        for (let q = 0; q < k; q++) s += a[i * k + q] * w[o * k + q];
        expect(Math.abs(C.view()[i * nOut + o] - s)).toBeLessThan(1e-13);
      }
      for (let q = 0; q < k; q++) {
        let s = 0;
        for (let o = 0; o < nOut; o++) s += d[i * nOut + o] * w[o * k + q];
        expect(Math.abs(Out.view()[i * k + q] - s)).toBeLessThan(1e-13);
      }
    }
    for (let o = 0; o < nOut; o++) {
      for (let q = 0; q < k; q++) {
        let s = dW0[o * k + q];
        for (let i = 0; i < m; i++) s += d[i * nOut + o] * a[i * k + q];
        expect(Math.abs(dW.view()[o * k + q] - s)).toBeLessThan(1e-13);
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
    it('has the loss of the f64 oracle (1e-13) and its finite-difference gradient (below 1e-7)', () => {
      const net = randomNet(engine, spec, 11);
      const data = randomData(engine, spec, 37, 12, true); // 37 rows: three batches, the last partial
      const loss = engine.netLossGrad(net, data);
      const params = Float64Array.from(net.params.view());
      expect(Math.abs(loss - oracleLoss(spec, net, data, params)) / loss).toBeLessThan(1e-13);
      const g = Float64Array.from(net.grads.view());
      const gMax = Math.max(...Array.from(g, Math.abs));
      let worst = 0;
      const h = 1e-4;
      for (const L of net.layout.layers) {
        for (const k of [L.w, L.w + L.inPad * (L.nOut - 1) + L.nIn - 1, L.b, L.b + L.nOut - 1]) {
          const at = (v: number) => {
            const p = Float64Array.from(params);
            p[k] = v;
            return oracleLoss(spec, net, data, p);
          };
          const v = params[k];
          const fd = (-at(v + 2 * h) + 8 * at(v + h) - 8 * at(v - h) + at(v - 2 * h)) / (12 * h);
          worst = Math.max(worst, Math.abs(fd - g[k]) / gMax);
        }
        for (let o = 0; o < L.outPad; o++) for (let j = L.nIn; j < L.inPad; j++) expect(g[L.w + o * L.inPad + j]).toBe(0);
        for (let o = L.nOut; o < L.outPad; o++) expect(g[L.b + o]).toBe(0);
      }
      expect(worst).toBeLessThan(1e-7);
    });

    it('predicts the oracle\'s probabilities to 1e-14', () => {
      const net = randomNet(engine, spec, 13);
      const data = randomData(engine, spec, 9, 14, false);
      const K = spec.sizes[spec.sizes.length - 1];
      const out = engine.f64(9 * K);
      engine.netPredict(net, data.X, 0, 9, out, K);
      const params = Float64Array.from(net.params.view());
      for (let i = 0; i < 9; i++) {
        const z = oracleLogits(spec, net, data.X.view() as Float64Array, i, params);
        const e = z.map((v) => Math.exp(v - Math.max(...z))), sum = e.reduce((s, v) => s + v, 0);
        const want = spec.output === 'softmax' ? e.map((v) => v / sum) : z.map((v) => 1 / (1 + Math.exp(-v)));
        want.forEach((p, k) => expect(Math.abs(out.view()[i * K + k] - p)).toBeLessThan(1e-14));
      }
    });
  });

  it('one Adam and one AMSGrad step equal the hand computation to 1e-15', () => {
    for (const kind of ['adam', 'amsgrad'] as const) {
      const params = f64(engine, [1, -2, 0.5, 3]);
      const grads = f64(engine, [0.1, -0.2, 0, 4]);
      const o = createOptimizer(engine, 4, { kind, lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8 }, 'float64');
      o.state.view().set([0.05, 0, 0, 0, 0.01, 0, 0, 0, 0.02, 0, 0, 0]);
      engine.optimizerStep(o, params, grads, 4);
      const m0 = [0.05, 0, 0, 0], v0 = [0.01, 0, 0, 0], vmax0 = [0.02, 0, 0, 0], g = [0.1, -0.2, 0, 4], p0 = [1, -2, 0.5, 3];
      p0.forEach((p, i) => {
        const m = 0.9 * m0[i] + (1 - 0.9) * g[i];
        const v = 0.999 * v0[i] + (1 - 0.999) * g[i] * g[i];
        const vUse = kind === 'amsgrad' ? Math.max(vmax0[i], v) : v;
        const want = p - ((0.01 / (1 - 0.9)) * m) / (Math.sqrt(vUse) / Math.sqrt(1 - 0.999) + 1e-8);
        expect(Math.abs(params.view()[i] - want)).toBeLessThan(1e-15);
      });
      expect(o.header.view()[1]).toBe(1);
    }
  });

  it('momentum and nesterov steps follow PyTorch exactly', () => {
    for (const kind of ['sgd', 'momentum', 'nesterov'] as const) {
      const params = f64(engine, [1, 2, 3, 4]);
      const grads = f64(engine, [0.5, -1, 2, 0]);
      const o = createOptimizer(engine, 4, { kind, lr: 0.1, beta1: 0.9, beta2: 0, eps: 0 }, 'float64');
      o.state.view().set([1, 1, 1, 1]);
      engine.optimizerStep(o, params, grads, 4);
      [1, 2, 3, 4].forEach((p, i) => {
        const g = [0.5, -1, 2, 0][i];
        const v = 0.9 * 1 + g;
        expect(params.view()[i]).toBe(kind === 'sgd' ? p - 0.1 * g : kind === 'momentum' ? p - 0.1 * v : p - 0.1 * (g + 0.9 * v));
      });
    }
  });
});

describe('float64 network epochs agree across backends', () => {
  it('two seeded Adam epochs of an MLP (with L2 and L1) give the same parameters within 1e-10 relative', () => {
    const spec: NetSpec = { sizes: [13, 10, 6, 3], hidden: 'tanh', output: 'softmax', maxBatch: 32 };
    const results = engines.map(([, engine]) => {
      const net = randomNet(engine, spec, 21);
      const data = randomData(engine, spec, 200, 22, true);
      const idx = engine.u32(200);
      idx.view().set(Array.from({ length: 200 }, (_, i) => i));
      const rng = engine.u32(4);
      seedState(5, rng.view());
      const o = createOptimizer(engine, net.layout.nParams, { kind: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8 }, 'float64');
      for (let e = 0; e < 2; e++) engine.epochNet(net, o, data, idx, rng, { batch: 32, shuffle: true, alpha: 1e-3, l2: 1e-3, l1: 1e-4, outScale: 1 });
      return Float64Array.from(net.params.view());
    });
    const ref = results[results.length - 1];
    const scale = Math.max(...Array.from(ref, Math.abs));
    for (const p of results) p.forEach((v, i) => expect(Math.abs(v - ref[i]) / scale).toBeLessThan(1e-10));
  });
});
