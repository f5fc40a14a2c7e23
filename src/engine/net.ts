// Dense networks as the engines run them: the memory layout and the descriptor that the net
// kernels (assembly/kernels/net.ts, src/engine/js/kernels/net.ts) read, its words named in formats.ts.
import {
  LAYER_ACT, LAYER_B, LAYER_DELTA, LAYER_IN, LAYER_OUT, LAYER_REAL_OUT, LAYER_W, LAYER_WORDS,
  NET_HEADER_WORDS, NET_HIDDEN, NET_LAYERS, NET_MAX_BATCH, NET_NO_BIAS, NET_OUTPUT, NET_OUTPUTS, NET_PARAMS, NET_Y_STRIDE,
  OPT_BETA1, OPT_BETA2, OPT_EPS, OPT_HEADER, OPT_KIND, OPT_LR, OPT_T,
} from './formats.js';
import { activationKind, optimizerKind, outputKind, type Activation, type OptimizerKind, type OutputKind } from './kinds.js';
import { allocateAll, grouped, paddedStride, type Buf, type Dtype, type Memory, type U32Buf } from './memory.js';

export type { Activation, OptimizerKind, OutputKind } from './kinds.js';

export interface NetSpec {
  /** Real layer widths: inputs, hidden layers, outputs. */
  sizes: number[];
  hidden: Activation;
  /** sigmoid + binary cross-entropy per output, or softmax + cross-entropy. */
  output: OutputKind;
  /** The most rows a kernel call handles; sizes the activation buffers. */
  maxBatch: number;
  /** false fixes every bias at zero (a linear model without intercept). Default true. */
  bias?: boolean;
  /** Of the parameters, their gradient, the scratch and the data. Default float32. */
  dtype?: Dtype;
}

export interface LayerLayout {
  nIn: number;
  nOut: number;
  /** Padded widths: every row of W, X and the activations is a multiple of 4 values. */
  inPad: number;
  outPad: number;
  /** Offsets (in values) of W (outPad x inPad) and b (outPad) in the parameter vector. */
  w: number;
  b: number;
}

export interface NetLayout {
  spec: NetSpec;
  layers: LayerLayout[];
  nParams: number;
  scratchValues: number;
  /** Values per row of a sigmoid head's 0/1 target matrix. */
  yStride: number;
  desc: Uint32Array;
}

export function netLayout(spec: NetSpec): NetLayout {
  const layers: LayerLayout[] = [];
  let offset = 0;
  for (let l = 0; l + 1 < spec.sizes.length; l++) {
    const nIn = spec.sizes[l], nOut = spec.sizes[l + 1];
    const inPad = paddedStride(nIn), outPad = paddedStride(nOut);
    const w = offset;
    const b = w + outPad * inPad;
    offset = b + outPad;
    layers.push({ nIn, nOut, inPad, outPad, w, b });
  }
  const K = spec.sizes[spec.sizes.length - 1];
  const desc = new Uint32Array(NET_HEADER_WORDS + LAYER_WORDS * layers.length);
  desc[NET_LAYERS] = layers.length;
  desc[NET_HIDDEN] = activationKind(spec.hidden);
  desc[NET_OUTPUT] = outputKind(spec.output);
  desc[NET_OUTPUTS] = K;
  desc[NET_PARAMS] = offset;
  desc[NET_Y_STRIDE] = paddedStride(K);
  desc[NET_MAX_BATCH] = spec.maxBatch;
  desc[NET_NO_BIAS] = spec.bias === false ? 1 : 0;
  let scratch = 0;
  layers.forEach((layer, l) => {
    const rows = spec.maxBatch * layer.outPad;
    const f = NET_HEADER_WORDS + LAYER_WORDS * l;
    desc[f + LAYER_IN] = layer.inPad;
    desc[f + LAYER_OUT] = layer.outPad;
    desc[f + LAYER_W] = layer.w;
    desc[f + LAYER_B] = layer.b;
    desc[f + LAYER_ACT] = scratch;
    desc[f + LAYER_DELTA] = scratch + rows;
    desc[f + LAYER_REAL_OUT] = layer.nOut;
    scratch += 2 * rows;
  });
  return { spec, layers, nParams: offset, scratchValues: scratch, yStride: paddedStride(K), desc };
}

/** A network resident in an engine: descriptor, parameters, their gradient and the batch scratch, all of `dtype`. */
export interface Net<T extends Dtype = Dtype> {
  layout: NetLayout;
  dtype: T;
  desc: U32Buf;
  params: Buf<T>;
  grads: Buf<T>;
  scratch: Buf<T>;
}

/** The net's buffers, allocated all or none (OUT_OF_MEMORY names the net's sizes). */
export function createNet(engine: Memory, spec: NetSpec): Net {
  const layout = netLayout(spec);
  const dtype = spec.dtype ?? 'float32';
  const what = `a network of ${grouped(layout.nParams)} ${dtype} parameters (their gradient, and a batch scratch of ${grouped(layout.scratchValues)} values)`;
  const [desc, params, grads, scratch] = allocateAll(engine, what, [
    ['uint32', layout.desc.length], [dtype, layout.nParams], [dtype, layout.nParams], [dtype, layout.scratchValues],
  ]) as [U32Buf, Buf<typeof dtype>, Buf<typeof dtype>, Buf<typeof dtype>];
  desc.view().set(layout.desc);
  return { layout, dtype, desc, params, grads, scratch };
}

export function freeNet(engine: Memory, net: Net): void {
  for (const b of [net.desc, net.params, net.grads, net.scratch]) engine.free(b);
}

/** Training rows in the net's dtype: X padded to the first layer's inputs; Y u32 classes (softmax) or rows of yStride (sigmoid). */
export interface NetData<T extends Dtype = Dtype> {
  X: Buf<T>;
  Y: Buf<T> | U32Buf;
  sw: Buf<T> | null;
  n: number;
}

/** An optimizer's header (formats.ts OPT_*) and state (3 values per parameter), in the parameters' dtype. */
export interface OptimizerBufs<T extends Dtype = Dtype> {
  header: Buf<T>;
  state: Buf<T>;
}

export interface OptimizerConfig {
  kind: OptimizerKind;
  lr: number;
  /** Adam's beta1, or the momentum of 'momentum' and 'nesterov'. */
  beta1: number;
  beta2: number;
  eps: number;
}

export function createOptimizer<T extends Dtype = 'float32'>(engine: Memory, nParams: number, c: OptimizerConfig, dtype: T = 'float32' as T): OptimizerBufs<T> {
  const kind = optimizerKind(c.kind);
  const what = `optimizer state for ${grouped(nParams)} ${dtype} parameters`;
  const [header, state] = allocateAll(engine, what, [[dtype, OPT_HEADER], [dtype, 3 * nParams]]) as [Buf<T>, Buf<T>];
  const h = header.view();
  h[OPT_KIND] = kind;
  h[OPT_T] = 0;
  h[OPT_LR] = c.lr;
  h[OPT_BETA1] = c.beta1;
  h[OPT_BETA2] = c.beta2;
  h[OPT_EPS] = c.eps;
  return { header, state };
}

export interface NetEpochOptions {
  batch: number;
  shuffle: boolean;
  /** scikit-learn's MLP penalty: (alpha / batch rows) W added to the weights' gradient. */
  alpha: number;
  /** A per-row L2 coefficient (linear models' 1 / (C n)) added the same way. */
  l2: number;
  /** After each step the weights are soft-thresholded by lr * l1 (0: no L1 penalty). */
  l1: number;
  /** The loss is averaged over rows times this (K for a per-output mean, 1 for a sum over outputs). */
  outScale: number;
}
