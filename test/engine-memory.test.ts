// Memory is owned on every backend: a freed buffer, one of another engine, one of the wrong dtype,
// or sizes a buffer cannot hold are refused before any kernel runs.
import { describe, expect, it } from 'vitest';
import { engines } from './helpers/backends.js';
import { f32, f64 } from './helpers/buffers.js';
import { caught, codeOf } from './helpers/errors.js';
import { fail } from '../src/core/errors.js';
import { allocateAll, type Buf, type F32Buf, type FloatBuf, type Memory } from '../src/engine/engine.js';

describe.each(engines)('memory of %s', (name, engine) => {
  it('a freed buffer can be neither viewed, nor freed again, nor given to a kernel', () => {
    const z = f32(engine, [1, 2, 3, 4]), out = engine.f32(4);
    engine.free(z);
    expect(codeOf(() => z.view())).toBe('DISPOSED');
    expect(codeOf(() => engine.free(z))).toBe('DISPOSED');
    expect(codeOf(() => engine.sigmoid(z, out, 4))).toBe('DISPOSED');
    expect(codeOf(() => engine.sigmoid(out, z, 4))).toBe('DISPOSED');
    expect(Array.from(out.view())).toEqual([0, 0, 0, 0]);
  });

  it('a buffer of another engine is refused, never read as some other address', () => {
    for (const [other, otherEngine] of engines.filter(([b]) => b !== name)) {
      const foreign = f32(otherEngine, [1, 2, 3, 4]), out = engine.f32(4);
      const e = caught(() => engine.sigmoid(foreign, out, 4));
      expect([other, e.code, e.message]).toEqual([other, 'INTERNAL', expect.stringMatching(/another engine/)]);
      expect(codeOf(() => engine.free(foreign))).toBe('INTERNAL');
      expect(foreign.view()[3]).toBe(4); // still its own engine's, and live
    }
  });

  it('float32 and float64 buffers do not mix in one call: not at compile time, and not at run time where the types were widened', () => {
    const a = f32(engine, [1, 2, 3, 4]), b = f64(engine, [1, 2, 3, 4]);
    const mixed = () =>
      // @ts-expect-error: a float32 and a float64 buffer in one call
      engine.sigmoid(a, b, 4);
    expect(caught(mixed).message).toMatch(/float64 buffer was given where float32 is expected/);
    const wideA: FloatBuf = a, wideB: FloatBuf = b;
    expect(codeOf(() => engine.gemmNT(wideA, 4, 1, wideB, 4, 4, null, engine.f32(4), 4))).toBe('INTERNAL');
    expect(Array.from(b.view())).toEqual([1, 2, 3, 4]);
  });

  it('sizes a buffer cannot hold, or unpadded widths, are refused before the kernel writes', () => {
    const A = engine.f32(8), W = engine.f32(16), C = engine.f32(7);
    expect(caught(() => engine.gemmNT(A, 4, 2, W, 4, 4, null, C, 4)).message).toMatch(/gemmNT C holds 7 values; 2 rows of 4 at stride 4 need 8/);
    expect(caught(() => engine.gemmNT(A, 3, 2, W, 4, 3, null, engine.f32(8), 4)).message).toMatch(/k is 3; it must be a multiple of 4/);
    expect(codeOf(() => engine.sum(A, 9))).toBe('INTERNAL');
    // @ts-expect-error: an activation is one of its names
    expect(codeOf(() => engine.activation('softplus', A, A, 8))).toBe('INTERNAL');
  });
});

describe.each(engines)('allocation on %s', (name, engine) => {
  it('a length that is not a count of values is INTERNAL, never a RangeError', () => {
    for (const n of [-1, 1.5, NaN, Infinity, 2 ** 53]) {
      const e = caught(() => engine.f32(n));
      expect([n, e.code]).toEqual([n, 'INTERNAL']);
    }
    expect(caught(() => engine.u32(-4)).message).toMatch(/a uint32 buffer of -4 values/);
  });

  it('bytesInUse counts live buffers, by dtype', () => {
    const before = engine.bytesInUse;
    const a = engine.f32(10), b = engine.f64(3), c = engine.u32(0);
    expect(engine.bytesInUse - before).toBe(40 + 24);
    engine.free(a);
    engine.free(c);
    expect(engine.bytesInUse - before).toBe(24);
    engine.free(b);
    expect(engine.bytesInUse).toBe(before);
  });

  it(`allocateAll: ${name} refuses the whole set before allocating any of it, and frees the made ones when a later one fails`, () => {
    const before = engine.bytesInUse;
    const e = caught(() => allocateAll(engine, 'a net', [['float32', 8], ['float64', 2 ** 33]]));
    expect(e.code).toBe('OUT_OF_MEMORY');
    expect(e.message).toMatch(/^OUT_OF_MEMORY: a net needs 68,719,476,768 bytes/);
    expect(engine.bytesInUse).toBe(before);
    // A memory whose third allocation fails after the check passed.
    let calls = 0;
    const made: Buf[] = [];
    const flaky: Memory = {
      f32: (n) => (++calls === 3 ? fail('OUT_OF_MEMORY', 'no more') : (made.push(engine.f32(n)), made[made.length - 1] as F32Buf)),
      f64: (n) => engine.f64(n),
      u32: (n) => engine.u32(n),
      blank: (dtype, n) => engine.blank(dtype, n),
      free: (b) => engine.free(b),
      get bytesInUse() {
        return engine.bytesInUse;
      },
      checkRoom: (what, sizes) => engine.checkRoom(what, sizes),
    };
    expect(codeOf(() => allocateAll(flaky, 'three', [['float32', 4], ['float32', 4], ['float32', 4]]))).toBe('OUT_OF_MEMORY');
    expect(made.map((b) => codeOf(() => b.view()))).toEqual(['DISPOSED', 'DISPOSED']);
    expect(engine.bytesInUse).toBe(before);
    const [x, y] = allocateAll(engine, 'two', [['float32', 4], ['uint32', 2]]);
    expect([x.dtype, x.length, y.dtype, y.length]).toEqual(['float32', 4, 'uint32', 2]);
    engine.free(x);
    engine.free(y);
  });
});
