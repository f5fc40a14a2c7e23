import type { Matrix } from '../core/matrix.js';
import { Xoshiro128, fillNormal } from '../core/rng.js';

/** makeLogistic's problem and the weights that generated it. */
export interface SyntheticLogistic {
  /** n x d standard normal features, float32. */
  X: Matrix;
  /** 0/1 labels. */
  y: Uint8Array;
  /** The generating weights and intercept. */
  weights: Float64Array;
  /** The generating intercept (0.25). */
  intercept: number;
}

/**
 * A seeded binary problem: n x d standard normal features (float32) and labels drawn as
 * Bernoulli(sigmoid(X w + b)) with w_j = ±(1 + j / d) / sqrt(d) and b = 0.25, so the best
 * accuracy any model can reach is well below 1 (the labels are noisy).
 */
export function makeLogistic(n: number, d: number, seed = 0): SyntheticLogistic {
  const rng = new Xoshiro128(seed);
  const X = new Float32Array(n * d);
  fillNormal(rng, X);
  const weights = Float64Array.from({ length: d }, (_, j) => ((j % 2 ? -1 : 1) * (1 + j / d)) / Math.sqrt(d));
  const intercept = 0.25;
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let z = intercept;
    for (let j = 0; j < d; j++) z += X[i * d + j] * weights[j];
    y[i] = rng.nextFloat() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  }
  return { X: { data: X, rows: n, cols: d }, y, weights, intercept };
}
