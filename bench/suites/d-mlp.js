// (D) MLPClassifier 64-64-10 (ReLU, softmax) on optdigits (3,823 x 64, features / 16), Adam
// (lr 1e-3), batch 200, scikit-learn's L2 alpha = 1e-4, one epoch from the same Glorot-uniform
// initial parameters. Reported loss: training cross-entropy after that epoch, in f64.
import { runContender, workload } from '../lib/harness.js';
import { dataD, glorotLayers } from '../lib/data.js';
import { netLoss } from '../lib/reference.js';
import { residentNet, wasmlearnBackends } from '../lib/wasmlearn.js';
import { FIT_EPOCHS, FIT_THREADS, forEachWasmlearn, measureRoofline, notApplicable, tfTraining } from '../lib/suite.js';
import { MLPClassifier } from '../../dist/index.js';
import { measureComputeRoofline, notePeakFractions } from '../lib/peak.js';

const BATCH = 200, LR = 1e-3, ALPHA = 1e-4;
const ADAM = { kind: 'adam', lr: LR, beta1: 0.9, beta2: 0.999, eps: 1e-8 };

export default async function suite() {
  const data = await dataD();
  const title = '(D) MLPClassifier 64-64-10 on optdigits (3,823 x 64): one Adam epoch (batch 200)';
  if (!data) {
    const wl = workload('D', title, { skipped: 'optdigits.tra not found: put the reference data in ../shared/data or set WASMLEARN_DATA_DIR' });
    return [wl];
  }
  const { X, labels, K } = data;
  const d = X.cols, sizes = [d, 64, K];
  const wl = workload('D', title, {
    unit: 'ms per epoch',
    lossLabel: 'training cross-entropy after one epoch from the shared Glorot init',
    shape: { n: X.rows, sizes, batch: BATCH, lr: LR, alpha: ALPHA },
  });
  const layers0 = glorotLayers(sizes, 0);
  const evalLayers = (layers) => netLoss(layers, X, labels, 'softmax', 'relu');
  await measureRoofline(wl, X);
  // Per row: both layers forward and their weight gradients (2 x 2 (64 x 64 + 64 x 10)), the gradient passed down (2 x 10 x 64).
  const macs = sizes.slice(1).reduce((s, nOut, l) => s + sizes[l] * nOut, 0);
  await measureComputeRoofline(wl, X.rows * (4 * macs + 2 * K * sizes[1]), 'forward, weight gradients and the hidden layer\'s delta at the real sizes');

  const spec = { sizes, hidden: 'relu', output: 'softmax', maxBatch: BATCH };
  await forEachWasmlearn(wl, (backend) => {
    let r;
    return {
      setup: () => {
        r = residentNet(backend, spec, X, labels, ADAM);
        r.reset(layers0);
        // alpha: scikit-learn's per-batch (alpha / rows) W added to the weights' gradient.
        return { run: () => r.epoch({ batch: BATCH, shuffle: true, alpha: ALPHA, l2: 0, outScale: 1 }), teardown: () => r.free() };
      },
      evaluate: () => evalLayers(r.layers()),
    };
  });

  const { backend: best } = await wasmlearnBackends();
  let model;
  const y = Array.from(labels);
  await runContender(wl, {
    name: `wasmlearn ${best} via fit()`, family: 'wasmlearn', backend: best, level: 'api', perRun: FIT_EPOCHS, threads: 1,
    note: `MLPClassifier({ hiddenLayerSizes: [64], maxIter: ${FIT_EPOCHS}, tol: 0, nThreads: 1 }).fit(X, y), per epoch: ${FIT_EPOCHS} epochs from its own seeded Glorot init, plus input checks, label encoding and the copy into WASM memory; loss after the ${FIT_EPOCHS} epochs`,
    setup: () => ({
      run: () => {
        model?.dispose();
        model = new MLPClassifier({ hiddenLayerSizes: [64], activation: 'relu', solver: 'adam', alpha: ALPHA, batchSize: BATCH, learningRateInit: LR, maxIter: FIT_EPOCHS, tol: 0, seed: 0, backend: best, ...FIT_THREADS }).fit(X, y);
      },
      teardown: () => model?.dispose(),
    }),
    evaluate: () => {
      const layers = model.coefs.map((W, l) => ({ nIn: W.cols, nOut: W.rows, W: W.data, b: model.intercepts[l] }));
      return evalLayers(layers);
    },
  });

  await tfTraining(wl, { sizes, hidden: 'relu', head: 'softmax', batch: BATCH, alpha: ALPHA, optimizer: ADAM }, X, labels, layers0, evalLayers);
  notApplicable(wl, 'ml.js', 'ml.js', 'ml.js has no trainable multi-layer perceptron with Adam in ml-logistic-regression');
  notePeakFractions(wl);
  return [wl];
}
