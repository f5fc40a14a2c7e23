// Seeded 2-D toy datasets, after scikit-learn's make_moons, make_circles and make_blobs; two
// classes each, so that every model of the demo can take them.
import type { Matrix } from 'wasmlearn';

export interface Dataset2D {
  X: Matrix;
  y: number[];
}

/** mulberry32: a small seeded generator, plenty for toy data. */
function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(u: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** n rows, the first half of class 0: `point(t, cls)` maps a uniform t to a clean point; noise goes on top. */
function make(n: number, noise: number, seed: number, point: (t: number, cls: number) => [number, number]): Dataset2D {
  const u = uniform(seed);
  const g = gaussian(u);
  const data = new Float32Array(n * 2);
  const y = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const cls = i < n / 2 ? 0 : 1;
    const [a, b] = point(u(), cls);
    data[2 * i] = a + noise * g();
    data[2 * i + 1] = b + noise * g();
    y[i] = cls;
  }
  return { X: { data, rows: n, cols: 2 }, y };
}

/** Two interleaving half circles. */
export function makeMoons(n: number, noise: number, seed: number): Dataset2D {
  return make(n, noise, seed, (t, cls) => {
    const a = Math.PI * t;
    return cls === 0 ? [Math.cos(a), Math.sin(a)] : [1 - Math.cos(a), 0.5 - Math.sin(a)];
  });
}

/** A small circle inside a large one (radius ratio 0.5). */
export function makeCircles(n: number, noise: number, seed: number): Dataset2D {
  return make(n, noise, seed, (t, cls) => {
    const a = 2 * Math.PI * t;
    const r = cls === 0 ? 1 : 0.5;
    return [r * Math.cos(a), r * Math.sin(a)];
  });
}

/** Two Gaussian clusters; `noise` scales their spread. */
export function makeBlobs(n: number, noise: number, seed: number): Dataset2D {
  return make(n, 4 * noise, seed, (_t, cls) => (cls === 0 ? [-1, -0.5] : [1, 0.5]));
}

/**
 * [x, y] -> every monomial x^i y^j with 1 <= i + j <= degree: degree 2 adds x², xy and y², so
 * that a linear model draws conic boundaries; degree 3 bends them further.
 */
export function polynomial(X: Matrix, degree: number): Matrix {
  const powers: [number, number][] = [];
  for (let d = 1; d <= degree; d++) for (let j = 0; j <= d; j++) powers.push([d - j, j]);
  const cols = powers.length;
  const out = new Float32Array(X.rows * cols);
  for (let r = 0; r < X.rows; r++) {
    const a = X.data[2 * r]!;
    const b = X.data[2 * r + 1]!;
    powers.forEach(([i, j], c) => (out[r * cols + c] = a ** i * b ** j));
  }
  return { data: out, rows: X.rows, cols };
}
