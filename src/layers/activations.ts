import { paddedStride } from '../engine/engine.js';
import type { Activation } from '../engine/net.js';
import type { Matrix, MatrixLike } from '../core/matrix.js';
import { readRows, Scratch, writeRows } from './memory.js';
import { forwardOptions, Layer, type ForwardOptions, type LayerOptions } from './module.js';
import { layerOptions } from './args.js';

/**
 * An elementwise activation. Its derivative is written in terms of its output a (relu a > 0,
 * tanh 1 - a^2, sigmoid a (1 - a)), so the output is all backward needs: it stays in the engine.
 * It computes in the dtype of its input: a Matrix's own, float32 for number[][].
 */
abstract class Elementwise extends Layer {
  readonly #kind: Activation;
  /** The output of the last forward (backward's input), and dOutput turned into dInput in place. */
  readonly #a = this.holdings.add(new Scratch(this.engine, `${this.constructor.name} output`));
  readonly #g = this.holdings.add(new Scratch(this.engine, `${this.constructor.name} gradient`));

  constructor(activation: Activation, options: unknown) {
    super(layerOptions(new.target.name, options, ['backend']) as LayerOptions);
    this.#kind = activation;
  }

  forward(x: MatrixLike, options?: ForwardOptions): Matrix {
    const { training } = forwardOptions(this.constructor.name, options);
    const t = this.inputDtype(x);
    const X = this.input(x, null, t), n = X.data.length;
    const a = this.#a.get(t, n);
    a.view().set(X.data);
    this.engine.activation(this.#kind, a, a, n);
    this.remember(training, X.rows, X.cols, t);
    return { data: a.view().slice(0, n), rows: X.rows, cols: X.cols };
  }

  backward(grad: MatrixLike): Matrix {
    const { G, dtype: t } = this.outputGrad(grad);
    const n = G.data.length;
    const a = this.#a.get(t, n), g = this.#g.get(t, n);
    g.view().set(G.data);
    this.engine.activationGrad(this.#kind, a, g, g, n);
    return { data: g.view().slice(0, n), rows: G.rows, cols: G.cols };
  }
}

/** Passes its input through (as a copy, in its dtype): a placeholder, or a net's output layer without activation. */
export class Identity extends Elementwise {
  constructor(options: LayerOptions = {}) {
    super('identity', options);
  }
}

/** max(x, 0), elementwise. */
export class ReLU extends Elementwise {
  constructor(options: LayerOptions = {}) {
    super('relu', options);
  }
}

/** tanh(x), elementwise. */
export class Tanh extends Elementwise {
  constructor(options: LayerOptions = {}) {
    super('tanh', options);
  }
}

/** The logistic function. For training a binary output, prefer logits into binaryCrossEntropy (see losses.ts). */
export class Sigmoid extends Elementwise {
  constructor(options: LayerOptions = {}) {
    super('logistic', options);
  }
}

/**
 * Row-wise softmax: probabilities out of logits. Trained nets should end in logits instead, since
 * softmaxCrossEntropy takes logits (as PyTorch's CrossEntropyLoss does): a Softmax layer before it
 * applies softmax twice. Use Softmax for predictions, or before a loss of your own on probabilities.
 * It computes in the dtype of its input: a Matrix's own, float32 for number[][].
 */
export class Softmax extends Layer {
  /** Logits, and the probabilities of the last forward (backward's Jacobian needs them). */
  readonly #z = this.holdings.add(new Scratch(this.engine, 'Softmax logits'));
  readonly #p = this.holdings.add(new Scratch(this.engine, 'Softmax output'));

  constructor(options: LayerOptions = {}) {
    super(layerOptions('Softmax', options, ['backend']) as LayerOptions);
  }

  forward(x: MatrixLike, options?: ForwardOptions): Matrix {
    const { training } = forwardOptions('Softmax', options);
    const t = this.inputDtype(x);
    const X = this.input(x, null, t), m = X.rows, K = X.cols, stride = paddedStride(K);
    const z = this.#z.get(t, m * stride), p = this.#p.get(t, m * stride);
    writeRows(z.view(), X, stride);
    this.engine.softmaxRows(z, stride, m, K, p, stride);
    this.remember(training, m, K, t);
    return readRows(p.view(), m, K, stride);
  }

  /** The Jacobian-vector product per row: dz = p * (g - sum_k g_k p_k), in TS: one pass, no kernel needed. */
  backward(grad: MatrixLike): Matrix {
    const { G, dtype: t } = this.outputGrad(grad);
    const m = G.rows, K = G.cols, stride = paddedStride(K);
    const p = this.#p.get(t, m * stride).view();
    const out = t === 'float64' ? new Float64Array(m * K) : new Float32Array(m * K);
    for (let i = 0; i < m; i++) {
      let dot = 0;
      for (let k = 0; k < K; k++) dot += G.data[i * K + k] * p[i * stride + k];
      for (let k = 0; k < K; k++) out[i * K + k] = p[i * stride + k] * (G.data[i * K + k] - dot);
    }
    return { data: out, rows: m, cols: K };
  }
}
