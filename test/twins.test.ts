// The two sides list the same kernels: assembly/kernels/<family>.ts and its twin
// src/engine/js/kernels/<family>.ts, every export of the built module found in the one file on each
// side, with the same parameter count. Then the twins agree on lengths that leave vector tails.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { engines } from './helpers/backends.js';
import { floatsOf } from './helpers/buffers.js';
import { normals } from './helpers/random.js';
import { createOptimizer } from '../src/engine/net.js';
import type { Dtype, Engine } from '../src/engine/engine.js';
import type { Activation } from '../src/engine/kinds.js';

const asmDir = new URL('../assembly/kernels/', import.meta.url);
const jsDir = new URL('../src/engine/js/kernels/', import.meta.url);
const families = (dir: URL) => readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).sort();

/** The functions assembly/<file>.ts exports by name (generic helpers included; the built module decides which are kernels). */
const asmExports = (file: URL) => new Set(Array.from(readFileSync(file, 'utf8').matchAll(/^export function (\w+)/gm), (m) => m[1]));

const module = new WebAssembly.Module(readFileSync(new URL('../build/simd.wasm', import.meta.url)));
const instance = new WebAssembly.Instance(module, { env: { abort: () => { throw new Error('abort'); } } });
const memoryFunctions = asmExports(new URL('../assembly/memory.ts', import.meta.url));
/** Every kernel the module exports, with its parameter count: the functions not from assembly/memory.ts. */
const kernels = WebAssembly.Module.exports(module)
  .filter((e) => e.kind === 'function' && !memoryFunctions.has(e.name))
  .map((e) => ({ name: e.name, params: (instance.exports[e.name] as () => unknown).length }));

describe('the WASM kernels and their TypeScript twins', () => {
  it('have the same files on both sides', () => {
    expect(families(jsDir)).toEqual(families(asmDir));
    expect(kernels.length).toBeGreaterThan(30);
  });

  it.each(kernels)('$name: in one family file on each side, the twin taking its $params parameters', async ({ name, params }) => {
    const asmFamilies = families(asmDir).filter((f) => asmExports(new URL(`${f}.ts`, asmDir)).has(name));
    expect(asmFamilies).toHaveLength(1);
    const twin: Record<string, unknown> = await import(fileURLToPath(new URL(`${asmFamilies[0]}.ts`, jsDir)));
    expect(typeof twin[name]).toBe('function');
    expect((twin[name] as () => unknown).length).toBe(params);
  });

  it('the twins export no kernel the module lacks', async () => {
    const names = new Set(kernels.map((k) => k.name));
    for (const family of families(jsDir)) {
      const twin: Record<string, unknown> = await import(fileURLToPath(new URL(`${family}.ts`, jsDir)));
      const extra = Object.keys(twin).filter((k) => /_f(32|64)$/.test(k) && !names.has(k));
      expect({ family, extra }).toEqual({ family, extra: [] });
    }
  });
});

// Lengths that are not multiples of 4 or 16: every vector loop leaves a scalar tail.
const odd = [1, 7, 37, 1037];
const js = engines.find(([b]) => b === 'js')![1];

/** Runs `call` with the same inputs on `engine` and on the JS twin; returns both outputs. */
function both(engine: Engine, dtype: Dtype, call: (e: Engine, buf: (v: ArrayLike<number>) => ReturnType<typeof floatsOf>) => ArrayLike<number>): [number[], number[]] {
  const run = (e: Engine) => Array.from(call(e, (v) => floatsOf(e, dtype, v)));
  return [run(engine), run(js)];
}

describe.each(engines.filter(([b]) => b !== 'js'))('%s agrees with the twin past vector tails', (_name, engine) => {
  describe.each(['float32', 'float64'] as const)('in %s', (dtype) => {
    // f32 builds compute in f32 (their own exp), the twin in f64.
    const tol = dtype === 'float32' ? 2e-6 : 1e-14;
    const near = ([got, want]: [number[], number[]]) => {
      expect(got).toHaveLength(want.length);
      const scale = Math.max(1, ...want.map(Math.abs));
      const worst = Math.max(0, ...got.map((v, i) => Math.abs(v - want[i]) / scale));
      expect(worst).toBeLessThan(tol);
    };

    it.each(odd)('sum, sigmoid, bceLogits, settleRows of %i values', (n) => {
      const z = normals(n, n).map((v) => 4 * v), y = z.map((_, i) => i % 2);
      near(both(engine, dtype, (e, buf) => [e.sum(buf(z), n) / n]));
      near(both(engine, dtype, (e, buf) => {
        const out = buf(new Float64Array(n));
        e.sigmoid(buf(z), out, n);
        return out.view();
      }));
      near(both(engine, dtype, (e, buf) => [e.bceLogits(buf(z), buf(y), n) / n]));
      const bad = Float64Array.from(z);
      bad[n - 1] = NaN;
      near(both(engine, dtype, (e, buf) => [e.settleRows(buf(z), 0, 1, n, n), e.settleRows(buf(bad), 0, 1, n, n)]));
    });

    it.each(odd)('every activation and its gradient over %i values', (n) => {
      const x = normals(n, 2 * n).map((v) => 3 * v), g = normals(n, 3 * n);
      for (const kind of ['identity', 'relu', 'tanh', 'logistic'] as Activation[]) {
        near(both(engine, dtype, (e, buf) => {
          const a = buf(new Float64Array(n)), out = buf(new Float64Array(n));
          e.activation(kind, buf(x), a, n);
          e.activationGrad(kind, a, buf(g), out, n);
          return [...a.view(), ...out.view()];
        }));
      }
    });

    it.each(odd)('an Adam step over %i parameters', (n) => {
      near(both(engine, dtype, (e, buf) => {
        const params = buf(normals(n, 5)), o = createOptimizer(e, n, { kind: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8 }, dtype);
        e.optimizerStep(o, params, buf(normals(n, 6)), n);
        return params.view();
      }));
    });
  });
});
