// wasmlearn as a contender: data made resident once per backend, then engine-level calls (one
// call per epoch or per full-batch pass: exactly what LogisticRegression, MultiLabelClassifier and
// MLPClassifier call inside fit), plus the roofline read.
//
// Threads: init() (without options) gives every fit the machine's cores, wherever a kernel is
// parallel. Every row of the suites runs on ONE thread (engine.withThreads(1), nThreads: 1), the
// single-core figures of earlier runs; the threads suite (suites/threads.js) measures 2.
import { init, getEngine } from '../../dist/engine/index.js';
import { createNet, createOptimizer } from '../../dist/engine/net.js';
import { uploadMatrix, uploadRows } from '../../dist/engine/resident.js';
import { uploadBlocks } from '../../dist/engine/blocks.js';
import { paddedStride } from '../../dist/engine/memory.js';
import { seedState } from '../../dist/core/rng.js';

let info = null;
/** The backends this process can run, fastest first, and why the others are missing. */
export async function wasmlearnBackends() {
  info ??= await init();
  return info;
}

export { getEngine };

/** Rows of the suites compute on this many threads (the threads suite asks for more itself). */
export const BASE_THREADS = 1;

/** A backend's engine on `threads` threads (the same memory and buffers on any count). */
export function engineOn(backend, threads = BASE_THREADS) {
  return getEngine(backend).withThreads(threads);
}

/** The wasmlearn contender's display name for a backend. */
export const label = (backend) => `wasmlearn ${backend}`;

/**
 * The roofline of a workload: a SIMD sum over X's values resident on the wasm-simd engine, back to
 * back without padding (the time to merely read the data once). Returns { run, teardown, bytes }.
 */
export function roofline(X) {
  const name = info.available.includes('wasm-simd') ? 'wasm-simd' : info.available[0];
  const engine = engineOn(name);
  // X's values once, unpadded: the bytes the data holds, whatever layout a kernel keeps them in.
  const { buf } = uploadMatrix(engine, { data: X.data, rows: 1, cols: X.rows * X.cols });
  const n = X.rows * X.cols;
  let sink = 0;
  return {
    engine: name,
    bytes: n * 4,
    run: () => { sink += engine.sum(buf, n); },
    teardown: () => { engine.free(buf); return sink; },
  };
}

/**
 * A binary problem resident in one engine as BinaryLogistic keeps it (narrow data, padded stride
 * below 16, in 4-row blocks; padded rows otherwise): weights w (f32[stride + 4], intercept at w[stride]).
 * Its calls run on `threads` threads, or on the engine they are given (the same backend on another count).
 */
export function residentLogistic(backend, X, y, threads = BASE_THREADS) {
  const engine = engineOn(backend, threads);
  const blocked = paddedStride(X.cols) < 16;
  const rows = blocked ? uploadBlocks(engine, X, y, null) : uploadRows(engine, X, y, null);
  const w = engine.f32(rows.stride + 4);
  const bufs = [rows.X, rows.y, w];
  const idx = engine.u32(blocked ? rows.nb : rows.n);
  const rng = engine.u32(4);
  bufs.push(idx, rng);
  return {
    engine, rows, w,
    /** Weights and intercept from plain arrays; resets the row (block) order and the shuffling stream. */
    reset(wv, b, seed = 1) {
      const v = w.view();
      v.fill(0);
      v.set(wv);
      v[rows.stride] = b;
      idx.view().set(Uint32Array.from({ length: idx.length }, (_, i) => i));
      seedState(seed, rng.view());
    },
    epoch(opts, on = engine) {
      const o = { l1: 0, ...opts };
      return blocked ? on.epochSgdLogisticBlocks(rows, idx, w, rng, o) : on.epochSgdLogistic(rows, idx, w, rng, o);
    },
    /** The full-batch loss, returned, and gradient into grad (f64[stride + 1]). */
    lossGrad(grad, on = engine) {
      return blocked ? on.lossGradLogisticBlocks(rows, w, grad) : on.lossGradLogistic(rows, w, grad);
    },
    /** [{ nIn: d, nOut: 1, W, b }] of the current weights. */
    layers() {
      const v = w.view();
      return [{ nIn: rows.d, nOut: 1, W: Float64Array.from(v.subarray(0, rows.d)), b: Float64Array.of(v[rows.stride]) }];
    },
    free() {
      for (const b of bufs) engine.free(b);
    },
  };
}

/**
 * A dense network resident in one engine with its training data: X (Matrix), and targets either
 * class labels (softmax head) or an n x K 0/1 matrix (sigmoid head). layers0: the shared initial
 * parameters [{ nIn, nOut, W (nOut x nIn), b }].
 */
export function residentNet(backend, spec, X, targets, optimizerConfig, threads = BASE_THREADS) {
  const engine = engineOn(backend, threads);
  const net = createNet(engine, spec);
  const n = X.rows;
  const { buf } = uploadMatrix(engine, X);
  let Y;
  if (spec.output === 'softmax') {
    Y = engine.u32(n);
    Y.view().set(targets);
  } else {
    const K = spec.sizes[spec.sizes.length - 1], ys = net.layout.yStride;
    Y = engine.f32(n * ys);
    const v = Y.view();
    for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) v[i * ys + k] = targets[i * K + k];
  }
  const idx = engine.u32(n);
  const rng = engine.u32(4);
  const optimizer = createOptimizer(engine, net.layout.nParams, optimizerConfig);
  const data = { X: buf, Y, sw: null, n };
  const header0 = Float32Array.from(optimizer.header.view());
  return {
    engine, net, data,
    reset(layers, seed = 1) {
      const p = net.params.view();
      p.fill(0);
      net.layout.layers.forEach((L, l) => {
        const { W, b } = layers[l];
        for (let o = 0; o < L.nOut; o++) for (let j = 0; j < L.nIn; j++) p[L.w + o * L.inPad + j] = W[o * L.nIn + j];
        for (let o = 0; o < L.nOut; o++) p[L.b + o] = b[o];
      });
      optimizer.header.view().set(header0);
      optimizer.state.view().fill(0);
      idx.view().set(Uint32Array.from({ length: n }, (_, i) => i));
      seedState(seed, rng.view());
    },
    epoch(opts, on = engine) {
      return on.epochNet(net, optimizer, data, idx, rng, { l1: 0, l2: 0, ...opts });
    },
    /** The parameters as they are in engine memory (padding included): what must match bit for bit across thread counts. */
    params() {
      return Float64Array.from(net.params.view());
    },
    layers() {
      const p = net.params.view();
      return net.layout.layers.map((L) => ({
        nIn: L.nIn, nOut: L.nOut,
        W: Float64Array.from({ length: L.nOut * L.nIn }, (_, i) => p[L.w + Math.floor(i / L.nIn) * L.inPad + (i % L.nIn)]),
        b: Float64Array.from({ length: L.nOut }, (_, o) => p[L.b + o]),
      }));
    },
    free() {
      for (const b of [buf, Y, idx, rng, optimizer.header, optimizer.state, net.desc, net.params, net.grads, net.scratch]) engine.free(b);
    },
  };
}
