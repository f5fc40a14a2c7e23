// (A) binary logistic regression, 90,000 x 5, mini-batch SGD (lr 0.1, batch 256), one epoch from
// w = 0, b = 0. Reported loss: mean training log-loss after that first epoch, computed in f64 from
// each contender's weights.
import { runContender, workload } from '../lib/harness.js';
import { dataA, zeroLayers } from '../lib/data.js';
import { netLoss } from '../lib/reference.js';
import { residentLogistic, wasmlearnBackends } from '../lib/wasmlearn.js';
import { FIT_EPOCHS, FIT_THREADS, forEachWasmlearn, measureRoofline, notApplicable, tfTraining } from '../lib/suite.js';
import { LogisticRegression } from '../../dist/index.js';

export const BATCH = 256, LR = 0.1;

export default async function suite() {
  const { X, y } = dataA();
  const wl = workload('A', '(A) binary logistic regression, 90,000 x 5: one mini-batch SGD epoch (batch 256)', {
    unit: 'ms per epoch',
    lossLabel: 'training log-loss after one epoch from w = 0',
    shape: { n: X.rows, d: X.cols, batch: BATCH, lr: LR },
  });
  const evalLayers = (layers) => netLoss(layers, X, y, 'sigmoid', 'identity');
  await measureRoofline(wl, X);

  await forEachWasmlearn(wl, (backend) => {
    let r;
    return {
      setup: () => {
        r = residentLogistic(backend, X, y);
        r.reset(new Float32Array(X.cols), 0);
        return { run: () => r.epoch({ batch: BATCH, lr: LR, l2: 0, fitIntercept: true, shuffle: true }), teardown: () => r.free() };
      },
      evaluate: () => evalLayers(r.layers()),
    };
  });

  // The public API a user calls: includes validating X, copying it into WASM memory and freeing it.
  const { backend: best } = await wasmlearnBackends();
  let model;
  await runContender(wl, {
    name: `wasmlearn ${best} via fit()`, family: 'wasmlearn', backend: best, level: 'api', perRun: FIT_EPOCHS, threads: 1,
    note: `LogisticRegression({ solver: "sgd", maxIter: ${FIT_EPOCHS}, tol: 0, penalty: "none", nThreads: 1 }).fit(X, y), per epoch: ${FIT_EPOCHS} epochs plus input checks, label encoding and the copy into WASM memory; loss after the ${FIT_EPOCHS} epochs`,
    setup: () => {
      const make = () => new LogisticRegression({ solver: 'sgd', maxIter: FIT_EPOCHS, tol: 0, batchSize: BATCH, learningRate: LR, penalty: 'none', seed: 1, backend: best, ...FIT_THREADS });
      return {
        run: () => {
          model?.dispose();
          model = make().fit(X, y);
        },
        teardown: () => model?.dispose(),
      };
    },
    evaluate: () => evalLayers([{ nIn: X.cols, nOut: 1, W: model.coef.data, b: model.intercept }]),
  });

  await tfTraining(wl, { sizes: [X.cols, 1], hidden: 'identity', head: 'sigmoid', batch: BATCH, alpha: 0, optimizer: { kind: 'sgd', lr: LR } },
    X, y, zeroLayers([X.cols, 1]), evalLayers);

  notApplicable(wl, 'ml.js', 'ml.js', 'ml-logistic-regression has no mini-batch training: train() runs full-batch gradient steps from w = 0 each call (see (A′) for its full-batch pass on this data)');
  return [wl];
}
