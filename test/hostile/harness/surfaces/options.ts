// Estimator constructors (and init) with options of every JavaScript type: each known key with a
// valid or a hostile value, unknown keys, and non-objects. A model that constructs is fitted on a
// tiny valid dataset when its options make that cheap, and its outputs are checked; its
// getParams() must construct an equal model (when the estimator has getParams).
import fc from 'fast-check';
import * as W from '../../../../src/index.js';
import { checkOutputs, checkParameters, EST_NAMES, estimatorClass, taskAfterFit, type EstName, type Model } from '../estimators.js';
import { Typed, type Ctx } from '../outcome.js';
import type { Env, Surface } from '../surface.js';
import { hostileObject, hostileValue, setOwn, SYMBOL, unknownKey } from '../values.js';
import { cleanRows } from '../data.js';

/** Valid values of the options this harness knows; other keys get their default and variations of it. */
function validPool(key: string, dflt: unknown, env: Env): unknown[] {
  const enums: Record<string, unknown[]> = {
    solver: ['lbfgs', 'gd', 'sgd', 'adam'],
    penalty: ['l2', 'l1', 'elasticnet', 'none'],
    optimizer: ['sgd', 'momentum', 'nesterov', 'adam', 'amsgrad'],
    activation: ['relu', 'tanh', 'logistic', 'identity'],
    dtype: ['float32', 'float64'],
    backend: ['auto', ...env.available],
    onDivergence: ['raise', 'stop', 'warn'],
    learningRateSchedule: ['constant', 'invscaling', 'step', 'exponential', 'cosine', 'adaptive'],
    classWeight: ['balanced', null, { 0: 2, 1: 0.5 }, { a: 1 }],
    hiddenLayerSizes: [[3], 4, [2, 2], [1], [5, 3, 2]],
    batchSize: [1, 2, 3, 256, 'auto'],
    maxIter: [1, 2, 5, 30],
    // Above the pool's size too: clamped to it.
    nThreads: [1, 2, 3, 4, 64, 256, 'auto'],
  };
  if (key in enums) return [dflt, ...enums[key]];
  if (typeof dflt === 'boolean') return [true, false];
  if (typeof dflt === 'number') {
    const v = [dflt, 1, 2, 0.5, 0.1, 0.9, 1e-3, 1e-6, 10];
    return Number.isInteger(dflt) ? [dflt, 0, 1, 2, 3, 7] : v;
  }
  return [dflt];
}

/** Near misses of an option's valid values, beside the hostile values every option gets. */
const NEAR_MISSES: Record<string, unknown[]> = {
  nThreads: [0, -1, -0, 1.5, 0.5, NaN, Infinity, 2 ** 53 + 0.5, '2', 'x', 'AUTO', ' auto', null, true, [2], 2n],
};

/** Values a check must refuse or survive: every type, and numbers at the edges. */
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: hostileValue },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(2 ** 32, 2 ** 31, -0, 1e308, 2 ** 53 + 2, 1n, 0n, '1', '0.5', [1.5], [0], [], [2 ** 31], [NaN], ['3'], [3n], { length: 1, 0: 3 }) },
);

interface OptionsCase {
  est: EstName;
  shape: 'object' | 'nonObject' | 'none';
  nonObject: unknown;
  entries: [string, unknown][];
  unknown: [string, unknown][];
  symbolKey: boolean;
  frozen: boolean;
  init: null | { backend: unknown; hasBackend: boolean; other: [string, unknown][]; wasm: unknown };
  /** Then setParams with these (when the estimator has it). */
  setParams: null | [string, unknown][];
}

function caseArb(env: Env): fc.Arbitrary<OptionsCase> {
  const perEstimator = EST_NAMES.map((est) => {
    const Est = estimatorClass(est);
    const defaults = (new Est() as unknown as { options: Record<string, unknown> }).options;
    const keys = Object.keys(defaults);
    const valueFor = (key: string, hostility: number) =>
      fc.oneof(
        { weight: 10, arbitrary: fc.constantFrom(...validPool(key, defaults[key], env)) },
        { weight: hostility, arbitrary: hostile },
        ...(key in NEAR_MISSES ? [{ weight: hostility, arbitrary: fc.constantFrom(...NEAR_MISSES[key]!) }] : []),
      );
    const entries = (hostility: number) =>
      fc.uniqueArray(fc.constantFrom(...keys), { maxLength: 6 }).chain((ks) => fc.tuple(...ks.map((k) => valueFor(k, hostility).map((v) => [k, v] as [string, unknown]))));
    return fc.record({
      est: fc.constant(est),
      shape: fc.oneof({ weight: 12, arbitrary: fc.constant('object' as const) }, { weight: 2, arbitrary: fc.constant('nonObject' as const) }, { weight: 1, arbitrary: fc.constant('none' as const) }),
      nonObject: fc.oneof(hostileValue, hostileObject),
      entries: fc.oneof({ weight: 1, arbitrary: entries(0) }, { weight: 2, arbitrary: entries(3) }),
      unknown: fc.oneof({ weight: 8, arbitrary: fc.constant([] as [string, unknown][]) }, { weight: 1, arbitrary: fc.array(fc.tuple(unknownKey, hostileValue), { minLength: 1, maxLength: 2 }) }),
      symbolKey: fc.oneof({ weight: 20, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      frozen: fc.oneof({ weight: 6, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      setParams: fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.oneof(entries(0), entries(3), fc.array(fc.tuple(unknownKey, hostileValue), { minLength: 1, maxLength: 1 })) }),
      init: fc.oneof(
        { weight: 8, arbitrary: fc.constant(null) },
        {
          weight: 1,
          arbitrary: fc.record({
            backend: fc.oneof(fc.constantFrom<unknown>('auto', ...env.all, 'wasm', 'gpu', 'JS'), hostileValue),
            hasBackend: fc.boolean(),
            other: fc.oneof({ weight: 3, arbitrary: fc.constant([] as [string, unknown][]) }, { weight: 1, arbitrary: fc.array(fc.tuple(fc.constantFrom('threads', 'threadsMode', 'wasm', 'foo', '__proto__'), hostileValue), { maxLength: 1 }) }),
            wasm: fc.constant(undefined),
          }),
        },
      ),
    });
  });
  return fc.oneof(...perEstimator);
}

/** Fitting is tried only when the options keep it fast: a legitimately slow fit is not a hang. */
function cheap(o: Record<string, unknown>): boolean {
  const h = o.hiddenLayerSizes;
  const sizes = Array.isArray(h) ? h : [h ?? 1];
  const units = sizes.reduce((a: number, b) => a + (typeof b === 'number' ? b : 0), 0);
  const maxIter = typeof o.maxIter === 'number' ? o.maxIter : 100;
  const nIterNoChange = typeof o.nIterNoChange === 'number' ? o.nIterNoChange : 5;
  // nThreads is clamped to the pool's size: any value fits as fast.
  return maxIter <= 300 && units <= 300 && sizes.length <= 6 && nIterNoChange <= 1000;
}

function data(est: EstName): { X: number[][]; y: unknown } {
  const X = cleanRows(12, 3, 7);
  if (est === 'MultiLabelClassifier') return { X, y: X.map((r, i) => [i % 2, r[0] > 0 ? 1 : 0]) };
  return { X, y: X.map((r, i) => (i < 2 ? i : r[0] + r[1] > 0 ? 1 : 0)) };
}

async function initCase(c: NonNullable<OptionsCase['init']>, ctx: Ctx, env: Env): Promise<void> {
  const opts: Record<string, unknown> = {};
  if (c.hasBackend) opts.backend = c.backend;
  for (const [k, v] of c.other) setOwn(opts, k, v);
  const engineBefore = W.backend();
  try {
    const info = await ctx.callAsync('init', [opts], () => W.init(opts as W.InitOptions));
    ctx.check(typeof info === 'object' && info !== null && env.all.includes((info as { backend: W.BackendName }).backend), 'init', () => `returned ${JSON.stringify(info)}`);
  } finally {
    // Put the process back as it was for the next case: the same builds, the same default.
    if ('wasm' in opts) await W.init({ wasm: env.wasm, backend: env.defaultBackend });
    else if ('threads' in opts || 'threadsMode' in opts) await W.init({ backend: env.defaultBackend, threads: 'auto', threadsMode: 'auto' });
    else if (W.backend() !== engineBefore) await W.init({ backend: env.defaultBackend });
  }
}

export const options: Surface<OptionsCase> = {
  name: 'options',
  weight: 15,
  vitestRuns: 1000,
  caseTimeoutMs: 15_000,
  arb: caseArb,
  async run(c, ctx, env) {
    if (c.init) return initCase(c.init, ctx, env);
    const name = c.est;
    const Est = estimatorClass(name);
    let opts: unknown;
    if (c.shape === 'nonObject') opts = c.nonObject;
    else if (c.shape === 'object') {
      const o: Record<string, unknown> = {};
      for (const [k, v] of c.entries) o[k] = v;
      for (const [k, v] of c.unknown) setOwn(o, k, v);
      if (c.symbolKey) (o as Record<symbol, unknown>)[SYMBOL] = 1;
      if (c.frozen) Object.freeze(o);
      opts = o;
    }
    const args = c.shape === 'none' ? [] : [opts];
    const model = ctx.own(ctx.call(`new ${name}`, args, () => (c.shape === 'none' ? new Est() : new Est(opts))));
    const o = (model as unknown as { options: Record<string, unknown> }).options;
    ctx.check(typeof o === 'object' && o !== null, `new ${name}`, () => 'the model has no options object');
    const W2 = W as unknown as Record<string, unknown>;
    if (typeof model.getParams === 'function') {
      const params = ctx.call(`${name}.getParams`, [], () => model.getParams!());
      ctx.own(ctx.call(`new ${name}(getParams())`, [params], () => new Est(params)));
    }
    if (typeof W2.clone === 'function') ctx.own(ctx.call('clone', [model], () => (W2.clone as (m: Model) => Model)(model)));
    if (c.setParams && typeof model.setParams === 'function') {
      const p: Record<string, unknown> = {};
      for (const [k, v] of c.setParams) setOwn(p, k, v);
      const before = fc.stringify(model.getParams?.());
      try {
        ctx.call(`${name}.setParams`, [p], () => model.setParams!(p));
      } catch (e) {
        // A refused setParams changes nothing.
        if (e instanceof Typed && fc.stringify(model.getParams?.()) !== before) ctx.bad(`${name}.setParams`, `failed (${e.code}) but changed the options`);
        throw e;
      }
    }
    if (!cheap(o)) return;
    const { X, y } = data(name);
    ctx.call(`${name}.fit`, [X, y], () => model.fit(X, y));
    const warning = ctx.call(`${name}.warning`, [], () => (model as unknown as { warning?: { code?: string } | null }).warning);
    if (warning?.code === 'DIVERGED') return; // onDivergence 'warn' or 'stop': the user asked to go on
    checkParameters(ctx, name, model);
    const task = taskAfterFit(ctx, name, model, y);
    checkOutputs(ctx, name, model, X, X.length, task, o.dtype);
  },
};
