// Metrics with hostile labels, probabilities, scores and options (odd digits, labels, eps...).
import fc from 'fast-check';
import * as W from '../../../../src/index.js';
import { finiteNumber, numberIn } from '../checks.js';
import { buildIndicators, buildLabels, buildMatrix, cleanIndicators, cleanLabels, cleanMatrix, indicatorSpec, labelSpec, matrixSpec, type IndicatorSpec, type LabelSpec, type MatrixSpec } from '../data.js';
import type { Ctx } from '../outcome.js';
import type { Surface } from '../surface.js';
import { hostileNumber, hostileValue, unknownKey } from '../values.js';

const FNS = ['accuracy', 'logLoss', 'confusionMatrix', 'precisionRecallF1', 'rocAuc', 'classificationReport', 'accuracyIndicators', 'activation'] as const;
type Fn = (typeof FNS)[number];

interface MetricsCase {
  fn: Fn;
  rows: number;
  yTrue: LabelSpec;
  yPred: LabelSpec;
  predSameKind: boolean;
  scores: MatrixSpec;
  scoresAs: 'matrix' | 'column' | 'flat' | 'probabilities';
  ind: [IndicatorSpec, IndicatorSpec];
  opts: Record<string, unknown> | null;
  rawOpts: unknown;
  useRaw: boolean;
  act: string;
}

const optionValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom<unknown>('binary', 'macro', 'micro', 'weighted', 'ovr', 'ovo', true, false, 0, 1, 2, 'a') },
  { weight: 2, arbitrary: hostileNumber },
  { weight: 1, arbitrary: fc.constantFrom<unknown>([0, 1], [0, 1, 2], ['a', 'b'], [1, 1], [0, '1'], [], [NaN, 1], [false, true], [3, 2, 1]) },
  { weight: 1, arbitrary: hostileValue },
);

const caseArb: fc.Arbitrary<MetricsCase> = fc.record({
  fn: fc.constantFrom(...FNS),
  rows: fc.oneof({ weight: 10, arbitrary: fc.integer({ min: 1, max: 10 }) }, { weight: 1, arbitrary: fc.constant(0) }),
  yTrue: labelSpec(),
  yPred: labelSpec(),
  predSameKind: fc.oneof({ weight: 6, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  scores: matrixSpec(),
  scoresAs: fc.constantFrom('matrix' as const, 'column' as const, 'flat' as const, 'probabilities' as const),
  ind: fc.tuple(indicatorSpec(), indicatorSpec()),
  opts: fc.option(
    fc.dictionary(
      fc.oneof({ weight: 12, arbitrary: fc.constantFrom('labels', 'eps', 'average', 'posLabel', 'multiClass', 'digits', 'normalize', 'sampleWeight') }, { weight: 1, arbitrary: unknownKey }),
      optionValue,
      { maxKeys: 3 },
    ),
    { freq: 2 },
  ),
  rawOpts: hostileValue,
  useRaw: fc.oneof({ weight: 8, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  act: fc.constantFrom('sigmoid', 'logSigmoid', 'softmax', 'logSoftmax'),
});

type Label = number | string | boolean;

function scoresFor(c: MetricsCase, classes: number): unknown {
  const spec = { ...c.scores, rows: c.rows };
  if (c.scoresAs === 'flat') {
    const M = buildMatrix(spec, 1);
    return Array.isArray(M) ? M.map((r) => (Array.isArray(r) ? r[0] : r)) : M;
  }
  if (c.scoresAs === 'column') return buildMatrix(spec, 1);
  if (c.scoresAs === 'probabilities') {
    // Rows that are probabilities, unless an edit made them hostile.
    const M = buildMatrix(spec, classes);
    if (Array.isArray(M)) return M.map((r) => (Array.isArray(r) ? normalize(r) : r));
    return M;
  }
  return buildMatrix(spec, c.scores.cols);
}

/** The case made valid throughout (a third of the cases), so results are checked too. */
function cleanCase(c: MetricsCase): MetricsCase {
  const yTrue = cleanLabels(c.yTrue);
  return { ...c, rows: Math.max(2, c.rows), yTrue, yPred: { ...cleanLabels(c.yPred), kind: yTrue.kind }, predSameKind: true, scores: cleanMatrix(c.scores), ind: [cleanIndicators(c.ind[0]), cleanIndicators(c.ind[1])], opts: null, useRaw: false };
}

function normalize(r: unknown[]): unknown[] {
  if (!r.every((v) => typeof v === 'number' && Number.isFinite(v))) return r;
  const e = (r as number[]).map((v) => Math.exp(v));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

export const metrics: Surface<MetricsCase> = {
  name: 'metrics',
  weight: 12,
  vitestRuns: 1500,
  caseTimeoutMs: 10_000,
  arb: () => fc.tuple(fc.oneof({ weight: 2, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }), caseArb).map(([clean, c]) => (clean ? cleanCase(c) : c)),
  run(c, ctx) {
    const yTrue = buildLabels(c.yTrue, c.rows);
    const yPred = buildLabels(c.predSameKind ? { ...c.yPred, kind: c.yTrue.kind, classes: c.yTrue.classes } : c.yPred, c.rows);
    const opts = c.useRaw ? c.rawOpts : c.opts ?? undefined;
    const M = W as unknown as Record<string, (...a: unknown[]) => unknown>;
    // The rows there are: a label spec may add or drop some, or replace the labels entirely.
    const n = typeof (yTrue as ArrayLike<unknown> | null)?.length === 'number' ? (yTrue as ArrayLike<unknown>).length : c.rows;
    switch (c.fn) {
      case 'accuracy': {
        const r = ctx.call('accuracy', [yTrue, yPred], () => M.accuracy(yTrue, yPred));
        numberIn(ctx, 'accuracy', r, 0, 1);
        return;
      }
      case 'accuracyIndicators': {
        const a = buildIndicators(c.ind[0], c.rows), b = buildIndicators({ ...c.ind[1], outputs: c.ind[0].outputs }, c.rows);
        numberIn(ctx, 'accuracy', ctx.call('accuracy', [a, b], () => M.accuracy(a, b)), 0, 1);
        return;
      }
      case 'logLoss': {
        const K = Math.max(1, c.yTrue.classes);
        const P = scoresFor(c, K === 2 && c.scoresAs === 'flat' ? 1 : K);
        const r = ctx.call('logLoss', [yTrue, P, opts], () => M.logLoss(yTrue, P, opts));
        finiteNumber(ctx, 'logLoss', r);
        ctx.check((r as number) >= 0, 'logLoss', () => `returned the negative loss ${String(r)}`);
        return;
      }
      case 'rocAuc': {
        const S = scoresFor(c, Math.max(1, c.yTrue.classes));
        numberIn(ctx, 'rocAuc', ctx.call('rocAuc', [yTrue, S, opts], () => M.rocAuc(yTrue, S, opts)), 0, 1);
        return;
      }
      case 'confusionMatrix': {
        const r = ctx.call('confusionMatrix', [yTrue, yPred, opts], () => M.confusionMatrix(yTrue, yPred, opts)) as { labels: Label[]; matrix: number[][] };
        ctx.check(typeof r === 'object' && r !== null && Array.isArray(r.labels) && Array.isArray(r.matrix), 'confusionMatrix', () => 'returned no { labels, matrix }');
        const K = r.labels.length;
        ctx.check(r.matrix.length === K && r.matrix.every((row) => Array.isArray(row) && row.length === K), 'confusionMatrix', () => `returned a matrix that is not ${K} x ${K}`);
        const total = r.matrix.flat().reduce((a, b) => a + b, 0);
        ctx.check(r.matrix.flat().every((v) => Number.isInteger(v) && v >= 0), 'confusionMatrix', () => 'returned a count that is not a whole number >= 0');
        ctx.check(total <= n, 'confusionMatrix', () => `counted ${total} rows of ${n}`);
        return;
      }
      case 'precisionRecallF1': {
        const r = ctx.call('precisionRecallF1', [yTrue, yPred, opts], () => M.precisionRecallF1(yTrue, yPred, opts)) as Record<string, unknown>;
        ctx.check(typeof r === 'object' && r !== null, 'precisionRecallF1', () => `returned ${String(r)}`);
        for (const k of ['precision', 'recall', 'f1']) numberIn(ctx, `precisionRecallF1 (${k})`, r[k], 0, 1);
        ctx.check(Number.isInteger(r.support) && (r.support as number) >= 0 && (r.support as number) <= n, 'precisionRecallF1', () => `returned support ${String(r.support)} for ${n} rows`);
        return;
      }
      case 'classificationReport': {
        const r = ctx.call('classificationReport', [yTrue, yPred, opts], () => M.classificationReport(yTrue, yPred, opts));
        ctx.check(typeof r === 'string', 'classificationReport', () => `returned a ${typeof r}`);
        ctx.check((r as string).length < 1_000_000, 'classificationReport', () => `returned a report of ${(r as string).length} characters`);
        // NaN, Infinity or undefined in a number column (a label may be called so: then not checked).
        const names = [...Array.from((yTrue as ArrayLike<unknown>) ?? []), ...Array.from((yPred as ArrayLike<unknown>) ?? []), ...(Array.isArray((opts as { labels?: unknown })?.labels) ? ((opts as { labels: unknown[] }).labels) : [])];
        const named = names.some((l) => /NaN|Infinity|undefined/.test(String(l)));
        if (!named) ctx.check(!/NaN|Infinity|undefined/.test(r as string), 'classificationReport', () => `wrote ${/NaN|Infinity|undefined/.exec(r as string)![0]} into the report`);
        return;
      }
      case 'activation': {
        const fn = M[c.act];
        if (typeof fn !== 'function') return; // not exported (yet)
        const x = c.scoresAs === 'flat' ? scoresFor(c, 1) : buildMatrix(c.scores);
        const r = ctx.call(c.act, [x], () => fn(x));
        const values = (v: unknown): unknown[] => (Array.isArray(v) ? v.flat() : v && typeof v === 'object' && 'data' in v ? Array.from((v as { data: ArrayLike<unknown> }).data) : []);
        if (!values(x).every((v) => typeof v === 'number' && Number.isFinite(v))) return;
        const out = values(r) as number[];
        const bad = out.find((v) => typeof v !== 'number' || Number.isNaN(v) || ((c.act === 'sigmoid' || c.act === 'softmax') && !(v >= 0 && v <= 1)) || (c.act.startsWith('log') && v > 0));
        if (bad !== undefined) ctx.bad(c.act, `returned ${String(bad)} for finite input`);
        return;
      }
    }
  },
};

export type { Ctx };
