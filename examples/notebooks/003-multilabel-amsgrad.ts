// Notebook 003: a 256-feature, 10-output multi-label model trained with AMSGrad. X ~ N(0, 1),
// 10,000 x 256, true weights W ~ N(0, 1) (10 x 256), labels drawn as Bernoulli(sigmoid(X W^T)).
// MultiLabelClassifier trains it in float32 WASM; the recovered weights line up with the true
// ones (correlation >= 0.99), and its final binary cross-entropy matches a plain float64 AMSGrad
// loop over the same batches (PyTorch's Adam(amsgrad=True) written out) to within 0.005.
//
//   deno run --sloppy-imports -A examples/notebooks/003-multilabel-amsgrad.ts
import { init, MultiLabelClassifier, type Matrix } from '../../src/index.js';
import { correlation, lossCurves, scatterWeights } from '../../src/plot/index.js';
import { isMain, printer, randomState, saveFigure, table, type NotebookOptions } from './notebook.js';

export const SETUP = { rows: 10_000, features: 256, outputs: 10, seed: 3, epochs: 10, learningRate: 0.05, batchSize: 256 };

export interface MultiLabelResult {
  /** Correlation of the recovered coefficients (10 x 256) with the true weights. */
  correlation: number;
  /** Mean BCE over rows and outputs on the training data, in float64, at the end of training. */
  bce: { estimator: number; plainLoop: number; difference: number };
  /** The epoch losses both logged (each batch's loss before its step, averaged over the epoch's rows and outputs). */
  epochLoss: { estimator: number[]; plainLoop: number[] };
  ms: { estimator: number; plainLoop: number };
  figures: string[];
}

export async function run(options: NotebookOptions = {}): Promise<MultiLabelResult> {
  const print = printer(options);
  await init();
  const { rows: n, features: d, outputs: k, seed, epochs, learningRate, batchSize } = SETUP;

  const rng = randomState(seed);
  const X: Matrix = { data: Float32Array.from({ length: n * d }, rng.normal), rows: n, cols: d };
  const W = Float64Array.from({ length: k * d }, rng.normal);
  const Y: Matrix = { data: new Float32Array(n * k), rows: n, cols: k };
  let ones = 0;
  for (let i = 0; i < n; i++) {
    for (let o = 0; o < k; o++) {
      let z = 0;
      for (let j = 0; j < d; j++) z += X.data[i * d + j] * W[o * d + j];
      Y.data[i * k + o] = rng.uniform() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
      ones += Y.data[i * k + o];
    }
  }
  print(`X: ${n} x ${d} ~ N(0, 1); W: ${k} x ${d} ~ N(0, 1); Y ~ Bernoulli(sigmoid(X W^T)), ${((ones / (n * k)) * 100).toFixed(1)}% ones`);

  // The estimator: mini-batches in order (shuffle off, so the plain loop can take the same ones),
  // no penalty, AMSGrad with PyTorch's defaults (betas 0.9, 0.999; eps 1e-8), zero start.
  const model = new MultiLabelClassifier({
    solver: 'sgd', optimizer: 'amsgrad', learningRate, batchSize, maxIter: epochs, tol: 0, shuffle: false, penalty: 'none',
  });
  let t0 = performance.now();
  model.fit(X, Y, { coefInit: { data: new Float64Array(k * d), rows: k, cols: d }, interceptInit: new Float64Array(k) });
  const estimatorMs = performance.now() - t0;
  const history = model.history;
  const coef = model.coef;
  const rho = correlation(W, coef.data);
  const bceEstimator = meanBce(X, Y, coef.data, model.intercept);

  t0 = performance.now();
  const loop = plainAmsgrad(X, Y, { epochs, learningRate, batchSize });
  const loopMs = performance.now() - t0;
  const bceLoop = meanBce(X, Y, loop.W, loop.b);

  print(`\nMultiLabelClassifier(solver 'sgd', optimizer 'amsgrad', lr ${learningRate}, batch ${batchSize}), ${epochs} epochs in ${estimatorMs.toFixed(0)} ms;` +
    ` the plain float64 loop in ${loopMs.toFixed(0)} ms\n`);
  print(table(['epoch', 'MultiLabelClassifier', 'plain f64 AMSGrad'], history.map((h, e) => [h.epoch, h.loss.toFixed(5), loop.epochLoss[e].toFixed(5)])));
  print(`\nfinal BCE on the training data: ${bceEstimator.toFixed(5)} (estimator) vs ${bceLoop.toFixed(5)} (plain loop), difference ${Math.abs(bceEstimator - bceLoop).toExponential(2)}`);
  print(`correlation of the recovered weights with the true ones: ${rho.toFixed(5)}`);

  const figures = [
    await saveFigure(scatterWeights(W, coef, { title: 'Multi-label AMSGrad: recovered vs true weights' }), '003-weights.svg', options),
    await saveFigure(lossCurves([
      { name: 'MultiLabelClassifier (f32 WASM)', history },
      { name: 'plain f64 loop', history: loop.epochLoss.map((loss, e) => ({ epoch: e + 1, loss })) },
    ], { title: 'Multi-label AMSGrad: mean BCE per epoch', legendTitle: 'trained by' }), '003-loss.svg', options),
  ];
  print(`figures: ${figures.join(', ')}`);
  model.dispose();
  return {
    correlation: rho,
    bce: { estimator: bceEstimator, plainLoop: bceLoop, difference: Math.abs(bceEstimator - bceLoop) },
    epochLoss: { estimator: history.map((h) => h.loss), plainLoop: loop.epochLoss },
    ms: { estimator: estimatorMs, plainLoop: loopMs },
    figures,
  };
}

/** Mean binary cross-entropy over rows and outputs of logits X W^T + b, in float64 (the stable form). */
export function meanBce(X: Matrix, Y: Matrix, W: ArrayLike<number>, b: ArrayLike<number>): number {
  const { rows: n, cols: d } = X, k = Y.cols;
  let s = 0;
  for (let i = 0; i < n; i++) {
    for (let o = 0; o < k; o++) {
      let z = b[o];
      for (let j = 0; j < d; j++) z += X.data[i * d + j] * W[o * d + j];
      s += Math.max(z, 0) - z * Y.data[i * k + o] + Math.log1p(Math.exp(-Math.abs(z)));
    }
  }
  return s / (n * k);
}

/**
 * The notebook's training loop in float64: for each batch of rows in order, the gradient of the
 * batch's mean BCE (over rows and outputs), then torch.optim.Adam(amsgrad=True)'s update.
 */
export function plainAmsgrad(X: Matrix, Y: Matrix, o: { epochs: number; learningRate: number; batchSize: number }) {
  const { rows: n, cols: d } = X, k = Y.cols, p = k * d + k;
  const beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  const theta = new Float64Array(p); // W (k x d) then b (k)
  const m = new Float64Array(p), v = new Float64Array(p), vMax = new Float64Array(p), g = new Float64Array(p);
  const epochLoss: number[] = [];
  let t = 0;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    let lossSum = 0;
    for (let start = 0; start < n; start += o.batchSize) {
      const end = Math.min(n, start + o.batchSize), scale = 1 / ((end - start) * k);
      g.fill(0);
      let loss = 0;
      for (let i = start; i < end; i++) {
        for (let c = 0; c < k; c++) {
          let z = theta[k * d + c];
          for (let j = 0; j < d; j++) z += X.data[i * d + j] * theta[c * d + j];
          const y = Y.data[i * k + c];
          loss += Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
          const r = (1 / (1 + Math.exp(-z)) - y) * scale;
          for (let j = 0; j < d; j++) g[c * d + j] += r * X.data[i * d + j];
          g[k * d + c] += r;
        }
      }
      lossSum += loss;
      t++;
      const bc1 = 1 - beta1 ** t, bc2 = 1 - beta2 ** t;
      for (let q = 0; q < p; q++) {
        m[q] = beta1 * m[q] + (1 - beta1) * g[q];
        v[q] = beta2 * v[q] + (1 - beta2) * g[q] * g[q];
        vMax[q] = Math.max(vMax[q], v[q]);
        theta[q] -= (o.learningRate / bc1) * m[q] / (Math.sqrt(vMax[q]) / Math.sqrt(bc2) + eps);
      }
    }
    epochLoss.push(lossSum / (n * k)); // each batch's loss before its step, averaged over the epoch's rows
  }
  return { W: theta.subarray(0, k * d), b: theta.subarray(k * d), epochLoss };
}

if (isMain(import.meta)) await run();
