// Hostile values for the property tests: numbers at the edges of float32 and float64, every
// JavaScript type, typed arrays of the wrong element type, views at an offset into a larger
// (or shared) buffer. Every generated object is fresh (a factory per case), so a library that
// mutates its input cannot leak one case into the next, and prints as code that rebuilds it.
import fc from 'fast-check';

export const SPECIAL_NUMBERS: readonly number[] = [
  NaN, Infinity, -Infinity, -0, 0, 1, -1, 0.5, 1.5, -1.5, 2, 3, 7, 1e-7, 1e4, -1e4, 1e16,
  2 ** 24 + 1, 2 ** 28, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 53, 2 ** 53 + 2, -(2 ** 53),
  3e38, -3e38, 3.4028234663852886e38, 3.5e38, -3.5e38, 1e39, 1e308, -1e308, Number.MAX_VALUE, -Number.MAX_VALUE,
  5e-324, 1e-310, 1e-45, 1e-300,
];

/** A number from the edge list, an arbitrary double, or a small integer. */
export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...SPECIAL_NUMBERS) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 2, arbitrary: fc.integer({ min: -5, max: 10 }) },
);

/** A finite number of moderate size: what valid data is made of. */
export const plainNumber: fc.Arbitrary<number> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -4, max: 4 }) },
  { weight: 4, arbitrary: fc.double({ min: -5, max: 5, noNaN: true, noDefaultInfinity: true }) },
);

export const SYMBOL = Symbol('hostile');

/**
 * A fresh object per case (`code` documents it; fast-check prints the object itself). Nothing is
 * attached to it: a strict options check must see exactly what a user would pass.
 */
export function fresh<T extends object>(_code: string, make: () => T): fc.Arbitrary<T> {
  return fc.constant(null).map(() => make());
}

/** Attaches fast-check's printer to an object, so a counterexample shows how it was built. */
export function printable<T extends object>(o: T, code: string): T {
  try {
    Object.defineProperty(o, fc.toStringMethod, { value: () => code, enumerable: false });
  } catch {
    // frozen objects print as fast-check sees them
  }
  return o;
}

function cyclic(): object {
  const o: Record<string, unknown> = { a: 1 };
  o.self = o;
  return o;
}

/** Values of every JavaScript type that is not an object. */
export const hostileScalar: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileNumber },
  { weight: 2, arbitrary: fc.string({ maxLength: 6 }) },
  { weight: 2, arbitrary: fc.constantFrom('', '1', '0', 'NaN', 'auto', 'none', '__proto__', 'constructor', 'toString', '1e3', ' 2 ', 'float32', 'js', 'true') },
  { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(SYMBOL, null, undefined, true, false) },
);

/** Objects of many kinds, each fresh. */
export const hostileObject: fc.Arbitrary<unknown> = fc.oneof(
  fresh('{}', () => ({})),
  fresh('[]', () => []),
  fresh('[1, 2]', () => [1, 2]),
  fresh('[[1], [2]]', () => [[1], [2]]),
  fresh('Object.create(null)', () => Object.create(null) as object),
  fresh('(() => 1)', () => () => 1),
  fresh('(function named() {})', () => function named() {}),
  fresh('class K {}', () => class K {}),
  fresh('new Date(0)', () => new Date(0)),
  fresh('/x/', () => /x/),
  fresh('new Map([[1, 2]])', () => new Map([[1, 2]])),
  fresh('new Set([1])', () => new Set([1])),
  fresh('new Float32Array(2)', () => new Float32Array(2)),
  fresh('new BigInt64Array(2)', () => new BigInt64Array(2)),
  fresh('new ArrayBuffer(8)', () => new ArrayBuffer(8)),
  fresh('new Error("x")', () => new Error('x')),
  fresh('Promise.resolve(1)', () => Promise.resolve(1)),
  fresh('{ length: 2 }', () => ({ length: 2 })),
  fresh('{ length: -1 }', () => ({ length: -1 })),
  fresh('{ length: 2 ** 32 }', () => ({ length: 2 ** 32 })),
  fresh('{ data: new Float64Array(1), rows: 1, cols: 1 }', () => ({ data: new Float64Array(1), rows: 1, cols: 1 })),
  fresh('cyclic { a: 1, self }', cyclic),
  fresh('new String("x")', () => new String('x')),
  fresh('new Number(1)', () => new Number(1)),
);

/** Anything at all, mostly scalars. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof({ weight: 3, arbitrary: hostileScalar }, { weight: 2, arbitrary: hostileObject });

/** Keys a strict options check must refuse. */
export const unknownKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'maxiter', 'max_iter', 'lr', 'Solver', 'alphaa', '', ' ', 'length', '0'),
  fc.string({ minLength: 1, maxLength: 8 }),
);

/** Sets `key` as an own, enumerable property even when it is '__proto__'. */
export function setOwn(o: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

export type NumericCtor =
  | Float32ArrayConstructor | Float64ArrayConstructor | Int8ArrayConstructor | Uint8ArrayConstructor | Uint8ClampedArrayConstructor
  | Int16ArrayConstructor | Int32ArrayConstructor | Uint32ArrayConstructor | BigInt64ArrayConstructor | BigUint64ArrayConstructor;

export const TYPED_CTORS: Record<string, NumericCtor> = {
  Float32Array, Float64Array, Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Int32Array, Uint32Array, BigInt64Array, BigUint64Array,
};

export interface TypedSpec {
  ctor: keyof typeof TYPED_CTORS;
  /** Elements before the view in its buffer, and after it. */
  offset: number;
  slack: number;
  shared: boolean;
}

export const typedSpec: fc.Arbitrary<TypedSpec> = fc.record({
  ctor: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom<keyof typeof TYPED_CTORS>('Float32Array', 'Float64Array') },
    { weight: 2, arbitrary: fc.constantFrom(...(Object.keys(TYPED_CTORS) as (keyof typeof TYPED_CTORS)[])) },
  ),
  offset: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 5 }) }),
  slack: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }) }),
  shared: fc.boolean(),
});

/**
 * A typed array holding `values` (converted to its element type) as a view `offset` elements into
 * a buffer with `slack` more elements after it; the elements outside the view are 99, so reading
 * outside the view shows. Prints as the code that builds it.
 */
export function typedArray(spec: TypedSpec, values: readonly unknown[]): ArrayLike<number> {
  const Ctor = TYPED_CTORS[spec.ctor];
  const big = spec.ctor.startsWith('Big');
  const n = values.length;
  const total = (spec.offset + n + spec.slack) * Ctor.BYTES_PER_ELEMENT;
  const buffer = spec.shared ? new SharedArrayBuffer(total) : new ArrayBuffer(total);
  const whole = new Ctor(buffer as ArrayBuffer) as unknown as { [i: number]: number | bigint; length: number };
  for (let i = 0; i < whole.length; i++) whole[i] = big ? 99n : 99;
  const view = new Ctor(buffer as ArrayBuffer, spec.offset * Ctor.BYTES_PER_ELEMENT, n) as unknown as { [i: number]: number | bigint };
  for (let i = 0; i < n; i++) view[i] = big ? toBigInt(values[i]) : toNumber(values[i]);
  const shown = Array.from({ length: n }, (_, i) => (big ? `${String(view[i])}n` : fc.stringify(view[i])));
  const buf = `new ${spec.shared ? 'SharedArrayBuffer' : 'ArrayBuffer'}(${total})`;
  return printable(view as unknown as ArrayLike<number>, `${spec.ctor}@${buf}+${spec.offset}[${shown.join(', ')}]`);
}

function toNumber(v: unknown): number {
  if (typeof v === 'bigint') return Number(v);
  return typeof v === 'number' ? v : Number.NaN;
}

function toBigInt(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  const x = typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : 0;
  return BigInt(Math.max(-(2 ** 62), Math.min(2 ** 62, x)));
}
