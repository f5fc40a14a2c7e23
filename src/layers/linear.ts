import { paddedStride, type Dtype, type FloatArray } from '../engine/engine.js';
import { fail } from '../core/errors.js';
import { strictOptions } from '../core/options.js';
import type { Matrix, MatrixLike } from '../core/matrix.js';
import { Xoshiro128 } from '../core/rng.js';
import { shaped, shown } from './args.js';
import { readRows, Scratch, writeRows } from './memory.js';
import { engineOf, forwardOptions, Layer, type ForwardOptions, type LayerOptions } from './module.js';
import { Parameter, ParameterStore } from './parameter.js';

export interface LinearLayerOptions extends LayerOptions {
  /** Seed of the Glorot-uniform initial weights; default 0, so a net is the same on every run and backend. */
  seed?: number;
  /** Initial weights, outFeatures x inFeatures (a Matrix, number[][] or the numbers row by row). */
  weight?: MatrixLike | ArrayLike<number>;
  /** Initial bias, outFeatures numbers; default zeros. */
  bias?: MatrixLike | ArrayLike<number>;
}

const LINEAR_OPTIONS = ['backend', 'seed', 'weight', 'bias'] as const;

/** y = x W^T + b. W (outFeatures x inFeatures), b and their gradients stay in the engine's memory. */
export class Linear extends Layer {
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** The dtype of the parameters, of every computation and of the matrices forward and backward return. */
  readonly dtype: Dtype;
  readonly weight: Parameter;
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
    const o = strictOptions('Linear', options, LINEAR_OPTIONS);
    const nIn = featureCount('inFeatures', inFeatures), nOut = featureCount('outFeatures', outFeatures);
    const dtype: Dtype = 'float32';
    const inPad = paddedStride(nIn), outPad = paddedStride(nOut);
    const seed = seedOption(o.seed);
    // OUT_OF_MEMORY for a layer its engine could never hold, before its initial values are computed.
    engineOf(o.backend).checkRoom(`Linear(${nIn}, ${nOut}) (weight and bias, with their gradients, in ${dtype})`, [
      [dtype, outPad * inPad], [dtype, outPad * inPad], [dtype, outPad], [dtype, outPad],
    ]);
    const weight = o.weight === undefined ? glorotUniform(nIn, nOut, seed) : shaped(o.weight, nOut, nIn, 'weight');
    const bias = o.bias === undefined ? null : shaped(o.bias, 1, nOut, 'bias');
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
    const X = this.input(x, this.inFeatures);
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

/** Glorot & Bengio's uniform init: U(-a, a) with a = sqrt(6 / (in + out)), keeping activations' variance across layers. */
function glorotUniform(nIn: number, nOut: number, seed: number): Matrix {
  const rng = new Xoshiro128(seed);
  const a = Math.sqrt(6 / (nIn + nOut));
  return { data: Float64Array.from({ length: nIn * nOut }, () => a * (2 * rng.nextFloat() - 1)), rows: nOut, cols: nIn };
}

/** db += the column sums of G, accumulated in f64. */
function addColumnSums(G: Matrix, db: FloatArray): void {
  const sums = new Float64Array(G.cols);
  for (let i = 0; i < G.rows; i++) for (let k = 0; k < G.cols; k++) sums[k] += G.data[i * G.cols + k];
  for (let k = 0; k < G.cols; k++) db[k] += sums[k];
}
