// Kernel-level suites at three sizes each: gemm (a dense layer's forward product, each library in
// its own weight layout: wasmlearn's W is nOut x k, tfjs' kernel k x nOut), sigmoid over a vector,
// and row-wise softmax. wasmlearn's engine kernels write into buffers they were given; TensorFlow.js
// ops return a new tensor (disposed at the next call), as tfjs code does. Kernel calls are short:
// they get a smaller time budget than the training workloads.
// Checked against an f64 oracle: max |out - ref| / max |ref|. No exp workload: the engine has no exp
// kernel of its own; its exp runs inside sigmoid (exp and a division) and softmax (max, exp, sum, scale).
import { runContender, workload } from '../lib/harness.js';
import { normal, transpose } from '../lib/data.js';
import { relErr } from '../lib/reference.js';
import { engineOn } from '../lib/wasmlearn.js';
import { forEachWasmlearn, measureRoofline, notApplicable } from '../lib/suite.js';
import { TF_BACKENDS, loadTf, tfLabel, useTfBackend } from '../lib/tf.js';
import { measureComputeRoofline, notePeakFractions } from '../lib/peak.js';

const pad = (k) => (k + 3) & ~3;

/** Copies rows x cols (row-major, unpadded) into an engine buffer with rows padded to ld. */
function upload(engine, data, rows, cols, ld) {
  const buf = engine.f32(rows * ld);
  const v = buf.view();
  v.fill(0);
  for (let i = 0; i < rows; i++) v.set(data.subarray(i * cols, (i + 1) * cols), i * ld);
  return buf;
}
function unpad(v, rows, cols, ld) {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = v[i * ld + j];
  return out;
}

/**
 * One kernel workload. op: { id, title, input: { data, rows, cols } (for the roofline), oracle: Float64Array,
 * wasm(engine) -> { run, out(): Float64Array, free() }, tf(tf) -> { run, out(), free() } }.
 */
const KERNEL_BUDGET = { maxTimeMs: 800, warmupMs: 100 };

async function kernel(op) {
  const wl = workload(op.id, op.title, { unit: 'ms per call', lossLabel: 'max error vs an f64 oracle, relative to the largest reference value', kernel: true, shape: op.shape });
  await measureRoofline(wl, op.input, KERNEL_BUDGET);
  if (op.flops) await measureComputeRoofline(wl, op.flops, op.flopsWhat);
  await forEachWasmlearn(wl, (backend) => {
    let k;
    return {
      budget: KERNEL_BUDGET,
      setup: () => {
        k = op.wasm(engineOn(backend));
        return { run: k.run, teardown: () => k.free() };
      },
      evaluate: () => ({ check: relErr(k.out(), op.oracle) }),
    };
  });
  let tf = null;
  try {
    tf = await loadTf();
  } catch (e) {
    for (const b of TF_BACKENDS) notApplicable(wl, tfLabel(b), 'tfjs', `could not load @tensorflow/tfjs: ${e.message}`);
  }
  for (const backend of tf ? TF_BACKENDS : []) {
    let k;
    await runContender(wl, {
      name: tfLabel(backend), family: 'tfjs', backend, budget: KERNEL_BUDGET,
      setup: async () => {
        await useTfBackend(backend);
        k = op.tf(tf);
        return { run: k.run, teardown: () => k.free() };
      },
      evaluate: () => ({ check: relErr(k.out(), op.oracle) }),
    });
  }
  notePeakFractions(wl);
  return wl;
}

/** A tfjs op whose latest result is kept until the next call. */
function tfOp(inputs, make) {
  let last = null;
  return {
    run: () => {
      const next = make();
      last?.dispose();
      last = next;
    },
    out: () => Float64Array.from(last.dataSync()),
    free: () => { last?.dispose(); for (const t of inputs) t.dispose(); },
  };
}

function gemm(s) {
  const m = s, k = s, nOut = s;
  const A = normal(m * k, 11), W = normal(nOut * k, 12);
  const ref = new Float64Array(m * nOut);
  for (let i = 0; i < m; i++) {
    for (let o = 0; o < nOut; o++) {
      let acc = 0;
      for (let j = 0; j < k; j++) acc += A[i * k + j] * W[o * k + j];
      ref[i * nOut + o] = acc;
    }
  }
  const ld = pad(k), ldc = pad(nOut);
  return {
    id: `gemm-${s}`, title: `gemm C = A·Wᵀ, ${m} x ${k} by ${nOut} x ${k}`, shape: { m, k, nOut },
    input: { data: A, rows: m, cols: k }, oracle: ref,
    flops: 2 * m * k * nOut, flopsWhat: '2 m k nOut',
    wasm: (engine) => {
      const a = upload(engine, A, m, k, ld), w = upload(engine, W, nOut, k, ld), c = engine.f32(m * ldc);
      return {
        run: () => engine.gemmNT(a, ld, m, w, nOut, k, null, c, ldc),
        out: () => unpad(c.view(), m, nOut, ldc),
        free: () => { for (const b of [a, w, c]) engine.free(b); },
      };
    },
    // tfjs in its own layout: a Dense kernel is stored k x nOut, so the product is A · kernel.
    tf: (tf) => {
      const a = tf.tensor2d(A, [m, k]), w = tf.tensor2d(transpose(W, nOut, k), [k, nOut]);
      return tfOp([a, w], () => tf.matMul(a, w));
    },
  };
}

// sigmoid and softmax inputs are float32 values, so the f64 oracle measures the kernel's error, not
// the rounding of its input.
function sigmoid(n) {
  const z = normal(n, 13).map((v) => Math.fround(3 * v));
  const ref = Float64Array.from(z, (v) => 1 / (1 + Math.exp(-v)));
  return {
    id: `sigmoid-${n}`, title: `sigmoid of ${n.toLocaleString('en-US')} floats`, shape: { n },
    input: { data: z, rows: n / 4, cols: 4 }, oracle: ref,
    wasm: (engine) => {
      const zb = engine.f32(n), out = engine.f32(n);
      zb.view().set(z);
      return {
        run: () => engine.sigmoid(zb, out, n),
        out: () => Float64Array.from(out.view()),
        free: () => { engine.free(zb); engine.free(out); },
      };
    },
    tf: (tf) => {
      const t = tf.tensor1d(z);
      return tfOp([t], () => tf.sigmoid(t));
    },
  };
}

function softmax(m, K) {
  const Z = normal(m * K, 14).map((v) => Math.fround(3 * v));
  const ref = new Float64Array(m * K);
  for (let i = 0; i < m; i++) {
    let mx = -Infinity, s = 0;
    for (let k = 0; k < K; k++) mx = Math.max(mx, Z[i * K + k]);
    for (let k = 0; k < K; k++) s += Math.exp(Z[i * K + k] - mx);
    for (let k = 0; k < K; k++) ref[i * K + k] = Math.exp(Z[i * K + k] - mx) / s;
  }
  const ld = pad(K);
  return {
    id: `softmax-${m}x${K}`, title: `softmax over rows, ${m.toLocaleString('en-US')} x ${K}`, shape: { m, K },
    input: { data: Z, rows: m, cols: K }, oracle: ref,
    wasm: (engine) => {
      const z = upload(engine, Z, m, K, ld), p = engine.f32(m * ld);
      return {
        run: () => engine.softmaxRows(z, ld, m, K, p, ld),
        out: () => unpad(p.view(), m, K, ld),
        free: () => { engine.free(z); engine.free(p); },
      };
    },
    tf: (tf) => {
      const t = tf.tensor2d(Z, [m, K]);
      return tfOp([t], () => tf.softmax(t));
    },
  };
}

export default async function suite() {
  const ops = [
    () => gemm(32), () => gemm(128), () => gemm(512),
    () => sigmoid(1_000), () => sigmoid(100_000), () => sigmoid(1_000_000),
    () => softmax(256, 10), () => softmax(16_000, 26), () => softmax(100_000, 10),
  ];
  const out = [];
  for (const make of ops) out.push(await kernel(make()));
  return out;
}
