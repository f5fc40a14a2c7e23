// (E) time to fit LogisticRegression with L-BFGS to convergence (C = 1, tol 1e-4, maxIter 1000),
// through the public API (fit includes the input checks and the copy into WASM memory):
//   breast cancer (699 x 9, binary), the 100,000 x 5 synthetic set (binary), and letter
//   recognition (16,000 x 16, 26 classes, multinomial).
// Reported: the objective reached (mean log-loss + ||W||^2 / (2 C n), scikit-learn's minimizer),
// the iterations, whether it converged, and the training accuracy.
import { isQuick, workload } from '../lib/harness.js';
import { dataBreastCancer, dataE5, dataLetters } from '../lib/data.js';
import { netLoss, weightNorm2 } from '../lib/reference.js';
import { FIT_THREADS, forEachWasmlearn, measureRoofline, notApplicable } from '../lib/suite.js';
import { LogisticRegression } from '../../dist/index.js';

export const LBFGS = { solver: 'lbfgs', C: 1, tol: 1e-4, maxIter: 1000 };

/** A quick (smoke) run stops every fit after 20 iterations: its (E) figures mean nothing. */
export const options = () => (isQuick() ? { ...LBFGS, maxIter: 20 } : LBFGS);

async function fitTime(id, title, data) {
  if (!data.X) return workload(id, title, { skipped: data.skipped });
  const { X } = data;
  const multiclass = data.K > 1;
  const targets = multiclass ? data.labels : data.y;
  const y = Array.from(targets);
  const wl = workload(id, title, {
    unit: 'ms per fit',
    lossLabel: 'objective reached (mean log-loss + ‖W‖² / (2Cn)), training accuracy, iterations',
    shape: { n: X.rows, d: X.cols, classes: multiclass ? data.K : 2, ...options() },
  });
  await measureRoofline(wl, X);
  await forEachWasmlearn(wl, (backend) => {
    let model = null;
    return {
      setup: () => ({
        run: () => {
          model?.dispose();
          model = new LogisticRegression({ ...options(), backend, ...FIT_THREADS }).fit(X, y);
        },
        teardown: () => model?.dispose(),
      }),
      evaluate: () => {
        const W = model.coef, b = model.intercept;
        const layers = [{ nIn: X.cols, nOut: W.rows, W: W.data, b }];
        const { loss, accuracy } = netLoss(layers, X, targets, multiclass ? 'softmax' : 'sigmoid', 'identity');
        return {
          loss: loss + weightNorm2(layers) / (2 * LBFGS.C * X.rows),
          accuracy, nIter: model.nIter, converged: model.converged ?? null,
        };
      },
    };
  });
  notApplicable(wl, 'tfjs cpu', 'tfjs', 'TensorFlow.js has no L-BFGS (tf.train offers sgd, momentum, adagrad, adadelta, adam, adamax, rmsprop)');
  notApplicable(wl, 'tfjs wasm', 'tfjs', 'TensorFlow.js has no L-BFGS');
  notApplicable(wl, 'ml.js', 'ml.js', 'ml-logistic-regression has no L-BFGS and no convergence test: a fixed number of fixed-step gradient steps');
  return wl;
}

const missing = (name) => ({ skipped: `${name} not found: put the reference data in ../shared/data or set WASMLEARN_DATA_DIR` });

export default async function suite() {
  const bc = await dataBreastCancer();
  const letters = await dataLetters();
  return [
    await fitTime('E1', '(E1) L-BFGS to convergence: breast cancer, 699 x 9, binary', bc ?? missing('breast-cancer-wisconsin.data')),
    await fitTime('E2', '(E2) L-BFGS to convergence: synthetic, 100,000 x 5, binary', dataE5()),
    await fitTime('E3', '(E3) L-BFGS to convergence: letter recognition, 16,000 x 16, 26 classes', letters ?? missing('letter-recognition.data')),
  ];
}
