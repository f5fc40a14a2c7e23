// Training a dense network with TensorFlow.js the two ways its guides show, so that the benchmark
// can keep whichever is faster on each backend:
//  - 'optimizer.minimize': tf.variable parameters, the data pre-sliced once into batch tensors,
//    and per batch `tf.tidy(() => optimizer.minimize(loss))`;
//  - 'model.fit': a tf.sequential of dense layers, compiled with the same optimizer and loss, one
//    `await model.fit(X, Y, { batchSize, epochs: 1 })` per epoch (it shuffles and slices itself).
// Both start from the shared initial parameters, use the same optimizer settings and the same
// objective (mean binary cross-entropy over rows and outputs, or mean softmax cross-entropy over
// rows, plus scikit-learn's alpha / (2 batch) ||W||^2 when alpha > 0).
import { loadTf } from './tf.js';
import { isQuick } from './harness.js';
import { oneHot, transpose } from './data.js';

/**
 * spec: { sizes, hidden: 'relu' | 'identity', head: 'sigmoid' | 'softmax', batch, alpha,
 *         optimizer: { kind: 'sgd' | 'adam', lr, beta1?, beta2?, eps? } }
 * X: Matrix; targets: n x K 0/1 (sigmoid) or class labels (softmax); layers0: initial parameters.
 */
export async function tfNet(spec, X, targets, layers0) {
  const tf = await loadTf();
  const n = X.rows, d = X.cols, K = spec.sizes[spec.sizes.length - 1];
  const Ydata = spec.head === 'softmax' ? oneHot(targets, K) : Float32Array.from(targets);
  const Xt = tf.tensor2d(X.data, [n, d]);
  const Yt = tf.tensor2d(Ydata, [n, K]);
  const batches = [];
  for (let s = 0; s < n; s += spec.batch) {
    const c = Math.min(spec.batch, n - s);
    batches.push([Xt.slice([s, 0], [c, d]), Yt.slice([s, 0], [c, K])]);
  }
  const makeOptimizer = () => {
    const o = spec.optimizer;
    return o.kind === 'adam' ? tf.train.adam(o.lr, o.beta1 ?? 0.9, o.beta2 ?? 0.999, o.eps ?? 1e-8) : tf.train.sgd(o.lr);
  };
  const L = layers0.length;
  const l2 = spec.alpha > 0 ? (0.5 * spec.alpha) / spec.batch : 0;

  // --- optimizer.minimize over variables ---
  const vars = layers0.flatMap((layer) => [
    tf.variable(tf.tensor2d(transpose(layer.W, layer.nOut, layer.nIn), [layer.nIn, layer.nOut])),
    tf.variable(tf.tensor1d(layer.b)),
  ]);
  let minOpt = makeOptimizer();
  const forward = (xb) => {
    let a = xb;
    for (let l = 0; l < L; l++) {
      a = tf.add(tf.matMul(a, vars[2 * l]), vars[2 * l + 1]);
      if (l < L - 1 && spec.hidden === 'relu') a = tf.relu(a);
    }
    return a;
  };
  const batchLoss = (xb, yb) => {
    const logits = forward(xb);
    let loss = spec.head === 'softmax' ? tf.losses.softmaxCrossEntropy(yb, logits) : tf.losses.sigmoidCrossEntropy(yb, logits);
    if (l2 > 0) {
      for (let l = 0; l < L; l++) loss = tf.add(loss, tf.mul(l2, tf.sum(tf.square(vars[2 * l]))));
    }
    return loss;
  };
  const minimize = {
    name: 'optimizer.minimize',
    reset() {
      layers0.forEach((layer, l) => {
        vars[2 * l].assign(tf.tensor2d(transpose(layer.W, layer.nOut, layer.nIn), [layer.nIn, layer.nOut]));
        vars[2 * l + 1].assign(tf.tensor1d(layer.b));
      });
      minOpt.dispose();
      minOpt = makeOptimizer();
    },
    run() {
      for (const [xb, yb] of batches) tf.tidy(() => minOpt.minimize(() => batchLoss(xb, yb), false, vars));
    },
    layers() {
      return layers0.map((layer, l) => ({
        nIn: layer.nIn, nOut: layer.nOut,
        W: Float64Array.from(transpose(vars[2 * l].dataSync(), layer.nIn, layer.nOut)),
        b: Float64Array.from(vars[2 * l + 1].dataSync()),
      }));
    },
  };

  // --- model.fit ---
  const model = tf.sequential();
  layers0.forEach((layer, l) => {
    const last = l === L - 1;
    model.add(tf.layers.dense({
      units: layer.nOut,
      ...(l === 0 ? { inputShape: [layer.nIn] } : {}),
      activation: last ? spec.head : spec.hidden === 'relu' ? 'relu' : 'linear',
      ...(l2 > 0 ? { kernelRegularizer: tf.regularizers.l2({ l2 }) } : {}),
    }));
  });
  const fitLoss = spec.head === 'softmax' ? 'categoricalCrossentropy' : 'binaryCrossentropy';
  const fit = {
    name: 'model.fit',
    reset() {
      model.setWeights(layers0.flatMap((layer) => [
        tf.tensor2d(transpose(layer.W, layer.nOut, layer.nIn), [layer.nIn, layer.nOut]), tf.tensor1d(layer.b),
      ]));
      model.optimizer?.dispose?.();
      model.compile({ optimizer: makeOptimizer(), loss: fitLoss });
    },
    async run() {
      await model.fit(Xt, Yt, { batchSize: spec.batch, epochs: 1, shuffle: true, verbose: 0 });
    },
    layers() {
      const w = model.getWeights();
      return layers0.map((layer, l) => ({
        nIn: layer.nIn, nOut: layer.nOut,
        W: Float64Array.from(transpose(w[2 * l].dataSync(), layer.nIn, layer.nOut)),
        b: Float64Array.from(w[2 * l + 1].dataSync()),
      }));
    },
  };

  return {
    variants: [minimize, fit],
    dispose() {
      for (const [xb, yb] of batches) { xb.dispose(); yb.dispose(); }
      Xt.dispose();
      Yt.dispose();
      for (const v of vars) v.dispose();
      minOpt.dispose();
      model.dispose();
    },
  };
}

/**
 * Runs every variant for one warm-up epoch and `timedEpochs` timed ones (a quick run: one epoch,
 * no warm-up), and returns the faster reset to the initial parameters, with what was measured
 * ({ chosen, times: { name: best ms } }).
 */
export async function pickFaster(variants, timedEpochs = 2) {
  const times = {};
  if (isQuick()) timedEpochs = 1;
  for (const v of variants) {
    v.reset();
    if (!isQuick()) await v.run();
    let best = Infinity;
    for (let i = 0; i < timedEpochs; i++) {
      const t0 = performance.now();
      await v.run();
      best = Math.min(best, performance.now() - t0);
    }
    times[v.name] = best;
  }
  const chosen = variants.reduce((a, b) => (times[a.name] <= times[b.name] ? a : b));
  chosen.reset();
  return { chosen, times };
}
