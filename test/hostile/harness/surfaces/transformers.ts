// Transformers (StandardScaler, MinMaxScaler, SimpleImputer, LabelEncoder, OneHotEncoder) with
// hostile options and extreme values; their JSON round trip; trainTestSplit and kFold.
import fc from 'fast-check';
import * as W from '../../../../src/index.js';
import { finite, matrixOut, type MatrixOut } from '../checks.js';
import { buildLabels, buildMatrix, cleanLabels, cleanMatrix, labelSpec, matrixSpec, none, shapeOf, type LabelSpec, type MatrixSpec } from '../data.js';
import { UserError, type Ctx } from '../outcome.js';
import type { Surface } from '../surface.js';
import { hostileNumber, hostileValue, SPECIAL_NUMBERS, unknownKey } from '../values.js';

const NAMES = ['StandardScaler', 'MinMaxScaler', 'SimpleImputer', 'LabelEncoder', 'OneHotEncoder', 'trainTestSplit', 'kFold', 'makePipeline', 'crossValScore'] as const;
const STEPS = ['StandardScaler', 'MinMaxScaler', 'SimpleImputer', 'OneHotEncoder', 'LogisticRegression', 'MLPClassifier', 'value'] as const;
const FACTORIES = ['model', 'null', 'object', 'value', 'throws'] as const;
type Name = (typeof NAMES)[number];

interface TransformersCase {
  name: Name;
  opts: null | Record<string, unknown>;
  raw: unknown;
  useRaw: boolean;
  X: MatrixSpec;
  X2: MatrixSpec;
  sameCols: boolean;
  extreme: { at: number; v: number }[];
  y: LabelSpec;
  y2: LabelSpec;
  steps: ('transform' | 'fitTransform' | 'roundTrip' | 'inverse' | 'again')[];
  codes: unknown[];
  n: unknown;
  steps2: (typeof STEPS)[number][];
  factory: (typeof FACTORIES)[number];
}


const VALID: Record<string, unknown[]> = {
  withMean: [true, false], withStd: [true, false], featureRange: [[0, 1], [-1, 1], [-3e38, 3e38], [0, 1e-300], [-1e308, 1e308]], clip: [true, false],
  strategy: ['mean', 'median', 'most_frequent', 'constant'], fillValue: [0, -1, 1e308], missingValues: [NaN],
  handleUnknown: ['error', 'ignore'], drop: [null, 'first'], categories: ['auto'],
  testSize: [0.25, 0.5, 1, 2, 0.01, 0.99], seed: [0, 1, 42], shuffle: [true, false], stratify: [true, false],
  k: [2, 3, 5],
};

const optionsArb: fc.Arbitrary<Record<string, unknown>> = fc
  .array(
    fc.tuple(
      fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...Object.keys(VALID)) }, { weight: 1, arbitrary: unknownKey }),
      fc.boolean(),
      hostileValue,
      fc.nat(8),
    ),
    { maxLength: 3 },
  )
  .map((entries) => {
    const o: Record<string, unknown> = {};
    for (const [k, hostile, v, i] of entries) o[k] = hostile || !VALID[k] ? v : VALID[k][i % VALID[k].length];
    return o;
  });

const caseArb: fc.Arbitrary<TransformersCase> = fc.record({
  name: fc.constantFrom(...NAMES),
  opts: fc.option(optionsArb, { freq: 3 }),
  raw: hostileValue,
  useRaw: fc.oneof({ weight: 8, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  X: matrixSpec(),
  X2: matrixSpec(),
  sameCols: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  extreme: fc.oneof({ weight: 1, arbitrary: fc.constant(none<{ at: number; v: number }>()) }, { weight: 2, arbitrary: fc.array(fc.record({ at: fc.nat(40), v: fc.constantFrom(...SPECIAL_NUMBERS.filter(Number.isFinite)) }), { minLength: 1, maxLength: 4 }) }),
  y: labelSpec(),
  y2: labelSpec(),
  steps: fc.array(fc.constantFrom('transform' as const, 'fitTransform' as const, 'roundTrip' as const, 'inverse' as const, 'again' as const), { maxLength: 3 }),
  codes: fc.array(fc.oneof(fc.nat(4), hostileNumber, hostileValue), { maxLength: 4 }),
  // Never a legitimately huge n (kFold(2 ** 28) is 2 ** 28 row indices, slow but right): only
  // values that are wrong (negative, fractional, not a number) or too large for any array.
  steps2: fc.array(fc.constantFrom(...STEPS), { minLength: 1, maxLength: 4 }),
  factory: fc.oneof({ weight: 6, arbitrary: fc.constant('model' as const) }, { weight: 1, arbitrary: fc.constantFrom(...FACTORIES) }),
  n: fc
    .oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 12 }) }, { weight: 1, arbitrary: hostileNumber }, { weight: 1, arbitrary: hostileValue })
    .map((v) => (typeof v === 'number' && Number.isInteger(v) && v > 1e5 && v < 2 ** 40 ? v % 13 : v)),
});

/** Extreme but finite values written into a valid table (number[][] only). */
function withExtremes(X: unknown, extreme: TransformersCase['extreme']): unknown {
  if (!Array.isArray(X) || X.length === 0 || !Array.isArray(X[0])) return X;
  const rows = X as unknown[][];
  const cols = rows[0].length;
  if (cols === 0) return X;
  for (const e of extreme) {
    const r = rows[Math.floor(e.at / cols) % rows.length];
    if (Array.isArray(r)) r[e.at % cols] = e.v;
  }
  return X;
}

function allFinite(X: unknown, allowNaN = false): boolean {
  const values: unknown[] = Array.isArray(X) ? (X as unknown[]).flatMap((r) => (Array.isArray(r) ? r : [r])) : X && typeof X === 'object' && 'data' in X ? Array.from((X as { data: ArrayLike<unknown> }).data) : [X];
  return values.every((v) => typeof v === 'number' && (Number.isFinite(v) || (allowNaN && Number.isNaN(v))));
}

type T = { fit(X: unknown): unknown; transform(X: unknown): unknown; fitTransform(X: unknown): unknown; toJSON(): unknown; inverseTransform?(c: unknown): unknown };
type TClass = { new (o?: unknown): T; fromJSON(o: unknown): T };

export const transformers: Surface<TransformersCase> = {
  name: 'transformers',
  weight: 12,
  vitestRuns: 1500,
  caseTimeoutMs: 10_000,
  arb: () => fc.tuple(fc.oneof({ weight: 2, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }), caseArb).map(([clean, c]) => (clean ? cleanCase(c) : c)),
  run(c, ctx) {
    const opts = c.useRaw ? c.raw : c.opts ?? undefined;
    if (c.name === 'trainTestSplit') return split(c, ctx, opts);
    if (c.name === 'kFold') return folds(c, ctx, opts);
    if (c.name === 'makePipeline') return pipeline(c, ctx, opts);
    if (c.name === 'crossValScore') return crossVal(c, ctx, opts);
    const Cls = (W as unknown as Record<string, TClass>)[c.name];
    const args = opts === undefined ? [] : [opts];
    const t = ctx.call(`new ${c.name}`, args, () => new Cls(...(args as [unknown])));
    const entry = (m: string) => `${c.name}.${m}`;
    if (c.name === 'LabelEncoder') {
      const y = buildLabels(c.y, c.X.rows);
      const codes = ctx.call(entry('fitTransform'), [y], () => t.fitTransform(y)) as ArrayLike<number>;
      const classes = (t as unknown as { classes: unknown[] }).classes;
      ctx.check(Array.isArray(classes), entry('fit'), () => 'left classes unset');
      ctx.check(codes.length === (y as ArrayLike<unknown>).length, entry('fitTransform'), () => `returned ${codes.length} codes for ${(y as ArrayLike<unknown>).length} labels`);
      for (let i = 0; i < codes.length; i++) if (!(Number.isInteger(codes[i]) && codes[i] >= 0 && codes[i] < classes.length)) ctx.bad(entry('fitTransform'), `returned the code ${codes[i]} for ${classes.length} classes`);
      const back = ctx.call(entry('inverseTransform'), [codes], () => t.inverseTransform!(codes)) as unknown[];
      for (let i = 0; i < codes.length; i++) if (back[i] !== (y as ArrayLike<unknown>)[i]) ctx.bad(entry('inverseTransform'), `gave ${String(back[i])} back for ${String((y as ArrayLike<unknown>)[i])}`);
      const y2 = buildLabels(c.y2, c.X2.rows);
      for (const s of c.steps) {
        if (s === 'inverse') ctx.call(entry('inverseTransform'), [c.codes], () => t.inverseTransform!(c.codes));
        else if (s === 'roundTrip') roundTrip(ctx, c.name, Cls, t, y2, (a, b) => JSON.stringify(Array.from(a as ArrayLike<number>)) === JSON.stringify(Array.from(b as ArrayLike<number>)));
        else {
          const r = ctx.call(entry('transform'), [y2], () => t.transform(y2)) as ArrayLike<number>;
          for (let i = 0; i < r.length; i++) if (!(Number.isInteger(r[i]) && r[i] >= 0 && r[i] < classes.length)) ctx.bad(entry('transform'), `returned the code ${r[i]}`);
        }
      }
      return;
    }
    const X = withExtremes(buildMatrix(c.X), c.extreme);
    const imputer = c.name === 'SimpleImputer';
    const out = ctx.call(entry('fitTransform'), [X], () => t.fitTransform(X));
    checkTransform(ctx, c.name, t, X, out, c.X.rows, true);
    let cols = c.X.cols;
    for (const s of c.steps) {
      const X2 = withExtremes(buildMatrix(c.X2, c.sameCols ? cols : c.X2.cols), c.extreme);
      if (s === 'transform' || s === 'inverse') checkTransform(ctx, c.name, t, X2, ctx.call(entry('transform'), [X2], () => t.transform(X2)), c.X2.rows, false);
      else if (s === 'fitTransform' || s === 'again') {
        const o = ctx.call(entry('fitTransform'), [X2], () => t.fitTransform(X2));
        cols = c.sameCols ? cols : c.X2.cols;
        checkTransform(ctx, c.name, t, X2, o, c.X2.rows, true);
      } else {
        const Xv = buildMatrix({ ...c.X2, edits: [] }, cols);
        roundTrip(ctx, c.name, Cls, t, Xv, (a, b) => {
          const A = (a as MatrixOut).data, B = (b as MatrixOut).data;
          return A.length === B.length && Array.from(A).every((v, i) => Object.is(v, B[i]));
        });
      }
    }
    void imputer;
  },
};

/** The case made valid throughout (a third of the cases), so results are checked too. */
function cleanCase(c: TransformersCase): TransformersCase {
  return { ...c, steps2: [...c.steps2.slice(0, -1).filter((s) => s !== 'value' && s !== 'LogisticRegression' && s !== 'MLPClassifier' && s !== 'OneHotEncoder'), 'LogisticRegression'], factory: 'model', opts: null, useRaw: false, X: cleanMatrix(c.X), X2: cleanMatrix(c.X2), sameCols: true, y: cleanLabels(c.y), y2: cleanLabels(c.y2), codes: c.codes.filter((v) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 2), n: typeof c.n === 'number' && Number.isInteger(c.n) && c.n >= 2 && c.n <= 12 ? c.n : 6 };
}

function checkTransform(ctx: Ctx, name: string, t: T, X: unknown, out: unknown, rows: number, training: boolean): void {
  const entry = `${name}.${training ? 'fitTransform' : 'transform'}`;
  const M = matrixOut(ctx, entry, out, shapeOf(X)?.rows ?? rows, null);
  const finiteIn = allFinite(X, name === 'SimpleImputer');
  if (finiteIn) finite(ctx, entry, M);
  if (name === 'OneHotEncoder') {
    const bad = M.data.findIndex((v) => v !== 0 && v !== 1);
    if (bad >= 0) ctx.bad(entry, `wrote ${M.data[bad]} into a one-hot matrix`);
  } else if (name === 'MinMaxScaler' && training && finiteIn) {
    const [lo, hi] = (t as unknown as { featureRange: [number, number] }).featureRange;
    const tol = (hi - lo) * 1e-9 + 1e-300;
    const bad = M.data.findIndex((v) => v < lo - tol || v > hi + tol);
    if (bad >= 0) ctx.bad(entry, `mapped a training value to ${M.data[bad]}, outside featureRange [${lo}, ${hi}]`);
  }
}

function roundTrip(ctx: Ctx, name: string, Cls: TClass, t: T, X: unknown, same: (a: unknown, b: unknown) => boolean): void {
  const json = ctx.call(`${name}.toJSON`, [], () => t.toJSON());
  const text = ctx.call('JSON.stringify', [], () => JSON.stringify(json));
  const back = ctx.call(`${name}.fromJSON`, [], () => Cls.fromJSON(JSON.parse(text)));
  const a = ctx.call(`${name}.transform`, [X], () => t.transform(X));
  const b = ctx.call(`${name}.transform (loaded)`, [X], () => back.transform(X));
  if (!same(a, b)) ctx.bad(`${name}.fromJSON`, 'a JSON round trip transforms differently');
}

function split(c: TransformersCase, ctx: Ctx, opts: unknown): void {
  const X = buildMatrix(c.X);
  const y = buildLabels(c.y, c.X.rows);
  const r = ctx.call('trainTestSplit', [X, y, opts], () => W.trainTestSplit(X as W.MatrixLike, y as W.Label[], opts as W.TrainTestSplitOptions));
  const n = shapeOf(X)?.rows ?? c.X.rows;
  const a = matrixOut(ctx, 'trainTestSplit', r.XTrain, null, null), b = matrixOut(ctx, 'trainTestSplit', r.XTest, null, null);
  ctx.check(a.rows + b.rows === n, 'trainTestSplit', () => `split ${n} rows into ${a.rows} + ${b.rows}`);
  ctx.check(a.rows > 0 && b.rows > 0, 'trainTestSplit', () => `returned an empty part (${a.rows} train, ${b.rows} test rows)`);
  ctx.check((r.yTrain as unknown[]).length === a.rows && (r.yTest as unknown[]).length === b.rows, 'trainTestSplit', () => 'y parts do not match X parts');
}

function folds(c: TransformersCase, ctx: Ctx, opts: unknown): void {
  const n = c.n;
  const r = ctx.call('kFold', [n, opts], () => W.kFold(n as number, opts as W.KFoldOptions));
  ctx.check(Array.isArray(r) && r.length >= 2, 'kFold', () => `returned ${Array.isArray(r) ? r.length : typeof r} folds`);
  const seen = new Array<number>(n as number).fill(0);
  for (const f of r) {
    const test = Array.from(f.test), train = Array.from(f.train);
    ctx.check(test.length > 0, 'kFold', () => 'returned an empty test fold');
    ctx.check(test.length + train.length === n, 'kFold', () => `a fold has ${train.length} + ${test.length} rows of ${String(n)}`);
    for (const i of test) {
      ctx.check(Number.isInteger(i) && i >= 0 && i < (n as number), 'kFold', () => `returned the row ${i} of ${String(n)}`);
      seen[i]++;
    }
  }
  ctx.check(seen.every((k) => k === 1), 'kFold', () => 'the test folds do not partition the rows');
}

function step(name: (typeof STEPS)[number], raw: unknown): unknown {
  const M = W as unknown as Record<string, new (o?: unknown) => unknown>;
  if (name === 'value') return raw;
  if (name === 'LogisticRegression') return new W.LogisticRegression({ maxIter: 5 });
  if (name === 'MLPClassifier') return new W.MLPClassifier({ hiddenLayerSizes: [2], maxIter: 3 });
  return new M[name]();
}

function pipeline(c: TransformersCase, ctx: Ctx, opts: unknown): void {
  const steps = c.steps2.map((s) => step(s, c.raw));
  for (const s of steps) ctx.own(s);
  const p = ctx.own(ctx.call('makePipeline', steps, () => (W.makePipeline as (...s: unknown[]) => W.Pipeline)(...steps)));
  const X = buildMatrix(c.X), y = buildLabels(c.y, c.X.rows);
  ctx.call('Pipeline.fit', [X, y, opts], () => p.fit(X as W.MatrixLike, y as W.Label[], opts as W.EstimatorFitOptions));
  const rows = shapeOf(X)?.rows ?? c.X.rows;
  const P = matrixOut(ctx, 'Pipeline.predictProba', ctx.call('Pipeline.predictProba', [X], () => p.predictProba(X as W.MatrixLike)), rows, null);
  finite(ctx, 'Pipeline.predictProba', P);
  const pred = ctx.call('Pipeline.predict', [X], () => p.predict(X as W.MatrixLike)) as unknown[];
  ctx.check(pred.length === rows, 'Pipeline.predict', () => `returned ${pred.length} labels for ${rows} rows`);
  const back = ctx.own(ctx.call('pipelineFromJSON', [], () => W.pipelineFromJSON(JSON.parse(JSON.stringify(p.toJSON())))));
  const Q = ctx.call('Pipeline.predictProba (loaded)', [X], () => back.predictProba(X as W.MatrixLike));
  if (!Array.from(Q.data).every((v, i) => Object.is(v, P.data[i]))) ctx.bad('pipelineFromJSON', 'a JSON round trip of the pipeline predicts differently');
}

function crossVal(c: TransformersCase, ctx: Ctx, opts: unknown): void {
  const X = buildMatrix(c.X), y = buildLabels(c.y, c.X.rows);
  const factory: unknown = c.factory === 'model' ? () => new W.LogisticRegression({ maxIter: 5 }) : c.factory === 'null' ? () => null : c.factory === 'object' ? () => ({}) : c.factory === 'throws' ? () => { throw new UserError(); } : c.raw;
  const r = ctx.call('crossValScore', [factory, X, y, opts], () => W.crossValScore(factory as () => W.Estimator, X as W.MatrixLike, y as W.Label[], opts as W.CrossValOptions));
  ctx.check(r instanceof Float64Array && r.length >= 2, 'crossValScore', () => `returned ${String(r)}`);
  const bad = Array.from(r).find((v) => !(v >= 0 && v <= 1));
  if (bad !== undefined) ctx.bad('crossValScore', `returned the score ${bad}`);
}
