// Each WASM build against the one table of exports (src/engine/wasm/exports.ts), both ways: every
// function the table names, with its parameter count, and nothing else.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bindExports, WASM_FUNCTIONS, type WasmBuild } from '../src/engine/wasm/exports.js';
import { instantiate } from '../src/engine/wasm/load.js';
import { caught } from './helpers/errors.js';

const builds: WasmBuild[] = ['scalar', 'simd', 'relaxed'];

describe.each(builds)('build/%s.wasm', (build) => {
  // Relaxed SIMD validates on Node 20 only with the flag vitest.config.ts gives the workers.
  const bytes = new Uint8Array(readFileSync(new URL(`../build/${build}.wasm`, import.meta.url)));
  const module = new WebAssembly.Module(bytes);
  const instance = instantiate(bytes).then((r) => r.instance);

  it('exports exactly the functions of the table, and one memory', () => {
    const exported = WebAssembly.Module.exports(module);
    const functions = exported.filter((e) => e.kind === 'function').map((e) => e.name).sort();
    expect(functions).toEqual(Object.keys(WASM_FUNCTIONS).sort());
    expect(exported.filter((e) => e.kind !== 'function')).toEqual([{ name: 'memory', kind: 'memory' }]);
  });

  it('each function takes the number of parameters the table gives it', async () => {
    const { exports } = await instance;
    const counts = Object.fromEntries(Object.entries(exports).filter(([, v]) => typeof v === 'function').map(([k, v]) => [k, (v as () => unknown).length]));
    expect(counts).toEqual(WASM_FUNCTIONS);
  });

  it('binds, and bindExports names what a build lacks or takes wrongly', async () => {
    const { exports } = await instance;
    expect(bindExports(exports, build).memory).toBe(exports.memory);
    const broken: WebAssembly.Exports = { ...exports, gemm_nt_f32: (a: number) => a };
    delete broken.sum_f64;
    const e = caught(() => bindExports(broken, build));
    expect(e.code).toBe('UNSUPPORTED');
    expect(e.message).toContain(`${build}.wasm`);
    expect(e.message).toContain('gemm_nt_f32 takes 1 parameters, not 11');
    expect(e.message).toContain('no sum_f64');
  });
});
