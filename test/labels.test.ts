import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodeClasses } from '../src/core/labels.js';
import { WasmlearnError } from '../src/index.js';

describe('encodeClasses', () => {
  it('typed arrays (the two-value fast path) encode as plain arrays do', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(-1, 0, 1, 2.5, 7, -0), { minLength: 1, maxLength: 200 }),
        fc.constantFrom(Float64Array, Float32Array, Int32Array),
        (labels, Typed) => {
          const typed = encodeClasses(Typed.from(labels));
          const plain = encodeClasses(Array.from(Typed.from(labels)));
          expect(typed.classes).toEqual(plain.classes);
          expect(Array.from(typed.codes)).toEqual(Array.from(plain.codes));
        },
      ),
    );
  });

  it('binary labels: sorted classes, each row its index', () => {
    const { classes, codes } = encodeClasses(Float64Array.from([7, 2, 2, 7, 7]));
    expect(classes).toEqual([2, 7]);
    expect(Array.from(codes)).toEqual([1, 0, 0, 1, 1]);
  });

  it('a NaN label is refused by name wherever it is', () => {
    for (const y of [[0, 1, NaN], [NaN, 0, 1], [1, 1, NaN, 0]]) {
      expect(() => encodeClasses(Float64Array.from(y))).toThrow(WasmlearnError);
      expect(() => encodeClasses(Float64Array.from(y))).toThrow(/y\[\d\] is NaN/);
    }
  });
});
