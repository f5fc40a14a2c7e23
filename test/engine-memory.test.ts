// Memory is owned on every backend: a freed buffer, one of another engine, one of the wrong dtype,
// or sizes a buffer cannot hold are refused before any kernel runs.
import { describe, expect, it } from 'vitest';
import { engines } from './helpers/backends.js';
import { f32, f64 } from './helpers/buffers.js';
import { caught, codeOf } from './helpers/errors.js';
import type { FloatBuf } from '../src/engine/engine.js';

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
