// The network kernels of every backend, in float32 and float64, against a plain f64 oracle and
// finite differences.
import { describe, expect, it } from 'vitest';
import { engines } from './helpers/backends.js';
import { f64, floatsOf } from './helpers/buffers.js';
import { act, oracleLogits, oracleLoss, randomData, randomNet } from './helpers/nets.js';
import { normals } from './helpers/random.js';
import { floats, type Dtype } from '../src/engine/engine.js';
import { createOptimizer, type Activation, type NetSpec } from '../src/engine/net.js';
import { valuesIn } from '../src/engine/resident.js';
import { OPT_T } from '../src/engine/formats.js';
import { seedState } from '../src/core/rng.js';

/** An assertion that `got` is `want`, to a dtype's precision. */
type Near = (got: number, want: number) => void;

/** What the network tests allow in each dtype. */
interface DtypeCase {
  dtype: Dtype;
  /** Softmax cross-entropy of a fixed matrix: the mean gradient (absolute) and the loss (relative). */
  ce: { grad: number; loss: number };
  /** Softmax probabilities, the three matrix products, and SGD / momentum / nesterov steps. */
  softmax: Near;
  gemm: Near;
  momentum: Near;
  /** A net's loss against the oracle's (relative), and the finite-difference step and error allowed. */
  loss: number;
  fd: { h: number; tol: number };
  /** An Adam or AMSGrad step (absolute). */
  adam: number;
  /** Two seeded Adam epochs on every backend: the hidden activation, penalties, and the relative spread allowed. */
  agree: { hidden: Activation; weighted: boolean; l2: number; l1: number; tol: number };
}

const dtypes: DtypeCase[] = [
  {
    dtype: 'float32',
    ce: { grad: 1e-6, loss: 1e-6 },
    softmax: (got, want) => expect(got).toBeCloseTo(want, 6),
    gemm: (got, want) => expect(got).toBeCloseTo(want, 4),
    momentum: (got, want) => expect(got).toBeCloseTo(want, 6),
    loss: 1e-5,
    fd: { h: 1e-2, tol: 1e-3 },
    adam: 1e-6,
    agree: { hidden: 'relu', weighted: false, l2: 0, l1: 0, tol: 1e-4 },
  },
  {
    dtype: 'float64',
    ce: { grad: 1e-8, loss: 1e-14 },
    softmax: (got, want) => expect(Math.abs(got - want)).toBeLessThan(1e-15),
    gemm: (got, want) => expect(Math.abs(got - want)).toBeLessThan(1e-13),
    momentum: (got, want) => expect(got).toBe(want),
    loss: 1e-13,
    fd: { h: 1e-4, tol: 1e-7 },
    adam: 1e-15,
    agree: { hidden: 'tanh', weighted: true, l2: 1e-3, l1: 1e-4, tol: 1e-10 },
  },
];

const specs: [string, NetSpec][] = [
  ['softmax regression 5 -> 3', { sizes: [5, 3], hidden: 'identity', output: 'softmax', maxBatch: 16 }],
  ['multi-label 6 -> 5', { sizes: [6, 5], hidden: 'identity', output: 'sigmoid', maxBatch: 16 }],
  ['MLP 5 -> 7 (tanh) -> 3, softmax', { sizes: [5, 7, 3], hidden: 'tanh', output: 'softmax', maxBatch: 16 }],
  ['MLP 9 -> 6 -> 5 (relu) -> 1, sigmoid', { sizes: [9, 6, 5, 1], hidden: 'relu', output: 'sigmoid', maxBatch: 16 }],
  ['MLP 4 -> 3 (logistic) -> 2, sigmoid', { sizes: [4, 3, 2], hidden: 'logistic', output: 'sigmoid', maxBatch: 16 }],
  ['MLP 3 -> 5 (identity) -> 4, softmax', { sizes: [3, 5, 4], hidden: 'identity', output: 'softmax', maxBatch: 16 }],
];

describe.each(engines)('network kernels on %s', (_name, engine) => {
  describe.each(dtypes)('in $dtype', (c) => {
    const { dtype } = c;
    const buf = (values: ArrayLike<number>) => floatsOf(engine, dtype, values);

    it('has the known softmax cross-entropy gradient of a fixed logits matrix', () => {
      const Z = buf([0.4, 0.0, -4.0, -1.0, 0.4, 0.0, -4.0, -10.0]);
      const labels = engine.u32(2);
      labels.view().set([1, 3]);
      const D = floats(engine, dtype, 8);
      const loss = engine.softmaxCeRows(Z, 4, 2, 4, labels, null, D, 4);
      const want = [0.25917555, -0.32626944, 0.00318199, 0.0639119, 0.29715425, 0.19918845, 0.00364826, -0.49999096];
      D.view().forEach((v, i) => expect(Math.abs(v / 2 - want[i])).toBeLessThan(c.ce.grad));
      const lse = (r: number[]) => Math.log(r.reduce((s, v) => s + Math.exp(v), 0));
      const ref = lse([0.4, 0, -4, -1]) + lse([0.4, 0, -4, -10]) + 10;
      expect(Math.abs(loss - ref) / ref).toBeLessThan(c.ce.loss);
    });

    it('softmax rows sum to one and survive logits of 1e4', () => {
      const Z = buf([1e4, 0, -1e4, 3, 1, 2, 3, 4, 5, 6, 7, 8]);
      const P = floats(engine, dtype, 12);
      engine.softmaxRows(Z, 6, 2, 5, P, 6);
      const p = P.view();
      expect(p[0]).toBe(1);
      expect(p[2]).toBe(0);
      const row2 = Array.from(p.subarray(6, 11));
      c.softmax(row2.reduce((s, v) => s + v, 0), 1);
      const e = [2, 3, 4, 5, 6].map(Math.exp), s = e.reduce((a, b) => a + b);
      row2.forEach((v, k) => c.softmax(v, e[k] / s));
    });

    it('the three matrix products match a plain computation', () => {
      const m = 7, nOut = 8, k = 12;
      const A = buf(normals(m * k, 1)), W = buf(normals(nOut * k, 2)), bias = buf(normals(nOut, 3));
      const D = buf(normals(m * nOut, 4));
      const C = floats(engine, dtype, m * nOut), dW = buf(normals(nOut * k, 5)), Out = floats(engine, dtype, m * k);
      const dW0 = Float64Array.from(dW.view());
      engine.gemmNT(A, k, m, W, nOut, k, bias, C, nOut);
      engine.gemmTNAcc(D, nOut, m, nOut, A, k, k, dW);
      engine.gemmNN(D, nOut, m, nOut, W, k, Out, k);
      const a = A.view(), w = W.view(), b = bias.view(), d = D.view();
      for (let i = 0; i < m; i++) {
        for (let o = 0; o < nOut; o++) {
          let s = b[o];
          for (let q = 0; q < k; q++) s += a[i * k + q] * w[o * k + q];
          c.gemm(C.view()[i * nOut + o], s);
        }
        for (let q = 0; q < k; q++) {
          let s = 0;
          for (let o = 0; o < nOut; o++) s += d[i * nOut + o] * w[o * k + q];
          c.gemm(Out.view()[i * k + q], s);
        }
      }
      for (let o = 0; o < nOut; o++) {
        for (let q = 0; q < k; q++) {
          let s = dW0[o * k + q];
          for (let i = 0; i < m; i++) s += d[i * nOut + o] * a[i * k + q];
          c.gemm(dW.view()[o * k + q], s);
        }
      }
    });

    describe.each(specs)('%s', (_label, spec) => {
      it('has the loss of the f64 oracle and its finite-difference gradient', () => {
        const net = randomNet(engine, spec, 11, dtype);
        const data = randomData(engine, spec, 37, 12, true, dtype); // 37 rows: three batches, the last partial
        const loss = engine.netLossGrad(net, data);
        const params = Float64Array.from(net.params.view());
        expect(Math.abs(loss - oracleLoss(spec, net, data, params)) / loss).toBeLessThan(c.loss);
        const g = Float64Array.from(net.grads.view());
        const gMax = Math.max(...Array.from(g, Math.abs));
        let worst = 0;
        const { h } = c.fd;
        for (const L of net.layout.layers) {
          for (const k of [L.w, L.w + L.inPad * (L.nOut - 1) + L.nIn - 1, L.b, L.b + L.nOut - 1]) {
            const at = (v: number) => {
              const p = Float64Array.from(params);
              p[k] = v;
              return oracleLoss(spec, net, data, valuesIn(dtype, p)); // the parameters as the net holds them
            };
            const v = params[k];
            const fd = (-at(v + 2 * h) + 8 * at(v + h) - 8 * at(v - h) + at(v - 2 * h)) / (12 * h);
            worst = Math.max(worst, Math.abs(fd - g[k]) / gMax);
          }
          // Padding stays out of it: no gradient on padded weights or biases.
          for (let o = 0; o < L.outPad; o++) for (let j = L.nIn; j < L.inPad; j++) expect(g[L.w + o * L.inPad + j]).toBe(0);
          for (let o = L.nOut; o < L.outPad; o++) expect(g[L.b + o]).toBe(0);
        }
        expect(worst).toBeLessThan(c.fd.tol);
      });
    });

    it('one Adam and one AMSGrad step equal the hand computation', () => {
      for (const kind of ['adam', 'amsgrad'] as const) {
        const params = buf([1, -2, 0.5, 3]);
        const grads = buf([0.1, -0.2, 0, 4]);
        const o = createOptimizer(engine, 4, { kind, lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8 }, dtype);
        o.state.view().set([0.05, 0, 0, 0, 0.01, 0, 0, 0, 0.02, 0, 0, 0]); // m, v, vmax from an earlier step
        engine.optimizerStep(o, params, grads, 4);
        // t = 1: m = 0.9 m0 + 0.1 g; v = 0.999 v0 + 0.001 g^2; p -= lr / (1 - 0.9) m / (sqrt(v') / sqrt(1 - 0.999) + eps)
        const m0 = [0.05, 0, 0, 0], v0 = [0.01, 0, 0, 0], vmax0 = [0.02, 0, 0, 0], g = [0.1, -0.2, 0, 4], p0 = [1, -2, 0.5, 3];
        p0.forEach((p, i) => {
          const m = 0.9 * m0[i] + (1 - 0.9) * g[i];
          const v = 0.999 * v0[i] + (1 - 0.999) * g[i] * g[i];
          const vUse = kind === 'amsgrad' ? Math.max(vmax0[i], v) : v;
          const want = p - ((0.01 / (1 - 0.9)) * m) / (Math.sqrt(vUse) / Math.sqrt(1 - 0.999) + 1e-8);
          expect(Math.abs(params.view()[i] - want)).toBeLessThan(c.adam);
        });
        expect(o.header.view()[OPT_T]).toBe(1);
      }
    });

    it('momentum and nesterov steps follow PyTorch', () => {
      for (const kind of ['sgd', 'momentum', 'nesterov'] as const) {
        const params = buf([1, 2, 3, 4]);
        const grads = buf([0.5, -1, 2, 0]);
        const o = createOptimizer(engine, 4, { kind, lr: 0.1, beta1: 0.9, beta2: 0, eps: 0 }, dtype);
        o.state.view().set([1, 1, 1, 1]); // velocity from an earlier step
        engine.optimizerStep(o, params, grads, 4);
        [1, 2, 3, 4].forEach((p, i) => {
          const g = [0.5, -1, 2, 0][i];
          const v = 0.9 * 1 + g;
          c.momentum(params.view()[i], kind === 'sgd' ? p - 0.1 * g : kind === 'momentum' ? p - 0.1 * v : p - 0.1 * (g + 0.9 * v));
        });
      }
    });
  });

  describe('float64 only', () => {
    it('activations and their gradients match Math to 1e-15', () => {
      const xs = Float64Array.from(normals(21, 9), (v) => 3 * v);
      for (const a of ['relu', 'tanh', 'logistic'] as const) {
        const out = engine.f64(21), g = f64(engine, normals(21, 10)), dOut = engine.f64(21);
        engine.activation(a, f64(engine, xs), out, 21);
        engine.activationGrad(a, out, g, dOut, 21);
        xs.forEach((x, i) => {
          const y = act(a, x);
          expect(Math.abs(out.view()[i] - y)).toBeLessThan(1e-15);
          const dy = a === 'relu' ? (y > 0 ? 1 : 0) : a === 'tanh' ? 1 - y * y : y * (1 - y);
          expect(Math.abs(dOut.view()[i] - g.view()[i] * dy)).toBeLessThan(1e-14);
        });
      }
    });

    describe.each(specs)('%s', (_label, spec) => {
      it('predicts the oracle\'s probabilities to 1e-14', () => {
        const net = randomNet(engine, spec, 13, 'float64');
        const data = randomData(engine, spec, 9, 14, false, 'float64');
        const K = spec.sizes[spec.sizes.length - 1];
        const out = engine.f64(9 * K);
        engine.netPredict(net, data.X, 0, 9, out, K);
        const params = Float64Array.from(net.params.view());
        for (let i = 0; i < 9; i++) {
          const z = oracleLogits(spec, net, data.X.view(), i, params);
          const e = z.map((v) => Math.exp(v - Math.max(...z))), sum = e.reduce((s, v) => s + v, 0);
          const want = spec.output === 'softmax' ? e.map((v) => v / sum) : z.map((v) => 1 / (1 + Math.exp(-v)));
          want.forEach((p, k) => expect(Math.abs(out.view()[i * K + k] - p)).toBeLessThan(1e-14));
        }
      });
    });
  });
});

describe.each(dtypes)('$dtype network epochs agree across backends', ({ dtype, agree }) => {
  it(`two seeded Adam epochs of a ${agree.hidden} MLP (L2 ${agree.l2}, L1 ${agree.l1}) give the same parameters within ${agree.tol} relative`, () => {
    const spec: NetSpec = { sizes: [13, 10, 6, 3], hidden: agree.hidden, output: 'softmax', maxBatch: 32 };
    const results = engines.map(([, engine]) => {
      const net = randomNet(engine, spec, 21, dtype);
      const data = randomData(engine, spec, 200, 22, agree.weighted, dtype);
      const idx = engine.u32(200);
      idx.view().set(Array.from({ length: 200 }, (_, i) => i));
      const rng = engine.u32(4);
      seedState(5, rng.view());
      const o = createOptimizer(engine, net.layout.nParams, { kind: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8 }, dtype);
      for (let e = 0; e < 2; e++) engine.epochNet(net, o, data, idx, rng, { batch: 32, shuffle: true, alpha: 1e-3, l2: agree.l2, l1: agree.l1, outScale: 1 });
      return Float64Array.from(net.params.view());
    });
    const ref = results[results.length - 1];
    const scale = Math.max(...Array.from(ref, Math.abs));
    for (const p of results) p.forEach((v, i) => expect(Math.abs(v - ref[i]) / scale).toBeLessThan(agree.tol));
  });
});
