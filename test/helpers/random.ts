import { Xoshiro128, fillNormal } from '../../src/core/rng.js';

/** Seeded standard normal draws, so every test's data is reproducible. */
export function normals(n: number, seed: number): Float64Array {
  const out = new Float64Array(n);
  fillNormal(new Xoshiro128(seed), out);
  return out;
}

export function uniforms(n: number, seed: number): Float64Array {
  const rng = new Xoshiro128(seed);
  return Float64Array.from({ length: n }, () => rng.nextFloat());
}
