import { fail } from '../core/errors.js';
import type { Matrix, MatrixLike } from '../core/matrix.js';
import { Module, type ForwardOptions } from './module.js';
import type { Parameter } from './parameter.js';

/** Modules applied in order; backward runs them in reverse. Owns its modules: dispose frees them all. */
export class Sequential extends Module {
  readonly layers: readonly Module[];

  constructor(layers: Module[]) {
    super();
    if (!Array.isArray(layers) || layers.length === 0) fail('BAD_OPTION', 'Sequential needs a non-empty array of modules');
    layers.forEach((l, i) => {
      if (!(l instanceof Module)) fail('BAD_OPTION', `Sequential: layers[${i}] is not a Module`);
    });
    this.layers = [...layers];
  }

  forward(x: MatrixLike, options?: ForwardOptions): Matrix {
    this.checkAlive();
    let out = this.layers[0].forward(x, options);
    for (let i = 1; i < this.layers.length; i++) out = this.layers[i].forward(out, options);
    return out;
  }

  backward(grad: MatrixLike): Matrix {
    this.checkAlive();
    const last = this.layers.length - 1;
    let g = this.layers[last].backward(grad);
    for (let i = last - 1; i >= 0; i--) g = this.layers[i].backward(g);
    return g;
  }

  /** Names prefixed by the layer's index, as PyTorch does: '0.weight', '2.bias'. */
  override namedParameters(): [string, Parameter][] {
    this.checkAlive();
    return this.layers.flatMap((layer, i) => layer.namedParameters().map(([name, p]): [string, Parameter] => [`${i}.${name}`, p]));
  }

  protected release(): void {
    for (const layer of this.layers) layer.dispose();
  }
}
