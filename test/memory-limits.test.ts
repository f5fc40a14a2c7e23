// Memory as wasm32 allows: buffers past 2 GiB (unsigned pointers), single buffers over TLSF's old
// 1 GiB cap, and requests beyond the limit refused as OUT_OF_MEMORY naming the request and the
// limit, with the engine usable and nothing leaked afterwards. Traps and aborts inside a kernel
// are typed INTERNAL errors. The big allocations run on fresh instances of each build, never
// touched past their last element, so the test commits little real memory; multi-GB fits are in
// scripts/memory-check.mjs, not here.
import { describe, expect, it } from 'vitest';
import { engines, backends } from './helpers/backends.js';
import { caught } from './helpers/errors.js';
import type { BackendName, Engine } from '../src/engine/engine.js';
import { uploadMatrix, uploadRows } from '../src/engine/resident.js';
import { WasmEngine } from '../src/engine/wasm/engine.js';
import { bindExports, type WasmBuild } from '../src/engine/wasm/exports.js';
import { instantiate, loadWasmBytes } from '../src/engine/wasm/load.js';
import { JS_MAX_LENGTH } from '../src/engine/js/memory.js';
import { LogisticRegression } from '../src/models/logistic.js';

const GiB = 2 ** 30;
const wasmBackends = backends.filter((b) => b !== 'js');

/** A new instance of a backend's build, so its multi-GB memory goes with it. */
async function freshEngine(name: BackendName): Promise<WasmEngine> {
  const build = name.replace('wasm-', '') as WasmBuild;
  const { instance } = await instantiate(await loadWasmBytes(build));
  return new WasmEngine(name, bindExports(instance.exports, build));
}

/** The byte address of a WASM buffer, as its view sees it. */
const addressOf = (buf: { view(): Float32Array }) => buf.view().byteOffset;

describe.each(wasmBackends)('memory of %s', (name) => {
  it('one buffer over 1 GiB: allocated, written and read at its last element, freed', async () => {
    const engine = await freshEngine(name);
    const n = Math.round((1.2 * GiB) / 4);
    const big = engine.f32(n);
    expect(big.view().length).toBe(n);
    big.view()[n - 1] = 7.5;
    expect(big.view()[n - 1]).toBe(7.5);
    expect(big.view()[0]).toBe(0);
    expect(big.view().byteOffset % 16).toBe(0);
    engine.free(big);
    expect(engine.bytesInUse).toBe(0);
  });

  it('buffers past 2 GiB: pointers above 2^31 are unsigned, kernels reach them, and memory is reused after free', async () => {
    const engine = await freshEngine(name);
    const n = 150_000_000; // 600 MB of float32
    const bufs = [];
    while (bufs.length === 0 || addressOf(bufs[bufs.length - 1]) + n * 4 <= 2 ** 31) bufs.push(engine.f32(n));
    const last = bufs[bufs.length - 1];
    expect(addressOf(last)).toBeGreaterThan(2 ** 31 - n * 4);
    expect(addressOf(last) + n * 4).toBeGreaterThan(2 ** 31);
    last.view()[n - 1] = -3.25;
    last.view()[n - 2] = 1;
    expect(last.view()[n - 1]).toBe(-3.25);
    expect(engine.sum(last, n)).toBe(-2.25);
    expect(engine.settleRows(last, 0, 1, n, n)).toBe(-1);
    // A small buffer after them lies wholly past 2^31: a kernel reads and writes it there.
    const tail = engine.f32(4);
    expect(addressOf(tail)).toBeGreaterThan(2 ** 31);
    tail.view().set([0, 0, 1, -3.25]);
    engine.sigmoid(tail, tail, 4);
    expect(tail.view()[0]).toBeCloseTo(0.5, 6);
    expect(tail.view()[3]).toBeCloseTo(1 / (1 + Math.exp(3.25)), 6);
    const size = engine.memory.buffer.byteLength;
    for (const b of bufs) engine.free(b);
    engine.free(tail);
    expect(engine.bytesInUse).toBe(0);
    // Again, in the memory just freed: zeroed, no growth.
    const again = engine.f32(n);
    const small = engine.f32(4);
    expect(again.view()[n - 1]).toBe(0);
    again.view()[n - 1] = 2;
    expect(engine.sum(again, n)).toBe(2);
    expect(engine.memory.buffer.byteLength).toBe(size);
    engine.free(again);
    engine.free(small);
  });

  it('a request beyond 4 GiB is OUT_OF_MEMORY naming the request and the limit, before anything is allocated; the engine works after', async () => {
    const engine = await freshEngine(name);
    const size = engine.memory.buffer.byteLength;
    const e = caught(() => engine.f32(GiB + 1));
    expect(e.code).toBe('OUT_OF_MEMORY');
    expect(e.message).toContain('4,294,967,300 bytes');
    expect(e.message).toContain('4,294,967,296 bytes');
    expect(e.message).toMatch(/partialFit/);
    expect(caught(() => engine.f64(1e9)).message).toContain('8,000,000,000 bytes');
    expect(engine.memory.buffer.byteLength).toBe(size);
    expect(engine.bytesInUse).toBe(0);
    const z = engine.f32(4);
    z.view().set([0, 1, -1, 2]);
    engine.sigmoid(z, z, 4);
    expect(z.view()[0]).toBeCloseTo(0.5, 6);
    engine.free(z);
  });

  it('what is in use counts: a request that would pass 4 GiB with it is refused before allocating', async () => {
    const engine = await freshEngine(name);
    const held = engine.f32(Math.round((2.5 * GiB) / 4));
    const size = engine.memory.buffer.byteLength;
    const e = caught(() => engine.f32(Math.round((1.6 * GiB) / 4)));
    expect(e.code).toBe('OUT_OF_MEMORY');
    expect(e.message).toContain(`${(Math.round((2.5 * GiB) / 4) * 4).toLocaleString('en-US')} of them in use`);
    expect(engine.memory.buffer.byteLength).toBe(size);
    engine.free(held);
    engine.checkRoom('the same request', [['float32', Math.round((1.6 * GiB) / 4)]]);
    // Buffers checked together count together.
    expect(caught(() => engine.checkRoom('X and y', [['float32', (3 * GiB) / 4], ['float64', (1.5 * GiB) / 8]])).message).toMatch(/^OUT_OF_MEMORY: X and y needs 4,831,838,208 bytes/);
  });

  it('when alloc finds no room within the limit (fragmented memory), OUT_OF_MEMORY says how much is taken; nothing changed', async () => {
    const engine = await freshEngine(name);
    const a = engine.f32(Math.round((2.1 * GiB) / 4)), pin = engine.f32(4);
    engine.free(a); // 2.1 GiB free below `pin`, and less than 2 GiB above it
    const e = caught(() => engine.f32(Math.round((2.2 * GiB) / 4)));
    expect(e.code).toBe('OUT_OF_MEMORY');
    expect(e.message).toMatch(/could not hold it: [\d,]+ bytes of at most 4,294,967,296 \(wasm32\)/);
    expect(engine.bytesInUse).toBe(16);
    const b = engine.f32((64 * 2 ** 20) / 4); // in the hole below `pin`
    expect(addressOf(b)).toBeLessThan(addressOf(pin));
    engine.free(b);
    engine.free(pin);
  });

  it('a trap inside a kernel is an INTERNAL error naming the build and the function', async () => {
    const build = name.replace('wasm-', '') as WasmBuild;
    const exports = bindExports((await instantiate(await loadWasmBytes(build))).instance.exports, build);
    const e = caught(() => exports.sum_f32(0xfffffff0, 64));
    expect(e.code).toBe('INTERNAL');
    expect(e.message).toContain(`${build}.wasm sum_f32`);
    expect(e.message).toMatch(/RuntimeError/);
    expect(exports.sum_f32(exports.alloc(64, 1) >>> 0, 16)).toBe(0);
  });
});

describe('memory of js', () => {
  const js = engines.find(([b]) => b === 'js')![1];

  it('a typed array over its limit is OUT_OF_MEMORY naming the request and the limit, never a RangeError; the engine works after', () => {
    const before = js.bytesInUse;
    const e = caught(() => js.f32(JS_MAX_LENGTH + 1));
    expect(e.code).toBe('OUT_OF_MEMORY');
    expect(e.message).toContain('17,179,869,188 bytes');
    expect(e.message).toContain('4,294,967,296 values');
    expect(e.message).toMatch(/partialFit/);
    expect(caught(() => js.f64(2 ** 40)).code).toBe('OUT_OF_MEMORY');
    expect(js.bytesInUse).toBe(before);
    const z = js.f32(2);
    js.sigmoid(z, z, 2);
    expect(Array.from(z.view())).toEqual([0.5, 0.5]);
    js.free(z);
  });
});

describe.each(engines)('uploads on %s', (name, engine: Engine) => {
  it('X beyond the limit is refused before anything is allocated, naming its shape and bytes', () => {
    const before = engine.bytesInUse;
    const rows = name === 'js' ? 20_000_000 : 5_000_000, cols = name === 'js' ? 256 : 255;
    // The sizes are checked before the values are read: no 5 GB array is needed to be refused.
    const X = { data: new Float32Array(0), rows, cols };
    const y: ArrayLike<number> = { length: rows };
    const e = caught(() => uploadRows(engine, X, y, null, 'float32'));
    const stride = 256, bytes = rows * stride * 4 + rows * 4;
    if (name === 'js') {
      // js holds each buffer by itself: X alone is over its typed-array limit.
      expect(e.message).toContain(`${(rows * stride * 4 + rows * 4).toLocaleString('en-US')} bytes`);
    } else {
      expect(e.message).toContain(`X (5,000,000 x 255 float32 values, rows padded to 256)`);
      expect(e.message).toContain(`${bytes.toLocaleString('en-US')} bytes`);
      expect(e.message).toContain('4,294,967,296');
    }
    expect(e.code).toBe('OUT_OF_MEMORY');
    expect(codeOfUpload(() => uploadMatrix(engine, X, 'X', 'float64'))).toBe('OUT_OF_MEMORY');
    expect(engine.bytesInUse).toBe(before);
  });

  it('a fit that runs out of memory leaves nothing allocated, and a small fit after it trains', () => {
    const small = { data: new Float32Array(400 * 6).map((_, i) => Math.sin(i * 0.37)), rows: 400, cols: 6 };
    const label = (X: { data: Float32Array; cols: number }, i: number) => (X.data[i * X.cols] + X.data[i * X.cols + 1] > 0 ? 1 : 0);
    const y = Array.from({ length: 400 }, (_, i) => label(small, i));
    const smallFit = () => {
      const model = new LogisticRegression({ backend: name, solver: 'sgd', maxIter: 20 }).fit(small, y);
      expect(model.score(small, y)).toBeGreaterThan(0.8);
      model.dispose();
    };
    smallFit(); // the engine's own scratch, kept between calls, is sized by this one
    const before = engine.bytesInUse;
    if (engine instanceof WasmEngine) {
      // All the address space above the memory there is now, held (never touched, so never
      // committed): a training set larger than that memory cannot fit beside it.
      const size = engine.memory.buffer.byteLength;
      const hold = engine.f32(Math.floor((2 ** 32 - size - 64) / 4));
      const rows = Math.ceil((size + 2 ** 20) / 32);
      const X = { data: new Float32Array(rows * 8).map((_, i) => Math.cos(i)), rows, cols: 8 };
      const yBig = Array.from({ length: rows }, (_, i) => label(X, i));
      const model = new LogisticRegression({ backend: name, solver: 'sgd', maxIter: 2 });
      const e = caught(() => model.fit(X, yBig));
      expect(e.code).toBe('OUT_OF_MEMORY');
      expect(e.message).toMatch(/X \([\d,]+ x 8 float32 values\)/);
      expect(e.message).toMatch(/partialFit/);
      engine.free(hold);
      expect(engine.bytesInUse).toBe(before);
    }
    smallFit();
    expect(engine.bytesInUse).toBe(before);
  });
});

function codeOfUpload(fn: () => unknown): string {
  return caught(fn).code;
}

describe('abort inside a module', () => {
  it("env.abort throws a typed INTERNAL error with the kernel's place", async () => {
    // (module (import "env" "abort" (func (param i32 i32 i32 i32))) (memory (export "memory") 1)
    //   (func (export "boom") i32.const 0 i32.const 0 i32.const 7 i32.const 3 call 0))
    const bytes = new Uint8Array([
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
      0x01, 0x0b, 0x02, 0x60, 0x04, 0x7f, 0x7f, 0x7f, 0x7f, 0x00, 0x60, 0x00, 0x00,
      0x02, 0x0d, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x05, 0x61, 0x62, 0x6f, 0x72, 0x74, 0x00, 0x00,
      0x03, 0x02, 0x01, 0x01,
      0x05, 0x03, 0x01, 0x00, 0x01,
      0x07, 0x11, 0x02, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, 0x04, 0x62, 0x6f, 0x6f, 0x6d, 0x00, 0x01,
      0x0a, 0x0e, 0x01, 0x0c, 0x00, 0x41, 0x00, 0x41, 0x00, 0x41, 0x07, 0x41, 0x03, 0x10, 0x00, 0x0b,
    ]);
    const { instance } = await instantiate(bytes);
    const e = caught(() => (instance.exports.boom as () => void)());
    expect(e.code).toBe('INTERNAL');
    expect(e.message).toMatch(/kernel aborted.*:7:3/);
  });
});
