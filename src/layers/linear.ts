import { isCallable } from '../core/check.js';
import { paddedStride, type Dtype, type FloatArray } from '../engine/engine.js';
import { fail } from '../core/errors.js';
import type { Matrix, MatrixLike } from '../core/matrix.js';
import { fillNormal, Xoshiro128 } from '../core/rng.js';
import { DTYPES, fitDtype, layerOptions, oneOfOption, shaped, shown } from './args.js';
import { readRows, Scratch, writeRows } from './memory.js';
import { engineOf, forwardOptions, Layer, type ForwardOptions, type LayerOptions } from './module.js';
import { Parameter, ParameterStore } from './parameter.js';

/** How the initial weights are drawn; `rng()` is uniform in [0, 1), seeded by `seed`, called once per weight, row by row. */
export type Init = 'glorotUniform' | 'heNormal' | 'zeros' | ((rng: () => number) => number);

/** Linear's options. */
export interface LinearLayerOptions extends LayerOptions {
  /**
   * The dtype of the parameters and of every computation: 'float32' (default) or 'float64'.
   * @default 'float32'
   */
  dtype?: Dtype;
  /**
   * The initial weights: 'glorotUniform' (default; U(-a, a), a = sqrt(6 / (in + out))), 'heNormal'
   * (N(0, 2 / in), for ReLU nets), 'zeros', or a function of a seeded uniform generator. The bias starts at zero.
   * @default 'glorotUniform'
   */
  init?: Init;
  /**
   * Seed of the initial weights; default 0, so a net is the same on every run and backend.
   * @default 0
   */
  seed?: number;
  /**
   * Initial weights, outFeatures x inFeatures (a Matrix, number[][] or the numbers row by row), instead of `init`.
   * @default undefined (drawn by `init`)
   */
  weight?: MatrixLike | ArrayLike<number>;
  /**
   * Initial bias, outFeatures numbers; default zeros.
   * @default zeros
   */
  bias?: MatrixLike | ArrayLike<number>;
}

const LINEAR_OPTIONS = ['backend', 'dtype', 'init', 'seed', 'weight', 'bias'] as const;
const INITS = ['glorotUniform', 'heNormal', 'zeros'] as const;

/** y = x W^T + b. W (outFeatures x inFeatures), b and their gradients stay in the engine's memory. */
export class Linear extends Layer {
  /** Input columns. */
  readonly inFeatures: number;
  /** Output columns. */
  readonly outFeatures: number;
  /** The dtype of the parameters, of every computation and of the matrices forward and backward return. */
  readonly dtype: Dtype;
  /** outFeatures x inFeatures, named 'weight' (PyTorch's layout). */
  readonly weight: Parameter;
  /** 1 x outFeatures, named 'bias'. */
  readonly bias: Parameter;
  readonly #inPad: number;
  readonly #outPad: number;
  readonly #w: ParameterStore;
  readonly #b: ParameterStore;
  /** The padded input of the last training forward (backward's dW = D^T X needs it), output, dOutput, dInput. */
  readonly #x = this.holdings.add(new Scratch(this.engine, 'Linear input'));
  readonly #y = this.holdings.add(new Scratch(this.engine, 'Linear output'));
  readonly #d = this.holdings.add(new Scratch(this.engine, 'Linear output gradient'));
  readonly #dx = this.holdings.add(new Scratch(this.engine, 'Linear input gradient'));

  constructor(inFeatures: number, outFeatures: number, options: LinearLayerOptions = {}) {
    // Everything is checked, and the initial values computed, before any engine memory is taken.
    const o = layerOptions('Linear', options, LINEAR_OPTIONS);
    const nIn = featureCount('inFeatures', inFeatures), nOut = featureCount('outFeatures', outFeatures);
    const dtype: Dtype = o.dtype === undefined ? 'float32' : oneOfOption('dtype', o.dtype, DTYPES);
    const init = o.init === undefined ? 'glorotUniform' : isCallable(o.init) ? (o.init as Init) : oneOfOption('init', o.init, INITS);
    if (o.init !== undefined && o.weight !== undefined) fail('BAD_OPTION', 'Linear takes weight or init, not both');
    const inPad = paddedStride(nIn), outPad = paddedStride(nOut);
    const seed = seedOption(o.seed);
    // OUT_OF_MEMORY for a layer its engine could never hold, before its initial values are computed.
    engineOf(o.backend).checkRoom(`Linear(${nIn}, ${nOut}) (weight and bias, with their gradients, in ${dtype})`, [
      [dtype, outPad * inPad], [dtype, outPad * inPad], [dtype, outPad], [dtype, outPad],
    ]);
    const weight = fitDtype(o.weight === undefined ? initialWeights(init, nIn, nOut, seed) : shaped(o.weight, nOut, nIn, 'weight'), dtype, 'weight');
    const bias = o.bias === undefined ? null : fitDtype(shaped(o.bias, 1, nOut, 'bias'), dtype, 'bias');
    super(o as LayerOptions);
    this.inFeatures = nIn;
    this.outFeatures = nOut;
    this.dtype = dtype;
    this.#inPad = inPad;
    this.#outPad = outPad;
    try {
      this.#w = this.holdings.add(new ParameterStore(this.engine, dtype, outPad * inPad, inPad, `Linear(${nIn}, ${nOut})'s weight`));
      this.#b = this.holdings.add(new ParameterStore(this.engine, dtype, outPad, outPad, `Linear(${nIn}, ${nOut})'s bias`));
    } catch (e) {
      this.dispose();
      throw e;
    }
    this.weight = new Parameter('weight', nOut, nIn, this.#w, this);
    this.bias = new Parameter('bias', 1, nOut, this.#b, this);
    writeRows(this.#w.value.view(), weight, inPad);
    if (bias) writeRows(this.#b.value.view(), bias, outPad);
  }

  override namedParameters(): [string, Parameter][] {
    this.checkAlive();
    return [['weight', this.weight], ['bias', this.bias]];
  }

  forward(x: MatrixLike, options?: ForwardOptions): Matrix {
    const { training } = forwardOptions('Linear', options);
    const X = this.input(x, this.inFeatures, this.dtype);
    const m = X.rows, inPad = this.#inPad, outPad = this.#outPad, t = this.dtype;
    const xb = this.#x.get(t, m * inPad), yb = this.#y.get(t, m * outPad);
    writeRows(xb.view(), X, inPad);
    this.engine.gemmNT(xb, inPad, m, this.#w.value, outPad, inPad, this.#b.value, yb, outPad);
    this.remember(training, m, this.outFeatures, t);
    return readRows(yb.view(), m, this.outFeatures, outPad);
  }

  backward(grad: MatrixLike): Matrix {
    const { G } = this.outputGrad(grad);
    const m = G.rows, inPad = this.#inPad, outPad = this.#outPad, t = this.dtype;
    const xb = this.#x.get(t, m * inPad), db = this.#d.get(t, m * outPad), dxb = this.#dx.get(t, m * inPad);
    writeRows(db.view(), G, outPad);
    this.engine.gemmTNAcc(db, outPad, m, outPad, xb, inPad, inPad, this.#w.grad);
    addColumnSums(G, this.#b.grad.view());
    this.engine.gemmNN(db, outPad, m, outPad, this.#w.value, inPad, dxb, inPad);
    return readRows(dxb.view(), m, this.inFeatures, inPad);
  }
}

/** The widest layer, as the estimators' hidden layers: wider cannot fit engine memory (the weight's size is checked too). */
const MAX_FEATURES = 2 ** 24;

function featureCount(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) fail('BAD_OPTION', `Linear: ${name} must be an integer >= 1; got ${shown(v)}`);
  if (v > MAX_FEATURES) fail('BAD_OPTION', `Linear: ${name} is ${v}; layers wider than ${MAX_FEATURES} cannot fit in engine memory`);
  return v;
}

function seedOption(v: unknown): number {
  if (v === undefined) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffffffff) fail('BAD_OPTION', `Linear: seed must be an integer in [0, 2^32); got ${shown(v)}`);
  return v;
}

/**
 * The initial nOut x nIn weights. Glorot & Bengio's uniform init keeps the activations' variance
 * across layers (tanh, sigmoid); He et al.'s normal init, N(0, 2 / in), does for ReLU.
 */
function initialWeights(init: Init, nIn: number, nOut: number, seed: number): Matrix {
  const rng = new Xoshiro128(seed);
  const data = new Float64Array(nIn * nOut);
  if (init === 'glorotUniform') {
    const a = Math.sqrt(6 / (nIn + nOut));
    for (let k = 0; k < data.length; k++) data[k] = a * (2 * rng.nextFloat() - 1);
  } else if (init === 'heNormal') {
    fillNormal(rng, data);
    const std = Math.sqrt(2 / nIn);
    for (let k = 0; k < data.length; k++) data[k] *= std;
  } else if (typeof init === 'function') {
    const uniform = () => rng.nextFloat();
    for (let k = 0; k < data.length; k++) {
      const v: unknown = init(uniform); // an exception of the caller's own passes through
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        fail('BAD_OPTION', `Linear: init returned ${shown(v)} for weight[${Math.floor(k / nIn)}][${k % nIn}]; it must return finite numbers`);
      }
      data[k] = v;
    }
  }
  return { data, rows: nOut, cols: nIn };
}

/** db += the column sums of G, accumulated in f64. */
function addColumnSums(G: Matrix, db: FloatArray): void {
  const sums = new Float64Array(G.cols);
  for (let i = 0; i < G.rows; i++) for (let k = 0; k < G.cols; k++) sums[k] += G.data[i * G.cols + k];
  for (let k = 0; k < G.cols; k++) db[k] += sums[k];
}
