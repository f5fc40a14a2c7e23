import { describe, expect, it } from 'vitest';
import { engines } from './helpers/backends.js';
import { codeOf } from './helpers/errors.js';
import { normals, uniforms } from './helpers/random.js';
import type { Matrix, MatrixLike } from '../src/core/matrix.js';
import {
  Linear, Module, ReLU, Sequential, Sigmoid, Softmax, Tanh, binaryCrossEntropy, gradCheck, softmaxCrossEntropy,
  type GradCheckable, type LossFunction, type LossTargets,
} from '../src/layers/index.js';

function randomRows(n: number, d: number, seed: number, scale = 1): number[][] {
  const v = normals(n * d, seed);
  return Array.from({ length: n }, (_, i) => Array.from(v.subarray(i * d, (i + 1) * d), (x) => scale * x));
}

const labels = (n: number, K: number, seed: number) => Array.from(uniforms(n, seed), (u) => Math.floor(u * K));
const oneHot = (y: number[], K: number) => y.map((c) => Array.from({ length: K }, (_, k) => Number(k === c)));
const bits = (n: number, K: number, seed: number) => randomRows(n, K, seed).map((r) => r.map((v) => Number(v > 0)));

/** Half the mean squared error against target rows: a loss written as a plain function. */
const mse: LossFunction = (out, y) => {
  const Y = (y as number[][]).flat();
  const grad = Float32Array.from(out.data, (v, i) => (v - Y[i]) / out.rows);
  const loss = Array.from(out.data).reduce((s, v, i) => s + (v - Y[i]) ** 2, 0) / (2 * out.rows);
  return { loss, grad: { data: grad, rows: out.rows, cols: out.cols } };
};

/** Mean -log p_y of probability rows: the loss for a net that ends in Softmax. */
const nll: LossFunction = (p, y) => {
  const Y = y as number[];
  const grad = new Float32Array(p.data.length);
  let loss = 0;
  Y.forEach((c, i) => {
    loss -= Math.log(p.data[i * p.cols + c]) / p.rows;
    grad[i * p.cols + c] = -1 / (p.rows * p.data[i * p.cols + c]);
  });
  return { loss, grad: { data: grad, rows: p.rows, cols: p.cols } };
};

/** Inputs at least 0.2 away from 0, so a step of 2 eps = 0.02 never crosses ReLU's kink. */
const offKink = (X: number[][]) => X.map((r) => r.map((v) => v + 0.2 * Math.sign(v)));

describe.each(engines)('gradCheck on %s', (backend) => {
  // The losses on this backend too (by name, gradCheck uses the default one).
  const ce: LossFunction = (out, y) => softmaxCrossEntropy(out, y, { backend });
  const bce: LossFunction = (out, y) => binaryCrossEntropy(out, y, { backend });
  const X = randomRows(8, 5, 1);
  const y3 = labels(8, 3, 2);
  const cases: [string, () => Module, MatrixLike, LossTargets, LossFunction | 'softmaxCrossEntropy' | 'binaryCrossEntropy'][] = [
    ['Linear 5 -> 7, mean squared error', () => new Linear(5, 7, { backend, seed: 3 }), X, randomRows(8, 7, 4), mse],
    ['Linear 5 -> 3, softmax cross-entropy on labels', () => new Linear(5, 3, { backend, seed: 3 }), X, y3, ce],
    ['Linear 5 -> 3, softmax cross-entropy on one-hot rows', () => new Linear(5, 3, { backend, seed: 3 }), X, oneHot(y3, 3), ce],
    ['Linear 5 -> 1, binary cross-entropy on one target per row', () => new Linear(5, 1, { backend, seed: 3 }), X, labels(8, 2, 5), bce],
    ['Linear 5 -> 6, binary cross-entropy on soft targets', () => new Linear(5, 6, { backend, seed: 3 }), X, randomRows(8, 6, 5).map((r) => r.map((v) => 1 / (1 + Math.exp(-v)))), bce],
    ['ReLU', () => new ReLU({ backend }), offKink(X), randomRows(8, 5, 6), mse],
    ['Tanh', () => new Tanh({ backend }), X, randomRows(8, 5, 6), mse],
    ['Sigmoid', () => new Sigmoid({ backend }), X, randomRows(8, 5, 6), mse],
    ['Softmax', () => new Softmax({ backend }), X, randomRows(8, 5, 6), mse],
    ['MLP 5 -> 7 (tanh) -> 3, softmax cross-entropy', () => new Sequential([new Linear(5, 7, { backend, seed: 3 }), new Tanh({ backend }), new Linear(7, 3, { backend, seed: 4 })]), X, y3, 'softmaxCrossEntropy'],
    // Seeds picked so that no ReLU input lies within a step of its kink, where finite differences are meaningless.
    ['MLP 5 -> 7 (relu) -> 3, binary cross-entropy', () => new Sequential([new Linear(5, 7, { backend, seed: 5 }), new ReLU({ backend }), new Linear(7, 3, { backend, seed: 6 })]), X, bits(8, 3, 7), 'binaryCrossEntropy'],
    ['MLP 5 -> 7 (relu) -> 6 (tanh) -> 3, softmax cross-entropy', () => new Sequential([
      new Linear(5, 7, { backend, seed: 5 }), new ReLU({ backend }), new Linear(7, 6, { backend, seed: 8 }), new Tanh({ backend }), new Linear(6, 3, { backend, seed: 9 }),
    ]), X, y3, ce],
    ['MLP 5 -> 7 (sigmoid) -> 6 (relu) -> 3 -> Softmax, negative log-likelihood', () => new Sequential([
      new Linear(5, 7, { backend, seed: 10 }), new Sigmoid({ backend }), new Linear(7, 6, { backend, seed: 11 }), new ReLU({ backend }), new Linear(6, 3, { backend, seed: 12 }), new Softmax({ backend }),
    ]), X, y3, nll],
  ];

  it.each(cases)('%s: relative error below 1e-3', (_label, make, Xc, y, loss) => {
    const net = make();
    const result = gradCheck(net, Xc, y, { loss });
    expect(result.maxRelError).toBeLessThan(1e-3);
    net.dispose();
  });

  it('catches a wrong backward and says where', () => {
    /** Tanh whose backward forgets the derivative: right for small inputs only. */
    class BrokenTanh extends Module {
      readonly inner = new Tanh({ backend });
      forward(x: MatrixLike): Matrix {
        return this.inner.forward(x);
      }
      backward(grad: MatrixLike): Matrix {
        return grad as Matrix;
      }
      protected release(): void {
        this.inner.dispose();
      }
    }
    const net = new Sequential([new Linear(5, 4, { backend, seed: 3 }), new BrokenTanh(), new Linear(4, 3, { backend, seed: 4 })]);
    const result = gradCheck(net, X, y3, { loss: 'softmaxCrossEntropy' });
    expect(result.maxRelError).toBeGreaterThan(0.1);
    expect(['input', '0.weight', '0.bias']).toContain(result.at.parameter);
  });

  it('returns each checked array: its worst error, and its analytic and numeric gradients', () => {
    const net = new Sequential([new Linear(5, 4, { backend, seed: 3 }), new Tanh({ backend }), new Linear(4, 3, { backend, seed: 4 })]);
    const result = gradCheck(net, X, y3, { loss: 'softmaxCrossEntropy' });
    expect(result.parameters.map((e) => [e.at.parameter, e.analytic.length, e.numeric.length])).toEqual([
      ['input', 40, 40], ['0.weight', 20, 20], ['0.bias', 4, 4], ['2.weight', 12, 12], ['2.bias', 3, 3],
    ]);
    const worst = result.parameters.reduce((w, e) => (e.maxRelError > w.maxRelError ? e : w));
    expect(result).toMatchObject({ maxRelError: worst.maxRelError, at: worst.at, analytic: worst.analytic, numeric: worst.numeric });
    for (const e of result.parameters) {
      expect(e.maxRelError).toBeLessThan(1e-3);
      expect(e.analytic).toBeInstanceOf(Float64Array);
      e.numeric.forEach((n, i) => expect(Math.abs(n - e.analytic[i])).toBeLessThan(1e-3 * Math.max(1, Math.abs(n))));
    }
    // The analytic parameter gradients are the grads gradCheck leaves behind.
    expect(Array.from(result.parameters[3].analytic)).toEqual(Array.from((net.layers[2] as Linear).weight.grad.data));
    net.dispose();
  });

  it('leaves the parameters as they were and X untouched', () => {
    const net = new Sequential([new Linear(5, 3, { backend, seed: 3 }), new Tanh({ backend })]);
    const before = net.parameters().map((p) => Array.from(p.value.data));
    const Xm = { data: Float64Array.from(X.flat()), rows: 8, cols: 5 };
    const copy = Float64Array.from(Xm.data);
    gradCheck(net, Xm, randomRows(8, 3, 6), { loss: mse });
    expect(net.parameters().map((p) => Array.from(p.value.data))).toEqual(before);
    expect(Xm.data).toEqual(copy);
  });
});

/** Plain f64 L2-regularized logistic regression: the estimator form of gradCheck, no engine involved. */
class TinyLogistic implements GradCheckable {
  params: Float64Array;
  constructor(d: number, private readonly bug = false) {
    this.params = Float64Array.from(normals(d + 1, 20), (v) => 0.5 * v);
  }
  getParameters(): Float64Array {
    return Float64Array.from(this.params);
  }
  setParameters(v: Float64Array): void {
    this.params = Float64Array.from(v);
  }
  lossAndGradient(X: MatrixLike, y: ArrayLike<number>): { loss: number; gradient: Float64Array } {
    const rows = X as number[][], d = rows[0].length, w = this.params;
    const gradient = new Float64Array(d + 1);
    let loss = 0;
    rows.forEach((x, i) => {
      const z = x.reduce((s, v, j) => s + v * w[j], w[d]);
      loss += (Math.max(z, 0) - z * y[i] + Math.log1p(Math.exp(-Math.abs(z)))) / rows.length;
      const r = (1 / (1 + Math.exp(-z)) - y[i]) / rows.length;
      x.forEach((v, j) => (gradient[j] += r * v));
      gradient[d] += r;
    });
    for (let j = 0; j < d; j++) {
      loss += 0.05 * w[j] ** 2;
      gradient[j] += (this.bug && j === 2 ? 0.05 : 0.1) * w[j]; // the bug: half the penalty's gradient on w2
    }
    return { loss, gradient };
  }
}

describe('gradCheck of an estimator (GradCheckable)', () => {
  const X = randomRows(20, 4, 21), y = labels(20, 2, 22);

  it('agrees with a correct gradient and restores the parameters', () => {
    const model = new TinyLogistic(4);
    const before = model.getParameters();
    expect(gradCheck(model, X, y).maxRelError).toBeLessThan(1e-3);
    expect(model.getParameters()).toEqual(before);
  });

  it('finds the wrong entry of a wrong gradient, and returns both gradients', () => {
    const model = new TinyLogistic(4, true);
    const result = gradCheck(model, X, y);
    expect(result.maxRelError).toBeGreaterThan(1e-2);
    expect(result.at).toEqual({ parameter: 'parameters', index: 2 });
    // analytic is what lossAndGradient gave; numeric its finite differences: they differ at index 2 only.
    const { gradient } = model.lossAndGradient(X, y);
    expect(Array.from(result.analytic)).toEqual(Array.from(gradient));
    expect(result.numeric).toHaveLength(5);
    const w2 = model.getParameters()[2];
    expect(result.numeric[2] - result.analytic[2]).toBeCloseTo(0.05 * w2, 5); // the missing half of the penalty's gradient
    result.numeric.forEach((n, i) => i !== 2 && expect(Math.abs(n - result.analytic[i])).toBeLessThan(1e-6));
    expect(result.parameters).toEqual([{ maxRelError: result.maxRelError, at: result.at, analytic: result.analytic, numeric: result.numeric }]);
  });

  it('reports a NaN gradient as an infinite error', () => {
    const model = new TinyLogistic(4);
    const broken: GradCheckable = {
      getParameters: () => model.getParameters(),
      setParameters: (v) => model.setParameters(v),
      lossAndGradient: (Xs, ys) => {
        const r = model.lossAndGradient(Xs, ys as number[]);
        r.gradient[1] = NaN;
        return r;
      },
    };
    const result = gradCheck(broken, X, y);
    expect(result).toMatchObject({ maxRelError: Infinity, at: { parameter: 'parameters', index: 1 } });
    expect(result.analytic[1]).toBeNaN();
    expect(result.parameters).toHaveLength(1);
  });

  it('refuses bad options', () => {
    const model = new TinyLogistic(4);
    expect(codeOf(() => gradCheck(model, X, y, { eps: 0 }))).toBe('BAD_OPTION');
    const net = new Linear(4, 2, { backend: engines[0][0] });
    expect(codeOf(() => gradCheck(net, X, y, { loss: 'mse' as 'softmaxCrossEntropy' }))).toBe('BAD_OPTION');
    expect(codeOf(() => gradCheck({} as GradCheckable, X, y))).toBe('BAD_OPTION');
  });
});
