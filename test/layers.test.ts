import { describe, expect, it, vi } from 'vitest';
import { engines } from './helpers/backends.js';
import { caught, codeOf } from './helpers/errors.js';
import { normals, uniforms } from './helpers/random.js';
import type { BackendName } from '../src/engine/engine.js';
import type { Matrix } from '../src/core/matrix.js';
import {
  Adam, Linear, Momentum, ReLU, Sequential, SGD, Sigmoid, Softmax, Tanh, binaryCrossEntropy, softmaxCrossEntropy,
  type Module,
} from '../src/layers/index.js';

function rows(m: Matrix): number[][] {
  return Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
}

function expectClose(actual: Matrix, expected: number[][], tol: number): void {
  expect([actual.rows, actual.cols]).toEqual([expected.length, expected[0].length]);
  expect(actual.data).toBeInstanceOf(Float32Array);
  rows(actual).forEach((r, i) => r.forEach((v, j) => expect(Math.abs(v - expected[i][j])).toBeLessThanOrEqual(tol)));
}

function randomRows(n: number, d: number, seed: number): number[][] {
  const v = normals(n * d, seed);
  return Array.from({ length: n }, (_, i) => Array.from(v.subarray(i * d, (i + 1) * d)));
}

// Plain f64 oracles.
const matmulNT = (X: number[][], W: number[][], b: number[]) => X.map((x) => W.map((w, o) => b[o] + w.reduce((s, v, j) => s + v * x[j], 0)));
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const softmaxRow = (z: number[]) => {
  const mx = Math.max(...z);
  const e = z.map((v) => Math.exp(v - mx));
  const s = e.reduce((a, b) => a + b);
  return e.map((v) => v / s);
};
const logSumExp = (z: number[]) => Math.max(...z) + Math.log(z.reduce((s, v) => s + Math.exp(v - Math.max(...z)), 0));

/** The two-class XOR quadrants: no line separates them, so only a trained hidden layer does. */
function xorData(n: number, seed: number): { X: Matrix; y: number[] } {
  const u = uniforms(2 * n, seed);
  const X = { data: u.map((v) => 2 * v - 1), rows: n, cols: 2 };
  return { X, y: Array.from({ length: n }, (_, i) => (X.data[2 * i] * X.data[2 * i + 1] > 0 ? 1 : 0)) };
}

/** 50 epochs of 4 mini-batches (64, 64, 64, 8 rows) of Adam: 200 steps. Returns the training accuracy. */
function train(net: Module, backend: BackendName, X: Matrix, y: number[]): number {
  const optimizer = new Adam({ lr: 0.05 });
  for (let epoch = 0; epoch < 50; epoch++) {
    for (let start = 0; start < X.rows; start += 64) {
      const end = Math.min(start + 64, X.rows);
      const xb = { data: X.data.subarray(start * 2, end * 2), rows: end - start, cols: 2 };
      net.zeroGrad();
      const { grad } = softmaxCrossEntropy(net.forward(xb), y.slice(start, end), { backend });
      net.backward(grad);
      optimizer.step(net.parameters());
    }
  }
  optimizer.dispose();
  const out = net.forward(X, { training: false });
  return y.filter((c, i) => Number(out.data[2 * i + 1] > out.data[2 * i]) === c).length / X.rows;
}

describe.each(engines)('layers on %s', (backend, engine) => {
  it('Linear computes x W^T + b, for a Matrix or number[][], with widths not multiples of 4', () => {
    const W = randomRows(7, 5, 1), b = normals(7, 2);
    const layer = new Linear(5, 7, { backend, weight: W, bias: b });
    const X = randomRows(6, 5, 3);
    expectClose(layer.forward(X), matmulNT(X, W, Array.from(b)), 1e-5);
    expectClose(layer.forward({ data: Float32Array.from(X.flat()), rows: 6, cols: 5 }), matmulNT(X, W, Array.from(b)), 1e-5);
    expect(layer.weight.shape).toEqual([7, 5]);
    expect(layer.bias.shape).toEqual([1, 7]);
    expectClose(layer.weight.value, W, 1e-7);
    layer.dispose();
  });

  it('Linear starts Glorot-uniform from its seed, bias zero, the same on every backend', () => {
    const layer = new Linear(6, 3, { backend, seed: 5 });
    const w = Array.from(layer.weight.value.data);
    const limit = Math.sqrt(6 / 9);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(limit / 2);
    expect(Array.from(layer.bias.value.data)).toEqual([0, 0, 0]);
    const js = new Linear(6, 3, { backend: 'js', seed: 5 });
    expect(w).toEqual(Array.from(js.weight.value.data));
    expect(w).not.toEqual(Array.from(new Linear(6, 3, { backend, seed: 6 }).weight.value.data));
  });

  it('activations match Math, including far into their tails', () => {
    const X = [[-30, -2.5, -0.3, 0, 0.3, 2.5, 30], [-1, -0.001, 0.001, 1, 5, -5, 12]];
    expectClose(new ReLU({ backend }).forward(X), X.map((r) => r.map((v) => Math.max(v, 0))), 1e-7);
    expectClose(new Tanh({ backend }).forward(X), X.map((r) => r.map(Math.tanh)), 1e-6);
    expectClose(new Sigmoid({ backend }).forward(X), X.map((r) => r.map(sigmoid)), 1e-6);
  });

  it('Softmax rows match the f64 softmax and sum to one; its backward is the Jacobian-vector product', () => {
    const X = randomRows(4, 5, 7).map((r) => r.map((v) => 3 * v));
    X[3] = [1e4, 0, -1e4, 5, 1e4];
    const layer = new Softmax({ backend });
    const P = layer.forward(X);
    expectClose(P, X.map(softmaxRow), 1e-6);
    const G = randomRows(4, 5, 8);
    const want = X.map(softmaxRow).map((p, i) => p.map((pk, k) => p.reduce((s, pj, j) => s + G[i][j] * ((j === k ? pk : 0) - pj * pk), 0)));
    expectClose(layer.backward(G), want, 1e-6);
  });

  it('has the known softmax cross-entropy gradient of a fixed logits matrix, and the f64 loss', () => {
    const Z = [[0.4, 0.0, -4.0, -1.0], [0.4, 0.0, -4.0, -10.0]];
    const want = [[0.25917555, -0.32626944, 0.00318199, 0.0639119], [0.29715425, 0.19918845, 0.00364826, -0.49999096]];
    const loss = (logSumExp(Z[0]) - Z[0][1] + logSumExp(Z[1]) - Z[1][3]) / 2;
    for (const labels of [[1, 3], Uint32Array.of(1, 3), [[0, 1, 0, 0], [0, 0, 0, 1]]]) {
      const r = softmaxCrossEntropy(Z, labels, { backend });
      expectClose(r.grad, want, 1e-6);
      expect(Math.abs(r.loss - loss) / loss).toBeLessThan(1e-6);
    }
  });

  it('binary cross-entropy takes logits: the f64 mean loss and gradient, finite at logits of 1e4', () => {
    const Z = [[2, -1, 0.5], [-3, 1e4, -1e4]], T = [[1, 0, 1], [0, 1, 0.25]];
    const r = binaryCrossEntropy(Z, T, { backend });
    const terms = Z.flatMap((row, i) => row.map((z, k) => Math.max(z, 0) - z * T[i][k] + Math.log1p(Math.exp(-Math.abs(z)))));
    const loss = terms.reduce((a, b) => a + b) / 6;
    expect(Math.abs(r.loss - loss) / loss).toBeLessThan(1e-6);
    expectClose(r.grad, Z.map((row, i) => row.map((z, k) => (sigmoid(z) - T[i][k]) / 6)), 1e-7);
    // One output: one target per row.
    const one = binaryCrossEntropy([[0.3], [-2]], [1, 0], { backend });
    expect(one.loss).toBeCloseTo((Math.log1p(Math.exp(-0.3)) + Math.log1p(Math.exp(-2))) / 2, 6);
  });

  it('Sequential chains forward and backward and names parameters by position', () => {
    const net = new Sequential([new Linear(3, 4, { backend, seed: 1 }), new Tanh({ backend }), new Linear(4, 2, { backend, seed: 2 })]);
    expect(net.namedParameters().map(([n, p]) => [n, p.shape])).toEqual([['0.weight', [4, 3]], ['0.bias', [1, 4]], ['2.weight', [2, 4]], ['2.bias', [1, 2]]]);
    const [l0, , l2] = net.layers as [Linear, Tanh, Linear];
    const X = randomRows(3, 3, 4);
    const h = matmulNT(X, rows(l0.weight.value), Array.from(l0.bias.value.data)).map((r) => r.map(Math.tanh));
    expectClose(net.forward(X), matmulNT(h, rows(l2.weight.value), Array.from(l2.bias.value.data)), 1e-5);
    net.dispose();
  });

  it('gradients accumulate until zeroGrad; db is the column sums, dW = G^T X, dX = G W', () => {
    const W = [[1, 2, 3], [4, 5, 6]];
    const layer = new Linear(3, 2, { backend, weight: W, bias: [0.5, -0.5] });
    const X = [[1, 0, -1], [2, 1, 0]], G = [[0.5, -1], [1, 2]];
    layer.forward(X);
    const dX = layer.backward(G);
    expectClose(dX, G.map((g) => [0, 1, 2].map((j) => g[0] * W[0][j] + g[1] * W[1][j])), 1e-6);
    const dW = [0, 1].map((o) => [0, 1, 2].map((j) => G[0][o] * X[0][j] + G[1][o] * X[1][j]));
    expectClose(layer.weight.grad, dW, 1e-6);
    expectClose(layer.bias.grad, [[1.5, 1]], 1e-6);
    layer.backward(G);
    expectClose(layer.bias.grad, [[3, 2]], 1e-6);
    layer.zeroGrad();
    expectClose(layer.weight.grad, [[0, 0, 0], [0, 0, 0]], 0);
  });

  describe('one step of each optimizer equals the hand computation', () => {
    // Linear(3 -> 2) with x = [1, 2, 3] and dOut = [0.5, -1] has dW = [[0.5, 1, 1.5], [-1, -2, -3]],
    // db = [0.5, -1]. A second step with x scaled by 0.1 shrinks dW tenfold, not db.
    const p0 = [0.1, -0.2, 0.3, 0.4, 0.5, -0.6, 0.05, -0.05]; // W row by row, then b
    const grads = [
      [0.5, 1, 1.5, -1, -2, -3, 0.5, -1],
      [0.05, 0.1, 0.15, -0.1, -0.2, -0.3, 0.5, -1],
    ];
    function run(optimizer: SGD | Momentum | Adam): number[] {
      const layer = new Linear(3, 2, { backend, weight: p0.slice(0, 6), bias: p0.slice(6) });
      for (const scale of [1, 0.1]) {
        layer.zeroGrad();
        layer.forward([[scale, 2 * scale, 3 * scale]]);
        layer.backward([[0.5, -1]]);
        optimizer.step(layer.parameters());
      }
      return [...layer.weight.value.data, ...layer.bias.value.data];
    }
    const expectParams = (got: number[], want: number[]) => got.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-6));

    it.each([false, true])('Adam (amsgrad: %s)', (amsgrad) => {
      const lr = 0.01, b1 = 0.9, b2 = 0.9, eps = 1e-8; // beta2 0.9: the second step's v falls, so AMSGrad's max matters
      const want = p0.map((p, i) => {
        let m = 0, v = 0, vmax = 0;
        grads.forEach((g, t) => {
          m = b1 * m + (1 - b1) * g[i];
          v = b2 * v + (1 - b2) * g[i] ** 2;
          vmax = Math.max(vmax, v);
          const vHat = (amsgrad ? vmax : v) / (1 - b2 ** (t + 1));
          p -= (lr * m) / (1 - b1 ** (t + 1)) / (Math.sqrt(vHat) + eps);
        });
        return p;
      });
      expectParams(run(new Adam({ lr, beta1: b1, beta2: b2, eps, amsgrad })), want);
    });

    it.each([false, true])('Momentum (nesterov: %s) and SGD', (nesterov) => {
      const lr = 0.1, mu = 0.9;
      const want = p0.map((p, i) => {
        let v = 0;
        for (const g of grads) {
          v = mu * v + g[i];
          p -= lr * (nesterov ? g[i] + mu * v : v);
        }
        return p;
      });
      expectParams(run(new Momentum({ lr, momentum: mu, nesterov })), want);
      expectParams(run(new SGD({ lr })), p0.map((p, i) => p - lr * (grads[0][i] + grads[1][i])));
    });
  });

  it('Linear-ReLU-Linear reaches 97% training accuracy on the XOR quadrants in 200 Adam steps; a linear model stays below 70%', () => {
    const { X, y } = xorData(200, 7);
    const mlp = new Sequential([new Linear(2, 16, { backend, seed: 1 }), new ReLU({ backend }), new Linear(16, 2, { backend, seed: 2 })]);
    // A backward that dropped the hidden layer's gradient would leave the linear model's ~55%.
    expect(train(mlp, backend, X, y)).toBeGreaterThanOrEqual(0.97);
    expect(train(new Linear(2, 2, { backend, seed: 1 }), backend, X, y)).toBeLessThan(0.7);
  });

  it('dispose frees the layer; any later use throws DISPOSED', () => {
    const layer = new Linear(2, 3, { backend });
    const weight = layer.weight;
    const net = new Sequential([layer, new ReLU({ backend })]);
    const optimizer = new Adam();
    net.forward([[1, 2]]);
    net.dispose();
    net.dispose(); // twice is harmless
    for (const use of [
      () => net.forward([[1, 2]]), () => net.parameters(), () => net.zeroGrad(), () => layer.forward([[1, 2]]),
      () => layer.backward([[1, 2, 3]]), () => weight.value, () => weight.grad, () => weight.set([[1, 2], [3, 4], [5, 6]]),
      () => optimizer.step([weight]),
    ]) {
      expect(codeOf(use)).toBe('DISPOSED');
    }
    optimizer.dispose();
    expect(codeOf(() => optimizer.step([]))).toBe('DISPOSED');
  });

  it('creating and disposing many nets frees every buffer they allocate; WASM memory stays bounded', () => {
    // Count the engine's live buffers: a cycle that forgot to free one (a layer's weights, a
    // scratch, an optimizer's state) leaves it live here, on every backend, the JS twin included.
    const live = new Set<object>();
    let allocated = 0;
    const track = <B extends object>(buf: B): B => {
      live.add(buf);
      allocated++;
      return buf;
    };
    const real = { f32: engine.f32.bind(engine), f64: engine.f64.bind(engine), u32: engine.u32.bind(engine), free: engine.free.bind(engine) };
    const spies = [
      vi.spyOn(engine, 'f32').mockImplementation((n) => track(real.f32(n))),
      vi.spyOn(engine, 'f64').mockImplementation((n) => track(real.f64(n))),
      vi.spyOn(engine, 'u32').mockImplementation((n) => track(real.u32(n))),
      vi.spyOn(engine, 'free').mockImplementation((buf) => {
        live.delete(buf);
        real.free(buf);
      }),
    ];
    const memory = (engine as { memory?: WebAssembly.Memory }).memory;
    if (backend === 'js') expect(memory).toBeUndefined();
    else expect(memory).toBeInstanceOf(WebAssembly.Memory);
    const cycle = () => {
      const net = new Sequential([new Linear(30, 20, { backend }), new Tanh({ backend }), new Linear(20, 3, { backend }), new Softmax({ backend })]);
      const optimizer = new Adam();
      net.backward(net.forward(randomRows(50, 30, 1)));
      softmaxCrossEntropy(net.forward(randomRows(50, 30, 1), { training: false }), new Array(50).fill(0), { backend });
      optimizer.step(net.parameters());
      optimizer.dispose();
      net.dispose();
    };
    try {
      cycle();
      expect(allocated).toBeGreaterThan(0); // the spies see the layers' allocations
      expect(live.size).toBe(0);
      const before = memory?.buffer.byteLength;
      for (let i = 0; i < 300; i++) cycle();
      expect(live.size).toBe(0);
      expect(memory?.buffer.byteLength).toBe(before);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  it('bad shapes, labels and options throw typed errors naming the sizes', () => {
    const layer = new Linear(3, 2, { backend });
    let e = caught(() => layer.forward([[1, 2]]));
    expect([e.code, e.message]).toEqual(['SHAPE_MISMATCH', expect.stringMatching(/expects 3 columns; x has 2/)]);
    expect(codeOf(() => layer.backward([[1, 2]]))).toBe('NOT_FITTED');
    layer.forward([[1, 2, 3], [4, 5, 6]]);
    e = caught(() => layer.backward([[1, 2]]));
    expect([e.code, e.message]).toEqual(['SHAPE_MISMATCH', expect.stringMatching(/grad is 1 x 2, but the last forward gave 2 x 2/)]);
    layer.forward([[1, 2, 3]], { training: false });
    expect(codeOf(() => layer.backward([[1, 2]]))).toBe('NOT_FITTED');
    e = caught(() => layer.weight.set([[1, 2, 3]]));
    expect([e.code, e.message]).toEqual(['SHAPE_MISMATCH', expect.stringMatching(/weight is 1 x 3; expected 2 x 3/)]);
    e = caught(() => new Linear(3, 2, { backend, bias: [1, 2, 3] }));
    expect([e.code, e.message]).toEqual(['SHAPE_MISMATCH', expect.stringMatching(/bias has 3 values; expected 1 x 2 = 2/)]);
    expect(codeOf(() => layer.forward([[1, 2, NaN]]))).toBe('NON_FINITE_INPUT');
    expect(codeOf(() => new Linear(0, 2, { backend }))).toBe('BAD_OPTION');
    expect(codeOf(() => new Sequential([]))).toBe('BAD_OPTION');
    expect(codeOf(() => new Adam({ beta2: 1 }))).toBe('BAD_OPTION');
    expect(codeOf(() => new SGD({ lr: -1 }))).toBe('BAD_OPTION');

    const Z = [[1, 2, 3], [4, 5, 6]];
    e = caught(() => softmaxCrossEntropy(Z, [0, 1, 2], { backend }));
    expect([e.code, e.message]).toEqual(['SHAPE_MISMATCH', expect.stringMatching(/logits has 2 rows but target has 3 labels/)]);
    e = caught(() => softmaxCrossEntropy(Z, [0, 3], { backend }));
    expect([e.code, e.message]).toEqual(['BAD_LABEL', expect.stringMatching(/target\[1\] is 3; labels must be integers in \[0, 3\)/)]);
    expect(codeOf(() => softmaxCrossEntropy(Z, [[1, 0, 0], [0.5, 0.5, 0]], { backend }))).toBe('BAD_LABEL');
    e = caught(() => softmaxCrossEntropy(Z, [[1, 0], [0, 1]], { backend }));
    expect([e.code, e.message]).toEqual(['SHAPE_MISMATCH', expect.stringMatching(/target is 2 x 2 but logits is 2 x 3/)]);
    expect(codeOf(() => binaryCrossEntropy(Z, [1, 0], { backend }))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => binaryCrossEntropy([[1], [2]], [1, 2], { backend }))).toBe('BAD_LABEL');
  });

  it('never modifies the matrices it is given', () => {
    const X = { data: Float64Array.from(normals(12, 9)), rows: 4, cols: 3 };
    const Xrows = rows(X), Xdata = Float64Array.from(X.data);
    const net = new Sequential([new Linear(3, 5, { backend }), new Sigmoid({ backend }), new Linear(5, 3, { backend }), new Softmax({ backend })]);
    const out = net.forward(X);
    const grad = { data: Float32Array.from(normals(12, 10)), rows: 4, cols: 3 };
    const gradData = Float32Array.from(grad.data);
    net.backward(grad);
    net.forward(Xrows);
    const labels = [0, 2, 1, 1], outData = Float32Array.from(out.data);
    softmaxCrossEntropy(out, labels, { backend });
    expect(X.data).toEqual(Xdata);
    expect(Xrows).toEqual(rows({ data: Xdata, rows: 4, cols: 3 }));
    expect(grad.data).toEqual(gradData);
    expect(out.data).toEqual(outData);
    expect(labels).toEqual([0, 2, 1, 1]);
  });
});

describe('layers across backends', () => {
  it('the same seeded training loop gives the same parameters within 1e-4 relative', () => {
    const { X, y } = xorData(200, 7);
    const results = engines.map(([backend]) => {
      const net = new Sequential([new Linear(2, 16, { backend, seed: 1 }), new ReLU({ backend }), new Linear(16, 2, { backend, seed: 2 })]);
      train(net, backend, X, y);
      return net.parameters().flatMap((p) => Array.from(p.value.data));
    });
    const ref = results[results.length - 1];
    const scale = Math.max(...ref.map(Math.abs));
    for (const p of results) p.forEach((v, i) => expect(Math.abs(v - ref[i]) / scale).toBeLessThan(1e-4));
  });
});

describe('before init', () => {
  it('every engine-backed piece throws NOT_INITIALIZED', async () => {
    vi.resetModules(); // a fresh copy of the library, whose init has not run
    const fresh = await import('../src/layers/index.js');
    for (const use of [() => new fresh.Linear(2, 2), () => new fresh.ReLU(), () => new fresh.Softmax(), () => fresh.softmaxCrossEntropy([[1, 2]], [0])]) {
      // Not `caught`: the fresh copy has its own WasmlearnError class.
      expect(() => use()).toThrow(/^NOT_INITIALIZED: call `await init\(\)`/);
    }
  });
});
