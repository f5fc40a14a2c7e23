import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { init, backend, LogisticRegression, WasmlearnError } from '../src/index.js';
import { getEngine } from '../src/engine/index.js';
import { WasmEngine } from '../src/engine/wasm/engine.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const nodeMajor = Number(process.versions.node.split('.')[0]);

/** init() in a fresh Node process over the built package, with the given flags. */
function initIn(flags: string[]): { backend: string; available: string[]; unavailable: Record<string, string> } {
  const script = "import('./dist/index.js').then((m) => m.init()).then((i) => console.log(JSON.stringify(i)))";
  return JSON.parse(execFileSync(process.execPath, [...flags, '-e', script], { cwd: root, encoding: 'utf8' }));
}

describe('init and backend selection', () => {
  it('loads every build this runtime validates and picks the fastest', async () => {
    const info = await init();
    expect(info.available).toContain('wasm-simd');
    expect(info.available).toContain('wasm-scalar');
    expect(info.available.at(-1)).toBe('js');
    expect(info.backend).toBe(info.available[0]);
    expect(backend()).toBe(info.backend);
  });

  it('pins a backend, and refuses one the runtime lacks', async () => {
    expect((await init({ backend: 'js' })).backend).toBe('js');
    expect(backend()).toBe('js');
    const m = new LogisticRegression().fit([[0], [1], [2], [3]], [0, 0, 1, 1]);
    expect(m.predict([[3]])).toEqual([1]);
    await init();
    await expect(init({ backend: 'wasm-fast' as never })).rejects.toThrow(WasmlearnError);
  });

  it('without the relaxed-SIMD flag, auto lands on wasm-simd and says why (Node < 22)', () => {
    const plain = initIn([]);
    if (nodeMajor < 22) {
      expect(plain.backend).toBe('wasm-simd');
      expect(plain.unavailable['wasm-relaxed']).toMatch(/--experimental-wasm-relaxed-simd/);
      expect(initIn(['--experimental-wasm-relaxed-simd']).backend).toBe('wasm-relaxed');
    } else {
      expect(plain.backend).toBe('wasm-relaxed');
    }
  });

  it('creating and disposing thousands of models leaves WASM memory bounded', async () => {
    await init();
    const engine = getEngine('wasm-simd') as WasmEngine;
    const X = { data: new Float32Array(200 * 8).map((_, i) => Math.sin(i)), rows: 200, cols: 8 };
    const y = Array.from({ length: 200 }, (_, i) => i % 2);
    const fitOne = () => new LogisticRegression({ backend: 'wasm-simd', maxIter: 5 }).fit(X, y);
    for (let i = 0; i < 50; i++) fitOne().dispose();
    const before = engine.memory.buffer.byteLength;
    for (let i = 0; i < 3000; i++) {
      const m = fitOne();
      m.predictProba(X);
      m.dispose();
    }
    expect(engine.memory.buffer.byteLength).toBe(before);
  });
});
