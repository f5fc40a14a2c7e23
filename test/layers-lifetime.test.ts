// Lifetimes in the layer API: dispose() is the rule (everything is freed, later use is DISPOSED),
// a module is BUSY while a call runs code of yours with it, optimizer state goes with its
// parameter, and a FinalizationRegistry reclaims layers and optimizers dropped without dispose().
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { engines } from './helpers/backends.js';
import { caught, codeOf } from './helpers/errors.js';
import type { Buf, Engine } from '../src/engine/engine.js';
import type { Matrix, MatrixLike } from '../src/core/matrix.js';
import { reclaim, type Releasable } from '../src/layers/lifetime.js';
import {
  Adam, Linear, Module, Momentum, ReLU, Sequential, SGD, Softmax, Tanh, gradCheck, softmaxCrossEntropy, type Optimizer, type Parameter,
} from '../src/layers/index.js';

/** A real gc() inside the vitest worker (it cannot be started with --expose-gc). */
function exposeGc(): (() => void) | null {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    return null;
  }
}
const gc = exposeGc();

/** Collects, then lets the registry's cleanup tasks run. */
async function collect(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc!();
    await new Promise((r) => setTimeout(r, 0));
  }
}

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

const wasmBytes = (engine: Engine): number => (engine as { memory?: WebAssembly.Memory }).memory?.buffer.byteLength ?? 0;
const MiB = 2 ** 20;

describe.each(engines)('layer lifetimes on %s', (backend, engine) => {
  let tracked: ReturnType<typeof liveBuffers>;
  beforeEach(() => {
    tracked = liveBuffers(engine);
  });
  afterEach(() => tracked.restore());

  it('dispose frees every buffer of layers, Sequential and optimizers; any later use is DISPOSED', () => {
    const l0 = new Linear(5, 4, { backend, seed: 1 }), l2 = new Linear(4, 3, { backend, seed: 2 });
    const net = new Sequential([l0, new Tanh({ backend }), l2, new Softmax({ backend })]);
    const optimizers: Optimizer[] = [new SGD(), new Momentum(), new Adam({ amsgrad: true })];
    const X = [[1, 2, 3, 4, 5], [0, 1, 0, 1, 0]];
    net.backward(net.forward(X));
    for (const o of optimizers) o.step(net.parameters());
    expect(tracked.live.size).toBeGreaterThan(0);
    const [weight] = l0.parameters();
    net.dispose();
    // The optimizers' state went with the parameters.
    for (const o of optimizers) expect(o.stateCount).toBe(0);
    expect(tracked.live.size).toBe(0);
    net.dispose(); // twice is harmless
    for (const use of [
      () => net.forward(X), () => net.backward([[1, 2, 3]]), () => net.parameters(), () => net.namedParameters(), () => net.zeroGrad(),
      () => l0.forward(X), () => l2.backward([[1, 2, 3]]), () => (net.layers[1] as Tanh).forward([[1]]),
      () => weight.value, () => weight.grad, () => weight.set([[1]]), () => weight.zeroGrad(),
      () => optimizers[0].step([weight]), () => new Sequential([l0]),
    ]) {
      expect(codeOf(use)).toBe('DISPOSED');
    }
    for (const o of optimizers) {
      o.dispose();
      o.dispose();
      expect(codeOf(() => o.step([]))).toBe('DISPOSED');
      expect(codeOf(() => o.stateCount)).toBe('DISPOSED');
    }
  });

  it('an optimizer frees its state in live layers when disposed, and keeps none for parameters disposed since', () => {
    const keep = new Linear(8, 8, { backend }), drop = new Linear(8, 8, { backend });
    const base = tracked.live.size;
    const adam = new Adam();
    for (const l of [keep, drop]) {
      l.backward(l.forward([[1, 2, 3, 4, 5, 6, 7, 8]]));
      adam.step(l.parameters());
    }
    expect(adam.stateCount).toBe(4);
    drop.dispose();
    expect(adam.stateCount).toBe(2);
    adam.step(keep.parameters()); // still steps the live ones
    adam.dispose();
    keep.dispose();
    expect(tracked.live.size).toBe(0);
    expect(base).toBeGreaterThan(0);
  });

  it('a long-lived optimizer stepping throwaway layers keeps memory flat', () => {
    const adam = new Adam();
    const X = [[1, 2, 3, 4]];
    const cycle = () => {
      const layer = new Linear(4, 64, { backend });
      layer.forward(X);
      layer.backward([Array.from({ length: 64 }, () => 1)]);
      adam.step(layer.parameters());
      layer.dispose();
    };
    cycle();
    const bytes = wasmBytes(engine);
    for (let i = 0; i < 500; i++) cycle();
    expect(tracked.live.size).toBe(0);
    expect(adam.stateCount).toBe(0);
    expect(wasmBytes(engine)).toBe(bytes);
    adam.dispose();
  });

  it('a module is BUSY while gradCheck or a Sequential runs code of yours with it; dispose works after', () => {
    const net = new Sequential([new Linear(3, 2, { backend, seed: 1 })]);
    const X = [[1, 2, 3], [3, 2, 1]];
    let inner: unknown = null;
    gradCheck(net, X, [0, 1], {
      loss: (out, y) => {
        inner ??= caught(() => net.dispose());
        return softmaxCrossEntropy(out, y, { backend });
      },
    });
    expect((inner as { code: string }).code).toBe('BUSY');
    // The layers inside are busy with it.
    inner = null;
    gradCheck(net, X, [0, 1], { loss: (out, y) => ((inner ??= codeOf(() => net.layers[0].dispose())), softmaxCrossEntropy(out, y, { backend })) });
    expect(inner).toBe('BUSY');

    /** A layer of the caller's that tries to dispose the net it runs in. */
    class Saboteur extends Module {
      target: Module | null = null;
      forward(x: MatrixLike): Matrix {
        inner = codeOf(() => this.target!.dispose());
        return x as Matrix;
      }
      backward(grad: MatrixLike): Matrix {
        return grad as Matrix;
      }
    }
    const saboteur = new Saboteur();
    const outer = new Sequential([new Linear(3, 3, { backend }), saboteur, new ReLU({ backend })]);
    saboteur.target = outer;
    inner = null;
    outer.forward(X);
    expect(inner).toBe('BUSY');
    saboteur.target = outer.layers[0];
    outer.forward(X);
    expect(inner).toBe('BUSY');
    // Not busy any more: dispose frees everything.
    outer.dispose();
    net.dispose();
    expect(tracked.live.size).toBe(0);
  });

  it("reads step's parameters to the end before it updates any: an iterable that disposes the optimizer or a layer leaves nothing half done", () => {
    const layer = new Linear(2, 2, { backend, seed: 1 });
    layer.backward(layer.forward([[1, 2]]));
    const before = Array.from(layer.weight.value.data);
    const adam = new Adam();
    function* disposing(p: Parameter[], what: () => void) {
      yield p[0];
      what();
      yield p[1];
    }
    expect(codeOf(() => adam.step(disposing(layer.parameters(), () => adam.dispose())))).toBe('DISPOSED');
    const sgd = new SGD({ lr: 1 });
    const other = new Linear(2, 2, { backend });
    expect(codeOf(() => sgd.step(disposing([layer.weight, other.bias], () => other.dispose())))).toBe('DISPOSED');
    expect(Array.from(layer.weight.value.data)).toEqual(before);
    expect(sgd.stateCount).toBe(0);
    // A parameter given twice is stepped once.
    sgd.step([layer.weight, layer.weight]);
    const g = Array.from(layer.weight.grad.data);
    Array.from(layer.weight.value.data).forEach((v, i) => expect(v).toBeCloseTo(before[i] - g[i], 6));
    sgd.dispose();
    layer.dispose();
    expect(tracked.live.size).toBe(0);
  });

  it("the registry's cleanup frees what a dropped layer or optimizer held, and never throws", () => {
    const held: Releasable[] = [];
    const register = vi.spyOn(FinalizationRegistry.prototype, 'register').mockImplementation(function (this: FinalizationRegistry<unknown>, _target, value) {
      held.push(value as Releasable);
    });
    let layer: Linear | null = new Linear(16, 16, { backend });
    const adam = new Adam();
    try {
      layer.backward(layer.forward([Array.from({ length: 16 }, (_, i) => i)]));
      adam.step(layer.parameters());
      new Softmax({ backend }).forward([[1, 2, 3]]);
    } finally {
      register.mockRestore();
    }
    expect(held).toHaveLength(3); // the Linear, the Adam, the Softmax
    reclaim(held[1]); // the optimizer's: its state in the live layer is freed
    expect(adam.stateCount).toBe(0);
    reclaim(held[0]);
    reclaim(held[2]);
    expect(tracked.live.size).toBe(0);
    for (const h of held) reclaim(h); // again: harmless
    expect(codeOf(() => layer!.weight.value)).toBe('DISPOSED'); // what a collected layer would be, were it reachable
    layer = null;
  });

  it.skipIf(gc === null)('2,000 Linear(64, 64) dropped without dispose (and an Adam stepping them) leave memory flat once collected', async () => {
    tracked.restore(); // the spies' Set would keep every buffer alive: count instead
    let allocated = 0, freed = 0;
    const real = { f32: engine.f32.bind(engine), free: engine.free.bind(engine) };
    const spies = [
      vi.spyOn(engine, 'f32').mockImplementation((n) => (allocated++, real.f32(n))),
      vi.spyOn(engine, 'free').mockImplementation((b) => (freed++, real.free(b))),
    ];
    const adam = new Adam();
    const x = { data: new Float32Array(64).fill(0.5), rows: 1, cols: 64 };
    const cycle = (step: boolean) => {
      const layer = new Linear(64, 64, { backend });
      if (step) {
        layer.backward(layer.forward(x));
        adam.step(layer.parameters());
      }
    };
    try {
      // One block first: the most memory that a block of uncollected layers takes.
      for (let i = 0; i < 250; i++) cycle(true);
      await collect();
      const start = wasmBytes(engine), liveStart = allocated - freed;
      for (let i = 1; i <= 2000; i++) {
        cycle(i % 2 === 0);
        if (i % 250 === 0) await collect();
      }
      const end = wasmBytes(engine), liveEnd = allocated - freed;
      console.log(`${backend}: ${(start / MiB).toFixed(1)} MiB of WASM memory before 2,000 Linear(64, 64) dropped without dispose, ${(end / MiB).toFixed(1)} MiB after; live buffers ${liveStart} -> ${liveEnd}; Adam keeps state for ${adam.stateCount} parameters`);
      expect(end).toBe(start);
      expect(liveEnd).toBeLessThanOrEqual(liveStart);
      expect(adam.stateCount).toBeLessThanOrEqual(2);
    } finally {
      adam.dispose();
      spies.forEach((s) => s.mockRestore());
    }
  });
});

describe('without a gc()', () => {
  it('the lifetime test above can collect', () => {
    expect(gc).toBeTypeOf('function');
  });
});
