// scikit-learn's estimator checks (sklearn.utils.estimator_checks), for every estimator on every
// backend: inputs never mutated, fit idempotent, refits with other widths, SHAPE_MISMATCH for
// the wrong width, NaN and Infinity refused, one sample and one class, a JSON round trip that
// predicts identically, clone and fresh fits equal, and the sample-weight equivalences.
import { beforeAll, describe, expect, it } from 'vitest';
import * as W from '../../src/index.js';
import { getEngine } from '../../src/engine/index.js';
import { changed, snapshot } from './harness/snapshot.js';

const info = await W.init();
const BACKENDS = info.available;

type AnyModel = {
  fit(X: unknown, y: unknown, opts?: unknown): AnyModel;
  predict(X: unknown): unknown;
  predictProba(X: unknown): W.Matrix;
  decisionFunction(X: unknown): W.Matrix;
  score(X: unknown, y: unknown): number;
  toJSON(): W.ModelJson;
  dispose(): void;
  readonly options: Record<string, unknown>;
};
type Ctor = { new (o?: Record<string, unknown>): AnyModel; fromJSON(o: unknown, opts?: { backend?: W.BackendChoice }): AnyModel };

/** Deterministic noisy data: two overlapping clouds, so an unpenalized fit has a finite optimum. */
function rows(n: number, d: number, seed: number): number[][] {
  let s = seed >>> 0 || 1;
  const u = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  return Array.from({ length: n }, () => Array.from({ length: d }, () => Math.round((u() * 4 - 2) * 1000) / 1000));
}

function labelsOf(X: number[][], kind: 'binary' | 'multi' | 'indicators'): unknown {
  const score = (r: number[], i: number) => r[0] - 0.5 * r[1] + (i % 7 === 0 ? 2 : 0) - (i % 5 === 0 ? 2 : 0);
  if (kind === 'binary') return X.map((r, i) => (score(r, i) > 0 ? 1 : 0));
  if (kind === 'multi') return X.map((r, i) => ['a', 'b', 'c'][Math.abs(Math.floor(score(r, i) + 3 + (i % 3))) % 3]);
  return X.map((r, i) => [score(r, i) > 0 ? 1 : 0, (r[1] > 0) !== (i % 6 === 0) ? 1 : 0]);
}

interface Spec {
  name: string;
  Est: Ctor;
  task: 'binary' | 'multi' | 'indicators';
  options: Record<string, unknown>;
  /**
   * Options of an exactly weighted objective (float64, a full-batch solver; the MLP with few
   * iterations, since its non-convex L-BFGS path drifts apart from rounding alone over hundreds)
   * and of an unpenalized one.
   */
  weighted: Record<string, unknown>;
  unpenalized: Record<string, unknown>;
}

const SPECS: Spec[] = [
  { name: 'LogisticRegression (binary)', Est: W.LogisticRegression as unknown as Ctor, task: 'binary', options: { maxIter: 50 }, weighted: { dtype: 'float64', tol: 1e-10, maxIter: 500 }, unpenalized: { penalty: 'none' } },
  { name: 'LogisticRegression (multinomial)', Est: W.LogisticRegression as unknown as Ctor, task: 'multi', options: { maxIter: 50 }, weighted: { dtype: 'float64', tol: 1e-10, maxIter: 500 }, unpenalized: { penalty: 'none' } },
  { name: 'MultiLabelClassifier', Est: W.MultiLabelClassifier as unknown as Ctor, task: 'indicators', options: { maxIter: 50 }, weighted: { dtype: 'float64', tol: 1e-10, maxIter: 500 }, unpenalized: { penalty: 'none' } },
  { name: 'MLPClassifier', Est: W.MLPClassifier as unknown as Ctor, task: 'binary', options: { hiddenLayerSizes: [4], maxIter: 30 }, weighted: { hiddenLayerSizes: [3], solver: 'lbfgs', dtype: 'float64', tol: 1e-10, maxIter: 30 }, unpenalized: { alpha: 0 } },
  { name: 'MLPClassifier (multi-label)', Est: W.MLPClassifier as unknown as Ctor, task: 'indicators', options: { hiddenLayerSizes: [4], maxIter: 30 }, weighted: { hiddenLayerSizes: [3], solver: 'lbfgs', dtype: 'float64', tol: 1e-10, maxIter: 30 }, unpenalized: { alpha: 0 } },
];

/** Every fitted weight, in one array. */
function parameters(m: AnyModel): number[] {
  const o = m as unknown as { coef?: W.Matrix; intercept?: Float64Array; coefs?: W.Matrix[]; intercepts?: Float64Array[] };
  if (o.coefs && o.intercepts) return [...o.coefs.flatMap((c) => Array.from(c.data)), ...o.intercepts.flatMap((b) => Array.from(b))];
  return [...Array.from(o.coef!.data), ...Array.from(o.intercept!)];
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof W.WasmlearnError) return e.code;
    return `untyped ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`;
  }
  return 'no error';
}

/** Largest |a - b| / max(1, |a|, |b|). */
function relDiff(a: number[], b: number[]): number {
  expect(a.length).toBe(b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]) / Math.max(1, Math.abs(v), Math.abs(b[i]))), 0);
}

function asMatrix(X: number[][]): W.Matrix {
  return { data: Float64Array.from(X.flat()), rows: X.length, cols: X[0].length };
}

for (const spec of SPECS) {
  for (const backend of BACKENDS) {
    describe(`${spec.name} on ${backend}`, () => {
      const X = rows(40, 4, 7);
      const y = labelsOf(X, spec.task);
      const make = (extra: Record<string, unknown> = {}) => new spec.Est({ ...spec.options, backend, ...extra });
      const models: AnyModel[] = [];
      const track = (m: AnyModel) => (models.push(m), m);
      let fitted: AnyModel;

      beforeAll(() => {
        fitted = track(make().fit(X, y));
        return () => models.forEach((m) => m.dispose());
      });

      it('leaves X, y and sampleWeight as they were (fit, predict, predictProba, decisionFunction, score)', () => {
        const Xm = asMatrix(X);
        const sw = X.map((_, i) => 1 + (i % 3));
        const args = [X, Xm, y, sw];
        const before = args.map((a) => snapshot(a));
        const m = track(make());
        m.fit(X, y, { sampleWeight: sw });
        m.fit(Xm, y);
        m.predict(X);
        m.predictProba(Xm);
        m.decisionFunction(X);
        m.score(X, y);
        args.forEach((a, i) => expect(changed(before[i], a, ['X', 'X (Matrix)', 'y', 'sampleWeight'][i])).toBeNull());
      });

      it('fits idempotently: fitting twice on the same data gives identical parameters and predictions', () => {
        const m = track(make().fit(X, y));
        const p1 = parameters(m), P1 = Array.from(m.predictProba(X).data);
        m.fit(X, y);
        expect(parameters(m)).toEqual(p1);
        expect(Array.from(m.predictProba(X).data)).toEqual(P1);
      });

      it('refits with more features, then fewer, and predicts with the width of the last fit', () => {
        const m = track(make().fit(X, y));
        const X6 = rows(40, 6, 9), X2 = rows(40, 2, 10);
        m.fit(X6, y);
        expect((m.predictProba(X6) as W.Matrix).rows).toBe(40);
        expect(codeOf(() => m.predict(X))).toBe('SHAPE_MISMATCH');
        m.fit(X2, y);
        expect((m.predictProba(X2) as W.Matrix).rows).toBe(40);
        expect(codeOf(() => m.predict(X6))).toBe('SHAPE_MISMATCH');
      });

      it('refuses X of another width at predict, predictProba, decisionFunction and score with SHAPE_MISMATCH', () => {
        const X3 = rows(5, 3, 4), X5 = rows(5, 5, 4);
        const y5 = (y as unknown[]).slice(0, 5);
        for (const Xb of [X3, X5, asMatrix(X5)]) {
          expect(codeOf(() => fitted.predict(Xb))).toBe('SHAPE_MISMATCH');
          expect(codeOf(() => fitted.predictProba(Xb))).toBe('SHAPE_MISMATCH');
          expect(codeOf(() => fitted.decisionFunction(Xb))).toBe('SHAPE_MISMATCH');
          expect(codeOf(() => fitted.score(Xb, y5))).toBe('SHAPE_MISMATCH');
        }
      });

      it.each([NaN, Infinity, -Infinity])('refuses %s in X with NON_FINITE_INPUT, at fit and at predict, as number[][] and as a Matrix', (bad) => {
        const Xb = X.map((r) => r.slice());
        Xb[3][2] = bad;
        for (const input of [Xb, asMatrix(Xb)]) {
          expect(codeOf(() => make().fit(input, y))).toBe('NON_FINITE_INPUT');
          expect(codeOf(() => fitted.predict(input))).toBe('NON_FINITE_INPUT');
          expect(codeOf(() => fitted.predictProba(input))).toBe('NON_FINITE_INPUT');
        }
      });

      it('refuses a value the float32 model cannot hold (1e39 becomes Infinity) with NON_FINITE_INPUT', () => {
        const Xb = X.map((r) => r.slice());
        Xb[0][0] = 1e39;
        expect(codeOf(() => make({ dtype: 'float32' }).fit(Xb, y))).toBe('NON_FINITE_INPUT');
        expect(codeOf(() => fitted.predictProba(Xb))).toBe('NON_FINITE_INPUT');
      });

      it('fits one sample, or one class, with a typed error or a sane model', () => {
        const cases: [number[][], unknown][] = [
          [X.slice(0, 1), (y as unknown[]).slice(0, 1)],
          [X, spec.task === 'indicators' ? X.map(() => [1, 1]) : X.map(() => (spec.task === 'multi' ? 'a' : 1))],
        ];
        for (const [Xc, yc] of cases) {
          let m: AnyModel | null = null;
          try {
            m = track(make()).fit(Xc, yc);
          } catch (e) {
            expect(e).toBeInstanceOf(W.WasmlearnError);
            expect(['BAD_LABEL', 'EMPTY_INPUT', 'SHAPE_MISMATCH']).toContain((e as W.WasmlearnError).code);
            continue;
          }
          const P = m.predictProba(X);
          expect(P.rows).toBe(X.length);
          expect(Array.from(P.data).every((p) => p >= 0 && p <= 1)).toBe(true);
        }
      });

      it('survives a pickling-style round trip: toJSON, JSON.stringify, JSON.parse, fromJSON predicts identically', () => {
        const text = JSON.stringify(fitted.toJSON());
        const back = track(spec.Est.fromJSON(JSON.parse(text), { backend }));
        expect(back.predict(X)).toEqual(fitted.predict(X));
        expect(Array.from(back.predictProba(X).data)).toEqual(Array.from(fitted.predictProba(X).data));
        expect(Array.from(back.decisionFunction(X).data)).toEqual(Array.from(fitted.decisionFunction(X).data));
        expect(parameters(back)).toEqual(parameters(fitted));
      });

      it('fits equal models from equal options: a fresh model, and clone(model), give identical parameters', () => {
        const fresh = track(make().fit(X, y));
        expect(parameters(fresh)).toEqual(parameters(fitted));
        const cloned = track((W.clone as unknown as (m: AnyModel) => AnyModel)(fitted));
        expect(codeOf(() => cloned.predict(X))).toBe('NOT_FITTED');
        expect(cloned.options).toEqual(fitted.options);
        cloned.fit(X, y);
        expect(parameters(cloned)).toEqual(parameters(fitted));
      });

      it('predicts a subset of rows, or the rows in another order, as the same rows of the full prediction', () => {
        const P = fitted.predictProba(X);
        const K = P.cols;
        const order = X.map((_, i) => (i * 17) % X.length);
        const Pp = fitted.predictProba(order.map((i) => X[i]));
        order.forEach((i, r) => expect(Array.from(Pp.data.subarray(r * K, (r + 1) * K))).toEqual(Array.from(P.data.subarray(i * K, (i + 1) * K))));
        const Ps = fitted.predictProba(X.slice(5, 9));
        expect(Array.from(Ps.data)).toEqual(Array.from(P.data.subarray(5 * K, 9 * K)));
        const all = fitted.predict(X) as unknown[] | W.Matrix, some = fitted.predict(X.slice(5, 9)) as unknown[] | W.Matrix;
        if (Array.isArray(all)) expect(some).toEqual(all.slice(5, 9));
        else expect(Array.from((some as W.Matrix).data)).toEqual(Array.from(all.data.subarray(5 * all.cols, 9 * all.cols)));
      });

      it('ranks classes alike in decisionFunction and predictProba', () => {
        const D = fitted.decisionFunction(X), P = fitted.predictProba(X);
        for (let i = 0; i < X.length; i++) {
          if (D.cols === 1) {
            expect([i, D.data[i] > 0]).toEqual([i, P.data[i * P.cols + P.cols - 1] > 0.5]);
            continue;
          }
          const d = Array.from(D.data.subarray(i * D.cols, (i + 1) * D.cols)), p = Array.from(P.data.subarray(i * P.cols, (i + 1) * P.cols));
          if (spec.task === 'indicators') d.forEach((v, k) => expect([i, k, v > 0]).toEqual([i, k, p[k] > 0.5]));
          else expect([i, d.indexOf(Math.max(...d))]).toEqual([i, p.indexOf(Math.max(...p))]);
        }
      });

      it('leaves its options as they were given: fit changes no hyperparameter', () => {
        const m = track(make());
        const before = JSON.stringify(m.options);
        m.fit(X, y);
        expect(JSON.stringify(m.options)).toBe(before);
      });

      it('refuses empty data with EMPTY_INPUT, and 1-D X or string cells with a typed error', () => {
        expect(codeOf(() => make().fit([], []))).toBe('EMPTY_INPUT');
        expect(codeOf(() => make().fit(X.map(() => []), y))).toBe('EMPTY_INPUT');
        expect(codeOf(() => fitted.predict([]))).toBe('EMPTY_INPUT');
        expect(codeOf(() => fitted.predict(X[0]))).toMatch(/^(SHAPE_MISMATCH|NON_FINITE_INPUT)$/);
        expect(codeOf(() => make().fit(X.map((r) => r.map(String)), y))).toMatch(/^(NON_FINITE_INPUT|SHAPE_MISMATCH|BAD_OPTION)$/);
      });

      it('takes sampleWeight as a typed array as it takes an array, and refuses a wrong length with SHAPE_MISMATCH', () => {
        const w = X.map((_, i) => 1 + (i % 3));
        const a = parameters(track(make()).fit(X, y, { sampleWeight: w }));
        const b = parameters(track(make()).fit(X, y, { sampleWeight: Float64Array.from(w) }));
        expect(b).toEqual(a);
        expect(codeOf(() => make().fit(X, y, { sampleWeight: w.slice(1) }))).toBe('SHAPE_MISMATCH');
      });

      it('frees everything it allocated: fits and failed fits in a loop leave no engine buffer behind and WASM memory bounded', () => {
        const engine = getEngine(backend) as unknown as { bytesInUse?: number; memory?: WebAssembly.Memory };
        const bad = X.map((r) => r.slice());
        bad[2][1] = NaN;
        const round = () => {
          const m = make();
          m.fit(X, y);
          m.predictProba(X);
          codeOf(() => m.fit(bad, y)); // a failed refit
          codeOf(() => m.fit(X, (y as unknown[]).slice(1))); // refused before training
          m.dispose();
          codeOf(() => make().fit(bad, y)); // a failed first fit
        };
        round();
        const bytes0 = engine.bytesInUse, wasm0 = engine.memory?.buffer.byteLength;
        for (let i = 0; i < 30; i++) round();
        if (bytes0 !== undefined) expect(engine.bytesInUse).toBe(bytes0);
        if (wasm0 !== undefined) expect(engine.memory!.buffer.byteLength).toBe(wasm0);
      });

      describe('sample weights (float64, full-batch solver)', () => {
        const n = 24;
        const Xs = X.slice(0, n), ys = (y as unknown[]).slice(0, n);
        const weights = Xs.map((_, i) => [1, 2, 0, 3][i % 4]);
        const fit = (Xf: unknown, yf: unknown, opts?: unknown, extra: Record<string, unknown> = {}) => parameters(track(make({ ...spec.weighted, ...extra })).fit(Xf, yf, opts));

        it('integer sample weights equal repeated rows', () => {
          const Xr: number[][] = [], yr: unknown[] = [];
          Xs.forEach((r, i) => {
            for (let k = 0; k < weights[i]; k++) {
              Xr.push(r);
              yr.push(ys[i]);
            }
          });
          expect(relDiff(fit(Xs, ys, { sampleWeight: weights }), fit(Xr, yr))).toBeLessThan(1e-5);
        });

        it('weights all 1 equal no weights', () => {
          expect(relDiff(fit(Xs, ys, { sampleWeight: Xs.map(() => 1) }), fit(Xs, ys))).toBeLessThan(1e-9);
        });

        it('scaling every weight by a constant leaves the unpenalized solution unchanged', () => {
          const w = Xs.map((_, i) => 1 + (i % 3));
          const a = fit(Xs, ys, { sampleWeight: w }, spec.unpenalized);
          const b = fit(Xs, ys, { sampleWeight: w.map((v) => v * 7.5) }, spec.unpenalized);
          expect(relDiff(a, b)).toBeLessThan(1e-5);
        });
      });
    });
  }
}
