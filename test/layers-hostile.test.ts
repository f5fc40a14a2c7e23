// Issue #11 for the layer API: every entry point checks type, range and consistency before it
// allocates, and nothing but a WasmlearnError reaches the caller, whatever it is given (BigInt,
// Symbol, null, non-finite sizes, odd objects); a refused call leaves no engine buffer behind.
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { engines } from './helpers/backends.js';
import { caught } from './helpers/errors.js';
import { WasmlearnError } from '../src/core/errors.js';
import type { Buf, Engine } from '../src/engine/engine.js';
import {
  Adam, Linear, Momentum, ReLU, Sequential, SGD, Sigmoid, Softmax, Tanh, binaryCrossEntropy, gradCheck, softmaxCrossEntropy, type Module,
} from '../src/layers/index.js';

/** Live engine buffers, counted through spies on the engine's allocator. */
function liveBuffers(engine: Engine): { live: Set<Buf>; restore(): void } {
  const live = new Set<Buf>();
  const real = { f32: engine.f32.bind(engine), f64: engine.f64.bind(engine), u32: engine.u32.bind(engine), free: engine.free.bind(engine) };
  const spies = [
    vi.spyOn(engine, 'f32').mockImplementation((n) => { const b = real.f32(n); live.add(b); return b; }),
    vi.spyOn(engine, 'f64').mockImplementation((n) => { const b = real.f64(n); live.add(b); return b; }),
    vi.spyOn(engine, 'u32').mockImplementation((n) => { const b = real.u32(n); live.add(b); return b; }),
    vi.spyOn(engine, 'free').mockImplementation((b) => { real.free(b); live.delete(b); }),
  ];
  return { live, restore: () => spies.forEach((s) => s.mockRestore()) };
}

const SYM = Symbol('hostile');

/** Values of every type, and near-misses of valid ones. */
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ withBigInt: true, withTypedArray: true, withSparseArray: true, withNullPrototype: true, withBoxedValues: true }),
  fc.constantFrom<unknown>(
    NaN, Infinity, -Infinity, -0, 0, -1, 0.5, 1.5, 2 ** 31, 2 ** 53, 1e308, 3n, -1n, SYM, null, undefined, true, '2', '', 'float32', 'auto', 'js',
    [], [[]], [null], [[1n, 2n]], [[SYM]], [1n, 0n], [SYM], [[1, 2], [3]], [[NaN, 1]], { data: new Float32Array(2), rows: SYM, cols: 2 },
    { data: new Float32Array(2), rows: 1n, cols: 2 }, { data: [1, 2], rows: 1, cols: 2 }, { data: new Float64Array(2), rows: 2, cols: 2 },
    new BigInt64Array(2), new Uint8Array(2), new DataView(new ArrayBuffer(8)), () => 1, Object.create(null), { training: SYM }, { eps: 1n },
    { lr: 1n }, { backend: 1n }, { backend: SYM }, { loss: SYM }, { weight: null }, { bias: [1n] }, { seed: -1 }, { __proto__: { lr: 1 } },
  ),
);

/** Calls fn; anything thrown must be a WasmlearnError. */
function typedOrNothing(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof WasmlearnError)) throw new Error(`untyped ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
  }
}

describe.each(engines)('hostile input to the layer API on %s', (backend, engine) => {
  let tracked: ReturnType<typeof liveBuffers>;
  beforeEach(() => {
    tracked = liveBuffers(engine);
  });
  afterEach(() => tracked.restore());

  it('the issue reproducers are typed errors naming the value, and allocate nothing', () => {
    let e = caught(() => new Linear(Infinity, 2, { backend }));
    expect([e.code, e.message]).toEqual(['BAD_OPTION', expect.stringMatching(/inFeatures must be an integer >= 1; got Infinity/)]);
    for (const bad of [NaN, -1, 0, 1.5, '3', 3n, SYM, null, undefined, 2 ** 60]) expect(caught(() => new Linear(2, bad as number, { backend })).code).toBe('BAD_OPTION');
    e = caught(() => new Linear(2 ** 25, 2, { backend }));
    expect([e.code, e.message]).toEqual(['BAD_OPTION', expect.stringMatching(/inFeatures is 33554432; layers wider than 16777216 cannot fit/)]);
    e = caught(() => new Linear(100_000, 100_000, { backend }));
    expect([e.code, e.message]).toEqual(['OUT_OF_MEMORY', expect.stringMatching(/Linear\(100000, 100000\) \(weight and bias, with their gradients, in float32\) needs 80,000,800,000 bytes/)]);
    e = caught(() => new Linear(2, 2, { backend, seed: 2n as unknown as number }));
    expect(e.message).toMatch(/seed must be an integer in \[0, 2\^32\); got 2n \(a BigInt\)/);
    expect(caught(() => new Linear(2, 2, { backend, weight: null as unknown as number[] })).code).toBe('SHAPE_MISMATCH');
    e = caught(() => new Linear(2, 1, { backend, weight: [1n, 2] as unknown as number[] }));
    expect([e.code, e.message]).toEqual(['NON_FINITE_INPUT', expect.stringMatching(/weight\[0\] is 1n \(a BigInt\)/)]);
    e = caught(() => new Linear(2, 2, { backend: 1n as unknown as 'js' }));
    expect([e.code, e.message]).toEqual(['BAD_OPTION', expect.stringMatching(/backend must be one of .*; got 1n \(a BigInt\)/)]);
    expect(caught(() => new Linear(2, 2, null as unknown as object)).code).toBe('BAD_OPTION');
    expect(caught(() => new ReLU({ backend: SYM as unknown as 'js' })).message).toMatch(/got a symbol/);

    const Z = [[1, 2], [3, 4]];
    for (const loss of [softmaxCrossEntropy, binaryCrossEntropy]) {
      for (const target of [null, undefined, 7, 'ab', SYM, {}]) {
        e = caught(() => loss(Z, target as number[], { backend }));
        expect([e.code, e.message]).toEqual(['SHAPE_MISMATCH', expect.stringMatching(/target must be/)]);
      }
      const Z1 = loss === binaryCrossEntropy ? [[1], [2]] : Z; // flat targets: one per row
      expect(caught(() => loss(Z1, [1n, 0n] as unknown as number[], { backend })).message).toMatch(/target\[0\] is 1n \(a BigInt\)/);
      expect(caught(() => loss(Z1, [SYM, 0] as unknown as number[], { backend })).message).toMatch(/target\[0\] is a symbol/);
      expect(caught(() => loss(null as unknown as number[][], [0, 1], { backend })).code).toBe('SHAPE_MISMATCH');
      expect(caught(() => loss([[1n, 2]] as unknown as number[][], [0], { backend })).code).toBe('NON_FINITE_INPUT');
      expect(caught(() => loss(Z, [0, 1], null as unknown as object)).code).toBe('BAD_OPTION');
    }

    const layer = new Linear(2, 2, { backend });
    const base = tracked.live.size;
    expect(caught(() => layer.forward({ data: new Float32Array(2), rows: SYM, cols: 2 } as never)).message).toMatch(/rows a symbol/);
    expect(caught(() => layer.forward([[1, 2]], { training: 'yes' as unknown as boolean })).message).toMatch(/training must be true or false; got "yes"/);
    expect(caught(() => layer.forward([[1, 2]], null as unknown as object)).code).toBe('BAD_OPTION');
    expect(caught(() => layer.weight.set(null as unknown as number[])).code).toBe('SHAPE_MISMATCH');
    expect(caught(() => new SGD({ lr: 1n as unknown as number })).message).toMatch(/lr must be a positive finite number; got 1n \(a BigInt\)/);
    expect(caught(() => new Adam({ beta1: SYM as unknown as number })).message).toMatch(/beta1 must be a number in \[0, 1\); got a symbol/);
    expect(caught(() => new Momentum({ nesterov: 1 as unknown as boolean })).code).toBe('BAD_OPTION');
    expect(caught(() => new SGD(null as unknown as object)).code).toBe('BAD_OPTION');
    const sgd = new SGD();
    expect(caught(() => sgd.step(null as unknown as [])).message).toMatch(/SGD.step takes the parameters to update/);
    expect(caught(() => sgd.step([layer.weight, null] as unknown as [])).message).toMatch(/parameters\[1\] is null, not a Parameter/);
    expect(caught(() => sgd.step('ab' as unknown as [])).code).toBe('BAD_OPTION');
    expect(caught(() => new Sequential([layer, layer])).message).toMatch(/layers\[1\] is the same Linear as layers\[0\]/);
    expect(caught(() => new Sequential([null] as unknown as Module[])).message).toMatch(/layers\[0\] is null, not a Module/);
    expect(caught(() => gradCheck(null as unknown as Module, [[1, 2]], [0], { loss: 'softmaxCrossEntropy' })).code).toBe('BAD_OPTION');
    expect(caught(() => gradCheck(layer, [[1, 2]], [0], { loss: SYM as unknown as 'softmaxCrossEntropy' })).message).toMatch(/got a symbol/);
    expect(caught(() => gradCheck(layer, [[1, 2]], [0], { loss: 'softmaxCrossEntropy', eps: 1n as unknown as number })).code).toBe('BAD_OPTION');
    expect(tracked.live.size).toBe(base); // nothing refused took memory
    // Refused after a forward pass (which keeps its scratch for the next one).
    expect(caught(() => gradCheck(layer, [[1, 2]], [0], { loss: () => null as never })).message).toMatch(/must return \{ loss: number, grad: Matrix \}; got null/);
    sgd.dispose();
    layer.dispose();
    expect(tracked.live.size).toBe(0);
  });

  it("values finite in float64 but beyond float32's range are refused where they would become Infinity, accepted in float64", () => {
    const Z = [[-2147483648], [-1e308]]; // number[][] is computed in float32
    for (const f of [
      () => softmaxCrossEntropy(Z, [0, 0], { backend }), () => binaryCrossEntropy(Z, [0, 1], { backend }),
      () => new Linear(1, 1, { backend }).forward(Z), () => new Tanh({ backend }).forward(Z), () => new Softmax({ backend }).forward(Z),
      () => new Linear(1, 1, { backend, weight: [1e39] }), () => new Linear(1, 1, { backend, init: () => -1e300 }),
      () => new Linear(1, 1, { backend }).weight.set([4e38]),
    ]) {
      const e = caught(f);
      expect([e.code, e.message]).toEqual(['NON_FINITE_INPUT', expect.stringMatching(/beyond float32's range/)]);
    }
    const Z64 = { data: Float64Array.of(-2147483648, -1e308), rows: 2, cols: 1 };
    expect(softmaxCrossEntropy(Z64, [0, 0], { backend }).loss).toBe(0); // one class: nothing to lose
    expect(new Linear(1, 1, { backend, dtype: 'float64', weight: [1e300] }).weight.value.data[0]).toBe(1e300);
    // A loss that overflows even float64 is refused rather than Infinity.
    expect(caught(() => softmaxCrossEntropy({ data: Float64Array.of(1e308, -1e308), rows: 1, cols: 2 }, [1], { backend })).message).toMatch(/the loss overflows float64/);
    // Within float32's range the float32 loss is still finite (the kernels sum in float64).
    expect(softmaxCrossEntropy([[3e38, -3e38]], [1], { backend }).loss).toBeCloseTo(6e38, -32);
  });

  it('property: any value in any argument is accepted or refused with a WasmlearnError, and refusals leak nothing', () => {
    const X = [[1, 2], [3, -1]];
    const entries: [string, (v: unknown) => void][] = [
      ['Linear(v, 2)', (v) => new Linear(v as number, 2, { backend }).dispose()],
      ['Linear(2, v)', (v) => new Linear(2, v as number, { backend }).dispose()],
      ['Linear(2, 2, v)', (v) => new Linear(2, 2, v as object).dispose()],
      ['Linear options', (v) => {
        for (const key of ['seed', 'weight', 'bias', 'backend']) typedOrNothing(() => new Linear(2, 2, { backend, [key]: v }).dispose());
      }],
      ['activations', (v) => {
        for (const A of [ReLU, Tanh, Sigmoid, Softmax]) typedOrNothing(() => new A(v as object).dispose());
      }],
      ['forward and backward', (v) => {
        const net = new Sequential([new Linear(2, 2, { backend }), new Tanh({ backend }), new Softmax({ backend })]);
        try {
          typedOrNothing(() => net.forward(v as number[][]));
          typedOrNothing(() => net.forward(X, v as object));
          net.forward(X);
          typedOrNothing(() => net.backward(v as number[][]));
          typedOrNothing(() => (net.layers[0] as Linear).weight.set(v as number[]));
        } finally {
          net.dispose();
        }
      }],
      ['losses', (v) => {
        for (const loss of [softmaxCrossEntropy, binaryCrossEntropy]) {
          typedOrNothing(() => loss(v as number[][], [0, 1], { backend }));
          typedOrNothing(() => loss(X, v as number[], { backend }));
          typedOrNothing(() => loss([[0.5], [2]], v as number[], { backend }));
          typedOrNothing(() => loss(X, [1, 0], v as object));
        }
      }],
      ['optimizers', (v) => {
        for (const key of ['lr', 'momentum', 'nesterov', 'beta1', 'beta2', 'eps', 'amsgrad']) {
          for (const O of [SGD, Momentum, Adam]) typedOrNothing(() => new O({ [key]: v }).dispose());
        }
        typedOrNothing(() => new Adam(v as object).dispose());
        const layer = new Linear(2, 2, { backend }), adam = new Adam();
        try {
          typedOrNothing(() => adam.step(v as []));
          typedOrNothing(() => adam.step([layer.bias, v] as unknown as []));
        } finally {
          adam.dispose();
          layer.dispose();
        }
      }],
      ['Sequential', (v) => {
        typedOrNothing(() => new Sequential(v as Module[]));
        typedOrNothing(() => new Sequential([v] as Module[]));
      }],
      ['gradCheck', (v) => {
        const layer = new Linear(2, 2, { backend });
        try {
          typedOrNothing(() => gradCheck(v as Module, X, [0, 1], { loss: 'softmaxCrossEntropy' }));
          typedOrNothing(() => gradCheck(layer, v as number[][], [0, 1], { loss: 'softmaxCrossEntropy' }));
          typedOrNothing(() => gradCheck(layer, X, v as number[], { loss: 'binaryCrossEntropy' }));
          typedOrNothing(() => gradCheck(layer, X, [0, 1], v as { loss: 'softmaxCrossEntropy' }));
          typedOrNothing(() => gradCheck(layer, X, [0, 1], { loss: 'softmaxCrossEntropy', eps: v as number }));
          typedOrNothing(() => gradCheck(layer, X, [0, 1], { loss: v as 'softmaxCrossEntropy' }));
        } finally {
          layer.dispose();
        }
      }],
    ];
    for (const [name, run] of entries) {
      fc.assert(
        fc.property(hostile, (v) => {
          typedOrNothing(() => run(v));
          if (tracked.live.size !== 0) throw new Error(`${name}: ${tracked.live.size} engine buffers left allocated`);
        }),
        { numRuns: 60, seed: 11 },
      );
    }
  });
});
