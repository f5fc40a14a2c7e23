// xoshiro128** over four u32 words in linear memory; the twin of src/core/rng.ts, bit for bit.

// @ts-ignore: decorator
@inline function rotl(x: u32, k: u32): u32 {
  return (x << k) | (x >>> (32 - k));
}

/** Next 32 random bits; advances the state at `state` (four u32 words). */
export function rng_next_u32(state: usize): u32 {
  const s0 = load<u32>(state), s1 = load<u32>(state, 4), s2 = load<u32>(state, 8), s3 = load<u32>(state, 12);
  const result = rotl(s1 * 5, 7) * 9;
  const t = s1 << 9;
  const n2 = s2 ^ s0;
  const n3 = s3 ^ s1;
  const n1 = s1 ^ n2;
  const n0 = s0 ^ n3;
  store<u32>(state, n0);
  store<u32>(state, n1, 4);
  store<u32>(state, n2 ^ t, 8);
  store<u32>(state, rotl(n3, 11), 12);
  return result;
}

/**
 * Fisher–Yates shuffle of `n` u32 indices at `idx`, from the end, j = (next * (i + 1)) >> 32: a
 * multiply where a remainder would cost a division per element (a bias below n / 2^32).
 */
export function shuffle_u32(idx: usize, n: i32, state: usize): void {
  for (let i = n - 1; i > 0; i--) {
    const j = <usize>((<u64>rng_next_u32(state) * <u64>(i + 1)) >> 32);
    const pi = idx + (<usize>i << 2), pj = idx + (j << 2);
    const t = load<u32>(pi);
    store<u32>(pi, load<u32>(pj));
    store<u32>(pj, t);
  }
}
