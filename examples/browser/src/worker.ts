// Trains in a Web Worker, so that the page stays responsive: the whole fit is one synchronous
// call here, and onEpochEnd posts the loss curve to the page as it grows.
import {
  init, LogisticRegression, MLPClassifier, SimpleImputer, StandardScaler, logLoss, makePipeline, parseCsv, readCsv, trainTestSplit,
  type BackendName, type Label, type Matrix,
} from 'wasmlearn';
import { makeBlobs, makeCircles, makeMoons, polynomial } from './datasets.js';
import { GRID, type DataSummary, type DatasetSpec, type EpochPoint, type FromWorker, type ModelSpec, type TrainRequest } from './protocol.js';

const SHOWN_POINTS = 1500;
/** Epoch logs are batched: one message per this many milliseconds at most. */
const POST_EVERY_MS = 40;

const post = (m: FromWorker, transfer: Transferable[] = []) => postMessage(m, { transfer });
const ready = init();
ready.then((info) => post({ type: 'ready', ...info }), (e: Error) => post({ type: 'error', message: e.message }));

onmessage = async (e: MessageEvent<TrainRequest>) => {
  const info = await ready;
  try {
    // A browser fetches only the build init() picks: a backend chosen by name is loaded on demand.
    if (e.data.backend !== 'auto' && e.data.backend !== info.backend) await init({ backend: e.data.backend });
    await train(e.data, e.data.backend === 'auto' ? info.backend : e.data.backend);
  } catch (err) {
    post({ type: 'error', message: (err as Error).message });
  }
};

async function train(req: TrainRequest, backend: BackendName): Promise<void> {
  const { X, y } = await load(req.dataset);
  const { XTrain, XTest, yTrain, yTest } = trainTestSplit(X, y, { testSize: 0.25, seed: req.model.seed, stratify: true });
  const classes = [...new Set(y)].sort((a, b) => (a < b ? -1 : 1));
  post(summary(X, y, classes, XTrain.rows, XTest.rows));

  const { degree } = req.model;
  const features = degree > 1 && X.cols === 2 ? (m: Matrix) => polynomial(m, degree) : (m: Matrix) => m;
  // The imputer fills the missing cells an uploaded CSV may have; toy data has none.
  const model = makePipeline(new SimpleImputer({ strategy: 'median' }), new StandardScaler(), buildModel(req.model, backend));
  let pending: EpochPoint[] = [];
  let epochMs = 0;
  let lastPost = performance.now();
  const flush = () => {
    if (pending.length) post({ type: 'epochs', points: pending });
    pending = [];
    lastPost = performance.now();
  };
  try {
    const t0 = performance.now();
    model.fit(features(XTrain), yTrain, {
      onEpochEnd(log) {
        const { epoch, loss, ms } = log as EpochPoint;
        pending.push({ epoch, loss, ms });
        epochMs += ms;
        if (performance.now() - lastPost > POST_EVERY_MS) flush();
      },
    });
    const fitMs = performance.now() - t0;
    flush();

    const fitted = model.model as LogisticRegression | MLPClassifier;
    const Xt = features(XTest);
    const grid = X.cols === 2 ? probabilityGrid(model.predictProba.bind(model), features, bounds(X)) : null;
    post({
      type: 'done', backend, epochs: fitted.nIter, fitMs, msPerEpoch: epochMs / Math.max(1, fitted.nIter),
      accuracy: model.score(Xt, yTest), logLoss: logLoss(yTest, model.predictProba(Xt), { labels: classes }),
      stopReason: fitted.stopReason, grid,
    }, grid ? [grid.buffer] : []);
  } finally {
    model.dispose();
  }
}

function buildModel(spec: ModelSpec, backend: BackendName): LogisticRegression | MLPClassifier {
  const { maxIter, learningRate, batchSize, seed, allEpochs } = spec;
  const common = { maxIter, batchSize, seed, backend, ...(allEpochs ? { nIterNoChange: maxIter, tol: 1e-12 } : {}) };
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
  return {
    type: 'data', rows: X.rows, features: X.cols, classes: classes.map(String), nTrain, nTest,
    points, labels, bounds: X.cols === 2 ? bounds(X) : null,
  };
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

function probabilityGrid(proba: (X: Matrix) => Matrix, features: (X: Matrix) => Matrix, [x0, x1, y0, y1]: number[]): Float32Array {
  const data = new Float32Array(GRID * GRID * 2);
  for (let r = 0; r < GRID; r++) {
    for (let c = 0; c < GRID; c++) {
      const k = r * GRID + c;
      data[2 * k] = x0! + ((c + 0.5) / GRID) * (x1! - x0!);
      data[2 * k + 1] = y1! - ((r + 0.5) / GRID) * (y1! - y0!);
    }
  }
  const P = proba(features({ data, rows: GRID * GRID, cols: 2 }));
  return Float32Array.from({ length: P.rows }, (_, k) => P.data[k * P.cols + P.cols - 1]!);
}
