// Plain f64 oracles: every contender hands back its parameters and the loss we report is computed
// here, the same way for all, so "loss reached" is comparable across libraries.

function log1pExp(z) {
  // log(1 + e^z), stable for any z
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/**
 * Forward pass of a dense network in f64. layers: [{ nIn, nOut, W (nOut x nIn), b }]; hidden
 * 'relu' | 'identity'. head 'sigmoid': targets Y is n x K 0/1, loss = BCE averaged over rows and
 * outputs; head 'softmax': labels, loss = cross-entropy averaged over rows. Returns
 * { loss, accuracy } (accuracy per output for sigmoid heads, per row for softmax).
 */
export function netLoss(layers, X, targets, head, hidden = 'relu') {
  const n = X.rows;
  let loss = 0, hits = 0;
  let a = new Float64Array(Math.max(...layers.map((l) => Math.max(l.nIn, l.nOut))));
  let z = new Float64Array(a.length);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < X.cols; j++) a[j] = X.data[i * X.cols + j];
    layers.forEach((L, l) => {
      for (let o = 0; o < L.nOut; o++) {
        let s = L.b[o];
        for (let j = 0; j < L.nIn; j++) s += L.W[o * L.nIn + j] * a[j];
        z[o] = l < layers.length - 1 && hidden === 'relu' ? Math.max(s, 0) : s;
      }
      [a, z] = [z, a];
    });
    const K = layers[layers.length - 1].nOut;
    if (head === 'sigmoid') {
      for (let k = 0; k < K; k++) {
        const t = targets[i * K + k];
        loss += log1pExp(a[k]) - t * a[k];
        if ((a[k] > 0 ? 1 : 0) === t) hits++;
      }
    } else {
      let m = -Infinity, best = 0;
      for (let k = 0; k < K; k++) if (a[k] > m) { m = a[k]; best = k; }
      let s = 0;
      for (let k = 0; k < K; k++) s += Math.exp(a[k] - m);
      loss += m + Math.log(s) - a[targets[i]];
      if (best === targets[i]) hits++;
    }
  }
  const K = layers[layers.length - 1].nOut;
  const per = head === 'sigmoid' ? n * K : n;
  return { loss: loss / per, accuracy: hits / per };
}

/** Sum of squares of the weights (not the biases). */
export function weightNorm2(layers) {
  let s = 0;
  for (const L of layers) for (const v of L.W) s += v * v;
  return s;
}

/**
 * Binary logistic loss and gradient in f64, summed over rows (not averaged): the contract of the
 * full-batch workloads. Returns { loss, gw: Float64Array(d), gb }.
 */
export function logisticLossGrad(X, y, w, b) {
  const { rows: n, cols: d, data } = X;
  const gw = new Float64Array(d);
  let loss = 0, gb = 0;
  for (let i = 0; i < n; i++) {
    let z = b;
    for (let j = 0; j < d; j++) z += data[i * d + j] * w[j];
    const p = 1 / (1 + Math.exp(-z));
    const err = p - y[i];
    for (let j = 0; j < d; j++) gw[j] += err * data[i * d + j];
    gb += err;
    loss += log1pExp(z) - y[i] * z;
  }
  return { loss, gw, gb };
}

/** max_j |a_j - ref_j| / max_j |ref_j|: how far a gradient is from the oracle's. */
export function relErr(a, ref) {
  let num = 0, den = 0;
  for (let j = 0; j < ref.length; j++) {
    num = Math.max(num, Math.abs(a[j] - ref[j]));
    den = Math.max(den, Math.abs(ref[j]));
  }
  return den > 0 ? num / den : num;
}
