import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WasmlearnError } from '../src/core/errors.js';
import { accuracy, classificationReport, confusionMatrix, logLoss, precisionRecallF1, rocAuc } from '../src/metrics.js';
import { caught, codeOf } from './helpers/errors.js';


// Three classes, 'c' never predicted. Per class (tp / predicted, tp / actual):
//   a: actual rows 0,1,2; predicted rows 0,1,4,5; tp 2: P 2/4, R 2/3, F1 2*(1/2)(2/3)/(1/2+2/3) = 4/7
//   b: actual rows 3,4;   predicted rows 2,3;     tp 1: P 1/2, R 1/2, F1 1/2
//   c: actual row 5;      predicted never;        tp 0: P 0 (0/0), R 0/1, F1 0
const yTrue = ['a', 'a', 'a', 'b', 'b', 'c'];
const yPred = ['a', 'a', 'b', 'b', 'a', 'a'];

describe('accuracy and confusionMatrix', () => {
  it('count right answers', () => {
    expect(accuracy([1, 0, 1, 1, 0], [1, 1, 1, 0, 0])).toBe(3 / 5);
    expect(accuracy([true, false], [true, true])).toBe(1 / 2);
    expect(accuracy(yTrue, yPred)).toBe(3 / 6);
    // Indicator rows count only when every column is right.
    expect(accuracy([[1, 0], [0, 1]], [[1, 0], [1, 1]])).toBe(1 / 2);
  });

  it('tabulates true rows against predicted columns', () => {
    // true 0 -> predicted 1 (row 1), 0 (row 4); true 1 -> 1, 1, 0.
    expect(confusionMatrix([1, 0, 1, 1, 0], [1, 1, 1, 0, 0])).toEqual({ labels: [0, 1], matrix: [[1, 1], [1, 2]] });
    expect(confusionMatrix(yTrue, yPred).matrix).toEqual([
      [2, 1, 0],
      [1, 1, 0],
      [1, 0, 0],
    ]);
    expect(confusionMatrix(yTrue, yPred, { labels: ['c', 'a'] })).toEqual({ labels: ['a', 'c'], matrix: [[2, 0], [1, 0]] });
  });
});

describe('precisionRecallF1', () => {
  it('averages macro, weighted and micro with a class never predicted', () => {
    const macro = precisionRecallF1(yTrue, yPred, { average: 'macro' });
    expect(macro.precision).toBeCloseTo((1 / 2 + 1 / 2 + 0) / 3, 15);
    expect(macro.recall).toBeCloseTo((2 / 3 + 1 / 2 + 0) / 3, 15); // 7/18
    expect(macro.f1).toBeCloseTo((4 / 7 + 1 / 2 + 0) / 3, 15); // 5/14
    // Weighted by support 3, 2, 1 of 6.
    const weighted = precisionRecallF1(yTrue, yPred, { average: 'weighted' });
    expect(weighted.precision).toBeCloseTo((3 * 0.5 + 2 * 0.5 + 1 * 0) / 6, 15); // 5/12
    expect(weighted.recall).toBeCloseTo((3 * (2 / 3) + 2 * 0.5 + 0) / 6, 15); // 1/2
    expect(weighted.f1).toBeCloseTo((3 * (4 / 7) + 2 * 0.5 + 0) / 6, 15); // 19/42
    // Micro: tp 3, fp (4-2)+(2-1)+0 = 3, fn 1+1+1 = 3.
    expect(precisionRecallF1(yTrue, yPred, { average: 'micro' })).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5, support: 6 });
  });

  it('scores the positive class for average binary', () => {
    // pos 1: tp rows 0,3; fp row 1; fn row 2.
    expect(precisionRecallF1([1, 0, 1, 1, 0, 0], [1, 1, 0, 1, 0, 0])).toEqual({ precision: 2 / 3, recall: 2 / 3, f1: 2 / 3, support: 3 });
    // Never predicting the positive class: 0/0 precision counts as 0, like zero_division=0.
    expect(precisionRecallF1([1, 0, 1], [0, 0, 0])).toEqual({ precision: 0, recall: 0, f1: 0, support: 2 });
    // pos 0 instead: tp rows 4,5; fp row 2; fn row 1.
    expect(precisionRecallF1([1, 0, 1, 1, 0, 0], [1, 1, 0, 1, 0, 0], { posLabel: 0 }).precision).toBe(2 / 3);
    expect(precisionRecallF1([true, false], [true, true]).precision).toBe(1 / 2);
    expect(precisionRecallF1(['spam', 'ham'], ['spam', 'spam'], { posLabel: 'spam' }).recall).toBe(1);
    expect(codeOf(() => precisionRecallF1(['spam', 'ham'], ['spam', 'spam']))).toBe('BAD_LABEL');
    expect(codeOf(() => precisionRecallF1(yTrue, yPred))).toBe('BAD_LABEL');
  });
});

describe('logLoss', () => {
  it('is the mean negative log probability of the true class', () => {
    const expected = -(Math.log(0.8) + Math.log(0.7) + Math.log(0.9)) / 3;
    expect(logLoss([0, 1, 1], [0.2, 0.7, 0.9])).toBeCloseTo(expected, 14);
    expect(logLoss([0, 1, 1], [[0.8, 0.2], [0.3, 0.7], [0.1, 0.9]])).toBeCloseTo(expected, 14);
    const proba = [
      [0.7, 0.2, 0.1],
      [0.1, 0.5, 0.4],
      [0.3, 0.3, 0.4],
    ];
    expect(logLoss(['a', 'b', 'c'], proba)).toBeCloseTo(-(Math.log(0.7) + Math.log(0.5) + Math.log(0.4)) / 3, 14);
  });

  it('clips to [eps, 1 - eps] and renormalises rows like scikit-learn', () => {
    // p(true class) = 0: [1, 0] is clipped to [1 - eps, eps], which sums to exactly 1.
    const loss = logLoss([1], [0], { labels: [0, 1] });
    expect(Number.isFinite(loss)).toBe(true);
    expect(loss).toBe(-Math.log(Number.EPSILON)); // 36.04365338911715
    expect(logLoss([1], [0], { labels: [0, 1], eps: 1e-7 })).toBeCloseTo(-Math.log(1e-7), 6);
    // [2, 2] clips to [1 - eps, 1 - eps], renormalised to [0.5, 0.5].
    expect(logLoss([0], [[2, 2]], { labels: [0, 1] })).toBeCloseTo(Math.log(2), 15);
  });

  it("takes scikit-learn's normalize, sampleWeight and labels", () => {
    // scikit-learn's log_loss example: 0.21616...
    const y = ['spam', 'ham', 'ham', 'spam'], P = [[0.1, 0.9], [0.9, 0.1], [0.8, 0.2], [0.35, 0.65]];
    const terms = [-Math.log(0.9), -Math.log(0.9), -Math.log(0.8), -Math.log(0.65)];
    expect(logLoss(y, P)).toBeCloseTo(0.21616187468057912, 14);
    expect(logLoss(y, P, { normalize: false })).toBeCloseTo(terms.reduce((a, b) => a + b), 14);
    const w = [1, 2, 1, 0];
    const weighted = terms.reduce((a, t, i) => a + w[i] * t, 0);
    expect(logLoss(y, P, { sampleWeight: w })).toBeCloseTo(weighted / 4, 14);
    expect(logLoss(y, P, { sampleWeight: Float64Array.from(w), normalize: false })).toBeCloseTo(weighted, 14);
    expect(logLoss(['a', 'a'], [[0.6, 0.3, 0.1], [0.2, 0.7, 0.1]], { labels: ['a', 'b', 'c'] })).toBeCloseTo(-(Math.log(0.6) + Math.log(0.2)) / 2, 14);
    expect(caught(() => logLoss(y, P, { sampleWeight: [0, 0, 0, 0] })).message).toMatch(/sampleWeight sums to 0/);
    expect(logLoss(y, P, { sampleWeight: [0, 0, 0, 0], normalize: false })).toBe(0);
    expect(caught(() => logLoss(y, P, { sampleWeight: [1, 1, 1] })).code).toBe('SHAPE_MISMATCH');
    expect(caught(() => logLoss(y, P, { sampleWeight: [1, -1, 1, 1] })).message).toMatch(/sampleWeight\[1\] is -1; weights must be finite numbers >= 0/);
    expect(caught(() => logLoss(y, P, { sampleWeight: [1, 1n, 1, 1] as never })).message).toMatch(/sampleWeight\[1\] is 1n \(a BigInt\)/);
    expect(caught(() => logLoss(y, P, { normalize: 'yes' as never })).message).toMatch(/normalize must be true or false; got "yes"/);
  });

  it('refuses a single class without labels, wrong widths and unknown labels', () => {
    expect(codeOf(() => logLoss([1, 1], [0.5, 0.5]))).toBe('BAD_LABEL');
    expect(codeOf(() => logLoss([0, 1], [[0.5, 0.5, 0]]))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => logLoss([0, 1], [0.5]))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => logLoss([0, 2], [0.5, 0.5], { labels: [0, 1] }))).toBe('BAD_LABEL');
  });
});

describe('rocAuc', () => {
  it('counts tied scores as half a win (average ranks)', () => {
    // Positives score 0.4, 0.8, 0.2; negatives 0.1, 0.4, 0.4. Pairs won:
    //   0.4: beats 0.1, ties 0.4 twice = 1 + 0.5 + 0.5 = 2;  0.8: beats all = 3;  0.2: beats 0.1 = 1.
    const y = [0, 0, 1, 1, 0, 1];
    const s = [0.1, 0.4, 0.4, 0.8, 0.4, 0.2];
    expect(rocAuc(y, s)).toBeCloseTo(6 / 9, 15);
    expect(rocAuc(y, { data: Float64Array.from(s.flatMap((v) => [1 - v, v])), rows: 6, cols: 2 })).toBeCloseTo(6 / 9, 15);
    expect(rocAuc(['no', 'no', 'yes', 'yes'], [0.1, 0.2, 0.3, 0.4])).toBe(1);
    // true is the positive (second) class, so scoring the true rows lowest gives 0.
    expect(rocAuc([true, true, false, false], [0.1, 0.2, 0.3, 0.4])).toBe(0);
  });

  it('averages one-vs-rest over classes', () => {
    const scores = [
      [0.6, 0.3, 0.1],
      [0.2, 0.5, 0.3],
      [0.2, 0.2, 0.6],
      [0.3, 0.4, 0.3],
      [0.5, 0.4, 0.1],
      [0.1, 0.3, 0.6],
    ];
    // Class 0: positives 0.6, 0.3 vs 0.2, 0.2, 0.5, 0.1 -> 4 + 3 = 7 of 8.
    // Class 1: positives 0.5, 0.4 vs 0.3, 0.2, 0.4, 0.3 -> 4 + 3.5 = 7.5 of 8.
    // Class 2: positives 0.6, 0.6 vs 0.1, 0.3, 0.3, 0.1 -> 8 of 8.
    expect(rocAuc([0, 1, 2, 0, 1, 2], scores, { multiClass: 'ovr' })).toBeCloseTo((7 / 8 + 7.5 / 8 + 1) / 3, 15);
  });

  it('refuses one class, NaN scores and wrong widths', () => {
    expect(codeOf(() => rocAuc([1, 1], [0.2, 0.3]))).toBe('BAD_LABEL');
    expect(codeOf(() => rocAuc([0, 1], [0.2, NaN]))).toBe('NON_FINITE_INPUT');
    expect(codeOf(() => rocAuc([0, 1, 2], [[0.2, 0.8], [0.5, 0.5], [0.1, 0.9]]))).toBe('SHAPE_MISMATCH');
  });
});

describe('classificationReport', () => {
  it("lays the table out like scikit-learn's", () => {
    // 4/7 = 0.571, 7/18 = 0.389, 5/14 = 0.357, 5/12 = 0.417, 19/42 = 0.452.
    const expected = [
      '              precision    recall  f1-score   support',
      '',
      '           a       0.50      0.67      0.57         3',
      '           b       0.50      0.50      0.50         2',
      '           c       0.00      0.00      0.00         1',
      '',
      '    accuracy                           0.50         6',
      '   macro avg       0.33      0.39      0.36         6',
      'weighted avg       0.42      0.50      0.45         6',
      '',
    ].join('\n');
    expect(classificationReport(yTrue, yPred)).toBe(expected);
  });
});

describe('every metric refuses mismatched lengths', () => {
  it.each([
    ['accuracy', () => accuracy([1, 0], [1])],
    ['confusionMatrix', () => confusionMatrix([1, 0], [1])],
    ['precisionRecallF1', () => precisionRecallF1([1, 0], [1])],
    ['classificationReport', () => classificationReport([1, 0], [1])],
    ['logLoss', () => logLoss([1, 0], [0.5])],
    ['rocAuc', () => rocAuc([1, 0], [0.5])],
  ])('%s', (_, f) => expect(codeOf(f)).toBe('SHAPE_MISMATCH'));
});

describe('hostile input (issue #11): every metric refuses with a WasmlearnError naming the value', () => {
  const SYM = Symbol('hostile');

  it("classificationReport's digits must be an integer toFixed can print", () => {
    for (const digits of [101, -1, 1.5, NaN, Infinity, '2', 2n, SYM, null]) {
      const e = caught(() => classificationReport(yTrue, yPred, { digits: digits as number }));
      expect(e.code).toBe('BAD_OPTION');
      expect(e.message).toMatch(/digits must be an integer from 0 to 100; got /);
    }
    expect(caught(() => classificationReport(yTrue, yPred, { digits: Infinity })).message).toMatch(/got Infinity/);
    expect(classificationReport(yTrue, yPred, { digits: 0 })).toContain('           a          1         1         1         3'); // 0.50, 0.67, 0.57 rounded
    expect(classificationReport(yTrue, yPred, { digits: 4 })).toContain('0.5714');
  });

  it('BigInt, Symbol, null and NaN labels are BAD_LABEL; a string is not an array of labels', () => {
    for (const bad of [[1n, 0n], [SYM, 1], [null, 1], [NaN, 1], [undefined, 1], [1, Object.create(null)]]) {
      for (const f of [
        () => accuracy(bad as number[], [1, 0]), () => accuracy([1, 0], bad as number[]), () => confusionMatrix(bad as number[], [1, 0]),
        () => precisionRecallF1([1, 0], bad as number[]), () => classificationReport(bad as number[], [1, 0]),
        () => logLoss(bad as number[], [0.5, 0.5]), () => rocAuc(bad as number[], [0.5, 0.4]),
      ]) {
        expect(codeOf(f)).toBe('BAD_LABEL');
      }
    }
    expect(caught(() => accuracy([1n] as unknown as number[], [1])).message).toMatch(/yTrue\[0\] is 1n/);
    expect(codeOf(() => accuracy('ab' as unknown as string[], 'ab' as unknown as string[]))).toBe('BAD_LABEL');
    expect(codeOf(() => confusionMatrix(null as unknown as number[], [1]))).toBe('BAD_LABEL');
    expect(codeOf(() => confusionMatrix([1, 0], [1, 0], { labels: [1n] as unknown as number[] }))).toBe('BAD_LABEL');
    expect(codeOf(() => confusionMatrix([1, 0], [1, 0], { labels: 'ab' as unknown as number[] }))).toBe('BAD_OPTION');
    expect(codeOf(() => confusionMatrix([1, 0], [1, 0], { labels: [] }))).toBe('BAD_OPTION');
    expect(codeOf(() => precisionRecallF1([1, 0], [1, 0], { posLabel: 1n as unknown as number }))).toBe('BAD_OPTION');
    expect(codeOf(() => accuracy([[1, 0]], [1]))).toBe('SHAPE_MISMATCH');
  });

  it('options are strict: an unknown key names the closest one, a wrong type names the value', () => {
    let e = caught(() => precisionRecallF1(yTrue, yPred, { avrage: 'macro' } as never));
    expect([e.code, e.message]).toEqual(['BAD_OPTION', "BAD_OPTION: unknown option 'avrage' for precisionRecallF1; did you mean 'average'?"]);
    e = caught(() => precisionRecallF1(yTrue, yPred, { average: 1n as never }));
    expect(e.message).toMatch(/average must be 'binary', 'macro', 'micro', 'weighted'; got 1n \(a BigInt\)/);
    expect(codeOf(() => rocAuc([0, 1], [0.2, 0.3], { multiClass: SYM as never }))).toBe('BAD_OPTION');
    for (const eps of [0, 0.5, 1n, SYM, Infinity, '1e-7']) expect(codeOf(() => logLoss([0, 1], [0.2, 0.3], { eps: eps as number }))).toBe('BAD_OPTION');
    expect(codeOf(() => logLoss([0, 1], [1n, 0.3] as unknown as number[]))).toBe('NON_FINITE_INPUT');
    expect(codeOf(() => logLoss([0, 1], SYM as never))).toBe('SHAPE_MISMATCH');
    for (const opts of [null, 1, 'x', [], SYM]) {
      expect(codeOf(() => confusionMatrix([1, 0], [1, 0], opts as never))).toBe('BAD_OPTION');
      expect(codeOf(() => classificationReport([1, 0], [1, 0], opts as never))).toBe('BAD_OPTION');
    }
  });

  it('property: any value in any argument gives a number, a table or a WasmlearnError', () => {
    const hostile = fc.oneof(
      fc.anything({ withBigInt: true, withTypedArray: true, withSparseArray: true, withNullPrototype: true, withBoxedValues: true }),
      fc.constantFrom<unknown>(SYM, 1n, NaN, Infinity, null, undefined, 'ab', [1n], [SYM], [[1, 2], [3]], { digits: 1000 }, { labels: [SYM] }, new BigInt64Array(2)),
    );
    const calls: ((v: unknown) => unknown)[] = [
      (v) => accuracy(v as number[], [1, 0]), (v) => accuracy([[1, 0], [0, 1]], v as number[][]),
      (v) => logLoss(v as number[], [0.2, 0.7]), (v) => logLoss([0, 1], v as number[]), (v) => logLoss([0, 1], [0.2, 0.7], v as never),
      (v) => confusionMatrix([0, 1], v as number[]), (v) => confusionMatrix([0, 1], [1, 1], v as never),
      (v) => precisionRecallF1(v as number[], [0, 1]), (v) => precisionRecallF1([0, 1], [1, 1], v as never),
      (v) => rocAuc([0, 1], v as number[]), (v) => rocAuc([0, 1], [0.1, 0.3], v as never),
      (v) => classificationReport(v as number[], [0, 1]), (v) => classificationReport([0, 1], [1, 1], v as never),
    ];
    fc.assert(
      fc.property(hostile, fc.nat(calls.length - 1), (v, k) => {
        try {
          calls[k](v);
        } catch (e) {
          if (!(e instanceof WasmlearnError)) throw new Error(`call ${k}: untyped ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
        }
      }),
      { numRuns: 1500, seed: 12 },
    );
  });
});
