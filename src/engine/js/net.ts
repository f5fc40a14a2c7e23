// The twin of assembly/kernels/net.ts over the same descriptor (see src/engine/net.ts).
import { gemmNN, gemmNT, gemmTNAcc } from './linalg.js';
import { activation, activationGrad, sigmoid, softmaxRows, LOGISTIC } from './activation.js';
import { sigmoidBceRows, softmaxCeRows } from './loss.js';
import { optimizerStep } from './optim.js';
import { shuffleU32 } from '../../core/rng.js';
import { softThreshold } from '../../core/prox.js';
import type { NetEpochOptions } from '../net.js';
import type { FloatArray } from '../engine.js';

const SOFTMAX = 1;

export interface NetArrays {
  desc: Uint32Array;
  params: FloatArray;
  grads: FloatArray;
  scratch: FloatArray;
}

export interface NetRows {
  X: FloatArray;
  Y: FloatArray | Uint32Array;
  sw: FloatArray | null;
}

const field = (desc: Uint32Array, l: number, f: number) => desc[8 + 8 * l + f];

function forward(net: NetArrays, X: FloatArray, idx: Uint32Array | null, start: number, count: number): void {
  const { desc, params, scratch } = net;
  const L = desc[0], hidden = desc[1];
  for (let l = 0; l < L; l++) {
    const nIn = field(desc, l, 0), nOut = field(desc, l, 1), act = field(desc, l, 4);
    const first = l === 0;
    gemmNT(
      first ? X : scratch, first ? 0 : field(desc, l - 1, 4), nIn, first ? idx : null, first ? start : 0, count,
      params, field(desc, l, 2), nOut, nIn, params, field(desc, l, 3), scratch, act, nOut,
    );
    if (l < L - 1) {
      activation(hidden, scratch, act, scratch, act, count * nOut);
      // Padded units hold act(0): 0 except for the logistic's 1/2, which must not reach the next layer's gradient.
      const real = field(desc, l, 6);
      if (hidden === LOGISTIC && real < nOut) for (let i = 0; i < count; i++) scratch.fill(0, act + i * nOut + real, act + (i + 1) * nOut);
    }
  }
}

export function netBatchGrad(net: NetArrays, rows: NetRows, idx: Uint32Array | null, start: number, count: number): number {
  const { desc, params, grads, scratch } = net;
  const L = desc[0], hidden = desc[1], K = desc[3];
  const { X, Y, sw } = rows;
  forward(net, X, idx, start, count);
  const top = L - 1, kPad = field(desc, top, 1);
  const logits = field(desc, top, 4), dTop = field(desc, top, 5);
  const loss = desc[2] === SOFTMAX
    ? softmaxCeRows(scratch, logits, kPad, count, K, Y as Uint32Array, idx, start, sw, scratch, dTop, kPad)
    : sigmoidBceRows(scratch, logits, kPad, count, K, Y as FloatArray, desc[5], idx, start, sw, scratch, dTop, kPad);
  for (let l = top; l >= 0; l--) {
    const nIn = field(desc, l, 0), nOut = field(desc, l, 1), delta = field(desc, l, 5);
    const first = l === 0;
    gemmTNAcc(
      scratch, delta, nOut, count, nOut, first ? X : scratch, first ? 0 : field(desc, l - 1, 4), nIn,
      first ? idx : null, first ? start : 0, nIn, grads, field(desc, l, 2),
    );
    const b = field(desc, l, 3);
    for (let i = 0; i < count && !desc[7]; i++) {
      for (let o = 0; o < nOut; o++) grads[b + o] += scratch[delta + i * nOut + o];
    }
    if (!first) {
      const below = field(desc, l - 1, 5);
      gemmNN(scratch, delta, nOut, count, nOut, params, field(desc, l, 2), nIn, scratch, below, nIn);
      activationGrad(hidden, scratch, field(desc, l - 1, 4), scratch, below, scratch, below, count * nIn);
    }
  }
  return loss;
}

export function netLossGrad(net: NetArrays, rows: NetRows, n: number): number {
  net.grads.fill(0, 0, net.desc[4]);
  const batch = net.desc[6];
  let loss = 0;
  for (let start = 0; start < n; start += batch) loss += netBatchGrad(net, rows, null, start, Math.min(batch, n - start));
  return loss;
}


export function epochNet(
  net: NetArrays, opt: FloatArray, state: FloatArray, rows: NetRows, idx: Uint32Array, n: number, rng: Uint32Array, o: NetEpochOptions,
): number {
  if (o.shuffle) shuffleU32(idx, n, rng);
  const { desc, params, grads } = net;
  const nParams = desc[4];
  let loss = 0;
  for (let start = 0; start < n; start += o.batch) {
    const count = Math.min(o.batch, n - start);
    grads.fill(0, 0, nParams);
    loss += netBatchGrad(net, rows, idx, start, count);
    const scale = 1 / (count * o.outScale), decay = o.alpha / count + o.l2;
    for (let i = 0; i < nParams; i++) grads[i] *= scale;
    if (decay !== 0) {
      for (let l = 0; l < desc[0]; l++) {
        const w = field(desc, l, 2), end = w + field(desc, l, 0) * field(desc, l, 1);
        for (let i = w; i < end; i++) grads[i] += decay * params[i];
      }
    }
    optimizerStep(opt, state, params, 0, grads, 0, nParams);
    if (o.l1 !== 0) {
      const t = opt[2] * o.l1;
      for (let l = 0; l < desc[0]; l++) {
        const w = field(desc, l, 2), end = w + field(desc, l, 0) * field(desc, l, 1);
        for (let i = w; i < end; i++) params[i] = softThreshold(params[i], t);
      }
    }
  }
  return loss;
}

export function netPredict(net: NetArrays, X: FloatArray, start: number, count: number, out: FloatArray, ldo: number): void {
  const { desc, scratch } = net;
  forward(net, X, null, start, count);
  const top = desc[0] - 1, kPad = field(desc, top, 1), K = desc[3], logits = field(desc, top, 4);
  if (desc[2] === SOFTMAX) {
    softmaxRows(scratch, logits, kPad, count, K, out, 0, ldo);
  } else {
    for (let i = 0; i < count; i++) {
      for (let k = 0; k < K; k++) out[i * ldo + k] = sigmoid(scratch[logits + i * kPad + k]);
    }
  }
}
