import { describe, expect, it } from 'vitest';
import { backends } from './helpers/backends.js';
import { normals } from './helpers/random.js';
import { LogisticRegression, MLPClassifier, type Matrix } from '../src/index.js';
import type { BackendName } from '../src/engine/engine.js';

// Shapes past the small suites': a 784 -> 256 -> 10 MLP (203,530 parameters; before the weight
// mask was filled rather than spread, NetTrainer threw `RangeError: Maximum call stack size
// exceeded` on it) and a 2,000-feature, 50-class softmax (100,050). Two epochs each on every
// backend; the WASM backends' probabilities must match the JS twin's.

/** Float32 kernels summing in other orders (SIMD lanes, FMA) after two epochs: measured <= 2e-6. */
const PARITY_TOL = 1e-5;

/** n rows of d seeded normals, shifted by a per-class centre so the classes are learnable; y = i mod K. */
function classData(n: number, d: number, K: number, seed: number): { X: Matrix; y: number[] } {
  const data = normals(n * d, seed);
  const centres = normals(K * d, seed + 1);
  const y = Array.from({ length: n }, (_, i) => i % K);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) data[i * d + j] += 0.5 * centres[y[i] * d + j];
  return { X: { data, rows: n, cols: d }, y };
}

interface Fitted {
  predictions: number[];
  proba: Matrix;
  classes: number[];
}

interface Model {
  readonly classes: ArrayLike<unknown>;
  predict(X: Matrix): unknown; // labels; MLPClassifier's type also allows a multi-label Matrix
  predictProba(X: Matrix): Matrix;
  dispose(): void;
}

function outputs(m: Model, X: Matrix): Fitted {
  const labels = m.predict(X);
  if (!Array.isArray(labels)) throw new Error('a single-label model predicts an array of labels');
  const out = { predictions: labels.map(Number), proba: m.predictProba(X), classes: Array.from(m.classes, Number) };
  m.dispose();
  return out;
}

interface Shape {
  name: string;
  data: { X: Matrix; y: number[] };
  fit: (backend: BackendName, X: Matrix, y: number[]) => Fitted;
}

const shapes: Shape[] = [
  {
    name: '784 -> 256 -> 10 MLPClassifier, 400 rows',
    data: classData(400, 784, 10, 11),
    fit: (backend, X, y) => outputs(new MLPClassifier({ hiddenLayerSizes: [256], maxIter: 2, seed: 3, backend }).fit(X, y), X),
  },
  {
    name: '2,000-feature, 50-class multinomial LogisticRegression, 400 rows',
    data: classData(400, 2000, 50, 21),
    fit: (backend, X, y) => outputs(new LogisticRegression({ solver: 'sgd', maxIter: 2, backend }).fit(X, y), X),
  },
];

// Each fit runs once per backend and is shared by the tests that read it, whichever runs first.
const cache = new Map<string, Fitted>();
function fitted(shape: Shape, backend: BackendName): Fitted {
  const key = `${shape.name} on ${backend}`;
  let f = cache.get(key);
  if (!f) cache.set(key, (f = shape.fit(backend, shape.data.X, shape.data.y)));
  return f;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe.each(shapes)('$name', (shape) => {
  const { X, y } = shape.data;

  it.each(backends)('on %s: two epochs give probabilities in [0, 1], rows summing to 1, their argmax as predictions', (backend) => {
    const { predictions, proba, classes } = fitted(shape, backend);
    expect(classes).toEqual([...new Set(y)].sort((a, b) => a - b));
    expect([proba.rows, proba.cols]).toEqual([X.rows, classes.length]);
    expect(predictions).toHaveLength(X.rows);
    // NaN and Infinity fail the range check too, and are listed.
    expect(Array.from(proba.data).filter((p) => !(p >= 0 && p <= 1))).toEqual([]);
    let worstSum = 0;
    const argmax: number[] = [];
    for (let i = 0; i < proba.rows; i++) {
      const row = Array.from(proba.data.subarray(i * proba.cols, (i + 1) * proba.cols));
      worstSum = Math.max(worstSum, Math.abs(row.reduce((s, p) => s + p, 0) - 1));
      argmax.push(classes[row.indexOf(Math.max(...row))]);
    }
    expect(worstSum).toBeLessThan(1e-5);
    expect(predictions).toEqual(argmax);
    // The two epochs trained: the classes are well separated, so a working fit is near 100%.
    expect(predictions.filter((p, i) => p === y[i]).length / y.length).toBeGreaterThan(0.9);
  });

  it.each(backends.filter((b) => b !== 'js'))(`on %s: probabilities within ${PARITY_TOL} of the JS backend's, the same predictions`, (backend) => {
    const got = fitted(shape, backend), want = fitted(shape, 'js');
    expect(got.proba.data.length).toBe(want.proba.data.length);
    expect(maxAbsDiff(got.proba.data, want.proba.data)).toBeLessThan(PARITY_TOL);
    expect(got.predictions).toEqual(want.predictions);
  });
});
