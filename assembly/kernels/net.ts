// Dense networks, whole: forward, loss, backward and the update of a mini-batch epoch in one call.
// Multinomial and multi-label linear models are networks with a single layer.
//
// The descriptor `desc` is u32 words written by src/engine/net.ts:
//   [0] layers L  [1] hidden activation (activation.ts kinds)  [2] output: 0 sigmoid + BCE,
//   1 softmax + cross-entropy  [3] K real outputs  [4] parameter count (floats, a multiple of 4)
//   [5] floats per target row Y (sigmoid head)  [6] most rows per batch  [7] 1 when the biases
//   are fixed at zero (no intercept): their gradient is never accumulated
//   then 8 words per layer: padded inputs, padded outputs, W and b offsets (floats into params),
//   activation and delta offsets (floats into scratch, maxBatch rows of padded outputs each), and
//   the real number of outputs.
// Params hold each layer's W (outputs x inputs, padded both ways with zeros) then b; grads share
// that layout. X rows are padded to layer 0's inputs. Targets: u32 class per row (softmax) or
// f32 rows of [5] floats (sigmoid).
import { gemm_nt_f32, gemm_tn_acc_f32, gemm_nn_f32 } from './linalg';
import { activation_f32, activation_grad_f32, sigmoid_f32, softmax_rows_f32, LOGISTIC } from './activation';
import { softmax_ce_rows_f32, sigmoid_bce_rows_f32 } from './loss';
import { optimizer_step_f32 } from './optim';
import { shuffle_u32 } from '../inline/rng';
import { soft_threshold } from '../inline/simd';

const SOFTMAX = 1;

// @ts-ignore: decorator
@inline function word(desc: usize, i: i32): i32 {
  return load<i32>(desc + (<usize>i << 2));
}
// @ts-ignore: decorator
@inline function layer(desc: usize, l: i32, field: i32): i32 {
  return load<i32>(desc + (<usize>(8 + 8 * l + field) << 2));
}
// @ts-ignore: decorator
@inline function f32s(base: usize, offset: i32): usize {
  return base + (<usize>offset << 2);
}

/** Forward pass of `count` rows from position `start` of the order idx; leaves every layer's output in scratch. */
function forward(desc: usize, params: usize, scratch: usize, X: usize, idx: usize, start: i32, count: i32): void {
  const L = word(desc, 0), hidden = word(desc, 1);
  for (let l = 0; l < L; l++) {
    const nIn = layer(desc, l, 0), nOut = layer(desc, l, 1);
    const act = f32s(scratch, layer(desc, l, 4));
    const src = l == 0 ? X : f32s(scratch, layer(desc, l - 1, 4));
    gemm_nt_f32(src, nIn, l == 0 ? idx : 0, l == 0 ? start : 0, count, f32s(params, layer(desc, l, 2)), nOut, nIn, f32s(params, layer(desc, l, 3)), act, nOut);
    if (l < L - 1) {
      activation_f32(hidden, act, act, count * nOut);
      // Padded units hold act(0): 0 except for the logistic's 1/2, which must not reach the next layer's gradient.
      if (hidden == LOGISTIC) zero_columns(act, nOut, count, layer(desc, l, 6));
    }
  }
}

/** Zeroes columns from..ld-1 of m rows of ld floats. */
function zero_columns(A: usize, ld: i32, m: i32, from: i32): void {
  if (from == ld) return;
  for (let i = 0; i < m; i++) memory.fill(A + (<usize>(i * ld + from) << 2), 0, <usize>(ld - from) << 2);
}

/**
 * Adds the gradient of the summed loss of `count` rows (from position `start` of idx) into grads
 * and returns that loss. count <= desc[6].
 */
export function net_batch_grad_f32(
  desc: usize, params: usize, grads: usize, scratch: usize, X: usize, Y: usize, sw: usize, idx: usize, start: i32, count: i32,
): f64 {
  const L = word(desc, 0), hidden = word(desc, 1), K = word(desc, 3);
  forward(desc, params, scratch, X, idx, start, count);
  const top = L - 1, kPad = layer(desc, top, 1);
  const logits = f32s(scratch, layer(desc, top, 4)), dTop = f32s(scratch, layer(desc, top, 5));
  const loss = word(desc, 2) == SOFTMAX
    ? softmax_ce_rows_f32(logits, kPad, count, K, Y, idx, start, sw, dTop, kPad)
    : sigmoid_bce_rows_f32(logits, kPad, count, K, Y, word(desc, 5), idx, start, sw, dTop, kPad);
  for (let l = top; l >= 0; l--) {
    const nIn = layer(desc, l, 0), nOut = layer(desc, l, 1);
    const delta = f32s(scratch, layer(desc, l, 5));
    const src = l == 0 ? X : f32s(scratch, layer(desc, l - 1, 4));
    gemm_tn_acc_f32(delta, nOut, count, nOut, src, nIn, l == 0 ? idx : 0, l == 0 ? start : 0, nIn, f32s(grads, layer(desc, l, 2)));
    if (!word(desc, 7)) add_rows(delta, nOut, count, f32s(grads, layer(desc, l, 3)));
    if (l > 0) {
      const below = f32s(scratch, layer(desc, l - 1, 5));
      gemm_nn_f32(delta, nOut, count, nOut, f32s(params, layer(desc, l, 2)), nIn, below, nIn);
      activation_grad_f32(hidden, f32s(scratch, layer(desc, l - 1, 4)), below, below, count * nIn);
    }
  }
  return loss;
}

/** b[j] += sum over m rows of D[i][j], for n (a multiple of 4) columns. */
function add_rows(D: usize, n: i32, m: i32, b: usize): void {
  const bytes = <usize>n << 2;
  for (let i = 0; i < m; i++) {
    const d = D + <usize>i * bytes;
    if (ASC_FEATURE_SIMD) {
      for (let o: usize = 0; o < bytes; o += 16) v128.store(b + o, f32x4.add(v128.load(b + o), v128.load(d + o)));
    } else {
      for (let o: usize = 0; o < bytes; o += 4) store<f32>(b + o, load<f32>(b + o) + load<f32>(d + o));
    }
  }
}

/** The full-batch summed loss of n rows, returned, and its gradient, written to grads. */
export function net_loss_grad_f32(desc: usize, params: usize, grads: usize, scratch: usize, X: usize, Y: usize, sw: usize, n: i32): f64 {
  memory.fill(grads, 0, <usize>word(desc, 4) << 2);
  const batch = word(desc, 6);
  let loss: f64 = 0;
  for (let start = 0; start < n; start += batch) loss += net_batch_grad_f32(desc, params, grads, scratch, X, Y, sw, 0, start, min(batch, n - start));
  return loss;
}

/**
 * One epoch of mini-batch training in one call: shuffle idx (when `shuffle`), then per batch the
 * gradient of the mean loss, grads * 1 / (rows * outScale) plus (alpha / rows + l2) W on the
 * weights (not the biases), one optimizer step (optim.ts), then the weights soft-thresholded by
 * lr * l1 (truncated gradient: an L1 penalty gives exact zeros). Returns the summed loss.
 */
export function epoch_net_f32(
  desc: usize, params: usize, grads: usize, scratch: usize, opt: usize, state: usize,
  X: usize, Y: usize, sw: usize, idx: usize, n: i32, rng: usize,
  batch: i32, shuffle: bool, alpha: f32, l2: f32, l1: f32, outScale: f32,
): f64 {
  if (shuffle) shuffle_u32(idx, n, rng);
  const nParams = word(desc, 4);
  let loss: f64 = 0;
  for (let start = 0; start < n; start += batch) {
    const rows = min(batch, n - start);
    memory.fill(grads, 0, <usize>nParams << 2);
    loss += net_batch_grad_f32(desc, params, grads, scratch, X, Y, sw, idx, start, rows);
    scale_and_penalize(desc, params, grads, <f32>1 / (<f32>rows * outScale), alpha / <f32>rows + l2);
    optimizer_step_f32(opt, state, params, grads, nParams);
    if (l1 != 0) shrink_weights(desc, params, load<f32>(opt, 8) * l1);
  }
  return loss;
}

/** Soft-thresholds the weights of every layer (not the biases) by t. */
function shrink_weights(desc: usize, params: usize, t: f32): void {
  for (let l = 0, L = word(desc, 0); l < L; l++) {
    const off = <usize>layer(desc, l, 2) << 2, end = off + (<usize>(layer(desc, l, 0) * layer(desc, l, 1)) << 2);
    for (let o = off; o < end; o += 4) store<f32>(params + o, soft_threshold(load<f32>(params + o), t));
  }
}

/** grads *= scale everywhere, then grads += decay * params on the weights of every layer. */
function scale_and_penalize(desc: usize, params: usize, grads: usize, scale: f32, decay: f32): void {
  const bytes = <usize>word(desc, 4) << 2;
  for (let o: usize = 0; o < bytes; o += 4) store<f32>(grads + o, load<f32>(grads + o) * scale);
  if (decay == 0) return;
  for (let l = 0, L = word(desc, 0); l < L; l++) {
    const off = <usize>layer(desc, l, 2) << 2, end = off + (<usize>(layer(desc, l, 0) * layer(desc, l, 1)) << 2);
    for (let o = off; o < end; o += 4) store<f32>(grads + o, load<f32>(grads + o) + decay * load<f32>(params + o));
  }
}

/** Output probabilities (sigmoid or softmax of the last layer) of rows start..start+count, count <= desc[6], into out (ldo floats per row). */
export function net_predict_f32(desc: usize, params: usize, scratch: usize, X: usize, start: i32, count: i32, out: usize, ldo: i32): void {
  forward(desc, params, scratch, X, 0, start, count);
  const top = word(desc, 0) - 1, kPad = layer(desc, top, 1), K = word(desc, 3);
  const logits = f32s(scratch, layer(desc, top, 4));
  if (word(desc, 2) == SOFTMAX) {
    softmax_rows_f32(logits, kPad, count, K, out, ldo);
  } else {
    for (let i = 0; i < count; i++) sigmoid_f32(logits + <usize>i * (<usize>kPad << 2), out + <usize>i * (<usize>ldo << 2), K);
  }
}
