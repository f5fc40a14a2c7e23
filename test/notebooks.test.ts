// The five seed notebooks as programs (examples/notebooks/), run on the default backend: the
// values they print are the notebooks' (the sigmoid and log-loss table, the softmax gradient, the
// breast-cancer gradient at w = 0 and its finite difference, scikit-learn's coefficients at
// C = 1e4, the multi-label model's recovery and its agreement with a plain float64 loop), and
// each figure is written as SVG to $WASMLEARN_NOTEBOOK_DIR or test/artifacts/notebooks/.
import { describe, expect, it } from 'vitest';
import { readFileSync, statSync } from 'node:fs';
import { run as run000 } from '../examples/notebooks/000-sigmoid-logloss.js';
import { run as run001 } from '../examples/notebooks/001-gradient-descent.js';
import { run as run002 } from '../examples/notebooks/002-gradcheck-softmax.js';
import { run as run003 } from '../examples/notebooks/003-multilabel-amsgrad.js';
import { run as run004, SKLEARN_C1E4 } from '../examples/notebooks/004-breast-cancer.js';

/** Runs a notebook with its printed lines collected rather than shown. */
async function quietly<R>(run: (o: { log: (line: string) => void }) => Promise<R>): Promise<{ result: R; printed: string }> {
  const lines: string[] = [];
  const result = await run({ log: (line) => lines.push(line) });
  return { result, printed: lines.join('\n') };
}

/** Each figure exists and is one SVG document with a title. */
function expectSvgs(files: string[], names: string[]): void {
  expect(files.map((f) => f.split(/[\\/]/).pop())).toEqual(names);
  for (const file of files) {
    expect(statSync(file).size).toBeGreaterThan(1000);
    const svg = readFileSync(file, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<svg[\s>]/g)).toHaveLength(1);
    expect(svg).not.toMatch(/NaN|Infinity/);
  }
}

/** |a - b| <= tol * |b| (b the reference). */
function expectRelClose(a: number, b: number, tol: number): void {
  expect(Math.abs(a - b), `${a} vs ${b}`).toBeLessThanOrEqual(tol * Math.abs(b));
}

describe('the notebooks as programs', () => {
  it('000: the sigmoid and log-loss tables', async () => {
    const { result, printed } = await quietly(run000);
    const sigmoid = [3.7200759760208356e-44, 4.5397868702434395e-5, 0.2689414213699951, 0.5, 0.7310585786300049, 0.9999546021312976, 1];
    expect(result.sigmoid.map((r) => r.z)).toEqual([-100, -10, -1, 0, 1, 10, 100]);
    result.sigmoid.forEach((r, i) => expectRelClose(r.sigmoid, sigmoid[i], 1e-14));
    expect(result.sigmoid[0].logSigmoid).toBe(-100);
    expectRelClose(result.sigmoid[6].logSigmoid, -3.7200759760208356e-44, 1e-14);
    // -log(1 - p) or -log p, to double precision (log1p where 1 - p would round).
    const loss: Record<string, number> = {
      '0.000001,0': 1.0000005000003334e-6, '0.000001,1': 13.815510557964274, '0.9999999,1': 1.0000000500000033e-7,
      '0.9999999,0': 16.11809565095832, '0.3,0': 0.35667494393873245, '0.3,1': 1.2039728043259361, '0.5,1': 0.6931471805599453,
    };
    expect(result.logLoss.map((r) => `${r.p},${r.y}`)).toEqual(Object.keys(loss));
    for (const r of result.logLoss) {
      const want = loss[`${r.p},${r.y}`];
      // 0.9999999 is not exactly representable: its losses carry the input's own 1e-9 relative error.
      expectRelClose(r.bce, want, r.p === 0.9999999 ? 1e-8 : 1e-12);
      expectRelClose(r.logLoss, r.bce, 1e-8);
    }
    expect(result.logLoss.find((r) => r.p === 0.3 && r.y === 0)!.bce.toFixed(4)).toBe('0.3567');
    expect(printed).toMatch(/0\.3566749/);
  });

  it('001: a Linear + Sigmoid loop is LogisticRegression gd; the sweeps and the per-iteration losses are drawn', async () => {
    const { result } = await quietly(run001);
    expect(result.fullBatch.maxDifference).toBeLessThan(1e-9);
    const { losses } = result.fullBatch;
    expect(losses[0]).toBeCloseTo(Math.LN2, 12);
    expect(losses[losses.length - 1]).toBeLessThan(0.55);
    const epochs = result.miniBatch.epochLoss;
    expect(epochs[epochs.length - 1]).toBeLessThan(epochs[0]);
    // The mini-batch weights land near the full-batch optimum, which is near the true weights.
    result.miniBatch.weights.forEach((w, j) => expect(Math.abs(w - result.fullBatch.loop[j])).toBeLessThan(0.1));
    const gd100 = result.sweep.find((s) => s.solver === 'gd' && s.learningRate === 100)!;
    expect(gd100.diverged).toBe(true);
    expect(result.sweep.filter((s) => s.learningRate <= 1).every((s) => !s.diverged)).toBe(true);
    expect(result.iterationLosses).toHaveLength(10 * Math.ceil(2000 / 32));
    expectSvgs(result.figures, ['001-lr-sweep-gd.svg', '001-lr-sweep-sgd.svg', '001-iteration-loss.svg', '001-by-hand.svg']);
  });

  it('002: gradient checks and the softmax cross-entropy gradient of [[1, 2, 3], [1, -1, 0]] with labels [2, 0]', async () => {
    const { result } = await quietly(run002);
    for (const c of result.checks) expect(c.maxRelError, c.what).toBeLessThan(1e-7);
    result.linear.analytic.forEach((a, i) => expect(a).toBeCloseTo(result.linear.numeric[i], 8));
    // softmax([1, 2, 3]) = [0.0900306, 0.2447285, 0.6652410], and the second row is the same values shifted.
    const s = [0.09003057317038046, 0.24472847105479764, 0.6652409557748219];
    const want = [[s[0] / 2, s[1] / 2, (s[2] - 1) / 2], [(s[2] - 1) / 2, s[0] / 2, s[1] / 2]];
    for (const grad of [result.softmax.grad, result.softmax.expected]) {
      grad.forEach((row, i) => row.forEach((g, k) => expect(g).toBeCloseTo(want[i][k], 12)));
    }
    result.softmax.numeric.forEach((row, i) => row.forEach((g, k) => expect(g).toBeCloseTo(want[i][k], 7)));
    expect(result.softmax.loss).toBeCloseTo(-Math.log(s[2]), 12);
  });

  it('003: AMSGrad recovers the weights (correlation >= 0.99) and matches a plain float64 loop to 0.005 in BCE', async () => {
    const { result } = await quietly(run003);
    expect(result.correlation).toBeGreaterThanOrEqual(0.99);
    expect(result.bce.difference).toBeLessThan(0.005);
    expect(result.bce.estimator).toBeLessThan(0.2);
    result.epochLoss.estimator.forEach((l, e) => expect(Math.abs(l - result.epochLoss.plainLoop[e])).toBeLessThan(0.005));
    expectSvgs(result.figures, ['003-weights.svg', '003-loss.svg']);
  });

  it('004: breast cancer: the gradient at w = 0, its finite difference, 100,000 gd steps and scikit-learn at C = 1e4', async () => {
    const { result, printed } = await quietly(run004);
    expect([result.rows, result.missing]).toEqual([699, 16]);
    expect(result.medians).toEqual([4, 1, 1, 1, 2, 1, 3, 1, 1]);
    const atZero = [108.5, -190, -488.5, -460, -356, -153, -606.5, -239.5, -411, -68.5];
    result.gradientAtZero.forEach((g, j) => expect(g).toBeCloseTo(atZero[j], 9));
    result.finiteDifference.forEach((g, j) => expectRelClose(g, atZero[j], 1e-7));
    expect(result.gradCheckMaxRelError).toBeLessThan(1e-7);
    expect(printed).toContain('[108.5, -190.0, -488.5, -460.0, -356.0, -153.0, -606.5, -239.5, -411.0, -68.5]');
    // The tolerance test/logistic.test.ts holds lbfgs to: 0.005 on each coefficient, 0.01 on the intercept.
    for (const fit of [result.lbfgs, result.gd]) {
      fit.coef.forEach((c, j) => expect(Math.abs(c - SKLEARN_C1E4.coef[j])).toBeLessThan(0.005));
      expect(Math.abs(fit.intercept - SKLEARN_C1E4.intercept)).toBeLessThan(0.01);
    }
    expect(result.gd.loss).toBeCloseTo(0.08089, 4);
    expect(result.gd.warning).toBe('DIVERGED');
    expect(result.lbfgs.accuracy.toFixed(3)).toBe('0.970');
    expect(result.probabilities).toHaveLength(699);
    expectSvgs(result.figures, ['004-probabilities.svg', '004-gd-loss.svg']);
  });
});
