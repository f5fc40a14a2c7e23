// Checking what a caller hands the layer API: types, ranges and shapes, before anything is
// allocated, each failure a WasmlearnError naming the argument and the value at fault.
import type { Dtype } from '../engine/engine.js';
import { fail } from '../core/errors.js';
import { checkMatrix, isMatrix, type CheckOptions, type Matrix, type MatrixLike } from '../core/matrix.js';
import { describe, strictOptions } from '../core/options.js';

export const DTYPES = ['float32', 'float64'] as const;

/**
 * A value as a message shows it: core's describe (BigInt, Symbol and functions never throw), but
 * numbers as JavaScript prints them (JSON would print Infinity and NaN as null).
 */
export function shown(v: unknown): string {
  return typeof v === 'number' ? (Object.is(v, -0) ? '-0' : String(v)) : describe(v);
}

/**
 * Names people bring from PyTorch, Keras or scikit-learn, and the option they mean here: too far
 * from it for the edit-distance suggestion (learningRate is not close to lr).
 */
const SYNONYMS: Readonly<Record<string, readonly string[]>> = {
  lr: ['learningRate', 'learning_rate', 'learningRateInit', 'stepSize'],
  eps: ['epsilon'],
  beta1: ['betas', 'beta_1'],
  beta2: ['beta_2'],
  from: ['fromLogits', 'from_logits', 'logits'],
  reduction: ['reduce'],
  init: ['initializer', 'kernelInitializer', 'kernel_initializer', 'weightInit'],
  batchSize: ['batch'],
  seed: ['randomState', 'random_state'],
  momentum: ['mu'],
  training: ['train', 'isTraining'],
};

/** strictOptions, suggesting a known option for a synonym too: "unknown option 'learningRate' for SGD; did you mean 'lr'?". */
export function layerOptions(owner: string, given: unknown, known: readonly string[]): Record<string, unknown> {
  if (typeof given === 'object' && given !== null) {
    for (const key of Reflect.ownKeys(given)) {
      if (typeof key !== 'string' || known.includes(key)) continue;
      const meant = known.find((k) => SYNONYMS[k]?.includes(key));
      if (meant !== undefined) fail('BAD_OPTION', `unknown option '${key}' for ${owner}; did you mean '${meant}'?`);
    }
  }
  return strictOptions(owner, given, known);
}

/** A positive finite number. */
export function positiveNumber(name: string, v: unknown): number {
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) fail('BAD_OPTION', `${name} must be a positive finite number; got ${shown(v)}`);
  return v;
}

/** A finite number >= 0. */
export function nonNegativeNumber(name: string, v: unknown): number {
  if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v)) fail('BAD_OPTION', `${name} must be a finite number >= 0; got ${shown(v)}`);
  return v;
}

export function booleanOption(name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') fail('BAD_OPTION', `${name} must be true or false; got ${shown(v)}`);
  return v;
}

export function oneOfOption<T extends string>(name: string, v: unknown, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !allowed.includes(v as T)) fail('BAD_OPTION', `${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}; got ${shown(v)}`);
  return v as T;
}

/** The typed array kinds the layer API takes as flat numbers (not DataView, not BigInt64Array). */
export function isNumberArray(v: unknown): v is ArrayLike<number> {
  return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView) && !(v instanceof BigInt64Array) && !(v instanceof BigUint64Array));
}

/** Whether values are rows (a Matrix or an array of arrays) rather than flat numbers. */
export function isRowsLike(values: unknown): values is MatrixLike {
  return isMatrix(values) || (Array.isArray(values) && values.length > 0 && typeof values[0] === 'object' && values[0] !== null);
}

/**
 * x as a checked Matrix (a Matrix input is not copied): number[][] or { data, rows, cols }, no
 * ragged rows, no NaN or Infinity, each failure naming `name` and the row and column at fault.
 */
export function matrixArg(x: unknown, name: string, opts: Omit<CheckOptions, 'name'> = {}): Matrix {
  if (typeof x !== 'object' || x === null) fail('SHAPE_MISMATCH', `${name} must be number[][] or a Matrix { data, rows, cols }; got ${shown(x)}`);
  if (!Array.isArray(x)) {
    const m = x as Partial<Matrix>;
    if (!isMatrix(m)) fail('SHAPE_MISMATCH', `${name} must be number[][] or a Matrix { data: Float32Array | Float64Array, rows, cols }`);
    if (typeof m.rows !== 'number' || typeof m.cols !== 'number') fail('SHAPE_MISMATCH', `${name} has rows ${shown(m.rows)} and cols ${shown(m.cols)}; both must be integers >= 0`);
  }
  return checkMatrix(x as MatrixLike, { ...opts, name });
}

/** The dtype a matrix argument carries: float64 for a Matrix of Float64Array, else `fallback` (number[][] has none of its own). */
export function dtypeOf(x: unknown, fallback: Dtype = 'float32'): Dtype {
  if (isMatrix(x)) return x.data instanceof Float64Array ? 'float64' : 'float32';
  return fallback;
}

/** The largest finite float32. */
const F32_MAX = 3.4028234663852886e38;

/**
 * m, refused when a value would overflow `dtype` on its way to the engine: finite in float64 but
 * beyond float32's range it would turn into Infinity there, and NaN in the results.
 */
export function fitDtype<M extends { data: ArrayLike<number>; cols: number }>(m: M, dtype: Dtype, name: string): M {
  if (dtype !== 'float32' || m.data instanceof Float32Array) return m;
  const d = m.data;
  for (let k = 0; k < d.length; k++) {
    if (d[k] > F32_MAX || d[k] < -F32_MAX) {
      const i = Math.floor(k / m.cols);
      fail('NON_FINITE_INPUT', `${name} has ${d[k]} at row ${i}, column ${k - i * m.cols}: beyond float32's range (+-3.4e38), it would become Infinity; compute in float64 instead`);
    }
  }
  return m;
}

/** Flat finite numbers (an array or typed array) as a Float64Array; each bad entry named. */
export function numbersArg(values: unknown, name: string): Float64Array {
  if (!isNumberArray(values)) fail('SHAPE_MISMATCH', `${name} must be an array or typed array of numbers; got ${shown(values)}`);
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v: unknown = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) fail('NON_FINITE_INPUT', `${name}[${i}] is ${shown(v)}; expected a finite number`);
    out[i] = v;
  }
  return out;
}

/** values as a checked rows x cols Matrix: a Matrix, number[][], or rows * cols numbers row by row. */
export function shaped(values: unknown, rows: number, cols: number, name: string): Matrix {
  if (isRowsLike(values)) {
    const m = matrixArg(values, name);
    if (m.rows !== rows || m.cols !== cols) fail('SHAPE_MISMATCH', `${name} is ${m.rows} x ${m.cols}; expected ${rows} x ${cols}`);
    return m;
  }
  const data = numbersArg(values, name);
  if (data.length !== rows * cols) fail('SHAPE_MISMATCH', `${name} has ${data.length} values; expected ${rows} x ${cols} = ${rows * cols}`);
  return { data, rows, cols };
}
