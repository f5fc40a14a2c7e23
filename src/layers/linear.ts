import { paddedStride } from '../engine/engine.js';
import { fail } from '../core/errors.js';
import type { Matrix, MatrixLike } from '../core/matrix.js';
import { Xoshiro128 } from '../core/rng.js';
import { readRows, Scratch, shaped, writeRows } from './memory.js';
import { Layer, type ForwardOptions, type LayerOptions } from './module.js';
import { Parameter, ParameterStore } from './parameter.js';

export interface LinearLayerOptions extends LayerOptions {
  /** Seed of the Glorot-uniform initial weights; default 0, so a net is the same on every run and backend. */
  seed?: number;
  /** Initial weights, outFeatures x inFeatures (a Matrix, number[][] or the numbers row by row). */
  weight?: MatrixLike | ArrayLike<number>;
  /** Initial bias, outFeatures numbers; default zeros. */
  bias?: MatrixLike | ArrayLike<number>;
}

/** y = x W^T + b. W (outFeatures x inFeatures), b and their gradients stay in the engine's memory. */
export class Linear extends Layer {
  readonly weight: Parameter;
  readonly bias: Parameter;
  readonly #inPad: number;
  readonly #outPad: number;
  readonly #w: ParameterStore;
  readonly #b: ParameterStore;
  /** The padded input of the last training forward (backward's dW = D^T X needs it), output, dOutput, dInput. */
  readonly #x = new Scratch(this.engine);
  readonly #y = new Scratch(this.engine);
  readonly #d = new Scratch(this.engine);
  readonly #dx = new Scratch(this.engine);

  constructor(readonly inFeatures: number, readonly outFeatures: number, options: LinearLayerOptions = {}) {
    super(options);
    for (const [name, v] of [['inFeatures', inFeatures], ['outFeatures', outFeatures]] as const) {
      if (!Number.isInteger(v) || v < 1) fail('BAD_OPTION', `${name} must be an integer >= 1; got ${String(v)}`);
    }
    const seed = options.seed ?? 0;
    if (!Number.isInteger(seed) || seed < 0) fail('BAD_OPTION', `seed must be an integer >= 0; got ${String(seed)}`);
    // Checked before any engine memory is taken, so a bad option leaks nothing.
    const weight = shaped(options.weight ?? glorotUniform(inFeatures, outFeatures, seed), outFeatures, inFeatures, 'weight');
    const bias = options.bias === undefined ? null : shaped(options.bias, 1, outFeatures, 'bias');
    this.#inPad = paddedStride(inFeatures);
    this.#outPad = paddedStride(outFeatures);
    this.#w = new ParameterStore(this.engine, this.#outPad * this.#inPad, this.#inPad);
    this.#b = new ParameterStore(this.engine, this.#outPad, this.#outPad);
    this.weight = new Parameter('weight', outFeatures, inFeatures, this.#w);
    this.bias = new Parameter('bias', 1, outFeatures, this.#b);
    this.weight.set(weight);
    if (bias) this.bias.set(bias);
  }

  override namedParameters(): [string, Parameter][] {
    this.checkAlive();
    return [['weight', this.weight], ['bias', this.bias]];
  }

  forward(x: MatrixLike, { training = true }: ForwardOptions = {}): Matrix {
    const X = this.input(x, this.inFeatures);
    const m = X.rows, inPad = this.#inPad, outPad = this.#outPad;
    const xb = this.#x.get(m * inPad), yb = this.#y.get(m * outPad);
    writeRows(xb.view(), X, inPad);
    this.engine.gemmNT(xb, inPad, m, this.#w.value, outPad, inPad, this.#b.value, yb, outPad);
    this.remember(training, m, this.outFeatures);
    return readRows(yb.view(), m, this.outFeatures, outPad);
  }

  backward(grad: MatrixLike): Matrix {
    const G = this.outputGrad(grad);
    const m = G.rows, inPad = this.#inPad, outPad = this.#outPad;
    const xb = this.#x.get(m * inPad), db = this.#d.get(m * outPad), dxb = this.#dx.get(m * inPad);
    writeRows(db.view(), G, outPad);
    this.engine.gemmTNAcc(db, outPad, m, outPad, xb, inPad, inPad, this.#w.grad);
    addColumnSums(G, this.#b.grad.view());
    this.engine.gemmNN(db, outPad, m, outPad, this.#w.value, inPad, dxb, inPad);
    return readRows(dxb.view(), m, this.inFeatures, inPad);
  }

  protected release(): void {
    for (const s of [this.#x, this.#y, this.#d, this.#dx]) s.free();
    this.#w.free();
    this.#b.free();
  }
}

/** Glorot & Bengio's uniform init: U(-a, a) with a = sqrt(6 / (in + out)), keeping activations' variance across layers. */
function glorotUniform(nIn: number, nOut: number, seed: number): Float64Array {
  const rng = new Xoshiro128(seed);
  const a = Math.sqrt(6 / (nIn + nOut));
  return Float64Array.from({ length: nIn * nOut }, () => a * (2 * rng.nextFloat() - 1));
}

/** db += the column sums of G, accumulated in f64. */
function addColumnSums(G: Matrix, db: Float32Array): void {
  const sums = new Float64Array(G.cols);
  for (let i = 0; i < G.rows; i++) for (let k = 0; k < G.cols; k++) sums[k] += G.data[i * G.cols + k];
  for (let k = 0; k < G.cols; k++) db[k] += sums[k];
}
