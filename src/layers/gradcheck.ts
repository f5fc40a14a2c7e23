// Finite-difference gradient checks: the analytic gradient of a module (through backward) or of
// an estimator's objective, against a five-point stencil of its loss.
import { isCallable } from '../core/check.js';
import type { Targets } from '../core/targets.js';
import { fail } from '../core/errors.js';
import type { Matrix, MatrixLike } from '../core/matrix.js';
import { binaryCrossEntropy, softmaxCrossEntropy, type LossResult, type LossTargets } from './losses.js';
import { isNumberArray, layerOptions, matrixArg, numbersArg, positiveNumber, shown } from './args.js';
import { holding, Module } from './module.js';

/** What an estimator offers gradCheck: its parameters as one flat vector, and its objective. */
export interface GradCheckable {
  /** All parameters, packed. */
  getParameters(): Float64Array;
  /** Replaces the parameters, in getParameters() order. */
  setParameters(values: Float64Array): void;
  /** The training objective on (X, y) at the current parameters, and its gradient in getParameters() order. */
  lossAndGradient(X: MatrixLike, y: Targets): {
    /** The objective. */
    loss: number;
    /** Its gradient, in getParameters() order. */
    gradient: Float64Array;
  };
}

/** A loss of a module's output and targets, as softmaxCrossEntropy is. */
export type LossFunction = (out: Matrix, y: LossTargets) => LossResult;

/** gradCheck's options for an estimator (or any GradCheckable). */
export interface GradCheckOptions {
  /**
   * The stencil's step. Default 1e-2 in float32 (its losses carry ~1e-7 relative noise, which a
   * smaller step amplifies) and 1e-3 for a float64 module (Linear({ dtype: 'float64' }), float64 losses).
   * @default 1e-2 (float32), 1e-3 (float64)
   */
  eps?: number;
}

/** gradCheck's options for a Module: the loss to differentiate, and the step. */
export interface ModuleGradCheckOptions extends GradCheckOptions {
  /** The loss on the module's output: a built-in loss's name or a LossFunction. */
  loss: 'softmaxCrossEntropy' | 'binaryCrossEntropy' | LossFunction;
}

/** The check of one array: the input (dLoss/dX), a parameter, or an estimator's parameter vector. */
export interface GradCheckEntry {
  /**
   * The largest |a - n| / max(|a|, |n|, floor) over its entries (a analytic, n numeric), the floor
   * being 1e-3 ||g||inf or the rounding noise of the stencil, whichever is larger (see compare).
   * Below 1e-3: right to float32 accuracy; a float64 module's correct gradient is below 1e-7.
   */
  maxRelError: number;
  /** Where it occurred: a parameter's name ('0.weight'), 'input' for dLoss/dX, or 'parameters' for an estimator; index row-major. */
  at: {
    /** The parameter's name, 'input' or 'parameters'. */
    parameter: string;
    /** The entry's row-major index. */
    index: number;
  };
  /** The gradient by backward (or lossAndGradient), row-major. */
  analytic: Float64Array;
  /** The gradient by finite differences, entry for entry. */
  numeric: Float64Array;
}

/**
 * The worst entry over everything checked (maxRelError, at, and the analytic and numeric
 * gradients of the array it is in), and each array's own check in `parameters`.
 */
export interface GradCheckResult extends GradCheckEntry {
  /** 'input' first, then each parameter as namedParameters() lists it; one 'parameters' entry for an estimator. */
  parameters: GradCheckEntry[];
}

/**
 * Checks net.backward against finite differences of loss(net.forward(X), y), for every parameter
 * entry and every entry of X. Leaves the parameters as they were and their grads holding the
 * analytic gradient at (X, y); X itself is never modified.
 */
export function gradCheck(net: Module, X: MatrixLike, y: LossTargets, options: ModuleGradCheckOptions): GradCheckResult;
/** Checks an estimator's lossAndGradient against finite differences of its loss; restores its parameters. */
export function gradCheck(model: GradCheckable, X: MatrixLike, y: Targets, options?: GradCheckOptions): GradCheckResult;
export function gradCheck(
  subject: Module | GradCheckable, X: MatrixLike, y: Targets, options: Partial<ModuleGradCheckOptions> = {},
): GradCheckResult {
  if (subject instanceof Module) {
    const o = layerOptions('gradCheck', options, ['eps', 'loss']);
    const eps = o.eps === undefined ? null : positiveNumber('eps', o.eps);
    const loss = lossFunction(o.loss);
    const X0 = matrixArg(X, 'X');
    // The overloads pair a Module with LossTargets; the loss function validates them.
    return holding(subject, () => checkModule(subject, X0, y as LossTargets, loss, eps));
  }
  if (typeof subject !== 'object' || subject === null || typeof subject.lossAndGradient !== 'function' ||
      typeof subject.getParameters !== 'function' || typeof subject.setParameters !== 'function') {
    fail('BAD_OPTION', `gradCheck takes a Module or an object with getParameters, setParameters and lossAndGradient; got ${shown(subject)}`);
  }
  const o = layerOptions('gradCheck', options, ['eps']);
  const eps = o.eps === undefined ? 1e-2 : positiveNumber('eps', o.eps);
  const values = numbersArg(subject.getParameters(), 'getParameters()');
  const evaluate = (): { loss: number; gradient: ArrayLike<number> } => {
    const r: unknown = subject.lossAndGradient(X, y);
    const { loss, gradient } = (typeof r === 'object' && r !== null ? r : {}) as { loss?: unknown; gradient?: unknown };
    if (typeof loss !== 'number') fail('BAD_OPTION', `lossAndGradient must return { loss: number, gradient }; its loss is ${shown(loss)}`);
    return { loss, gradient: gradient as ArrayLike<number> };
  };
  const first = evaluate();
  if (!isNumberArray(first.gradient) || first.gradient.length !== values.length) {
    fail('SHAPE_MISMATCH', `lossAndGradient returned a gradient of ${shown(isNumberArray(first.gradient) ? first.gradient.length : first.gradient)} values for ${values.length} parameters`);
  }
  const g = first.gradient;
  const analytic = Float64Array.from({ length: g.length }, (_, i) => (typeof g[i] === 'number' ? g[i] : NaN));
  const checked = { name: 'parameters', values, analytic, write: () => subject.setParameters(values) };
  return compare([checked], () => evaluate().loss, first.loss, eps, F32_EPS);
}

function lossFunction(loss: unknown): LossFunction {
  if (isCallable(loss)) {
    return (out, y) => {
      const r: unknown = (loss as LossFunction)(out, y);
      if (typeof r !== 'object' || r === null || typeof (r as LossResult).loss !== 'number') {
        fail('BAD_OPTION', `the loss function must return { loss: number, grad: Matrix }; got ${shown(r)}`);
      }
      return r as LossResult;
    };
  }
  if (loss === 'softmaxCrossEntropy') return softmaxCrossEntropy;
  if (loss === 'binaryCrossEntropy') return binaryCrossEntropy;
  return fail('BAD_OPTION', `loss must be 'softmaxCrossEntropy', 'binaryCrossEntropy' or a function (out, y) => { loss, grad }; got ${shown(loss)}`);
}

function checkModule(net: Module, X0: Matrix, y: LossTargets, loss: LossFunction, eps: number | null): GradCheckResult {
  const x = { data: Float64Array.from(X0.data), rows: X0.rows, cols: X0.cols }; // our copy, perturbed in place
  net.zeroGrad();
  const out = net.forward(x);
  const first = loss(out, y);
  const dX = net.backward(first.grad);
  const parameters = net.namedParameters();
  // Float64 throughout (parameters, output, the loss's gradient): its rounding noise, and a smaller step.
  const float64 = out.data instanceof Float64Array && first.grad.data instanceof Float64Array && parameters.every(([, p]) => p.dtype === 'float64');
  const checked: Checked[] = [{ name: 'input', values: x.data, analytic: dX.data, write: () => {} }];
  for (const [name, p] of parameters) {
    const values = Float64Array.from(p.value.data);
    checked.push({ name, values, analytic: p.grad.data, write: () => p.set(values) });
  }
  const objective = () => loss(net.forward(x, { training: false }), y).loss;
  return compare(checked, objective, first.loss, eps ?? (float64 ? 1e-3 : 1e-2), float64 ? F64_EPS : F32_EPS);
}

/** Values the objective reads, their analytic gradient, and how to make a change to them take effect. */
interface Checked {
  name: string;
  values: Float64Array;
  analytic: ArrayLike<number>;
  write(): void;
}

/** A float32 rounding unit, taken at 2^-23 (twice the unit roundoff) to cover the few roundings of a loss. */
const F32_EPS = 2 ** -23;
/** The same for float64. */
const F64_EPS = 2 ** -52;

function compare(checked: Checked[], objective: () => number, loss0: number, h: number, roundoff: number): GradCheckResult {
  // Float32 arithmetic puts an absolute noise of about F32_EPS max(|L|, 1) on every loss, which
  // the stencil turns into about that over h on every numeric entry, large or near zero. Dividing
  // by |a| alone would call that noise a large error wherever the true gradient is ~0, and the
  // textbook floor 1e-3 ||g||inf is still below it for the typical gradients of a mean loss. So
  // the floor is the gradient size at which this noise is a 1e-3 relative error, or 1e-3 ||g||inf
  // if larger (per array: dX and dW differ in scale). A correct gradient then stays below 1e-3,
  // and a wrong entry shows as soon as its error exceeds the noise.
  const noiseFloor = (roundoff * Math.max(Math.abs(loss0), 1)) / h / 1e-3;
  const entries: GradCheckEntry[] = [];
  for (const c of checked) {
    const entry: GradCheckEntry = {
      maxRelError: 0, at: { parameter: c.name, index: 0 }, analytic: Float64Array.from(c.analytic), numeric: new Float64Array(c.values.length),
    };
    entries.push(entry);
    let gInf = 0;
    for (let i = 0; i < c.analytic.length; i++) if (Math.abs(c.analytic[i]) > gInf) gInf = Math.abs(c.analytic[i]); // skips NaN
    const floor = Math.max(1e-3 * gInf, noiseFloor);
    try {
      for (let i = 0; i < c.values.length; i++) {
        const v = c.values[i];
        const at = (step: number): number => {
          c.values[i] = v + step;
          c.write();
          return objective();
        };
        // Five-point central stencil: error O(h^4), so a step large enough to beat float32 noise stays accurate.
        const numeric = (at(-2 * h) - 8 * at(-h) + 8 * at(h) - at(2 * h)) / (12 * h);
        c.values[i] = v;
        entry.numeric[i] = numeric;
        const a = c.analytic[i];
        const rel = Math.abs(a - numeric) / Math.max(Math.abs(a), Math.abs(numeric), floor);
        const err = Number.isNaN(rel) ? Infinity : rel; // a NaN gradient is the worst error, not none
        if (err > entry.maxRelError) {
          entry.maxRelError = err;
          entry.at = { parameter: c.name, index: i };
        }
      }
    } finally {
      c.write();
    }
  }
  const worst = entries.reduce((w, e) => (e.maxRelError > w.maxRelError ? e : w), entries[0]);
  return { ...worst, parameters: entries };
}
