// Twin of assembly/kernels/net.ts over the same descriptor (its words: formats.ts). Where the WASM
// kernels take a pointer into params, grads or scratch, this takes a view starting there, made
// once per call.
import { softThreshold } from '../../../core/prox.js';
import { shuffleU32 } from '../../../core/rng.js';
import {
  ACT_LOGISTIC, LAYER_ACT, LAYER_B, LAYER_DELTA, LAYER_IN, LAYER_OUT, LAYER_REAL_OUT, LAYER_W, LAYER_WORDS,
  NET_HEADER_WORDS, NET_HIDDEN, NET_LAYERS, NET_MAX_BATCH, NET_NO_BIAS, NET_OUTPUT, NET_OUTPUTS, NET_PARAMS, NET_Y_STRIDE,
  OPT_LR, OUT_SOFTMAX,
} from '../../formats.js';
import type { ArrayOps } from '../../kernels.js';
import type { FloatArray } from '../../memory.js';
import { sigmoid1 } from '../inline/scalar.js';
import { activation, activation_grad, softmax_rows } from './activation.js';
import { gemm_nn, gemm_nt, gemm_tn_acc } from './linalg.js';
import { sigmoid_bce_rows, softmax_ce_rows } from './loss.js';
import { optimizer_step } from './optim.js';

type F32 = ArrayOps<Float32Array>;
type F64 = ArrayOps<Float64Array>;

/** One layer: its padded sizes, and views of its parameters (and their gradient) and scratch rows. */
interface Layer {
  nIn: number;
  nOut: number;
  real: number;
  W: FloatArray;
  b: FloatArray;
  dW: FloatArray;
  db: FloatArray;
  act: FloatArray;
  delta: FloatArray;
}

const field = (desc: Uint32Array, l: number, f: number) => desc[NET_HEADER_WORDS + LAYER_WORDS * l + f];

/** The layers' views; grads null for a forward pass only. */
function layers(desc: Uint32Array, params: FloatArray, grads: FloatArray | null, scratch: FloatArray): Layer[] {
  const out: Layer[] = [];
  for (let l = 0; l < desc[NET_LAYERS]; l++) {
    const w = field(desc, l, LAYER_W), b = field(desc, l, LAYER_B);
    out.push({
      nIn: field(desc, l, LAYER_IN), nOut: field(desc, l, LAYER_OUT), real: field(desc, l, LAYER_REAL_OUT),
      W: params.subarray(w), b: params.subarray(b),
      dW: (grads ?? params).subarray(w), db: (grads ?? params).subarray(b),
      act: scratch.subarray(field(desc, l, LAYER_ACT)), delta: scratch.subarray(field(desc, l, LAYER_DELTA)),
    });
  }
  return out;
}

/** Forward pass of `count` rows from position `start` of idx; leaves every layer's output in its act rows. */
function forward(Ls: Layer[], hidden: number, X: FloatArray, idx: Uint32Array | null, start: number, count: number): void {
  for (let l = 0; l < Ls.length; l++) {
    const { nIn, nOut, W, b, act, real } = Ls[l];
    const first = l === 0;
    gemm_nt(first ? X : Ls[l - 1].act, nIn, first ? idx : null, first ? start : 0, count, W, nOut, nIn, b, act, nOut);
    if (l < Ls.length - 1) {
      activation(hidden, act, act, count * nOut);
      // Padded units hold act(0): 0 except for the logistic's 1/2, which must not reach the next layer's gradient.
      if (hidden === ACT_LOGISTIC && real < nOut) for (let i = 0; i < count; i++) act.fill(0, i * nOut + real, (i + 1) * nOut);
    }
  }
}

/** Adds the gradient of the summed loss of `count` rows (from position `start` of idx) into the layers' dW, db; returns that loss. */
function net_batch_grad(
  desc: Uint32Array, Ls: Layer[], X: FloatArray, Y: FloatArray | Uint32Array, sw: FloatArray | null,
  idx: Uint32Array | null, start: number, count: number,
): number {
  const hidden = desc[NET_HIDDEN], K = desc[NET_OUTPUTS];
  forward(Ls, hidden, X, idx, start, count);
  const top = Ls[Ls.length - 1], kPad = top.nOut;
  const loss = desc[NET_OUTPUT] === OUT_SOFTMAX
    ? softmax_ce_rows(top.act, kPad, count, K, Y as Uint32Array, idx, start, sw, top.delta, kPad)
    : sigmoid_bce_rows(top.act, kPad, count, K, Y as FloatArray, desc[NET_Y_STRIDE], idx, start, sw, top.delta, kPad);
  for (let l = Ls.length - 1; l >= 0; l--) {
    const { nIn, nOut, real, W, dW, db, delta } = Ls[l];
    const first = l === 0;
    // The weight gradient of the real outputs only (rounded up to even): padding rows stay zero.
    gemm_tn_acc(delta, nOut, count, (real + 1) & ~1, first ? X : Ls[l - 1].act, nIn, first ? idx : null, first ? start : 0, nIn, dW);
    if (!desc[NET_NO_BIAS]) add_rows(delta, nOut, count, db);
    if (!first) {
      const below = Ls[l - 1];
      gemm_nn(delta, nOut, count, nOut, W, nIn, below.delta, nIn);
      activation_grad(hidden, below.act, below.delta, below.delta, count * nIn);
    }
  }
  return loss;
}

/** b[j] += sum over m rows of D[i][j], for n columns. */
function add_rows(D: FloatArray, n: number, m: number, b: FloatArray): void {
  for (let i = 0; i < m; i++) {
    const d = i * n;
    for (let j = 0; j < n; j++) b[j] += D[d + j];
  }
}

export function net_loss_grad(
  desc: Uint32Array, params: FloatArray, grads: FloatArray, scratch: FloatArray, X: FloatArray, Y: FloatArray | Uint32Array, sw: FloatArray | null, n: number,
): number {
  grads.fill(0, 0, desc[NET_PARAMS]);
  const Ls = layers(desc, params, grads, scratch), batch = desc[NET_MAX_BATCH];
  let loss = 0;
  for (let start = 0; start < n; start += batch) loss += net_batch_grad(desc, Ls, X, Y, sw, null, start, Math.min(batch, n - start));
  return loss;
}
export const net_loss_grad_f32: F32['net_loss_grad'] = net_loss_grad;
export const net_loss_grad_f64: F64['net_loss_grad'] = net_loss_grad;

export function epoch_net(
  desc: Uint32Array, params: FloatArray, grads: FloatArray, scratch: FloatArray, opt: FloatArray, state: FloatArray,
  X: FloatArray, Y: FloatArray | Uint32Array, sw: FloatArray | null, idx: Uint32Array, n: number, rng: Uint32Array,
  batch: number, shuffle: number, alpha: number, l2: number, l1: number, outScale: number,
): number {
  if (shuffle) shuffleU32(idx, n, rng);
  const Ls = layers(desc, params, grads, scratch), nParams = desc[NET_PARAMS];
  let loss = 0;
  for (let start = 0; start < n; start += batch) {
    const rows = Math.min(batch, n - start);
    grads.fill(0, 0, nParams);
    loss += net_batch_grad(desc, Ls, X, Y, sw, idx, start, rows);
    net_step(desc, params, grads, opt, state, rows, alpha, l2, l1, outScale);
  }
  return loss;
}
export const epoch_net_f32: F32['epoch_net'] = epoch_net;
export const epoch_net_f64: F64['epoch_net'] = epoch_net;

export function net_step(
  desc: Uint32Array, params: FloatArray, grads: FloatArray, opt: FloatArray, state: FloatArray, rows: number, alpha: number, l2: number, l1: number, outScale: number,
): void {
  scale_and_penalize(desc, params, grads, 1 / (rows * outScale), alpha / rows + l2);
  optimizer_step(opt, state, params, grads, desc[NET_PARAMS]);
  if (l1 !== 0) shrink_weights(desc, params, opt[OPT_LR] * l1);
}
export const net_step_f32: F32['net_step'] = net_step;
export const net_step_f64: F64['net_step'] = net_step;

export function net_batch_grad_rows(
  desc: Uint32Array, params: FloatArray, grads: FloatArray, scratch: FloatArray, X: FloatArray, Y: FloatArray | Uint32Array, sw: FloatArray | null,
  idx: Uint32Array | null, start: number, count: number,
): number {
  grads.fill(0, 0, desc[NET_PARAMS]);
  return net_batch_grad(desc, layers(desc, params, grads, scratch), X, Y, sw, idx, start, count);
}
export const net_batch_grad_f32: F32['net_batch_grad'] = net_batch_grad_rows;
export const net_batch_grad_f64: F64['net_batch_grad'] = net_batch_grad_rows;

/** Soft-thresholds the weights of every layer (not the biases) by t. */
function shrink_weights(desc: Uint32Array, params: FloatArray, t: number): void {
  for (let l = 0; l < desc[NET_LAYERS]; l++) {
    const w = field(desc, l, LAYER_W), end = w + field(desc, l, LAYER_IN) * field(desc, l, LAYER_OUT);
    for (let i = w; i < end; i++) params[i] = softThreshold(params[i], t);
  }
}

/** grads *= scale everywhere, then grads += decay * params on the weights of every layer. */
function scale_and_penalize(desc: Uint32Array, params: FloatArray, grads: FloatArray, scale: number, decay: number): void {
  const nParams = desc[NET_PARAMS];
  for (let i = 0; i < nParams; i++) grads[i] *= scale;
  if (decay === 0) return;
  for (let l = 0; l < desc[NET_LAYERS]; l++) {
    const w = field(desc, l, LAYER_W), end = w + field(desc, l, LAYER_IN) * field(desc, l, LAYER_OUT);
    for (let i = w; i < end; i++) grads[i] += decay * params[i];
  }
}

export function net_predict(
  desc: Uint32Array, params: FloatArray, scratch: FloatArray, X: FloatArray, start: number, count: number, out: FloatArray, ldo: number,
): void {
  const Ls = layers(desc, params, null, scratch);
  forward(Ls, desc[NET_HIDDEN], X, null, start, count);
  const top = Ls[Ls.length - 1], kPad = top.nOut, K = desc[NET_OUTPUTS], logits = top.act;
  if (desc[NET_OUTPUT] === OUT_SOFTMAX) {
    softmax_rows(logits, kPad, count, K, out, ldo);
  } else {
    for (let i = 0; i < count; i++) for (let k = 0; k < K; k++) out[i * ldo + k] = sigmoid1(logits[i * kPad + k]);
  }
}
export const net_predict_f32: F32['net_predict'] = net_predict;
export const net_predict_f64: F64['net_predict'] = net_predict;
