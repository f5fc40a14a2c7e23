// Issue #12, the notebooks' layer API: Linear in float32 and float64 with named initialisations,
// Identity, strict options that name what was meant, float64 nets with their optimizers, and
// gradCheck to 1e-7 in float64. Every backend.
import { describe, expect, it } from 'vitest';
import { engines } from './helpers/backends.js';
import { caught, codeOf } from './helpers/errors.js';
import { normals, uniforms } from './helpers/random.js';
import type { Matrix } from '../src/core/matrix.js';
import {
  Adam, Identity, Linear, Momentum, ReLU, Sequential, SGD, Sigmoid, Softmax, Tanh, batches, binaryCrossEntropy, gradCheck, softmaxCrossEntropy,
  type LossFunction,
} from '../src/layers/index.js';
import { logLoss } from '../src/metrics.js';

const f64 = (rows: number, cols: number, seed: number, scale = 1): Matrix => ({ data: Float64Array.from(normals(rows * cols, seed), (v) => scale * v), rows, cols });
const rowsOf = (m: Matrix): number[][] => Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
const labels = (n: number, K: number, seed: number) => Array.from(uniforms(n, seed), (u) => Math.floor(u * K));

describe.each(engines)('the layer API on %s', (backend) => {
  describe('Linear in float64', () => {
    it('computes x W^T + b in float64, whatever the input dtype, and says so', () => {
      const W = f64(3, 5, 1), b = f64(1, 3, 2), X = f64(4, 5, 3);
      const layer = new Linear(5, 3, { backend, dtype: 'float64', weight: W, bias: b });
      expect(layer.dtype).toBe('float64');
      expect(layer.weight.dtype).toBe('float64');
      expect(layer.weight.value.data).toBeInstanceOf(Float64Array);
      expect(Array.from(layer.weight.value.data)).toEqual(Array.from(W.data)); // exact: no float32 rounding
      for (const x of [X, rowsOf(X), { data: Float32Array.from(X.data), rows: 4, cols: 5 }]) {
        const out = layer.forward(x);
        expect(out.data).toBeInstanceOf(Float64Array);
        const xs = x === X || Array.isArray(x) ? X.data : Float32Array.from(X.data);
        for (let i = 0; i < 4; i++) {
          for (let o = 0; o < 3; o++) {
            let want = b.data[o];
            for (let j = 0; j < 5; j++) want += xs[i * 5 + j] * W.data[o * 5 + j];
            expect(Math.abs(out.data[i * 3 + o] - want)).toBeLessThan(1e-12);
          }
        }
      }
      const dX = layer.backward(f64(4, 3, 4));
      expect(dX.data).toBeInstanceOf(Float64Array);
      expect(layer.bias.grad.data).toBeInstanceOf(Float64Array);
      layer.dispose();
    });

    it.each([
      ['Linear 6 -> 4, softmax cross-entropy', () => new Linear(6, 4, { backend, dtype: 'float64', seed: 1 }), labels(7, 4, 5), 'softmaxCrossEntropy'],
      ['Linear 6 -> 3, binary cross-entropy on soft targets', () => new Linear(6, 3, { backend, dtype: 'float64', seed: 2 }), rowsOf(f64(7, 3, 6)).map((r) => r.map((v) => 1 / (1 + Math.exp(-v)))), 'binaryCrossEntropy'],
      ['Linear 6 -> 5 (tanh) -> 4 (sigmoid) -> 3 (identity) -> 3, softmax cross-entropy', () => new Sequential([
        new Linear(6, 5, { backend, dtype: 'float64', seed: 3 }), new Tanh({ backend }), new Linear(5, 4, { backend, dtype: 'float64', seed: 4 }),
        new Sigmoid({ backend }), new Linear(4, 3, { backend, dtype: 'float64', init: 'heNormal', seed: 5 }), new Identity({ backend }),
      ]), labels(7, 3, 7), 'softmaxCrossEntropy'],
      ['Linear 6 -> 4 -> Softmax, cross-entropy from probabilities', () => new Sequential([new Linear(6, 4, { backend, dtype: 'float64', seed: 8 }), new Softmax({ backend })]),
        labels(7, 4, 9), ((p, y) => softmaxCrossEntropy(p, y, { backend, from: 'probabilities' })) as LossFunction],
      ['Linear 6 -> 2 -> Sigmoid, binary cross-entropy from probabilities, summed', () => new Sequential([new Linear(6, 2, { backend, dtype: 'float64', seed: 10 }), new Sigmoid({ backend })]),
        rowsOf(f64(7, 2, 11)).map((r) => r.map((v) => Number(v > 0))), ((p, y) => binaryCrossEntropy(p, y, { backend, from: 'probabilities', reduction: 'sum' })) as LossFunction],
    ] as const)('gradCheck of %s agrees with finite differences to 1e-7', (_name, make, y, loss) => {
      const net = make();
      const result = gradCheck(net, f64(7, 6, 12), y, { loss: typeof loss === 'string' ? ((o, t) => (loss === 'softmaxCrossEntropy' ? softmaxCrossEntropy : binaryCrossEntropy)(o, t, { backend })) : loss });
      expect(result.maxRelError).toBeLessThan(1e-7);
      expect(result.parameters.length).toBe(1 + net.parameters().length);
      net.dispose();
    });

    it('optimizers step float64 parameters in float64: one Adam step equals the hand computation to 1e-12', () => {
      const W = [[0.1, -0.2], [0.3, 0.4]];
      const layer = new Linear(2, 2, { backend, dtype: 'float64', weight: W, bias: [0.05, -0.05] });
      layer.forward([[1, 2]]);
      layer.backward([[0.5, -1]]);
      const g = [0.5, 1, -1, -2, 0.5, -1]; // dW row by row, then db
      const adam = new Adam({ lr: 0.01 });
      adam.step(layer.parameters());
      const p0 = [0.1, -0.2, 0.3, 0.4, 0.05, -0.05];
      const want = p0.map((p, i) => p - (0.01 * ((0.1 * g[i]) / 0.1)) / (Math.sqrt((0.001 * g[i] ** 2) / 0.001) + 1e-8));
      const got = [...layer.weight.value.data, ...layer.bias.value.data];
      got.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-12));
      for (const o of [new SGD({ lr: 0.1 }), new Momentum({ lr: 0.1 })]) {
        o.step(layer.parameters());
        o.dispose();
      }
      expect(layer.weight.value.data).toBeInstanceOf(Float64Array);
      adam.dispose();
      layer.dispose();
    });

    it('a float64 net trains with batches() and reaches the float32 net\'s result', () => {
      const n = 120, X = f64(n, 2, 13);
      const y = Array.from({ length: n }, (_, i) => Number(X.data[2 * i] * X.data[2 * i + 1] > 0));
      const run = (dtype: 'float32' | 'float64') => {
        const net = new Sequential([new Linear(2, 16, { backend, dtype, seed: 1 }), new ReLU({ backend }), new Linear(16, 2, { backend, dtype, seed: 2 })]);
        const adam = new Adam({ lr: 0.05 });
        const data = batches(X, y, { batchSize: 32, seed: 3 });
        for (let epoch = 0; epoch < 60; epoch++) {
          for (const [xb, yb] of data) {
            net.zeroGrad();
            net.backward(softmaxCrossEntropy(net.forward(xb), yb, { backend }).grad);
            adam.step(net.parameters());
          }
        }
        const p = net.forward(X, { training: false });
        adam.dispose();
        net.dispose();
        return y.filter((c, i) => Number(p.data[2 * i + 1] > p.data[2 * i]) === c).length / n;
      };
      const acc64 = run('float64');
      expect(acc64).toBeGreaterThan(0.9);
      expect(Math.abs(acc64 - run('float32'))).toBeLessThanOrEqual(0.05);
    });
  });

  describe('initialisation', () => {
    it("heNormal draws N(0, 2 / nIn): the sample std of a 256 x 256 layer is within 5% of sqrt(2 / 256)", () => {
      for (const dtype of ['float32', 'float64'] as const) {
        const w = Array.from(new Linear(256, 256, { backend, dtype, init: 'heNormal', seed: 7 }).weight.value.data);
        const mean = w.reduce((s, v) => s + v, 0) / w.length;
        const std = Math.sqrt(w.reduce((s, v) => s + (v - mean) ** 2, 0) / (w.length - 1));
        expect(Math.abs(std / Math.sqrt(2 / 256) - 1)).toBeLessThan(0.05);
        expect(Math.abs(mean)).toBeLessThan(0.01);
      }
    });

    it('glorotUniform (the default) stays within sqrt(6 / (in + out)); zeros is zero; the bias starts at zero', () => {
      const a = Math.sqrt(6 / (64 + 32));
      const glorot = new Linear(64, 32, { backend, init: 'glorotUniform', seed: 4 });
      const w = Array.from(glorot.weight.value.data);
      expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(a);
      expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.95 * a);
      expect(w).toEqual(Array.from(new Linear(64, 32, { backend, seed: 4 }).weight.value.data));
      const zeros = new Linear(5, 3, { backend, init: 'zeros', dtype: 'float64' });
      expect(Array.from(zeros.weight.value.data)).toEqual(new Array(15).fill(0));
      expect(Array.from(zeros.bias.value.data)).toEqual([0, 0, 0]);
    });

    it('a function gets a seeded uniform generator, called row by row; what it returns is checked', () => {
      const seen: number[] = [];
      const layer = new Linear(3, 2, { backend, dtype: 'float64', seed: 9, init: (rng) => { const u = rng(); seen.push(u); return u - 0.5; } });
      expect(seen).toHaveLength(6);
      seen.forEach((u) => expect(u >= 0 && u < 1).toBe(true));
      expect(Array.from(layer.weight.value.data)).toEqual(seen.map((u) => u - 0.5));
      const again: number[] = [];
      new Linear(3, 2, { backend, seed: 9, init: (rng) => (again.push(rng()), 0) });
      expect(again).toEqual(seen);
      let e = caught(() => new Linear(3, 2, { backend, init: () => NaN }));
      expect([e.code, e.message]).toEqual(['BAD_OPTION', expect.stringMatching(/init returned NaN for weight\[0\]\[0\]/)]);
      e = caught(() => new Linear(3, 2, { backend, init: (() => 1n) as never }));
      expect(e.message).toMatch(/init returned 1n \(a BigInt\)/);
      expect(() => new Linear(3, 2, { backend, init: () => { throw new RangeError('mine'); } })).toThrow('mine'); // the caller's own error, as it was
      expect(caught(() => new Linear(3, 2, { backend, init: 'zeros', weight: [1, 2, 3, 4, 5, 6] })).message).toMatch(/weight or init, not both/);
      expect(caught(() => new Linear(3, 2, { backend, init: 'he' as 'heNormal' })).message).toMatch(/init must be one of 'glorotUniform', 'heNormal', 'zeros'; got "he"/);
      expect(caught(() => new Linear(3, 2, { backend, dtype: 'float16' as 'float32' })).message).toMatch(/dtype must be one of 'float32', 'float64'; got "float16"/);
    });
  });

  it('Identity passes values and gradients through, in the input dtype', () => {
    const id = new Identity({ backend });
    const X = f64(3, 5, 14);
    const out = id.forward(X);
    expect(out.data).toBeInstanceOf(Float64Array);
    expect(Array.from(out.data)).toEqual(Array.from(X.data));
    expect(out.data).not.toBe(X.data);
    expect(Array.from(id.backward(X).data)).toEqual(Array.from(X.data));
    expect(id.forward([[1.5, -2]]).data).toEqual(Float32Array.of(1.5, -2));
    expect(id.parameters()).toEqual([]);
    id.dispose();
  });

  it('options are strict, and an unknown name suggests the one meant', () => {
    const cases: [() => unknown, string][] = [
      [() => new SGD({ learningRate: 0.1 } as never), "unknown option 'learningRate' for SGD; did you mean 'lr'?"],
      [() => new SGD({ momentum: 0.9 } as never), "unknown option 'momentum' for SGD; for SGD with momentum use new Momentum({ lr, momentum, nesterov })"],
      [() => new Adam({ betas: [0.9, 0.99] } as never), "unknown option 'betas' for Adam; did you mean 'beta1'?"],
      [() => new Adam({ epsilon: 1e-7 } as never), "unknown option 'epsilon' for Adam; did you mean 'eps'?"],
      [() => new Momentum({ Nesterov: true } as never), "unknown option 'Nesterov' for Momentum; did you mean 'nesterov'?"],
      [() => new Linear(2, 2, { backend, dType: 'float64' } as never), "unknown option 'dType' for Linear; did you mean 'dtype'?"],
      [() => new Linear(2, 2, { backend, kernelInitializer: 'zeros' } as never), "unknown option 'kernelInitializer' for Linear; did you mean 'init'?"],
      [() => new ReLU({ backend, inplace: true } as never), "unknown option 'inplace' for ReLU"],
      [() => binaryCrossEntropy([[0]], [1], { backend, fromLogits: true } as never), "unknown option 'fromLogits' for binaryCrossEntropy; did you mean 'from'?"],
      [() => softmaxCrossEntropy([[0, 1]], [1], { backend, reduce: 'sum' } as never), "unknown option 'reduce' for softmaxCrossEntropy; did you mean 'reduction'?"],
      [() => batches([[1]], [1], { batch_size: 4 } as never), "unknown option 'batch_size' for batches; did you mean 'batchSize'?"],
      [() => logLoss([0, 1], [0.2, 0.8], { sample_weight: [1, 1] } as never), "unknown option 'sample_weight' for logLoss; did you mean 'sampleWeight'?"],
      [() => gradCheck(new Identity({ backend }), [[1]], [[1]], { loss: 'binaryCrossEntropy', epsilon: 1e-3 } as never), "unknown option 'epsilon' for gradCheck; did you mean 'eps'?"],
      [() => new Linear(2, 2, { backend }).forward([[1, 2]], { train: false } as never), "unknown option 'train' for Linear.forward; did you mean 'training'?"],
    ];
    for (const [f, message] of cases) {
      const e = caught(f);
      expect([e.code, e.message]).toEqual(['BAD_OPTION', `BAD_OPTION: ${message}`]);
    }
    expect(codeOf(() => binaryCrossEntropy([[0]], [1], { backend, from: 'probability' as 'logits' }))).toBe('BAD_OPTION');
    expect(codeOf(() => softmaxCrossEntropy([[0, 1]], [1], { backend, reduction: 'avg' as 'mean' }))).toBe('BAD_OPTION');
  });
});
