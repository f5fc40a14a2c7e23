// Dense networks, whole: forward, loss, backward and the update of a mini-batch epoch in one call.
// Multinomial and multi-label linear models are networks with a single layer.
//
// `desc` is the u32 descriptor written by src/engine/net.ts, its words named in
// src/engine/formats.ts (NET_* for the network, LAYER_* per layer). Params hold each layer's W
// (outputs x inputs, padded both ways with zeros) then b; grads share that layout. X rows are
// padded to layer 0's inputs. Targets: u32 class per row (softmax) or rows of NET_Y_STRIDE values
// (sigmoid). Every kernel comes in f32 and f64: params, grads, scratch, the optimizer's header and
// state, X, sigmoid targets and sample weights are all of that dtype, and the offsets and counts
// of the descriptor are in values, the same for both.
import { gemm_nt, gemm_tn_acc, gemm_nn } from './linalg';
import { activation, activation_grad, sigmoid, softmax_rows } from './activation';
import { softmax_ce_rows, sigmoid_bce_rows } from './loss';
import { optimizer_step } from './optim';
import { shuffle_u32 } from '../inline/rng';
import { soft_threshold, elem, madd } from '../inline/simd';
import {
  NET_LAYERS, NET_HIDDEN, NET_OUTPUT, NET_OUTPUTS, NET_PARAMS, NET_Y_STRIDE, NET_MAX_BATCH, NET_NO_BIAS, NET_HEADER_WORDS,
  LAYER_IN, LAYER_OUT, LAYER_W, LAYER_B, LAYER_ACT, LAYER_DELTA, LAYER_REAL_OUT, LAYER_WORDS,
  ACT_LOGISTIC, OUT_SOFTMAX, OPT_LR,
} from '../../src/engine/formats';

// @ts-ignore: decorator
@inline function word(desc: usize, w: i32): i32 {
  return load<i32>(desc + (<usize>w << 2));
}
// @ts-ignore: decorator
@inline function layer(desc: usize, l: i32, field: i32): i32 {
  return load<i32>(desc + (<usize>(NET_HEADER_WORDS + LAYER_WORDS * l + field) << 2));
}

/** Forward pass of `count` rows from position `start` of the order idx; leaves every layer's output in scratch. */
function forward<T>(desc: usize, params: usize, scratch: usize, X: usize, idx: usize, start: i32, count: i32): void {
  const L = word(desc, NET_LAYERS), hidden = word(desc, NET_HIDDEN);
  for (let l = 0; l < L; l++) {
    const nIn = layer(desc, l, LAYER_IN), nOut = layer(desc, l, LAYER_OUT);
    const act = elem<T>(scratch, layer(desc, l, LAYER_ACT));
    const src = l == 0 ? X : elem<T>(scratch, layer(desc, l - 1, LAYER_ACT));
    gemm_nt<T>(src, nIn, l == 0 ? idx : 0, l == 0 ? start : 0, count, elem<T>(params, layer(desc, l, LAYER_W)), nOut, nIn, elem<T>(params, layer(desc, l, LAYER_B)), act, nOut);
    if (l < L - 1) {
      activation<T>(hidden, act, act, count * nOut);
      // Padded units hold act(0): 0 except for the logistic's 1/2, which must not reach the next layer's gradient.
      if (hidden == ACT_LOGISTIC) zero_columns<T>(act, nOut, count, layer(desc, l, LAYER_REAL_OUT));
    }
  }
}

/** Zeroes columns from..ld-1 of m rows of ld values. */
function zero_columns<T>(A: usize, ld: i32, m: i32, from: i32): void {
  if (from == ld) return;
  for (let i = 0; i < m; i++) memory.fill(elem<T>(A, i * ld + from), 0, <usize>(ld - from) << alignof<T>());
}

/**
 * Adds the gradient of the summed loss of `count` rows (from position `start` of idx) into grads
 * and returns that loss. count <= desc[NET_MAX_BATCH].
 */
function net_batch_grad<T>(
  desc: usize, params: usize, grads: usize, scratch: usize, X: usize, Y: usize, sw: usize, idx: usize, start: i32, count: i32,
): f64 {
  const L = word(desc, NET_LAYERS), hidden = word(desc, NET_HIDDEN), K = word(desc, NET_OUTPUTS);
  forward<T>(desc, params, scratch, X, idx, start, count);
  const top = L - 1, kPad = layer(desc, top, LAYER_OUT);
  const logits = elem<T>(scratch, layer(desc, top, LAYER_ACT)), dTop = elem<T>(scratch, layer(desc, top, LAYER_DELTA));
  const loss = word(desc, NET_OUTPUT) == OUT_SOFTMAX
    ? softmax_ce_rows<T>(logits, kPad, count, K, Y, idx, start, sw, dTop, kPad)
    : sigmoid_bce_rows<T>(logits, kPad, count, K, Y, word(desc, NET_Y_STRIDE), idx, start, sw, dTop, kPad);
  for (let l = top; l >= 0; l--) {
    const nIn = layer(desc, l, LAYER_IN), nOut = layer(desc, l, LAYER_OUT);
    const delta = elem<T>(scratch, layer(desc, l, LAYER_DELTA));
    const src = l == 0 ? X : elem<T>(scratch, layer(desc, l - 1, LAYER_ACT));
    // The weight gradient of the real outputs only (rounded up to even): padding rows stay zero.
    const gradRows = (layer(desc, l, LAYER_REAL_OUT) + 1) & ~1;
    gemm_tn_acc<T>(delta, nOut, count, gradRows, src, nIn, l == 0 ? idx : 0, l == 0 ? start : 0, nIn, elem<T>(grads, layer(desc, l, LAYER_W)));
    if (!word(desc, NET_NO_BIAS)) add_rows<T>(delta, nOut, count, elem<T>(grads, layer(desc, l, LAYER_B)));
    if (l > 0) {
      const below = elem<T>(scratch, layer(desc, l - 1, LAYER_DELTA));
      gemm_nn<T>(delta, nOut, count, nOut, elem<T>(params, layer(desc, l, LAYER_W)), nIn, below, nIn);
      activation_grad<T>(hidden, elem<T>(scratch, layer(desc, l - 1, LAYER_ACT)), below, below, count * nIn);
    }
  }
  return loss;
}

/** b[j] += sum over m rows of D[i][j], for n (a multiple of 4) columns. */
function add_rows<T>(D: usize, n: i32, m: i32, b: usize): void {
  const bytes = <usize>n << alignof<T>();
  for (let i = 0; i < m; i++) {
    const d = D + <usize>i * bytes;
    if (ASC_FEATURE_SIMD) {
      for (let o: usize = 0; o < bytes; o += 16) v128.store(b + o, v128.add<T>(v128.load(b + o), v128.load(d + o)));
    } else {
      for (let o: usize = 0; o < bytes; o += sizeof<T>()) store<T>(b + o, load<T>(b + o) + load<T>(d + o));
    }
  }
}

/** The full-batch summed loss of n rows, returned, and its gradient, written to grads. */
function net_loss_grad<T>(desc: usize, params: usize, grads: usize, scratch: usize, X: usize, Y: usize, sw: usize, n: i32): f64 {
  memory.fill(grads, 0, <usize>word(desc, NET_PARAMS) << alignof<T>());
  const batch = word(desc, NET_MAX_BATCH);
  let loss: f64 = 0;
  for (let start = 0; start < n; start += batch) loss += net_batch_grad<T>(desc, params, grads, scratch, X, Y, sw, 0, start, min(batch, n - start));
  return loss;
}

export function net_loss_grad_f32(desc: usize, params: usize, grads: usize, scratch: usize, X: usize, Y: usize, sw: usize, n: i32): f64 {
  return net_loss_grad<f32>(desc, params, grads, scratch, X, Y, sw, n);
}
export function net_loss_grad_f64(desc: usize, params: usize, grads: usize, scratch: usize, X: usize, Y: usize, sw: usize, n: i32): f64 {
  return net_loss_grad<f64>(desc, params, grads, scratch, X, Y, sw, n);
}

/**
 * One epoch of mini-batch training in one call: shuffle idx (when `shuffle`), then per batch the
 * gradient of the mean loss, grads * 1 / (rows * outScale) plus (alpha / rows + l2) W on the
 * weights (not the biases), one optimizer step (optim.ts), then the weights soft-thresholded by
 * lr * l1 (truncated gradient: an L1 penalty gives exact zeros). Returns the summed loss.
 */
function epoch_net<T>(
  desc: usize, params: usize, grads: usize, scratch: usize, opt: usize, state: usize,
  X: usize, Y: usize, sw: usize, idx: usize, n: i32, rng: usize,
  batch: i32, shuffle: bool, alpha: T, l2: T, l1: T, outScale: T,
): f64 {
  if (shuffle) shuffle_u32(idx, n, rng);
  const nParams = word(desc, NET_PARAMS);
  let loss: f64 = 0;
  for (let start = 0; start < n; start += batch) {
    const rows = min(batch, n - start);
    memory.fill(grads, 0, <usize>nParams << alignof<T>());
    loss += net_batch_grad<T>(desc, params, grads, scratch, X, Y, sw, idx, start, rows);
    net_step<T>(desc, params, grads, opt, state, rows, alpha, l2, l1, outScale);
  }
  return loss;
}

/**
 * One update from a batch's summed gradient in grads: grads * 1 / (rows * outScale) plus
 * (alpha / rows + l2) W on the weights, the optimizer's step, then the weights soft-thresholded by lr * l1.
 */
function net_step<T>(desc: usize, params: usize, grads: usize, opt: usize, state: usize, rows: i32, alpha: T, l2: T, l1: T, outScale: T): void {
  scale_and_penalize<T>(desc, params, grads, <T>1 / (<T>rows * outScale), alpha / <T>rows + l2);
  optimizer_step<T>(opt, state, params, grads, word(desc, NET_PARAMS));
  if (l1 != 0) shrink_weights<T>(desc, params, load<T>(elem<T>(opt, OPT_LR)) * l1);
}

export function net_step_f32(desc: usize, params: usize, grads: usize, opt: usize, state: usize, rows: i32, alpha: f32, l2: f32, l1: f32, outScale: f32): void {
  net_step<f32>(desc, params, grads, opt, state, rows, alpha, l2, l1, outScale);
}
export function net_step_f64(desc: usize, params: usize, grads: usize, opt: usize, state: usize, rows: i32, alpha: f64, l2: f64, l1: f64, outScale: f64): void {
  net_step<f64>(desc, params, grads, opt, state, rows, alpha, l2, l1, outScale);
}

/** The gradient of the summed loss of `count` rows (from position `start` of idx), written to grads; returns that loss. count <= desc[NET_MAX_BATCH]. */
export function net_batch_grad_f32(desc: usize, params: usize, grads: usize, scratch: usize, X: usize, Y: usize, sw: usize, idx: usize, start: i32, count: i32): f64 {
  memory.fill(grads, 0, <usize>word(desc, NET_PARAMS) << 2);
  return net_batch_grad<f32>(desc, params, grads, scratch, X, Y, sw, idx, start, count);
}
export function net_batch_grad_f64(desc: usize, params: usize, grads: usize, scratch: usize, X: usize, Y: usize, sw: usize, idx: usize, start: i32, count: i32): f64 {
  memory.fill(grads, 0, <usize>word(desc, NET_PARAMS) << 3);
  return net_batch_grad<f64>(desc, params, grads, scratch, X, Y, sw, idx, start, count);
}

export function epoch_net_f32(
  desc: usize, params: usize, grads: usize, scratch: usize, opt: usize, state: usize,
  X: usize, Y: usize, sw: usize, idx: usize, n: i32, rng: usize,
  batch: i32, shuffle: bool, alpha: f32, l2: f32, l1: f32, outScale: f32,
): f64 {
  return epoch_net<f32>(desc, params, grads, scratch, opt, state, X, Y, sw, idx, n, rng, batch, shuffle, alpha, l2, l1, outScale);
}
export function epoch_net_f64(
  desc: usize, params: usize, grads: usize, scratch: usize, opt: usize, state: usize,
  X: usize, Y: usize, sw: usize, idx: usize, n: i32, rng: usize,
  batch: i32, shuffle: bool, alpha: f64, l2: f64, l1: f64, outScale: f64,
): f64 {
  return epoch_net<f64>(desc, params, grads, scratch, opt, state, X, Y, sw, idx, n, rng, batch, shuffle, alpha, l2, l1, outScale);
}

/** Soft-thresholds the weights of every layer (not the biases) by t. */
function shrink_weights<T>(desc: usize, params: usize, t: T): void {
  for (let l = 0, L = word(desc, NET_LAYERS); l < L; l++) {
    const off = <usize>layer(desc, l, LAYER_W) << alignof<T>(), end = off + (<usize>(layer(desc, l, LAYER_IN) * layer(desc, l, LAYER_OUT)) << alignof<T>());
    for (let o = off; o < end; o += sizeof<T>()) store<T>(params + o, soft_threshold<T>(load<T>(params + o), t));
  }
}

/** grads *= scale everywhere, then grads += decay * params on the weights of every layer. */
function scale_and_penalize<T>(desc: usize, params: usize, grads: usize, scale: T, decay: T): void {
  scale_add<T>(grads, scale, 0, 0, <usize>word(desc, NET_PARAMS) << alignof<T>());
  if (decay == 0) return;
  for (let l = 0, L = word(desc, NET_LAYERS); l < L; l++) {
    const off = <usize>layer(desc, l, LAYER_W) << alignof<T>(), bytes = <usize>(layer(desc, l, LAYER_IN) * layer(desc, l, LAYER_OUT)) << alignof<T>();
    scale_add<T>(grads + off, 1, decay, params + off, bytes);
  }
}

/** y = a y + b x over `bytes` bytes of T (x unread when b is 0). */
function scale_add<T>(y: usize, a: T, b: T, x: usize, bytes: usize): void {
  let o: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const va = v128.splat<T>(a), vb = v128.splat<T>(b);
    if (b == 0) for (; o + 16 <= bytes; o += 16) v128.store(y + o, v128.mul<T>(v128.load(y + o), va));
    else for (; o + 16 <= bytes; o += 16) v128.store(y + o, madd<T>(vb, v128.load(x + o), v128.mul<T>(v128.load(y + o), va)));
  }
  if (b == 0) for (; o < bytes; o += sizeof<T>()) store<T>(y + o, load<T>(y + o) * a);
  else for (; o < bytes; o += sizeof<T>()) store<T>(y + o, load<T>(y + o) * a + b * load<T>(x + o));
}

/** Output probabilities (sigmoid or softmax of the last layer) of rows start..start+count, count <= desc[NET_MAX_BATCH], into out (ldo values per row). */
function net_predict<T>(desc: usize, params: usize, scratch: usize, X: usize, start: i32, count: i32, out: usize, ldo: i32): void {
  forward<T>(desc, params, scratch, X, 0, start, count);
  const top = word(desc, NET_LAYERS) - 1, kPad = layer(desc, top, LAYER_OUT), K = word(desc, NET_OUTPUTS);
  const logits = elem<T>(scratch, layer(desc, top, LAYER_ACT));
  if (word(desc, NET_OUTPUT) == OUT_SOFTMAX) {
    softmax_rows<T>(logits, kPad, count, K, out, ldo);
  } else {
    for (let i = 0; i < count; i++) sigmoid<T>(elem<T>(logits, i * kPad), elem<T>(out, i * ldo), K);
  }
}

export function net_predict_f32(desc: usize, params: usize, scratch: usize, X: usize, start: i32, count: i32, out: usize, ldo: i32): void {
  net_predict<f32>(desc, params, scratch, X, start, count, out, ldo);
}
export function net_predict_f64(desc: usize, params: usize, scratch: usize, X: usize, start: i32, count: i32, out: usize, ldo: i32): void {
  net_predict<f64>(desc, params, scratch, X, start, count, out, ldo);
}
