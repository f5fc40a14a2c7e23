import { describe, expect, it } from 'vitest';
import type { Matrix } from '../src/core/matrix.js';
import { LabelEncoder, makePipeline, MinMaxScaler, OneHotEncoder, SimpleImputer, StandardScaler, type Estimator } from '../src/data/index.js';
import { NearestCentroid } from './helpers/nearestCentroid.js';
import { codeOf } from './helpers/errors.js';


function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected an error');
}

const rows = (m: Matrix) => Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));

// Column 2 is constant: its variance is 0 and it must come out 0, not NaN or Infinity.
const X = [
  [1, 10, 5, -2],
  [2, 20, 5, 0.5],
  [3, 40, 5, 7],
  [4, 50, 5, 1],
];

describe('StandardScaler', () => {
  it('matches a plain population-std computation, leaving a constant column unscaled', () => {
    const n = X.length;
    const expected = X.map((r) => r.map(() => 0));
    for (let j = 0; j < 4; j++) {
      const mean = X.reduce((s, r) => s + r[j]!, 0) / n;
      const std = Math.sqrt(X.reduce((s, r) => s + (r[j]! - mean) ** 2, 0) / n);
      X.forEach((r, i) => (expected[i]![j] = std === 0 ? r[j]! - mean : (r[j]! - mean) / std));
    }
    const s = new StandardScaler();
    const out = s.fitTransform(X);
    expect(out.data).toBeInstanceOf(Float64Array);
    rows(out).forEach((r, i) => r.forEach((v, j) => expect(v).toBeCloseTo(expected[i]![j]!, 12)));
    // Column 0 by hand: mean 2.5, variance (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25.
    expect(s.mean![0]).toBe(2.5);
    expect(s.var![0]).toBeCloseTo(1.25, 15);
    expect(out.data[0]).toBeCloseTo(-1.5 / Math.sqrt(1.25), 14);
    expect(s.scale![2]).toBe(1);
    expect(rows(out).map((r) => r[2])).toEqual([0, 0, 0, 0]);
  });

  it('centres a constant column to exactly 0 even when its sum rounds', () => {
    // 0.1 + 0.1 + 0.1 = 0.30000000000000004, and / 3 is not 0.1: the mean must be the value itself.
    const out = new StandardScaler().fitTransform([[0.1], [0.1], [0.1]]);
    expect(Array.from(out.data)).toEqual([0, 0, 0]);
  });

  it('honours withMean and withStd', () => {
    const noMean = new StandardScaler({ withMean: false }).fitTransform(X);
    expect(noMean.data[0]).toBeCloseTo(1 / Math.sqrt(1.25), 14);
    const noStd = new StandardScaler({ withStd: false }).fitTransform(X);
    expect(rows(noStd).map((r) => r[0])).toEqual([-1.5, -0.5, 0.5, 1.5]);
  });

  it('keeps float32 input float32 and refuses NaN, a wrong width and use before fit', () => {
    const m: Matrix = { data: new Float32Array([1, 2, 3, 4]), rows: 2, cols: 2 };
    expect(new StandardScaler().fitTransform(m).data).toBeInstanceOf(Float32Array);
    expect(messageOf(() => new StandardScaler().fit([[1, 2], [3, NaN]]))).toBe('NON_FINITE_INPUT: X has NaN at row 1, column 1');
    expect(codeOf(() => new StandardScaler().fit(X).transform([[1, 2]]))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => new StandardScaler().transform(X))).toBe('NOT_FITTED');
  });
});

describe('MinMaxScaler', () => {
  it('maps each column onto featureRange, a constant column onto its low end', () => {
    const s = new MinMaxScaler({ featureRange: [-1, 1] });
    const out = s.fitTransform([
      [1, 10],
      [3, 10],
      [5, 10],
    ]);
    // Column 0: -1 + 2 * (x - 1) / (5 - 1). Column 1: range 0 counts as 1, so -1 + 2 * 0.
    expect(rows(out)).toEqual([
      [-1, -1],
      [0, -1],
      [1, -1],
    ]);
    expect(rows(s.transform([[7, 11]]))).toEqual([[2, 1]]);
    expect(codeOf(() => new MinMaxScaler({ featureRange: [1, 1] }))).toBe('BAD_OPTION');
    expect(codeOf(() => s.transform([[1, NaN]]))).toBe('NON_FINITE_INPUT');
  });
});

describe('SimpleImputer', () => {
  const data = [
    [1, NaN, 7],
    [NaN, 4, 7],
    [3, 4, NaN],
    [5, 10, 1],
  ];
  // Known values per column: col 0 {1, 3, 5}, col 1 {4, 4, 10}, col 2 {7, 7, 1}.
  it.each([
    ['mean', [3, 6, 5]],
    ['median', [3, 4, 7]],
    ['most_frequent', [1, 4, 7]], // col 0 is a three-way tie: the smallest wins
    ['constant', [-1, -1, -1]],
  ] as const)('strategy %s fills %j', (strategy, fill) => {
    const imp = new SimpleImputer({ strategy, fillValue: -1 });
    const out = imp.fitTransform(data);
    expect(Array.from(imp.statistics!)).toEqual(fill);
    expect(rows(out)).toEqual(data.map((r) => r.map((v, j) => (Number.isNaN(v) ? fill[j] : v))));
  });

  it('refuses an all-NaN column for mean and median, but fills it with a constant', () => {
    const allNaN = [
      [1, NaN],
      [2, NaN],
    ];
    expect(messageOf(() => new SimpleImputer({ strategy: 'median' }).fit(allNaN))).toContain("column 1 is all NaN: strategy 'median'");
    expect(codeOf(() => new SimpleImputer().fit(allNaN))).toBe('NON_FINITE_INPUT');
    expect(rows(new SimpleImputer({ strategy: 'constant', fillValue: 9 }).fitTransform(allNaN))).toEqual([
      [1, 9],
      [2, 9],
    ]);
    expect(codeOf(() => new SimpleImputer({ strategy: 'mode' as 'mean' }))).toBe('BAD_OPTION');
    expect(codeOf(() => new SimpleImputer().fit(data).transform([[1, 2]]))).toBe('SHAPE_MISMATCH');
  });
});

describe('OneHotEncoder', () => {
  const data = [
    [1, 10],
    [2, 20],
    [1, 30],
  ];
  it('writes one column per category, in ascending order', () => {
    const enc = new OneHotEncoder();
    expect(rows(enc.fitTransform(data))).toEqual([
      [1, 0, 1, 0, 0],
      [0, 1, 0, 1, 0],
      [1, 0, 0, 0, 1],
    ]);
    expect(enc.categories!.map((c) => Array.from(c))).toEqual([
      [1, 2],
      [10, 20, 30],
    ]);
  });

  it('refuses an unknown category by default and writes zeros with handleUnknown ignore', () => {
    expect(messageOf(() => new OneHotEncoder().fit(data).transform([[3, 10]]))).toContain('X[0][0] = 3 is a category not seen in fit');
    expect(codeOf(() => new OneHotEncoder().fit(data).transform([[3, 10]]))).toBe('BAD_LABEL');
    expect(rows(new OneHotEncoder({ handleUnknown: 'ignore' }).fit(data).transform([[3, 20]]))).toEqual([[0, 0, 0, 1, 0]]);
  });
});

describe('LabelEncoder', () => {
  it('sorts classes like scikit-learn and round-trips', () => {
    const enc = new LabelEncoder();
    const y = ['b', 'a', 'c', 'a'];
    const codes = enc.fitTransform(y);
    expect(enc.classes).toEqual(['a', 'b', 'c']);
    expect(Array.from(codes)).toEqual([1, 0, 2, 0]);
    expect(enc.inverseTransform(codes)).toEqual(y);
    // Numbers sort numerically (not '10' < '2'), booleans false before true.
    expect(new LabelEncoder().fit([10, 2, 2]).classes).toEqual([2, 10]);
    expect(Array.from(new LabelEncoder().fitTransform([true, false, true]))).toEqual([1, 0, 1]);
  });

  it('refuses mixed kinds, unseen labels and bad codes', () => {
    expect(codeOf(() => new LabelEncoder().fit([1, '1']))).toBe('BAD_LABEL');
    expect(messageOf(() => new LabelEncoder().fit(['a', 'b']).transform(['c']))).toContain('y[0] = "c" is not a class seen in fit');
    expect(codeOf(() => new LabelEncoder().fit(['a']).inverseTransform([1]))).toBe('BAD_LABEL');
    expect(codeOf(() => new LabelEncoder().transform(['a']))).toBe('NOT_FITTED');
  });
});

describe('no transformer modifies its input', () => {
  it.each([
    ['SimpleImputer', () => new SimpleImputer({ strategy: 'median' })],
    ['StandardScaler', () => new StandardScaler()],
    ['MinMaxScaler', () => new MinMaxScaler()],
    ['OneHotEncoder', () => new OneHotEncoder()],
  ] as const)('%s', (_, make) => {
    const input = [
      [1, 2],
      [3, 4],
      [1, 8],
    ];
    const copy = input.map((r) => [...r]);
    const m: Matrix = { data: new Float32Array([1, 2, 3, 4, 1, 8]), rows: 3, cols: 2 };
    const mCopy = m.data.slice();
    const t = make();
    t.fit(input);
    const out = t.transform(input);
    t.fitTransform(m);
    const outM = t.transform(m);
    expect(input).toEqual(copy);
    expect(m.data).toEqual(mCopy);
    expect(out.data).not.toBe(m.data);
    expect(outM.data).not.toBe(m.data);
    expect(outM.data).toBeInstanceOf(Float32Array);
  });
});

describe('makePipeline', () => {
  const Xp = [
    [1, 200],
    [2, NaN],
    [1.5, 220],
    [8, 900],
    [9, NaN],
    [8.5, 950],
  ];
  const y = ['low', 'low', 'low', 'high', 'high', 'high'];

  it('fits each transformer then the model, and predicts through the same chain', () => {
    const pipe = makePipeline(new SimpleImputer(), new StandardScaler(), new NearestCentroid());
    pipe.fit(Xp, y);
    // The same steps by hand.
    const imp = new SimpleImputer();
    const sc = new StandardScaler();
    const model = new NearestCentroid().fit(sc.fitTransform(imp.fitTransform(Xp)), y);
    const Xnew = [
      [2, 230],
      [7, NaN],
    ];
    const byHand = model.predict(sc.transform(imp.transform(Xnew)));
    expect(byHand).toEqual(['low', 'high']);
    expect(pipe.predict(Xnew)).toEqual(byHand);
    expect(pipe.predictProba(Xnew)).toEqual(model.predictProba(sc.transform(imp.transform(Xnew))));
    expect(pipe.decisionFunction(Xnew)).toEqual(model.decisionFunction(sc.transform(imp.transform(Xnew))));
    expect(pipe.score(Xp, y)).toBe(1);
    // The model saw standardized data: every column mean 0.
    const seen = (pipe.model as NearestCentroid).lastFit!.X;
    for (let j = 0; j < 2; j++) expect(rows(seen).reduce((s, r) => s + r[j]!, 0)).toBeCloseTo(0, 12);
  });

  it('passes validation data through the fitted transformers', () => {
    const pipe = makePipeline(new MinMaxScaler(), new NearestCentroid());
    const val = [[1.5, 210]];
    pipe.fit(
      [
        [1, 200],
        [2, 300],
      ],
      ['a', 'b'],
      { validationData: [val, ['a']] },
    );
    const passed = (pipe.model as NearestCentroid).lastFit!.opts!.validationData!;
    const [[a, b]] = rows(passed[0] as Matrix) as [[number, number]];
    expect(a).toBe(0.5); // (1.5 - 1) / (2 - 1)
    expect(b).toBeCloseTo(0.1, 14); // (210 - 200) / (300 - 200)
    expect(passed[1]).toEqual(['a']);
    expect(val).toEqual([[1.5, 210]]);
  });

  it('disposes the model, and says clearly what a model lacks', () => {
    const model = new NearestCentroid();
    makePipeline(new StandardScaler(), model).dispose();
    expect(model.disposed).toBe(true);
    const bare: Estimator = {
      fit: () => undefined,
      predict: () => [0],
      score: () => 1,
      toJSON: () => ({ name: 'Bare', version: 1 }),
    };
    expect(codeOf(() => makePipeline(bare).predictProba([[1]]))).toBe('UNSUPPORTED');
    expect(codeOf(() => makePipeline(bare).decisionFunction([[1]]))).toBe('UNSUPPORTED');
    expect(codeOf(() => makePipeline(new StandardScaler() as unknown as Estimator))).toBe('BAD_OPTION');
    expect(codeOf(() => makePipeline(model as never, model))).toBe('BAD_OPTION');
  });
});
