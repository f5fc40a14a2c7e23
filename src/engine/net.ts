// Dense networks as the engines run them: the memory layout and the descriptor that
// assembly/kernels/net.ts and src/engine/js/net.ts both read.
import type { Dtype, Engine, FloatBuf, U32Buf } from './engine.js';
import { floats, paddedStride } from './engine.js';

export type Activation = 'identity' | 'relu' | 'tanh' | 'logistic';
/** Kernel numbering of activations (assembly/kernels/activation.ts). */
export const ACTIVATION_KIND: Record<Activation, number> = { identity: 0, relu: 1, tanh: 2, logistic: 3 };

export interface NetSpec {
  /** Real layer widths: inputs, hidden layers, outputs. */
  sizes: number[];
  hidden: Activation;
  /** sigmoid + binary cross-entropy per output, or softmax + cross-entropy. */
  output: 'sigmoid' | 'softmax';
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
  const desc = new Uint32Array(8 + 8 * layers.length);
  desc.set([layers.length, ACTIVATION_KIND[spec.hidden], spec.output === 'softmax' ? 1 : 0, K, offset, paddedStride(K), spec.maxBatch, spec.bias === false ? 1 : 0]);
  let scratch = 0;
  layers.forEach((layer, l) => {
    const rows = spec.maxBatch * layer.outPad;
    desc.set([layer.inPad, layer.outPad, layer.w, layer.b, scratch, scratch + rows, layer.nOut], 8 + 8 * l);
    scratch += 2 * rows;
  });
  return { spec, layers, nParams: offset, scratchValues: scratch, yStride: paddedStride(K), desc };
}

/** A network resident in an engine: descriptor, parameters, their gradient and the batch scratch. */
export interface Net {
  layout: NetLayout;
  dtype: Dtype;
  desc: U32Buf;
  params: FloatBuf;
  grads: FloatBuf;
  scratch: FloatBuf;
}

export function createNet(engine: Engine, spec: NetSpec): Net {
  const layout = netLayout(spec);
  const dtype = spec.dtype ?? 'float32';
  const desc = engine.u32(layout.desc.length);
  desc.view().set(layout.desc);
  const values = (n: number) => floats(engine, dtype, n);
  return { layout, dtype, desc, params: values(layout.nParams), grads: values(layout.nParams), scratch: values(layout.scratchValues) };
}

export function freeNet(engine: Engine, net: Net): void {
  for (const b of [net.desc, net.params, net.grads, net.scratch]) engine.free(b);
}

/** Training rows in the net's dtype: X padded to the first layer's inputs; Y u32 classes (softmax) or rows of yStride (sigmoid). */
export interface NetData {
  X: FloatBuf;
  Y: FloatBuf | U32Buf;
  sw: FloatBuf | null;
  n: number;
}

export type OptimizerKind = 'sgd' | 'momentum' | 'nesterov' | 'adam' | 'amsgrad';
export const OPTIMIZER_KIND: Record<OptimizerKind, number> = { sgd: 0, momentum: 1, nesterov: 2, adam: 3, amsgrad: 4 };

/** An optimizer's header [kind, t, lr, beta1 or momentum, beta2, eps] and state (3 values per parameter), in the parameters' dtype. */
export interface OptimizerBufs {
  header: FloatBuf;
  state: FloatBuf;
}

export interface OptimizerConfig {
  kind: OptimizerKind;
  lr: number;
  /** Adam's beta1, or the momentum of 'momentum' and 'nesterov'. */
  beta1: number;
  beta2: number;
  eps: number;
}

export function createOptimizer(engine: Engine, nParams: number, c: OptimizerConfig, dtype: Dtype = 'float32'): OptimizerBufs {
  const header = floats(engine, dtype, 8);
  header.view().set([OPTIMIZER_KIND[c.kind], 0, c.lr, c.beta1, c.beta2, c.eps]);
  return { header, state: floats(engine, dtype, 3 * nParams) };
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
