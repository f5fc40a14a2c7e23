// fit / partialFit / predict / predictProba / decisionFunction / score with hostile X, y,
// sampleWeight, validationData and callbacks, on every estimator, backend and dtype.
import fc from 'fast-check';
import { none, buildIndicators, buildLabels, buildMatrix, cleanIndicators, cleanLabels, cleanMatrix, indicatorSpec, labelSpec, matrixSpec, shapeOf, type IndicatorSpec, type LabelSpec, type MatrixSpec } from '../data.js';
import { numberIn } from '../checks.js';
import { checkOutputs, checkParameters, EST_NAMES, estimatorClass, taskAfterFit, type EstName, type Model, type Task } from '../estimators.js';
import { Typed, UserError, type Ctx } from '../outcome.js';
import type { Env, Surface } from '../surface.js';
import { hostileNumber, hostileValue, setOwn, typedArray, typedSpec, unknownKey, type TypedSpec } from '../values.js';
import { allocMatrix, type BackendName } from '../../../../src/index.js';

/** A well-formed float Matrix copied into an allocMatrix (owned by the case), anything else as it is. */
function inEngine(ctx: Ctx, v: unknown, o: { dtype: 'float32' | 'float64'; backend: BackendName }): unknown {
  const m = v as { data?: unknown; rows?: unknown; cols?: unknown } | null;
  if (!m || !(m.data instanceof Float32Array || m.data instanceof Float64Array)) return v;
  const { rows, cols, data } = m as { data: Float32Array | Float64Array; rows: number; cols: number };
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0 || data.length !== rows * cols) return v;
  const X = ctx.own(allocMatrix(rows, cols, { dtype: o.dtype, backend: o.backend }));
  X.data.set(data);
  return X;
}

/** Small, fast configurations of each estimator (every solver family). */
const CONFIGS: Record<EstName, Record<string, unknown>[]> = {
  LogisticRegression: [
    { maxIter: 20 },
    { solver: 'sgd', maxIter: 3, batchSize: 4 },
    { solver: 'gd', optimizer: 'adam', maxIter: 5 },
    { solver: 'sgd', optimizer: 'momentum', maxIter: 3, earlyStopping: true, validationFraction: 0.3 },
    { penalty: 'none', maxIter: 10 },
    { classWeight: 'balanced', maxIter: 10 },
    { solver: 'gd', penalty: 'l1', maxIter: 5 },
    { solver: 'sgd', maxIter: 2, warmStart: true },
    { maxIter: 10, warmStart: true },
    { maxIter: 20, nThreads: 2 },
    { solver: 'gd', maxIter: 5, nThreads: 64 },
  ],
  MultiLabelClassifier: [{ maxIter: 20 }, { solver: 'sgd', maxIter: 3, batchSize: 3 }, { solver: 'gd', optimizer: 'amsgrad', maxIter: 4 }, { maxIter: 5, warmStart: true }, { maxIter: 10, nThreads: 3 }],
  MLPClassifier: [
    { hiddenLayerSizes: [3], maxIter: 5 },
    { hiddenLayerSizes: [2, 2], solver: 'lbfgs', maxIter: 5 },
    { hiddenLayerSizes: 4, solver: 'sgd', maxIter: 3, batchSize: 2 },
    { hiddenLayerSizes: [3], activation: 'tanh', maxIter: 3, earlyStopping: true, validationFraction: 0.3 },
    { hiddenLayerSizes: [2], maxIter: 3, warmStart: true },
    { hiddenLayerSizes: [3], solver: 'lbfgs', maxIter: 5, nThreads: 2 },
  ],
};

interface Targets {
  as: 'labels' | 'indicators';
  labels: LabelSpec;
  ind: IndicatorSpec;
}
type Callback = 'none' | 'false' | 'throw' | 'refit' | 'dispose' | 'string' | 'value';
type Weights = { w: 'none' } | { w: 'array'; values: number[]; hostile: { at: number; v: number }[]; delta: number; typed: TypedSpec | null } | { w: 'value'; v: unknown };

interface Step {
  method: 'predict' | 'predictProba' | 'decisionFunction' | 'score' | 'partialFit' | 'refit' | 'roundTrip' | 'getters' | 'afterDispose' | 'backends';
  X: MatrixSpec;
  sameCols: boolean;
  /** y drawn like the fit's y (same kind and classes), for its own rows. */
  sameY: boolean;
  y: Targets;
}

export interface InputsCase {
  est: EstName;
  hostile: Dim[];
  config: number;
  dtype: 'float32' | 'float64';
  backend: number;
  first: 'fit' | 'partialFit' | 'unfitted';
  classesOpt: { as: 'same' } | { as: 'value'; v: unknown };
  X: MatrixSpec;
  y: Targets;
  sampleWeight: Weights;
  validation: null | { as: 'pair'; X: MatrixSpec; sameCols: boolean; sameY: boolean; y: Targets } | { as: 'value'; v: unknown } | { as: 'short' };
  callback: Callback;
  batchCallback: Callback;
  /** Starting weights given to fit: coefInit / interceptInit (coefsInit / interceptsInit for the MLP). */
  start: { as: 'none' } | { as: 'valid'; scale: number } | { as: 'matrix'; coef: MatrixSpec; intercept: MatrixSpec } | { as: 'value'; coef: unknown; intercept: unknown };
  extraKey: null | [string, unknown];
  steps: Step[];
  /** X, where it is a well-formed Matrix, handed over in an allocMatrix of the case's backend and dtype. */
  resident: boolean;
}

const targets = (est: EstName): fc.Arbitrary<Targets> => {
  const as = est === 'LogisticRegression' ? fc.oneof({ weight: 12, arbitrary: fc.constant('labels' as const) }, { weight: 1, arbitrary: fc.constant('indicators' as const) })
    : est === 'MultiLabelClassifier' ? fc.oneof({ weight: 12, arbitrary: fc.constant('indicators' as const) }, { weight: 1, arbitrary: fc.constant('labels' as const) })
    : fc.oneof({ weight: 3, arbitrary: fc.constant('labels' as const) }, { weight: 1, arbitrary: fc.constant('indicators' as const) });
  return fc.record({ as, labels: labelSpec(), ind: indicatorSpec() });
};

/** The parts of a case that may be hostile; the others are made valid, so the success path is covered too. */
const DIMS = ['X', 'y', 'sampleWeight', 'validation', 'callback', 'extraKey', 'steps', 'first', 'start'] as const;
type Dim = (typeof DIMS)[number];

function cleanTargets(est: EstName, t: Targets): Targets {
  const as = est === 'LogisticRegression' ? 'labels' : est === 'MultiLabelClassifier' ? 'indicators' : t.as;
  return { as, labels: cleanLabels(t.labels), ind: cleanIndicators(t.ind) };
}

/** The case with every part outside `hostile` made valid. */
function focus(c: InputsCase): InputsCase {
  const h = new Set<Dim>(c.hostile);
  const est = c.est;
  const w = c.sampleWeight;
  return {
    ...c,
    X: h.has('X') ? c.X : cleanMatrix(c.X),
    y: h.has('y') ? c.y : cleanTargets(est, c.y),
    sampleWeight: h.has('sampleWeight') ? w : w.w === 'array' ? { ...w, hostile: [], delta: 0, typed: w.typed && (w.typed.ctor === 'Float64Array' || w.typed.ctor === 'Float32Array') ? w.typed : null } : { w: 'none' },
    validation: h.has('validation') ? c.validation : c.validation?.as === 'pair' ? { ...c.validation, X: cleanMatrix(c.validation.X), sameCols: true, y: cleanTargets(est, c.validation.y) } : null,
    callback: h.has('callback') || c.callback === 'false' ? c.callback : 'none',
    batchCallback: h.has('callback') || c.batchCallback === 'false' ? c.batchCallback : 'none',
    start: h.has('start') ? c.start : c.start.as === 'valid' ? c.start : { as: 'none' },
    extraKey: h.has('extraKey') ? c.extraKey : null,
    steps: h.has('steps') ? c.steps : c.steps.map((s) => ({ ...s, X: cleanMatrix(s.X), sameCols: true, y: cleanTargets(est, s.y) })),
    first: h.has('first') || c.first === 'partialFit' ? c.first : 'fit',
    classesOpt: h.has('first') ? c.classesOpt : { as: 'same' },
  };
}

const weights: fc.Arbitrary<Weights> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ w: 'none' as const }) },
  {
    weight: 3,
    arbitrary: fc.record({
      w: fc.constant('array' as const),
      values: fc.array(fc.oneof(fc.integer({ min: 0, max: 3 }), fc.double({ min: 0.01, max: 5, noNaN: true })), { minLength: 1, maxLength: 12 }),
      hostile: fc.oneof({ weight: 2, arbitrary: fc.constant(none<{ at: number; v: number }>()) }, { weight: 1, arbitrary: fc.array(fc.record({ at: fc.nat(11), v: hostileNumber }), { maxLength: 2 }) }),
      delta: fc.oneof({ weight: 8, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -1, max: 1 }) }),
      typed: fc.option(typedSpec, { freq: 4 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ w: fc.constant('value' as const), v: hostileValue }) },
);

const sameY = fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) });

function caseArb(est: EstName, env: Env): fc.Arbitrary<InputsCase> {
  const X = matrixSpec();
  const step: fc.Arbitrary<Step> = fc.record({
    method: fc.constantFrom<Step['method']>('predict', 'predictProba', 'decisionFunction', 'score', 'partialFit', 'refit', 'roundTrip', 'getters', 'afterDispose', 'backends'),
    X: matrixSpec(),
    sameCols: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    sameY,
    y: targets(est),
  });
  return fc.record({
    est: fc.constant(est),
    hostile: fc.oneof({ weight: 3, arbitrary: fc.constant(none<Dim>()) }, { weight: 7, arbitrary: fc.subarray([...DIMS], { minLength: 1, maxLength: 2 }) }),
    config: fc.nat(CONFIGS[est].length - 1),
    dtype: fc.constantFrom('float32' as const, 'float64' as const),
    backend: fc.nat(env.available.length - 1),
    first: fc.oneof({ weight: 12, arbitrary: fc.constant('fit' as const) }, { weight: 2, arbitrary: fc.constant('partialFit' as const) }, { weight: 1, arbitrary: fc.constant('unfitted' as const) }),
    classesOpt: fc.oneof({ weight: 4, arbitrary: fc.constant({ as: 'same' as const }) }, { weight: 1, arbitrary: fc.record({ as: fc.constant('value' as const), v: hostileValue }) }),
    X,
    y: targets(est),
    sampleWeight: weights,
    validation: fc.oneof(
      { weight: 10, arbitrary: fc.constant(null) },
      { weight: 2, arbitrary: fc.record({ as: fc.constant('pair' as const), X: matrixSpec(), sameCols: fc.boolean(), sameY: sameY, y: targets(est) }) },
      { weight: 1, arbitrary: fc.record({ as: fc.constant('value' as const), v: hostileValue }) },
      { weight: 1, arbitrary: fc.constant({ as: 'short' as const }) },
    ),
    callback: fc.oneof({ weight: 12, arbitrary: fc.constant('none' as const) }, { weight: 1, arbitrary: fc.constantFrom<Callback>('false', 'throw', 'refit', 'dispose', 'string', 'value') }),
    batchCallback: fc.oneof({ weight: 12, arbitrary: fc.constant('none' as const) }, { weight: 1, arbitrary: fc.constantFrom<Callback>('false', 'throw', 'refit', 'dispose', 'string', 'value') }),
    start: fc.oneof(
      { weight: 8, arbitrary: fc.constant({ as: 'none' as const }) },
      { weight: 2, arbitrary: fc.record({ as: fc.constant('valid' as const), scale: fc.constantFrom(0, 0.5, -1, 1e3) }) },
      { weight: 1, arbitrary: fc.record({ as: fc.constant('matrix' as const), coef: matrixSpec(), intercept: matrixSpec() }) },
      { weight: 1, arbitrary: fc.record({ as: fc.constant('value' as const), coef: hostileValue, intercept: hostileValue }) },
    ),
    extraKey: fc.oneof({ weight: 15, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.tuple(unknownKey, hostileValue) }),
    steps: fc.array(step, { maxLength: 3 }),
    resident: fc.oneof({ weight: 6, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  });
}

function buildTargets(t: Targets, rows: number): unknown {
  return t.as === 'labels' ? buildLabels(t.labels, rows) : buildIndicators(t.ind, rows);
}

function rowsOf(X: unknown): number {
  return shapeOf(X)?.rows ?? 0;
}

function buildWeights(w: Weights, rows: number): unknown {
  if (w.w === 'none') return undefined;
  if (w.w === 'value') return w.v;
  const n = Math.max(0, rows + w.delta);
  const values = Array.from({ length: n }, (_, i) => w.values[i % w.values.length]);
  for (const h of w.hostile) if (n > 0) values[h.at % n] = h.v;
  return w.typed ? typedArray(w.typed, values) : values;
}

export const inputs: Surface<InputsCase> = {
  name: 'inputs',
  weight: 25,
  vitestRuns: 2000,
  caseTimeoutMs: 10_000,
  arb: (env) => fc.oneof(...EST_NAMES.map((e) => caseArb(e, env))),
  run(hostileCase, ctx, env) {
    const c = focus(hostileCase);
    const name = c.est;
    const Est = estimatorClass(name);
    const options = { ...CONFIGS[name][c.config], dtype: c.dtype, backend: env.available[c.backend] };
    const model = ctx.own(ctx.call(`new ${name}`, [options], () => new Est(options)));
    const X = c.resident ? inEngine(ctx, buildMatrix(c.X), options) : buildMatrix(c.X);
    const y = buildTargets(c.y, c.X.rows);
    const opts: Record<string, unknown> = {};
    const sw = buildWeights(c.sampleWeight, c.X.rows);
    if (sw !== undefined || c.sampleWeight.w === 'value') opts.sampleWeight = sw;
    if (c.validation?.as === 'pair') {
      const v = c.validation;
      opts.validationData = [buildMatrix(v.X, v.sameCols ? c.X.cols : v.X.cols), buildTargets(v.sameY ? c.y : v.y, v.X.rows)];
    } else if (c.validation?.as === 'value') opts.validationData = c.validation.v;
    else if (c.validation?.as === 'short') opts.validationData = [X];
    if (c.callback !== 'none') opts.onEpochEnd = callback(c.callback, model, X, y);
    if (c.batchCallback !== 'none') opts.onBatchEnd = callback(c.batchCallback, model, X, y);
    if (c.start.as !== 'none') Object.assign(opts, startWeights(c, options, X, y));
    if (c.extraKey) setOwn(opts, c.extraKey[0], c.extraKey[1]);

    if (c.first === 'unfitted') {
      ctx.call(`${name}.predict`, [X], () => model.predict(X));
      ctx.bad(`${name}.predict`, 'an unfitted model predicted instead of throwing NOT_FITTED');
    }
    let task: Task;
    if (c.first === 'partialFit') {
      const classes = c.classesOpt.as === 'value' ? c.classesOpt.v : c.y.as === 'labels' ? buildLabels({ ...c.y.labels, delta: 0, edits: [], as: 'array' }, 4) : undefined;
      if (classes !== undefined) opts.classes = classes;
      ctx.call(`${name}.partialFit`, [X, y, opts], () => model.partialFit(X, y, opts));
    } else {
      ctx.call(`${name}.fit`, [X, y, opts], () => model.fit(X, y, opts));
    }
    const rows = rowsOf(X);
    checkParameters(ctx, name, model);
    task = taskAfterFit(ctx, name, model, y);
    if (!task.multi) {
      const classes = task.classes;
      const labels = Array.from(y as ArrayLike<unknown>);
      const odd = labels.find((l) => !classes.includes(l as never));
      if (odd !== undefined || labels.length === 0) ctx.bad(`${name}.${c.first}`, `fitted classes [${classes.map(String).join(', ')}] do not cover y's label ${String(odd)}`);
    }
    checkOutputs(ctx, name, model, X, rows, task, c.dtype);
    let cols = shapeOf(X)?.cols ?? c.X.cols;
    let Xfit = X;
    /** A fit or partialFit that fails leaves the model as it was (DESIGN.md): the same probabilities after. */
    const keptOnFailure = (entry: string, fn: () => unknown, args: unknown[]) => {
      const proba = () => Array.from((ctx.call(`${name}.predictProba`, [Xfit], () => model.predictProba(Xfit)) as { data: ArrayLike<number> }).data);
      const before = proba();
      try {
        ctx.call(entry, args, fn);
      } catch (e) {
        if (e instanceof Typed) {
          const after = proba();
          const i = after.findIndex((v, k) => !Object.is(v, before[k]));
          if (i >= 0 || after.length !== before.length) ctx.bad(entry, `failed (${e.code}) but changed the model: predictProba ${before[i]} became ${after[i]} at index ${i}`);
        }
        throw e;
      }
    };
    for (const s of c.steps) {
      const X2 = buildMatrix(s.X, s.sameCols ? cols : s.X.cols);
      const y2 = buildTargets(s.sameY ? c.y : s.y, s.X.rows);
      const rows2 = rowsOf(X2);
      switch (s.method) {
        case 'predict':
        case 'predictProba':
        case 'decisionFunction': {
          const method = s.method;
          ctx.call(`${name}.${method}`, [X2], () => (model[method] as (X: unknown) => unknown).call(model, X2));
          checkOutputs(ctx, name, model, X2, rows2, task, c.dtype);
          break;
        }
        case 'score':
          numberIn(ctx, `${name}.score`, ctx.call(`${name}.score`, [X2, y2], () => model.score(X2, y2)), 0, 1);
          break;
        case 'partialFit':
          keptOnFailure(`${name}.partialFit`, () => model.partialFit(X2, y2), [X2, y2]);
          checkParameters(ctx, name, model);
          checkOutputs(ctx, name, model, X2, rows2, task, c.dtype);
          break;
        case 'refit':
          keptOnFailure(`${name}.fit`, () => model.fit(X2, y2), [X2, y2]);
          cols = shapeOf(X2)?.cols ?? cols;
          Xfit = X2;
          checkParameters(ctx, name, model);
          task = taskAfterFit(ctx, name, model, y2);
          checkOutputs(ctx, name, model, X2, rows2, task, c.dtype);
          break;
        case 'roundTrip': {
          const json = ctx.call(`${name}.toJSON`, [], () => model.toJSON());
          const text = JSON.stringify(json);
          const back = ctx.own(ctx.call(`${name}.fromJSON`, [], () => Est.fromJSON(JSON.parse(text), { backend: options.backend })));
          const a = ctx.call(`${name}.predictProba`, [X2], () => model.predictProba(X2)) as { data: ArrayLike<number> };
          const b = ctx.call(`${name}.predictProba (loaded)`, [X2], () => back.predictProba(X2)) as { data: ArrayLike<number> };
          const i = Array.from(a.data).findIndex((v, k) => !Object.is(v, b.data[k]));
          if (i >= 0) ctx.bad(`${name}.fromJSON`, `a JSON round trip changed predictProba: ${a.data[i]} became ${b.data[i]} at index ${i}`);
          break;
        }
        case 'backends': {
          // The saved model loaded on every backend predicts what it predicts here: inference
          // kernels agree across builds (SIMD tails, padding) to float rounding.
          const json = JSON.parse(JSON.stringify(ctx.call(`${name}.toJSON`, [], () => model.toJSON())));
          const mine = ctx.call(`${name}.predictProba`, [X2], () => model.predictProba(X2)) as { data: ArrayLike<number> };
          // Rounding grows with the logits' size and the width (float32: 2^-24 per operation; the
          // relaxed build fuses multiply-adds), and with every hidden unit of an MLP.
          const logits = ctx.call(`${name}.decisionFunction`, [X2], () => model.decisionFunction?.(X2)) as { data: ArrayLike<number> } | undefined;
          const zmax = logits ? Array.from(logits.data).reduce((m, v) => Math.max(m, Math.abs(v)), 1) : 1;
          const h = (options as Record<string, unknown>).hiddenLayerSizes;
          const hidden = Array.isArray(h) ? (h as number[]).reduce((a, b) => a + b, 0) : typeof h === 'number' ? h : 0;
          const unit = c.dtype === 'float64' ? 1e-15 : 6e-8;
          const tol = 2e-6 + 10 * unit * zmax * ((shapeOf(X2)?.cols ?? 1) + 1) * (1 + hidden);
          for (const b of env.available) {
            const other = ctx.own(ctx.call(`${name}.fromJSON`, [], () => Est.fromJSON(json, { backend: b })));
            const theirs = ctx.call(`${name}.predictProba (${b})`, [X2], () => other.predictProba(X2)) as { data: ArrayLike<number> };
            const i = Array.from(mine.data).findIndex((v, k) => !(Math.abs(v - theirs.data[k]) <= tol));
            if (i >= 0) ctx.bad(`${name}.predictProba`, `backends disagree: ${options.backend} gives ${mine.data[i]}, ${b} gives ${theirs.data[i]} at index ${i}`);
          }
          break;
        }
        case 'getters':
          for (const g of ['coef', 'intercept', 'coefs', 'intercepts', 'nIter', 'history', 'converged', 'warning', 'lossCurve']) {
            if (!(g in model)) continue;
            ctx.call(`${name}.${g}`, [], () => (model as unknown as Record<string, unknown>)[g]);
          }
          break;
        case 'afterDispose':
          ctx.call(`${name}.dispose`, [], () => model.dispose());
          ctx.call(`${name}.predict`, [X2], () => model.predict(X2));
          ctx.bad(`${name}.predict`, 'a disposed model predicted instead of throwing DISPOSED');
      }
    }
  },
};

/** Starting weights of the right shapes (scaled), or hostile ones. */
function startWeights(c: InputsCase, options: Record<string, unknown>, X: unknown, y: unknown): Record<string, unknown> {
  const mlp = c.est === 'MLPClassifier';
  const keys = mlp ? ['coefsInit', 'interceptsInit'] : ['coefInit', 'interceptInit'];
  const s = c.start;
  if (s.as === 'value') return { [keys[0]]: s.coef, [keys[1]]: s.intercept };
  if (s.as === 'matrix') {
    const coef = buildMatrix(s.coef), intercept = (buildMatrix(s.intercept) as unknown[])?.[0] ?? buildMatrix(s.intercept);
    return mlp ? { coefsInit: [coef], interceptsInit: [intercept] } : { coefInit: coef, interceptInit: intercept };
  }
  if (s.as !== 'valid') return {};
  const d = shapeOf(X)?.cols ?? 1;
  const labels = Array.isArray(y) && !Array.isArray(y[0]) ? new Set(y).size : 0;
  const out = shapeOf(y) && Array.isArray(y) && Array.isArray(y[0]) ? (y[0] as unknown[]).length : labels === 2 ? 1 : labels;
  const h = options.hiddenLayerSizes;
  const sizes = mlp ? [d, ...(Array.isArray(h) ? h : [h]), out] as number[] : [d, out];
  if (!sizes.every((n) => Number.isInteger(n) && n >= 1 && n <= 64)) return {}; // y or X not a table: no shapes to match
  const coefs = sizes.slice(1).map((nOut, l) => Array.from({ length: nOut }, (_, i) => Array.from({ length: sizes[l] }, (_, j) => s.scale * (((i + j) % 3) - 1))));
  const intercepts = sizes.slice(1).map((nOut) => Array.from({ length: nOut }, () => s.scale));
  return mlp ? { coefsInit: coefs, interceptsInit: intercepts } : { coefInit: coefs[0], interceptInit: intercepts[0] };
}

function callback(kind: Callback, model: Model, X: unknown, y: unknown): unknown {
  switch (kind) {
    case 'false': return () => false;
    case 'throw': return () => {
      throw new UserError();
    };
    case 'refit': return () => {
      model.fit(X, y);
    };
    case 'dispose': return () => model.dispose();
    case 'string': return () => 'stop';
    default: return 42;
  }
}

// Exported for the estimator-option surface.
export { CONFIGS as INPUT_CONFIGS };
export type { Ctx };
