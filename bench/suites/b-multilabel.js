// (B) multi-label: 10,000 x 256 inputs to 10 independent sigmoid outputs (a one-layer network,
// MultiLabelClassifier's model), Adam (lr 1e-3), batch 256, one epoch from W = 0, b = 0.
// Reported loss: binary cross-entropy averaged over rows and outputs after that epoch, in f64.
import { runContender, workload } from '../lib/harness.js';
import { dataB, zeroLayers } from '../lib/data.js';
import { netLoss } from '../lib/reference.js';
import { residentNet, wasmlearnBackends } from '../lib/wasmlearn.js';
import { FIT_EPOCHS, FIT_THREADS, forEachWasmlearn, measureRoofline, notApplicable, tfTraining } from '../lib/suite.js';
import { MultiLabelClassifier } from '../../dist/index.js';
import { measureComputeRoofline, notePeakFractions } from '../lib/peak.js';

const BATCH = 256, LR = 1e-3;
const ADAM = { kind: 'adam', lr: LR, beta1: 0.9, beta2: 0.999, eps: 1e-8 };

export default async function suite() {
  const { X, Y, K } = dataB();
  const d = X.cols;
  const wl = workload('B', '(B) multi-label, 10,000 x 256 -> 10 outputs: one Adam epoch (batch 256)', {
    unit: 'ms per epoch',
    lossLabel: 'training BCE (mean over rows and outputs) after one epoch from W = 0',
    shape: { n: X.rows, d, K, batch: BATCH, lr: LR },
  });
  const layers0 = zeroLayers([d, K]);
  const evalLayers = (layers) => netLoss(layers, X, Y, 'sigmoid', 'identity');
  await measureRoofline(wl, X);
  // The epoch's two products at the real sizes: forward X W^T and the weight gradient D^T X.
  await measureComputeRoofline(wl, 4 * X.rows * d * K, 'forward and weight gradient, 2 n d K each');

  const spec = { sizes: [d, K], hidden: 'identity', output: 'sigmoid', maxBatch: BATCH };
  await forEachWasmlearn(wl, (backend) => {
    let r;
    return {
      setup: () => {
        r = residentNet(backend, spec, X, Y, ADAM);
        r.reset(layers0);
        // outScale K: the loss is averaged over outputs as well as rows (MultiLabelClassifier's objective).
        return { run: () => r.epoch({ batch: BATCH, shuffle: true, alpha: 0, l2: 0, outScale: K }), teardown: () => r.free() };
      },
      evaluate: () => evalLayers(r.layers()),
    };
  });

  const { backend: best } = await wasmlearnBackends();
  let model;
  const Ym = { data: Y, rows: X.rows, cols: K };
  await runContender(wl, {
    name: `wasmlearn ${best} via fit()`, family: 'wasmlearn', backend: best, level: 'api', perRun: FIT_EPOCHS, threads: 1,
    note: `MultiLabelClassifier({ solver: "sgd", optimizer: "adam", maxIter: ${FIT_EPOCHS}, tol: 0, penalty: "none", nThreads: 1 }).fit(X, Y), per epoch: ${FIT_EPOCHS} epochs plus input checks and the copy into WASM memory; loss after the ${FIT_EPOCHS} epochs`,
    setup: () => ({
      run: () => {
        model?.dispose();
        model = new MultiLabelClassifier({ solver: 'sgd', optimizer: 'adam', learningRate: LR, batchSize: BATCH, maxIter: FIT_EPOCHS, tol: 0, penalty: 'none', seed: 1, backend: best, ...FIT_THREADS }).fit(X, Ym);
      },
      teardown: () => model?.dispose(),
    }),
    evaluate: () => {
      const W = model.coef, b = model.intercept;
      return evalLayers([{ nIn: d, nOut: K, W: W.data, b }]);
    },
  });

  await tfTraining(wl, { sizes: [d, K], hidden: 'identity', head: 'sigmoid', batch: BATCH, alpha: 0, optimizer: ADAM }, X, Y, layers0, evalLayers);
  notApplicable(wl, 'ml.js', 'ml.js', 'ml-logistic-regression has no multi-label model and no Adam');
  notePeakFractions(wl);
  return [wl];
}
