// The softmax cross-entropy head over many rows: its loss (summed with one log per 16 rows when
// there are no sample weights) and gradient against an f64 oracle, on every backend and dtype.
import { describe, expect, it } from 'vitest';
import { engines } from './helpers/backends.js';
import { floatsOf } from './helpers/buffers.js';
import { normals } from './helpers/random.js';

function oracle(Z: Float64Array, ld: number, m: number, K: number, labels: number[], sw: number[] | null) {
  let loss = 0;
  const D = new Float64Array(m * ld);
  for (let i = 0; i < m; i++) {
    const row = Array.from(Z.subarray(i * ld, i * ld + K));
    const mx = Math.max(...row);
    const e = row.map((v) => Math.exp(v - mx));
    const s = e.reduce((a, b) => a + b, 0);
    const w = sw ? sw[i] : 1;
    loss += w * (Math.log(s) + mx - row[labels[i]]);
    for (let k = 0; k < K; k++) D[i * ld + k] = w * (e[k] / s - (k === labels[i] ? 1 : 0));
  }
  return { loss, D };
}

describe.each(engines)('softmaxCeRows on %s', (_name, engine) => {
  for (const dtype of ['float32', 'float64'] as const) {
    it.each([
      [2, 1000, false], [26, 1000, false], [26, 1003, true], [7, 37, false], [26, 16, false],
    ] as const)(`${dtype}: K = %i, m = %i rows, sample weights %s`, (K, m, weighted) => {
      const ld = (K + 3) & ~3;
      // Logits of every scale: rows near uniform (sums near K) and rows dominated by one class.
      const Z = Float64Array.from(normals(m * ld, K + m), (v, k) => (Math.floor(k / ld) % 5 === 0 ? v * 0.01 : v * 6));
      const rounded = dtype === 'float32' ? Float64Array.from(Float32Array.from(Z)) : Z;
      const labels = Array.from({ length: m }, (_, i) => (i * 11) % K);
      const sw = weighted ? Array.from({ length: m }, (_, i) => 0.25 + (i % 7) / 3) : null;
      const lab = engine.u32(m);
      lab.view().set(labels);
      const D = floatsOf(engine, dtype, new Float64Array(m * ld).fill(9));
      const Zb = floatsOf(engine, dtype, rounded);
      const swb = sw && floatsOf(engine, dtype, Float64Array.from(sw));
      const loss = engine.softmaxCeRows(Zb, ld, m, K, lab, swb, D, ld);
      const want = oracle(rounded, ld, m, K, labels, sw);
      const tol = dtype === 'float32' ? 2e-6 : 1e-12;
      expect(Math.abs(loss - want.loss) / want.loss).toBeLessThan(tol);
      const d = D.view();
      let worst = 0;
      for (let i = 0; i < m; i++) for (let k = 0; k < ld; k++) worst = Math.max(worst, Math.abs(d[i * ld + k] - (k < K ? want.D[i * ld + k] : 0)));
      expect(worst).toBeLessThan(dtype === 'float32' ? 1e-5 : 1e-12);
      for (const b of [lab, D, Zb, ...(swb ? [swb] : [])]) engine.free(b);
    });
  }
});
