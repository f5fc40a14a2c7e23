// Saved models and transformers: a real toJSON() output, mutated field by field (wrong types,
// huge sizes, truncated or garbage base64, extra keys, __proto__), loaded by loadFromJSON or the
// class's fromJSON. What loads must predict (or transform) sanely. Also decodeArray directly.
import fc from 'fast-check';
import * as W from '../../../../src/index.js';
import { finite, matrixOut } from '../checks.js';
import { cleanRows } from '../data.js';
import { checkOutputs, type EstName, type Model, type Task } from '../estimators.js';
import type { Ctx } from '../outcome.js';
import type { Env, Surface } from '../surface.js';
import { hostileValue, setOwn, unknownKey } from '../values.js';

interface Fixture {
  label: string;
  cls: string;
  json: unknown;
}

let fixtures: Fixture[] = [];

function plain<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

async function setup(env: Env): Promise<void> {
  if (fixtures.length > 0) return;
  const X = cleanRows(20, 3, 11);
  const bin = X.map((r) => (r[0] + r[1] > 0 ? 1 : 0));
  const multi = X.map((r, i) => ['a', 'b', 'c'][(i + (r[2] > 0 ? 1 : 0)) % 3]);
  const bools = bin.map((v) => v === 1);
  const ind = X.map((r, i) => [i % 2, r[0] > 0 ? 1 : 0]);
  const out: Fixture[] = [];
  const add = (label: string, cls: string, m: { toJSON(): unknown; dispose?(): void }) => {
    out.push({ label, cls, json: plain(m.toJSON()) });
    m.dispose?.();
  };
  add('LogisticRegression binary float32', 'LogisticRegression', new W.LogisticRegression({ maxIter: 20 }).fit(X, bin));
  add('LogisticRegression multinomial float64', 'LogisticRegression', new W.LogisticRegression({ maxIter: 20, dtype: 'float64' }).fit(X, multi));
  add('LogisticRegression boolean labels', 'LogisticRegression', new W.LogisticRegression({ solver: 'sgd', maxIter: 2 }).fit(X, bools));
  add('MultiLabelClassifier', 'MultiLabelClassifier', new W.MultiLabelClassifier({ maxIter: 20 }).fit(X, ind));
  add('MLPClassifier binary', 'MLPClassifier', new W.MLPClassifier({ hiddenLayerSizes: [3], maxIter: 5 }).fit(X, bin));
  add('MLPClassifier multiclass float64', 'MLPClassifier', new W.MLPClassifier({ hiddenLayerSizes: [2, 2], maxIter: 5, dtype: 'float64' }).fit(X, multi));
  add('MLPClassifier multilabel', 'MLPClassifier', new W.MLPClassifier({ hiddenLayerSizes: [2], maxIter: 5 }).fit(X, ind));
  add('StandardScaler', 'StandardScaler', new W.StandardScaler().fit(X));
  add('MinMaxScaler', 'MinMaxScaler', new W.MinMaxScaler().fit(X));
  add('SimpleImputer', 'SimpleImputer', new W.SimpleImputer({ strategy: 'median' }).fit([[1, NaN, 3], [2, 5, NaN], [4, 6, 1]]));
  add('LabelEncoder', 'LabelEncoder', new W.LabelEncoder().fit(multi));
  add('OneHotEncoder', 'OneHotEncoder', new W.OneHotEncoder().fit([[0, 1], [1, 2], [0, 3]]));
  add('Pipeline', 'Pipeline', W.makePipeline(new W.StandardScaler(), new W.LogisticRegression({ maxIter: 10 })).fit(X, bin));
  fixtures = out;
  void env;
}

/** Every path to a value in a JSON tree, parents before children. */
function paths(root: unknown): (string | number)[][] {
  const out: (string | number)[][] = [];
  const seen = new Set<unknown>();
  const walk = (v: unknown, p: (string | number)[]) => {
    out.push(p);
    if (!v || typeof v !== 'object' || seen.has(v) || out.length > 5000) return; // a cyclic value set by a mutation
    seen.add(v);
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...p, i]));
    else for (const k of Object.keys(v)) walk((v as Record<string, unknown>)[k], [...p, k]);
  };
  walk(root, []);
  return out;
}

function at(root: unknown, p: (string | number)[]): unknown {
  return p.reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), root);
}

type B64 = 'truncate' | 'garbage' | 'otherLength' | 'nonFinite' | 'empty' | 'unicode' | 'padding' | 'huge';

type Mutation =
  | { op: 'set'; path: number; v: unknown }
  | { op: 'delete'; path: number }
  | { op: 'addKey'; path: number; key: string; v: unknown }
  | { op: 'base64'; which: number; how: B64; n: number }
  | { op: 'size'; key: 'nFeatures' | 'nOutputs' | 'outputs'; v: number };

const jsonValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<unknown>(2 ** 28, 2 ** 32, 2 ** 31, 2 ** 53, -1, 0, 1, 2, 1.5, 1e308, -0, '5', '', 'float32', 'float64', 'uint32', 'LogisticRegression', 'binary', 'multilabel', null, true, false, [], {}, [1, 2], ['a', 'a'], ['b', 'a'], [0, '1'], { dtype: 'float32', base64: '' }, 'AAAA', 'AAAAAAAAAAA=') },
  { weight: 1, arbitrary: hostileValue },
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('set' as const), path: fc.nat(), v: jsonValue }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), path: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('addKey' as const), path: fc.nat(), key: fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype'), unknownKey), v: jsonValue }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('base64' as const), which: fc.nat(), how: fc.constantFrom<B64>('truncate', 'garbage', 'otherLength', 'nonFinite', 'empty', 'unicode', 'padding', 'huge'), n: fc.integer({ min: 1, max: 9 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('size' as const), key: fc.constantFrom('nFeatures' as const, 'nOutputs' as const, 'outputs' as const), v: fc.constantFrom(2 ** 28, 2 ** 30, 2 ** 32, 2 ** 31 - 1, 2 ** 26, 1e9, 2 ** 53) }) },
);

interface JsonCase {
  fixture: number;
  mutations: Mutation[];
  text: boolean;
  loader: 'loadFromJSON' | 'fromJSON' | 'decodeArray';
  backend: unknown;
  decode: { name: unknown; dtype: unknown; expectedLength: unknown; finite: unknown };
}

function b64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function mutateBase64(s: string, how: B64, n: number): string {
  switch (how) {
    case 'truncate': return s.slice(0, Math.max(0, s.length - n));
    case 'garbage': return s.slice(0, n) + '!*\n '.charAt(n % 4) + s.slice(n + 1);
    case 'otherLength': return b64(new Uint8Array(4 * n + (n % 3) + 1).fill(7));
    case 'nonFinite': return b64(new Uint8Array(new Float32Array([NaN, Infinity, -Infinity, 3e38 * 10]).buffer).slice(0, 4 * Math.min(4, n)));
    case 'empty': return '';
    case 'unicode': return `${s.slice(0, 4)}€€${s.slice(6)}`;
    case 'padding': return `${s}${'='.repeat(n % 4)}`;
    case 'huge': return 'AAAA'.repeat(2 ** 16); // 192 KiB of zeros
  }
}

function apply(json: unknown, ms: Mutation[]): unknown {
  const root = { root: plain(json) } as Record<string, unknown>;
  for (const m of ms) {
    try {
      applyOne(root, m);
    } catch {
      // a mutation that cannot apply (a key of a string, a frozen object): skipped
    }
  }
  return root.root;
}

function applyOne(root: Record<string, unknown>, m: Mutation): void {
  {
    const all = paths(root.root).map((p) => ['root', ...p]);
    if (m.op === 'base64') {
      const b = all.filter((p) => p[p.length - 1] === 'base64');
      if (b.length === 0) return;
      const p = b[m.which % b.length];
      const parent = at(root, p.slice(0, -1)) as Record<string, unknown>;
      parent.base64 = mutateBase64(String(parent.base64), m.how, m.n);
    } else if (m.op === 'size') {
      const p = all.find((q) => q[q.length - 1] === m.key);
      if (!p) return;
      (at(root, p.slice(0, -1)) as Record<string, unknown>)[m.key] = m.v;
    } else {
      const p = all[(m.path % (all.length - 1)) + 1]; // never the root itself
      if (!p) return;
      const parent = at(root, p.slice(0, -1)) as Record<string | number, unknown>;
      if (typeof parent !== 'object' || parent === null) return;
      const key = p[p.length - 1];
      if (m.op === 'set') parent[key] = m.v;
      else if (m.op === 'delete') {
        if (Array.isArray(parent)) parent.splice(key as number, 1);
        else delete parent[key];
      } else {
        const target = parent[key];
        if (target && typeof target === 'object' && !Array.isArray(target)) setOwn(target as Record<string, unknown>, m.key, m.v);
        else setOwn(parent as Record<string, unknown>, m.key, m.v);
      }
    }
  }
}

const caseArb = (): fc.Arbitrary<JsonCase> =>
  fc.record({
    fixture: fc.nat(),
    mutations: fc.array(mutation, { minLength: 0, maxLength: 3 }),
    text: fc.boolean(),
    loader: fc.oneof({ weight: 5, arbitrary: fc.constantFrom('loadFromJSON' as const, 'fromJSON' as const) }, { weight: 1, arbitrary: fc.constant('decodeArray' as const) }),
    backend: fc.oneof({ weight: 8, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom<unknown>('js', 'wasm-simd', 'auto') }, { weight: 1, arbitrary: hostileValue }),
    decode: fc.record({
      name: fc.oneof(fc.constant('x'), hostileValue),
      dtype: fc.oneof(fc.constantFrom<unknown>(undefined, 'float32', 'float64', 'uint32'), hostileValue),
      expectedLength: fc.oneof(fc.constantFrom<unknown>(undefined, 0, 1, 3, 2 ** 32, -1, 1.5, NaN), hostileValue),
      finite: fc.oneof(fc.constantFrom<unknown>(undefined, true, false), hostileValue),
    }),
  });

type Loaded = { predictProba?: (X: unknown) => unknown; transform?: (X: unknown) => unknown; dispose?: () => void; classes?: unknown; coef?: unknown; nFeatures?: number; toJSON(): unknown };

/** The width the loaded object expects, read from its saved file. */
function widthOf(json: unknown): number | null {
  const o = json as Record<string, unknown>;
  if (typeof o.nFeatures === 'number') return o.nFeatures;
  if (o.name === 'Pipeline' && Array.isArray(o.steps)) return widthOf(o.steps[0]);
  for (const k of ['mean', 'dataMin', 'statistics']) {
    const a = o[k] as { base64?: unknown } | undefined;
    if (a && typeof a.base64 === 'string') return (a.base64.length / 4) * 3 / 8 - (a.base64.endsWith('==') ? 2 : a.base64.endsWith('=') ? 1 : 0) / 8;
  }
  if (Array.isArray(o.categories)) return o.categories.length;
  return null;
}

function checkLoaded(ctx: Ctx, name: string, loaded: Loaded, json: unknown): void {
  ctx.check(typeof loaded === 'object' && loaded !== null, name, () => `returned ${String(loaded)}`);
  const d = widthOf(json);
  if (d === null || !Number.isInteger(d) || d < 1 || d > 4096) return;
  const X = cleanRows(3, d, 5);
  const o = json as Record<string, unknown>;
  if (typeof loaded.predictProba === 'function') {
    const cls = (o.name === 'Pipeline' ? (o.steps as Record<string, unknown>[]).at(-1)!.name : o.name) as EstName;
    let task: Task;
    const taskJson = (o.task ?? {}) as { kind?: string; outputs?: number };
    if (cls === 'MultiLabelClassifier' || taskJson.kind === 'multilabel') {
      const probe = ctx.call(`${name} predictProba`, [X], () => loaded.predictProba!(X)) as { cols: number };
      task = { multi: true, outputs: probe.cols };
    } else task = { multi: false, classes: ctx.call(`${name} classes`, [], () => (loaded as { model?: Loaded }).model?.classes ?? loaded.classes) as (string | number | boolean)[] };
    checkOutputs(ctx, cls, loaded as unknown as Model, X, 3, task, ((o.options ?? {}) as { dtype?: string }).dtype ?? 'float32');
  } else if (typeof loaded.transform === 'function' && o.name !== 'LabelEncoder') {
    const T = matrixOut(ctx, `${name} transform`, ctx.call(`${String(o.name)}.transform`, [X], () => loaded.transform!(X)), 3, null);
    finite(ctx, `${String(o.name)}.transform`, T);
  }
}

export const json: Surface<JsonCase> = {
  name: 'json',
  weight: 12,
  vitestRuns: 1000,
  caseTimeoutMs: 10_000,
  setup,
  arb: caseArb,
  run(c, ctx) {
    const f = fixtures[c.fixture % fixtures.length];
    let obj = apply(f.json, c.mutations);
    if (c.text) {
      // Through text, as a file is read: JSON.parse makes '__proto__' an own key.
      let text: string | undefined;
      try {
        text = JSON.stringify(obj, (_k, v) => (typeof v === 'bigint' || typeof v === 'symbol' || typeof v === 'function' ? undefined : v));
      } catch {
        text = undefined; // a cyclic value: no text form, the object itself is loaded
      }
      obj = text === undefined ? obj : JSON.parse(text);
    }
    if (c.loader === 'decodeArray') {
      const arrays = paths(obj).filter((p) => p[p.length - 1] === 'base64').map((p) => at(obj, p.slice(0, -1)));
      const target = arrays[c.fixture % Math.max(1, arrays.length)] ?? obj;
      const opts = { ...c.decode };
      const a = ctx.call('decodeArray', [target, opts], () => W.decodeArray(target, opts as never)) as ArrayLike<number>;
      ctx.check(a instanceof Float32Array || a instanceof Float64Array || a instanceof Uint32Array, 'decodeArray', () => `returned a ${(a as object)?.constructor?.name}`);
      if (typeof opts.expectedLength === 'number') ctx.check(a.length === opts.expectedLength, 'decodeArray', () => `returned ${a.length} values, expectedLength ${String(opts.expectedLength)}`);
      if (opts.finite === true) ctx.check(Array.from(a).every(Number.isFinite), 'decodeArray', () => 'returned a non-finite value with finite: true');
      return;
    }
    const Cls = (W as unknown as Record<string, { fromJSON(o: unknown, opts?: unknown): Loaded }>)[f.cls];
    const entry = c.loader === 'loadFromJSON' ? 'loadFromJSON' : `${f.cls}.fromJSON`;
    const args: unknown[] = c.loader === 'fromJSON' && c.backend !== undefined ? [obj, { backend: c.backend }] : [obj];
    const loaded = ctx.own(ctx.call(entry, args, () => (c.loader === 'loadFromJSON' ? W.loadFromJSON(obj) : Cls.fromJSON(obj, args[1])) as Loaded));
    checkLoaded(ctx, entry, loaded, obj);
  },
};
