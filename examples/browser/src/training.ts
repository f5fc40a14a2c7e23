// One training run, on the page: the data is read and prepared here (cheap next to training),
// the model trains in wasmlearn's own worker through fitAsync, and the fitted model is scored and
// drawn here. Nothing heavy runs on the page while a model trains, so it keeps answering.
import {
  LogisticRegression, MLPClassifier, SimpleImputer, StandardScaler, logLoss, parseCsv, readCsv, trainTestSplit,
  type BackendName, type EpochLog, type Label, type Matrix,
} from 'wasmlearn';
import { makeBlobs, makeCircles, makeMoons, polynomial } from './datasets.js';

export const GRID = 100;
const SHOWN_POINTS = 1500;

export type DatasetSpec =
  | { kind: 'moons' | 'circles' | 'blobs'; n: number; noise: number; seed: number }
  /** target: a header name or a 1-based column number; empty for the last column. */
  | { kind: 'csv'; file: File; target: string };

export interface ModelSpec {
  model: 'logistic' | 'mlp';
  /** logistic: lbfgs, gd, sgd; mlp: adam, sgd, lbfgs. */
  solver: string;
  maxIter: number;
  /** logistic: learningRate; mlp: learningRateInit. */
  learningRate: number;
  batchSize: number;
  /** Polynomial features of 2-D data up to this degree (1: the plain x and y). */
  degree: number;
  /** mlp: the hidden layer widths and their activation. */
  hidden: number[];
  activation: 'relu' | 'tanh' | 'logistic' | 'identity';
  /** Train every epoch instead of stopping when the loss stalls. */
  allEpochs: boolean;
  seed: number;
  /** Threads the fit computes on: 'auto' (init's count) or a number. */
  nThreads: 'auto' | number;
}

/** What the page shows of the data: up to a few thousand 2-D points, each with its class index. */
export interface DataSummary {
  rows: number;
  features: number;
  nTrain: number;
  nTest: number;
  /** x, y pairs (2-D data only) and class indices of a sample of the rows. */
  points: Float32Array | null;
  labels: Uint8Array;
  /** [xMin, xMax, yMin, yMax] of the plot, padded around the data. */
  bounds: [number, number, number, number] | null;
}

export interface TrainResult {
  epochs: number;
  fitMs: number;
  accuracy: number;
  logLoss: number;
  stopReason: string;
  /** P(the last class) on a GRID x GRID lattice over the data's bounds, row by row from the top. */
  grid: Float32Array | null;
}

export interface TrainHooks {
  onData(summary: DataSummary): void;
  onEpochEnd(log: EpochLog): void;
  signal: AbortSignal;
}

export async function train(data: DatasetSpec, spec: ModelSpec, backend: BackendName, hooks: TrainHooks): Promise<TrainResult> {
  const { X, y } = await load(data);
  const { XTrain, XTest, yTrain, yTest } = trainTestSplit(X, y, { testSize: 0.25, seed: spec.seed, stratify: true });
  const classes = [...new Set(y)].sort((a, b) => (a < b ? -1 : 1));
  hooks.onData(summary(X, y, classes, XTrain.rows, XTest.rows));

  // The imputer fills the missing cells an uploaded CSV may have; toy data has none.
  const lift = spec.degree > 1 && X.cols === 2 ? (m: Matrix) => polynomial(m, spec.degree) : (m: Matrix) => m;
  const imputer = new SimpleImputer({ strategy: 'median' });
  const scaler = new StandardScaler();
  const prepare = (m: Matrix) => scaler.transform(imputer.transform(lift(m)));
  const XFit = scaler.fitTransform(imputer.fitTransform(lift(XTrain)));
  const model = buildModel(spec, backend);
  try {
    const t0 = performance.now();
    await model.fitAsync(XFit, yTrain as never, { onEpochEnd: hooks.onEpochEnd, signal: hooks.signal });
    const fitMs = performance.now() - t0;
    const proba = (m: Matrix) => model.predictProba(prepare(m));
    const Xt = prepare(XTest);
    return {
      epochs: model.nIter, fitMs, accuracy: model.score(Xt, yTest as never), logLoss: logLoss(yTest, model.predictProba(Xt), { labels: classes }),
      stopReason: model.stopReason, grid: X.cols === 2 ? probabilityGrid(proba, bounds(X)) : null,
    };
  } finally {
    model.dispose();
  }
}

function buildModel(spec: ModelSpec, backend: BackendName): LogisticRegression | MLPClassifier {
  const { maxIter, learningRate, batchSize, seed, allEpochs, nThreads } = spec;
  const common = { maxIter, batchSize, seed, backend, nThreads, ...(allEpochs ? { nIterNoChange: maxIter, tol: 1e-12 } : {}) };
  if (spec.model === 'mlp') {
    const solver = spec.solver as 'adam' | 'sgd' | 'lbfgs';
    return new MLPClassifier({ ...common, solver, hiddenLayerSizes: spec.hidden, activation: spec.activation, learningRateInit: learningRate });
  }
  return new LogisticRegression({ ...common, solver: spec.solver as 'lbfgs' | 'gd' | 'sgd', learningRate });
}

async function load(spec: DatasetSpec): Promise<{ X: Matrix; y: Label[] }> {
  if (spec.kind === 'csv') {
    const names = parseCsv(await firstLine(spec.file), { header: true }).columns;
    const { X, y } = await readCsv(spec.file, { target: targetIndex(spec.target, names) });
    return { X, y: y! };
  }
  const make = { moons: makeMoons, circles: makeCircles, blobs: makeBlobs }[spec.kind];
  return make(spec.n, spec.noise, spec.seed);
}

/** The target column: a header name, a 1-based number, or the last column when empty. */
function targetIndex(target: string, names: string[]): number {
  const t = target.trim();
  if (t === '') return names.length - 1;
  if (names.includes(t)) return names.indexOf(t);
  const k = Number(t);
  if (Number.isInteger(k) && k >= 1 && k <= names.length) return k - 1;
  throw new Error(`no column '${t}': the columns are ${names.join(', ')} (or numbers 1 to ${names.length})`);
}

async function firstLine(file: File): Promise<string> {
  const head = await file.slice(0, 1 << 16).text();
  return head.split(/\r?\n/, 1)[0]!;
}

function summary(X: Matrix, y: Label[], classes: Label[], nTrain: number, nTest: number): DataSummary {
  const step = Math.max(1, Math.floor(X.rows / SHOWN_POINTS));
  const shown = Math.ceil(X.rows / step);
  const labels = new Uint8Array(shown);
  const points = X.cols === 2 ? new Float32Array(shown * 2) : null;
  for (let k = 0; k < shown; k++) {
    const i = k * step;
    labels[k] = classes.indexOf(y[i]!);
    if (points) points.set(X.data.subarray(2 * i, 2 * i + 2), 2 * k);
  }
  return { rows: X.rows, features: X.cols, nTrain, nTest, points, labels, bounds: X.cols === 2 ? bounds(X) : null };
}

/** The data's extent, padded by a tenth on each side. */
function bounds(X: Matrix): [number, number, number, number] {
  const b: [number, number, number, number] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < X.rows; i++) {
    const a = X.data[2 * i]!;
    const c = X.data[2 * i + 1]!;
    b[0] = Math.min(b[0], a);
    b[1] = Math.max(b[1], a);
    b[2] = Math.min(b[2], c);
    b[3] = Math.max(b[3], c);
  }
  const px = (b[1] - b[0]) / 10;
  const py = (b[3] - b[2]) / 10;
  return [b[0] - px, b[1] + px, b[2] - py, b[3] + py];
}

function probabilityGrid(proba: (X: Matrix) => Matrix, [x0, x1, y0, y1]: number[]): Float32Array {
  const data = new Float32Array(GRID * GRID * 2);
  for (let r = 0; r < GRID; r++) {
    for (let c = 0; c < GRID; c++) {
      const k = r * GRID + c;
      data[2 * k] = x0! + ((c + 0.5) / GRID) * (x1! - x0!);
      data[2 * k + 1] = y1! - ((r + 0.5) / GRID) * (y1! - y0!);
    }
  }
  const P = proba({ data, rows: GRID * GRID, cols: 2 });
  return Float32Array.from({ length: P.rows }, (_, k) => P.data[k * P.cols + P.cols - 1]!);
}
