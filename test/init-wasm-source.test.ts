import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { init, LogisticRegression, WasmlearnError } from '../src/index.js';

const buildUrl = (build: string) => new URL(`../build/${build}.wasm`, import.meta.url);
const bytesOf = (build: string) => readFileSync(buildUrl(build));

function fits(backend: 'wasm-relaxed' | 'wasm-simd' | 'wasm-scalar'): number[] {
  const m = new LogisticRegression({ backend }).fit([[0], [1], [2], [3]], [0, 0, 1, 1]);
  return m.predict([[-1], [4]]) as number[];
}

describe('init({ wasm }): builds hosted by the app', () => {
  let server: Server;
  let base = '';
  beforeAll(async () => {
    // Serves build/<name>.wasm over HTTP, as an app's own server would; anything else is a 404.
    server = createServer((req, res) => {
      const name = /^\/(relaxed|simd|scalar)\.wasm$/.exec(req.url ?? '')?.[1];
      if (!name) return res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/wasm' }).end(bytesOf(name));
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

  it('takes one build as bytes: the simd build, and only it', async () => {
    const info = await init({ wasm: new Uint8Array(bytesOf('simd')) });
    expect(info.available).toEqual(['wasm-simd', 'js']);
    expect(info.backend).toBe('wasm-simd');
    expect(info.unavailable['wasm-relaxed']).toMatch(/init\(\{ wasm \}\) did not give the relaxed build/);
    expect(fits('wasm-simd')).toEqual([0, 1]);
  });

  it('takes an ArrayBuffer, a file: URL, an http: URL and a Response, one per build', async () => {
    const info = await init({
      wasm: {
        relaxed: await fetch(new URL('relaxed.wasm', base)),
        simd: new Uint8Array(bytesOf('simd')).buffer,
        scalar: new URL('scalar.wasm', base),
      },
    });
    expect(info.available).toEqual(['wasm-relaxed', 'wasm-simd', 'wasm-scalar', 'js']);
    expect(info.backend).toBe('wasm-relaxed');
    for (const b of ['wasm-relaxed', 'wasm-simd', 'wasm-scalar'] as const) expect(fits(b)).toEqual([0, 1]);

    const fromFile = await init({ wasm: { scalar: buildUrl('scalar') } });
    expect(fromFile.available).toEqual(['wasm-scalar', 'js']);
  });

  it('reports a build it cannot fetch, or that is no WebAssembly, as unavailable, and falls back', async () => {
    const info = await init({
      wasm: { relaxed: new Response('<!doctype html><p>not found</p>'), simd: new URL('missing.wasm', base), scalar: bytesOf('scalar') },
    });
    expect(info.unavailable['wasm-relaxed']).toMatch(/could not load relaxed\.wasm: the Response given for relaxed\.wasm is not a WebAssembly file \(it starts with "<!doctype html><p>not fo"\)$/);
    expect(info.unavailable['wasm-simd']).toMatch(/could not load simd\.wasm: fetching .*missing\.wasm answered 404$/);
    expect(info.backend).toBe('wasm-scalar');
  });

  it('keeps the loaded builds when init is called again without wasm', async () => {
    await init({ wasm: new Uint8Array(bytesOf('scalar')).buffer });
    // A bare buffer is the simd build: scalar bytes validate, and run, under that name.
    expect((await init()).available).toEqual(['wasm-simd', 'js']);
  });

  it('refuses anything else with BAD_OPTION', async () => {
    await expect(init({ wasm: 'build/simd.wasm' as never })).rejects.toThrow(WasmlearnError);
    await expect(init({ wasm: { fast: bytesOf('simd') } as never })).rejects.toThrow(/keys relaxed, simd, scalar/);
    await expect(init({ wasm: { simd: 42 } as never })).rejects.toThrow(/BAD_OPTION/);
  });
});
