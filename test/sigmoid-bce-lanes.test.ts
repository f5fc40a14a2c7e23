// sigmoid_bce_rows on rows padded to whole vectors: the last vector of a 10-wide row runs in SIMD
// with its lanes past K masked, so whatever the padding of Z and Y holds (here NaN and 1e30), the
// loss and the gradient are the plain f64 ones and the padding columns of D are zero.
import { describe, expect, it } from 'vitest';
import { engines } from './helpers/backends.js';
import { floatsOf } from './helpers/buffers.js';
import { normals, uniforms } from './helpers/random.js';
import { floats, type Dtype } from '../src/engine/engine.js';

describe.each(engines)('sigmoid_bce_rows on padded rows, %s', (_name, engine) => {
  it.each([
    ['float32', 1, 10, 12], ['float32', 5, 10, 12], ['float32', 13, 5, 8], ['float32', 3, 3, 4], ['float64', 5, 10, 12],
  ] as [Dtype, number, number, number][])('%s, m = %i, K = %i, stride %i', (dtype, m, K, ld) => {
    const z = normals(m * ld, 1).map((v) => 4 * v), y = uniforms(m * ld, 2).map((u) => (u < 0.5 ? 1 : 0));
    const sw = uniforms(m, 3).map((u) => 0.5 + u);
    for (let i = 0; i < m; i++) {
      for (let k = K; k < ld; k++) {
        z[i * ld + k] = 1e30;
        y[i * ld + k] = NaN;
      }
    }
    const Z = floatsOf(engine, dtype, z), Y = floatsOf(engine, dtype, y), W = floatsOf(engine, dtype, sw);
    const D = floats(engine, dtype, m * ld);
    D.view().fill(7);
    const loss = engine.sigmoidBceRows(Z, ld, m, K, Y, ld, W, D, ld);
    let want = 0;
    const zs = Z.view(), d = D.view();
    for (let i = 0; i < m; i++) {
      for (let k = 0; k < K; k++) {
        const v = zs[i * ld + k], t = y[i * ld + k];
        want += sw[i] * (Math.max(v, 0) - v * t + Math.log1p(Math.exp(-Math.abs(v))));
        expect(d[i * ld + k]).toBeCloseTo((1 / (1 + Math.exp(-v)) - t) * W.view()[i], 5);
      }
      for (let k = K; k < ld; k++) expect(d[i * ld + k]).toBe(0);
    }
    expect(Math.abs(loss - want) / want).toBeLessThan(1e-5);
    for (const b of [Z, Y, W, D]) engine.free(b);
  });
});
