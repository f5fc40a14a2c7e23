// Seeded dense networks and their data, and the plain f64 oracle the network suites check them against.
import { floats, paddedStride, type Dtype, type Engine, type FloatArray } from '../../src/engine/engine.js';
import { createNet, type Activation, type Net, type NetData, type NetSpec } from '../../src/engine/net.js';
import { uploadMatrix } from '../../src/engine/resident.js';
import { floatsOf } from './buffers.js';
import { normals, uniforms } from './random.js';

/** A network of `dtype` with seeded random parameters (zero in the padding, as the models keep it). */
export function randomNet(engine: Engine, spec: NetSpec, seed: number, dtype: Dtype): Net {
  const net = createNet(engine, { ...spec, dtype });
  const p = net.params.view();
  const r = normals(net.layout.nParams, seed);
  for (const L of net.layout.layers) {
    for (let o = 0; o < L.nOut; o++) {
      for (let j = 0; j < L.nIn; j++) p[L.w + o * L.inPad + j] = 0.6 * r[L.w + o * L.inPad + j];
      p[L.b + o] = 0.3 * r[L.b + o];
    }
  }
  return net;
}

/** Seeded data of `dtype` for a net: X padded, targets of the head's kind, optional sample weights. */
export function randomData(engine: Engine, spec: NetSpec, n: number, seed: number, weighted: boolean, dtype: Dtype): NetData {
  const d = spec.sizes[0], K = spec.sizes[spec.sizes.length - 1];
  const { buf: X } = uploadMatrix(engine, { data: normals(n * d, seed), rows: n, cols: d }, 'X', dtype);
  const u = uniforms(n * K, seed + 1);
  let Y: NetData['Y'];
  if (spec.output === 'softmax') {
    Y = engine.u32(n);
    Y.view().set(Array.from({ length: n }, (_, i) => Math.floor(u[i] * K)));
  } else {
    const ys = paddedStride(K);
    Y = floats(engine, dtype, n * ys);
    const y = Y.view();
    for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) y[i * ys + k] = u[i * K + k] < 0.5 ? 1 : 0;
  }
  const sw = weighted ? floatsOf(engine, dtype, uniforms(n, seed + 2).map((v) => 0.5 + v)) : null;
  return { X, Y, sw, n };
}

export function act(kind: Activation, z: number): number {
  return kind === 'relu' ? Math.max(z, 0) : kind === 'tanh' ? Math.tanh(z) : kind === 'logistic' ? 1 / (1 + Math.exp(-z)) : z;
}

/** The f64 oracle's logits of row i of the padded X, the network written plainly. */
export function oracleLogits(spec: NetSpec, net: Net, X: FloatArray, i: number, params: FloatArray): number[] {
  const layers = net.layout.layers;
  let a = Array.from(X.subarray(i * layers[0].inPad, i * layers[0].inPad + layers[0].nIn));
  layers.forEach((L, l) => {
    const z = Array.from({ length: L.nOut }, (_, o) => {
      let s = params[L.b + o];
      for (let j = 0; j < L.nIn; j++) s += params[L.w + o * L.inPad + j] * a[j];
      return s;
    });
    a = l < layers.length - 1 ? z.map((v) => act(spec.hidden, v)) : z;
  });
  return a;
}

/** The f64 oracle: the summed (sample-weighted) loss of a dense network at `params`. */
export function oracleLoss(spec: NetSpec, net: Net, data: NetData, params: FloatArray): number {
  const { X, Y, sw, n } = data;
  const x = X.view(), y = Y.view(), w = sw?.view();
  let total = 0;
  for (let i = 0; i < n; i++) {
    const a = oracleLogits(spec, net, x, i, params);
    let loss = 0;
    if (spec.output === 'softmax') {
      const mx = Math.max(...a);
      loss = mx + Math.log(a.reduce((s, v) => s + Math.exp(v - mx), 0)) - a[y[i]];
    } else {
      const ys = paddedStride(a.length);
      a.forEach((z, k) => (loss += Math.max(z, 0) - z * y[i * ys + k] + Math.log1p(Math.exp(-Math.abs(z)))));
    }
    total += (w ? w[i] : 1) * loss;
  }
  return total;
}
