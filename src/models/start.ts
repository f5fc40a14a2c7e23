// Starting weights given to fit (scikit-learn's coef_init / intercept_init, per layer for the MLP),
// checked for shape and finiteness and packed as the objectives pack parameters: per layer W
// (outputs x inputs, row-major) then b.
import { fail } from '../core/errors.js';
import { checkMatrix, type MatrixLike } from '../core/matrix.js';
import { describe } from '../core/options.js';

export interface LayerShape {
  nIn: number;
  nOut: number;
}

/** The packed start, or null when neither weights nor intercepts were given (a missing part starts at zero). */
export function packStart(layers: readonly LayerShape[], coefs: readonly MatrixLike[] | undefined, intercepts: readonly ArrayLike<number>[] | undefined, names: { coef: string; intercept: string }): Float64Array | null {
  if (coefs === undefined && intercepts === undefined) return null;
  for (const [list, name] of [[coefs, names.coef], [intercepts, names.intercept]] as const) {
    if (list !== undefined && (!Array.isArray(list) || list.length !== layers.length)) fail('SHAPE_MISMATCH', `${name} must hold ${layers.length} layer(s); got ${describe(list)}`);
  }
  const out = new Float64Array(layers.reduce((n, L) => n + L.nOut * (L.nIn + 1), 0));
  let k = 0;
  layers.forEach((L, l) => {
    if (coefs) {
      const W = checkMatrix(coefs[l], { name: layers.length > 1 ? `${names.coef}[${l}]` : names.coef });
      if (W.rows !== L.nOut || W.cols !== L.nIn) fail('SHAPE_MISMATCH', `${names.coef}${layers.length > 1 ? `[${l}]` : ''} is ${W.rows} x ${W.cols}; the model needs ${L.nOut} x ${L.nIn} (outputs x inputs)`);
      out.set(W.data, k);
    }
    k += L.nOut * L.nIn;
    if (intercepts) {
      const b = intercepts[l];
      const name = layers.length > 1 ? `${names.intercept}[${l}]` : names.intercept;
      if (!b || typeof b !== 'object' || b.length !== L.nOut) fail('SHAPE_MISMATCH', `${name} must hold ${L.nOut} values; got ${describe(b)}`);
      for (let o = 0; o < L.nOut; o++) {
        const v = b[o];
        if (typeof v !== 'number' || !Number.isFinite(v)) fail('NON_FINITE_INPUT', `${name}[${o}] is ${describe(v)}`);
        out[k + o] = v;
      }
    }
    k += L.nOut;
  });
  return out;
}
