/**
 * xoshiro128** seeded through splitmix32. Only 32-bit integer operations, so the
 * AssemblyScript twin (assembly/inline/rng.ts) produces the same stream bit for bit: one `seed`
 * gives the same shuffles and initial weights on every backend. The state is four u32 words that
 * may live in a plain array or in WASM memory.
 */

/** Fills `state` (four u32 words) from a 32-bit seed. */
export function seedState(seed: number, state: Uint32Array): void {
  let s = seed >>> 0;
  for (let i = 0; i < 4; i++) {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    state[i] = (z ^ (z >>> 16)) >>> 0;
  }
}

export function nextU32(s: Uint32Array): number {
  const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
  const t = s[1] << 9;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 11);
  return result;
}

/** Fills `idx` with 0, 1, 2, ...: the row order before the first shuffle. */
export function identityOrder(idx: Uint32Array): void {
  for (let i = 0; i < idx.length; i++) idx[i] = i;
}

/**
 * Fisher–Yates from the end, j = (next * (i + 1)) >> 32: a multiply where a remainder costs the
 * WASM kernels a division per element (a bias below n / 2^32). Here the product is taken in 16-bit
 * halves, so every step stays below 2^53 and the draw is the kernels' exactly.
 */
export function shuffleU32(idx: Uint32Array, n: number, s: Uint32Array): void {
  for (let i = n - 1; i > 0; i--) {
    const r = nextU32(s), m = i + 1;
    const j = Math.floor(((r >>> 16) * m + Math.floor(((r & 0xffff) * m) / 65536)) / 65536);
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** The same generator as an object, for code outside the engines (splits, initial weights). */
export class Xoshiro128 {
  readonly state = new Uint32Array(4);

  constructor(seed: number) {
    seedState(seed, this.state);
  }

  nextU32(): number {
    return nextU32(this.state);
  }

  /** Uniform in [0, 1) with 24 random bits, exactly representable in float32. */
  nextFloat(): number {
    return (nextU32(this.state) >>> 8) / 16777216;
  }

  shuffle(idx: Uint32Array): void {
    shuffleU32(idx, idx.length, this.state);
  }
}

/** Fills `out` with standard normal draws (Box–Muller; u in (0, 1] keeps the log finite). */
export function fillNormal(rng: Xoshiro128, out: Float32Array | Float64Array): void {
  for (let k = 0; k < out.length; k += 2) {
    const u = (rng.nextU32() + 1) / 4294967296;
    const v = rng.nextFloat();
    const r = Math.sqrt(-2 * Math.log(u));
    out[k] = r * Math.cos(2 * Math.PI * v);
    if (k + 1 < out.length) out[k + 1] = r * Math.sin(2 * Math.PI * v);
  }
}
