// Full-batch passes of binary logistic regression: the summed log-loss and its gradient over every
// row at fixed weights (what L-BFGS and gradient descent call each iteration).
//   (A′) on (A)'s 90,000 x 5 data, where ml.js can take part;
//   (C)  100,000 x 256.
// Reported: the mean loss each contender computed, and how far its gradient is from an f64 oracle
// (max abs difference / max abs component), so that every row did the whole job.
import { runContender, workload } from '../lib/harness.js';
import { dataA, dataC, normal } from '../lib/data.js';
import { logisticLossGrad, relErr } from '../lib/reference.js';
import { residentLogistic, wasmlearnBackends } from '../lib/wasmlearn.js';
import { allocMatrix, LogisticRegression } from '../../dist/index.js';
import { FIT_EPOCHS, FIT_THREADS, forEachWasmlearn, measureRoofline, notApplicable } from '../lib/suite.js';
import { TF_BACKENDS, loadTf, tfLabel, useTfBackend } from '../lib/tf.js';
import { pickFaster } from '../lib/tfnet.js';

/** The fixed weights of the pass: w ~ N(0, 0.25 / d), b = 0.1. */
export function weightsFor(d) {
  const w = normal(d, 9).map((v) => (0.5 * v) / Math.sqrt(d));
  return { w, b: 0.1 };
}

async function pass(id, title, { X, y }) {
  const n = X.rows, d = X.cols;
  const wl = workload(id, title, {
    unit: 'ms per pass',
    lossLabel: 'mean log-loss it computed; gradient error vs f64 oracle',
    shape: { n, d },
  });
  const { w, b } = weightsFor(d);
  const oracle = logisticLossGrad(X, y, w, b);
  const refGrad = Float64Array.from([...oracle.gw, oracle.gb]);
  await measureRoofline(wl, X);

  await forEachWasmlearn(wl, (backend) => {
    let r, grad;
    return {
      setup: () => {
        r = residentLogistic(backend, X, y);
        r.reset(w, b);
        grad = r.engine.f64(r.rows.stride + 1);
        return { run: () => r.lossGrad(grad), teardown: () => { r.engine.free(grad); r.free(); } };
      },
      evaluate: (_s, loss) => {
        const g = grad.view();
        return { loss: loss / n, check: relErr([...g.subarray(0, d), g[r.rows.stride]], refGrad) };
      },
    };
  });

  await fitPasses(wl, X, y);
  await tfPass(wl, X, y, w, b, refGrad);
  await mlPass(wl, X, y);
  return wl;
}

/**
 * The public API: gradient descent ('gd') for FIT_EPOCHS iterations from w = 0, reported per
 * iteration. Each iteration is one pass, plus one at the start for the first step's gradient.
 */
async function fitPasses(wl, X, y) {
  const { backend: best } = await wasmlearnBackends();
  const make = () => new LogisticRegression({ solver: 'gd', maxIter: FIT_EPOCHS, tol: 0, learningRate: 0.5, penalty: 'none', backend: best, ...FIT_THREADS });
  const evaluate = () => ({ loss: logisticLossGrad(X, y, model.coef.data, model.intercept[0]).loss / X.rows });
  let model;
  await runContender(wl, {
    name: `wasmlearn ${best} via fit()`, family: 'wasmlearn', backend: best, level: 'api', perRun: FIT_EPOCHS, threads: 1,
    note: `LogisticRegression({ solver: "gd", maxIter: ${FIT_EPOCHS}, tol: 0, penalty: "none", nThreads: 1 }).fit(X, y), per iteration: ${FIT_EPOCHS + 1} passes (one for the first step) plus input checks, label encoding and the copy into WASM memory; mean log-loss after the ${FIT_EPOCHS} steps`,
    setup: () => ({
      run: () => {
        model?.dispose();
        model = make().fit(X, y);
      },
      teardown: () => model?.dispose(),
    }),
    evaluate,
  });
  // The same fit on X already in engine memory (allocMatrix, filled once outside the timing): no copy in.
  let resident;
  await runContender(wl, {
    name: `wasmlearn ${best} via fit() on allocMatrix`, family: 'wasmlearn', backend: best, level: 'api-resident', perRun: FIT_EPOCHS, threads: 1,
    note: `the same fit on X in an allocMatrix(${X.rows}, ${X.cols}) of its engine: read in place (${X.cols % 4 === 0 ? 'only checked for NaN and Infinity' : 'padded in engine memory'}), not copied in`,
    setup: () => {
      resident = allocMatrix(X.rows, X.cols, { backend: best });
      resident.data.set(X.data);
      return {
        run: () => {
          model?.dispose();
          model = make().fit(resident, y);
        },
        teardown: () => {
          model?.dispose();
          resident.dispose();
        },
      };
    },
    evaluate,
  });
}

/**
 * TensorFlow.js: the pass written the way its guides show (tf.variableGrads of the loss, in
 * tf.tidy) and the same pass with the gradient written out (X^T (sigmoid(Xw + b) - y), two
 * matMuls); the faster is kept. Both read the loss and gradient back, as an optimizer would.
 */
async function tfPass(wl, X, y, w, b, refGrad) {
  let tf;
  try {
    tf = await loadTf();
  } catch (e) {
    for (const be of TF_BACKENDS) notApplicable(wl, tfLabel(be), 'tfjs', `could not load @tensorflow/tfjs: ${e.message}`);
    return;
  }
  const n = X.rows, d = X.cols;
  for (const backend of TF_BACKENDS) {
    let tensors = [], picked, out = null;
    await runContender(wl, {
      name: tfLabel(backend), family: 'tfjs', backend,
      setup: async () => {
        await useTfBackend(backend);
        const Xt = tf.tensor2d(X.data, [n, d]), Yt = tf.tensor2d(y, [n, 1]);
        const wv = tf.variable(tf.tensor2d(w, [d, 1])), bv = tf.variable(tf.scalar(b));
        tensors = [Xt, Yt, wv, bv];
        const SUM = tf.Reduction.SUM;
        const read = (loss, gw, gb) => {
          out = { loss: loss.dataSync()[0], gw: gw.dataSync(), gb: gb.dataSync()[0] };
          return out.loss;
        };
        const autodiff = {
          name: 'tf.variableGrads',
          reset() {},
          run: () => tf.tidy(() => {
            const { value, grads } = tf.variableGrads(() => tf.losses.sigmoidCrossEntropy(Yt, tf.add(tf.matMul(Xt, wv), bv), undefined, undefined, SUM), [wv, bv]);
            read(value, grads[wv.name], grads[bv.name]);
          }),
        };
        const closed = {
          name: 'explicit gradient',
          reset() {},
          run: () => tf.tidy(() => {
            const z = tf.add(tf.matMul(Xt, wv), bv);
            const err = tf.sub(tf.sigmoid(z), Yt);
            read(tf.losses.sigmoidCrossEntropy(Yt, z, undefined, undefined, SUM), tf.matMul(Xt, err, true, false), tf.sum(err));
          }),
        };
        picked = await pickFaster([autodiff, closed], 1);
        return {
          run: () => picked.chosen.run(),
          info: () => ({ variant: picked.chosen.name, variantTimes: picked.times }),
          teardown: () => { for (const t of tensors) t.dispose(); },
        };
      },
      evaluate: () => ({ loss: out.loss / n, check: relErr([...out.gw, out.gb], refGrad) }),
    });
  }
}

/**
 * ml.js (ml-logistic-regression 2): its two-class trainer is full-batch gradient ascent from
 * w = 0 without an intercept; `train` with numSteps: 1 is one pass (X w, sigmoid, X^T (y - p),
 * update) and computes no loss. Checked against the oracle's gradient at w = 0 (features only).
 */
async function mlPass(wl, X, y) {
  let ml, Matrix;
  try {
    ({ default: ml } = await import('ml-logistic-regression'));
    ({ Matrix } = await import('ml-matrix'));
  } catch (e) {
    notApplicable(wl, 'ml.js', 'ml.js', `could not load ml-logistic-regression: ${e.message}`);
    return;
  }
  // The package exports only the one-vs-all wrapper, which fits one model per class (two for a
  // binary problem); its two-class trainer is reached through a fitted wrapper.
  const probe = new ml({ numSteps: 1 });
  probe.train(new Matrix([[0], [1]]), Matrix.columnVector([0, 1]));
  const TwoClasses = probe.classifiers[0].constructor;
  const n = X.rows, d = X.cols;
  const ref0 = logisticLossGrad(X, y, new Float64Array(d), 0).gw;
  let model, Xm, Ym;
  await runContender(wl, {
    name: 'ml.js', family: 'ml.js',
    note: 'ml-logistic-regression: one full-batch gradient step (no intercept, no loss computed), X kept as an ml-matrix Matrix',
    setup: () => {
      Xm = Matrix.from1DArray(n, d, X.data);
      Ym = Matrix.columnVector(Array.from(y));
      return {
        run: () => {
          model = new TwoClasses({ numSteps: 1, learningRate: 1 });
          model.train(Xm, Ym);
        },
      };
    },
    evaluate: () => ({ check: relErr(Array.from(model.weights.to1DArray(), (v) => -v), ref0) }),
  });
}

export default async function suite() {
  return [
    await pass('A′', '(A′) binary logistic regression, 90,000 x 5: one full-batch loss-and-gradient pass', dataA()),
    await pass('C', '(C) binary logistic regression, 100,000 x 256: one full-batch loss-and-gradient pass', dataC()),
  ];
}
