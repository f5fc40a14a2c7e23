// The benchmark's datasets, built the same way in every process (seeded), so every contender of a
// workload trains on exactly the same numbers. Also used by export-data.js for bench/sklearn.py.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { makeLogistic } from '../../dist/data/synthetic.js';
import { readCsv } from '../../dist/data/csv.js';
import { Xoshiro128, fillNormal } from '../../dist/core/rng.js';

// The datasets the package ships, unless WASMLEARN_DATA_DIR points elsewhere.
export const dataDir = process.env.WASMLEARN_DATA_DIR ?? fileURLToPath(new URL('../../datasets/', import.meta.url));

export function dataFile(name) {
  const file = `${dataDir.replace(/\/$/, '')}/${name}`;
  return existsSync(file) ? file : null;
}

/** A binary problem: { X: Matrix (float32, row-major), y: Float32Array of 0/1 }. */
export function logistic(n, d, seed) {
  const { X, y } = makeLogistic(n, d, seed);
  return { X, y: Float32Array.from(y), K: 1 };
}

/** (A) and (A'): 90,000 x 5. */
export const dataA = () => logistic(90_000, 5, 1);
/** (C): 100,000 x 256. */
export const dataC = () => logistic(100_000, 256, 2);

/**
 * (B): 10,000 x 256 standard normal inputs and 10 labels per row drawn from a planted model,
 * Y[i,k] ~ Bernoulli(sigmoid(x_i . v_k)) with v_k ~ N(0, 1/d): learnable, so the loss after an
 * epoch says something. Y is n x K row-major 0/1.
 */
export function dataB() {
  const n = 10_000, d = 256, K = 10;
  const X = new Float32Array(n * d);
  fillNormal(new Xoshiro128(3), X);
  const V = new Float64Array(K * d);
  fillNormal(new Xoshiro128(4), V);
  const rng = new Xoshiro128(5);
  const Y = new Float32Array(n * K);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < K; k++) {
      let z = 0;
      for (let j = 0; j < d; j++) z += X[i * d + j] * V[k * d + j];
      z /= Math.sqrt(d);
      Y[i * K + k] = rng.nextFloat() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
    }
  }
  return { X: { data: X, rows: n, cols: d }, Y, K };
}

/** (D): optdigits.tra, 3,823 x 64 features scaled to [0, 1], 10 classes. Null when absent. */
export async function dataD() {
  const file = dataFile('optdigits.tra');
  if (!file) return null;
  const { X, y } = await readCsv(file, { header: false, target: 64 });
  const data = Float32Array.from(X.data, (v) => v / 16);
  return { X: { data, rows: X.rows, cols: X.cols }, labels: Uint32Array.from(y, Number), K: 10, file };
}

/** (E) breast cancer: drop the id, '?' -> the column's median, y = (class == 4). */
export async function dataBreastCancer() {
  const file = dataFile('breast-cancer-wisconsin.data');
  if (!file) return null;
  const { X, y } = await readCsv(file, { header: false, target: 10, columns: [1, 2, 3, 4, 5, 6, 7, 8, 9], missing: ['?'] });
  const { rows, cols } = X;
  const data = Float32Array.from(X.data);
  for (let j = 0; j < cols; j++) {
    const known = [];
    for (let i = 0; i < rows; i++) if (!Number.isNaN(data[i * cols + j])) known.push(data[i * cols + j]);
    known.sort((a, b) => a - b);
    const m = known.length % 2 ? known[(known.length - 1) / 2] : (known[known.length / 2 - 1] + known[known.length / 2]) / 2;
    for (let i = 0; i < rows; i++) if (Number.isNaN(data[i * cols + j])) data[i * cols + j] = m;
  }
  return { X: { data, rows, cols }, y: Float32Array.from(y, (c) => (Number(c) === 4 ? 1 : 0)), K: 1, file };
}

/** (E) letter recognition: the first 16,000 rows, 16 features, 26 classes (A..Z -> 0..25). */
export async function dataLetters() {
  const file = dataFile('letter-recognition.data');
  if (!file) return null;
  const { X, y } = await readCsv(file, { header: false, target: 0 });
  const n = 16_000, d = X.cols;
  const data = Float32Array.from(X.data.subarray(0, n * d));
  const labels = Uint32Array.from(y.slice(0, n), (c) => String(c).charCodeAt(0) - 65);
  return { X: { data, rows: n, cols: d }, labels, K: 26, file };
}

/** (E) synthetic: 100,000 x 5. */
export const dataE5 = () => logistic(100_000, 5, 5);

/** Standard normal float32 array of n values. */
export function normal(n, seed) {
  const out = new Float32Array(n);
  fillNormal(new Xoshiro128(seed), out);
  return out;
}

/**
 * scikit-learn's MLP initialization (Glorot uniform, bound sqrt(6 / (fan_in + fan_out))), seeded:
 * layers as { W: nOut x nIn row-major, b: nOut } in float32, shared by every contender of (D).
 */
export function glorotLayers(sizes, seed) {
  const rng = new Xoshiro128(seed);
  const layers = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const nIn = sizes[l], nOut = sizes[l + 1];
    const bound = Math.sqrt(6 / (nIn + nOut));
    const W = Float32Array.from({ length: nOut * nIn }, () => (2 * rng.nextFloat() - 1) * bound);
    const b = Float32Array.from({ length: nOut }, () => (2 * rng.nextFloat() - 1) * bound);
    layers.push({ nIn, nOut, W, b });
  }
  return layers;
}

/** All-zero layers (the linear models start at w = 0, b = 0, as scikit-learn's do). */
export function zeroLayers(sizes) {
  const layers = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    layers.push({ nIn: sizes[l], nOut: sizes[l + 1], W: new Float32Array(sizes[l] * sizes[l + 1]), b: new Float32Array(sizes[l + 1]) });
  }
  return layers;
}

/** Row-major nOut x nIn -> nIn x nOut (a tfjs Dense kernel). */
export function transpose(W, nOut, nIn) {
  const T = new Float32Array(nIn * nOut);
  for (let o = 0; o < nOut; o++) for (let j = 0; j < nIn; j++) T[j * nOut + o] = W[o * nIn + j];
  return T;
}

/** Class indices -> n x K one-hot float32. */
export function oneHot(labels, K) {
  const out = new Float32Array(labels.length * K);
  for (let i = 0; i < labels.length; i++) out[i * K + labels[i]] = 1;
  return out;
}

/**
 * (E4), the threads dimension's L-BFGS fit: 100,000 x 256 made as (C) is (its own seed), then
 * column j scaled by 10^(2 j / (d - 1) - 1), 0.1 to 10, after the labels were drawn: standard
 * normal columns make L-BFGS converge (and its float32 line search give up) in 8 iterations; these
 * keep it going past 50, so a fit of maxIter 50 at tol 0 is a fixed amount of work.
 */
export function dataE4() {
  const { X, y, K } = logistic(100_000, 256, 6);
  const { rows: n, cols: d, data } = X;
  const scale = Float32Array.from({ length: d }, (_, j) => 10 ** ((2 * j) / (d - 1) - 1));
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) data[i * d + j] *= scale[j];
  return { X, y, K };
}
