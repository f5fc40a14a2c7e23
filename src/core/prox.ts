/** sign(v) max(|v| - t, 0): the proximal step of an L1 penalty (the twin of inline/simd.ts's soft_threshold). */
export function softThreshold(v: number, t: number): number {
  return v > t ? v - t : v < -t ? v + t : 0;
}
