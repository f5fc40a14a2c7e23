import { fail } from '../core/errors.js';
import type { Matrix, MatrixLike } from '../core/matrix.js';
import { shown } from './args.js';
import { forwardOptions, holding, isDisposed, Module, type ForwardOptions } from './module.js';
import type { Parameter } from './parameter.js';

/**
 * Modules applied in order; backward runs them in reverse. Owns its modules: dispose frees them
 * all. While it runs, it and its modules are BUSY (a custom layer cannot dispose them mid-pass).
 */
export class Sequential extends Module {
  /** The layers, in order. */
  readonly layers: readonly Module[];

  constructor(layers: Module[]) {
    super();
    if (!Array.isArray(layers) || layers.length === 0) fail('BAD_OPTION', `Sequential needs a non-empty array of modules; got ${shown(layers)}`);
    layers.forEach((l, i) => {
      if (!(l instanceof Module)) fail('BAD_OPTION', `Sequential: layers[${i}] is ${shown(l)}, not a Module`);
      if (isDisposed(l)) fail('DISPOSED', `Sequential: layers[${i}] (a ${l.constructor.name}) was disposed`);
      // One module twice would keep only its second input for backward: the first gradient would be wrong.
      const first = layers.indexOf(l);
      if (first !== i) fail('BAD_OPTION', `Sequential: layers[${i}] is the same ${l.constructor.name} as layers[${first}]; create a second one`);
    });
    this.layers = Object.freeze([...layers]);
  }

  forward(x: MatrixLike, options?: ForwardOptions): Matrix {
    this.checkAlive();
    const o = forwardOptions('Sequential', options);
    return holding(this, () => {
      let out = this.layers[0].forward(x, o);
      for (let i = 1; i < this.layers.length; i++) out = this.layers[i].forward(out, o);
      return out;
    });
  }

  backward(grad: MatrixLike): Matrix {
    this.checkAlive();
    return holding(this, () => {
      const last = this.layers.length - 1;
      let g = this.layers[last].backward(grad);
      for (let i = last - 1; i >= 0; i--) g = this.layers[i].backward(g);
      return g;
    });
  }

  /** Names prefixed by the layer's index, as PyTorch does: '0.weight', '2.bias'. */
  override namedParameters(): [string, Parameter][] {
    this.checkAlive();
    return this.layers.flatMap((layer, i) => layer.namedParameters().map(([name, p]): [string, Parameter] => [`${i}.${name}`, p]));
  }

  /** @internal */
  protected override children(): readonly Module[] {
    return this.layers;
  }

  /** Disposes every layer, even when one fails; then throws the first failure. @internal */
  protected override release(): void {
    let first: unknown = null;
    for (const layer of this.layers) {
      try {
        layer.dispose();
      } catch (e) {
        first ??= e;
      }
    }
    if (first !== null) throw first;
  }
}
