// Plain f64 references the kernel and model suites check against, in either dtype.
import type { Dtype } from '../../src/engine/engine.js';
import type { Matrix } from '../../src/index.js';
import { normals, uniforms } from './random.js';

/** The f64 oracle: the logistic loss and its gradient ([w..., b]), written plainly. */
export function logisticOracle(X: Float64Array, y: Float64Array, sw: Float64Array | null, n: number, d: number, w: Float64Array, b: number) {
  let loss = 0;
  const grad = new Float64Array(d + 1);
  for (let i = 0; i < n; i++) {
    let z = b;
    for (let j = 0; j < d; j++) z += X[i * d + j] * w[j];
    const p = 1 / (1 + Math.exp(-z));
    const s = sw ? sw[i] : 1;
    loss += s * (y[i] === 1 ? -Math.log(p) : -Math.log(1 - p));
    for (let j = 0; j < d; j++) grad[j] += s * (p - y[i]) * X[i * d + j];
    grad[d] += s * (p - y[i]);
  }
  return { loss, grad };
}

/** `v` as the engine stores it in `dtype`: rounded to float32, or as is. */
export function roundTo(dtype: Dtype): (v: number) => number {
  return dtype === 'float32' ? Math.fround : (v) => v;
}

/**
 * Seeded random data for a logistic model of n rows of d features: X ~ N(0, 1), weights w and
 * intercept b, labels drawn from the model, sample weights sw in [0.5, 1.5). Every value is
 * already what the engine stores in `dtype` (rounded to float32 for 'float32').
 */
export function logisticProblem(n: number, d: number, seed: number, dtype: Dtype) {
  const round = roundTo(dtype);
  const X = normals(n * d, seed).map(round);
  const w = normals(d, seed + 1).map((v) => round(v * 0.5));
  const b = round(0.3);
  const u = uniforms(n, seed + 2);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let z = b;
    for (let j = 0; j < d; j++) z += X[i * d + j] * w[j];
    y[i] = u[i] < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  }
  const sw = uniforms(n, seed + 3).map((v) => round(0.5 + v));
  return { X, y, w, b, sw };
}

/** What gradientError needs of a model: the GradCheckable interface, and dispose. */
export interface Checkable {
  getParameters(): Float64Array;
  setParameters(v: ArrayLike<number>): void;
  lossAndGradient(X: Matrix, y: never): { loss: number; gradient: Float64Array };
  dispose(): void;
}

/**
 * Relative error of a model's analytic gradient against five-point finite differences (step h) of
 * its own loss, at about 25 of its parameters; the fitted parameters are restored afterwards.
 * (ReLU is checked at the kernel and layer level: a finite step here would cross its kinks.)
 */
export function gradientError(model: Checkable, X: Matrix, y: unknown, h: number): number {
  // Away from the fitted optimum, so the gradient is large and the check is sharp.
  const fitted = model.getParameters();
  const p0 = fitted.map((v, i) => v + (i % 3 === 0 ? 0.25 : -0.15));
  model.setParameters(p0);
  const { gradient } = model.lossAndGradient(X, y as never);
  const gMax = Math.max(...Array.from(gradient, Math.abs));
  let worst = 0;
  for (let k = 0; k < p0.length; k += Math.max(1, Math.floor(p0.length / 25))) {
    const at = (v: number) => {
      const p = Float64Array.from(p0);
      p[k] = v;
      model.setParameters(p);
      return model.lossAndGradient(X, y as never).loss;
    };
    const fd = (-at(p0[k] + 2 * h) + 8 * at(p0[k] + h) - 8 * at(p0[k] - h) + at(p0[k] - 2 * h)) / (12 * h);
    worst = Math.max(worst, Math.abs(fd - gradient[k]) / gMax);
  }
  model.setParameters(fitted);
  return worst;
}
