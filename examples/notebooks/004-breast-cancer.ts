// Notebook 004: the real dataset with missing values. UCI breast cancer (699 rows, 9 features
// scored 1..10, 16 '?' in Bare Nuclei) read from CSV, the gaps filled with the column median,
// the log-loss gradient at w = 0 by hand (summed over rows) and by finite differences, 100,000
// full-batch gradient-descent steps, and scikit-learn's coefficients at C = 1e4 for comparison;
// then a histogram of the predicted probabilities.
//
//   deno run --sloppy-imports -A examples/notebooks/004-breast-cancer.ts   (or through vitest: test/notebooks.test.ts)
import { gradCheck, init, LogisticRegression, readCsv, SimpleImputer, type Matrix } from '../../src/index.js';
import { histogram, lossCurves } from '../../src/plot/index.js';
import { dataPath, fmt, isMain, printer, saveFigure, table, vec, type NotebookOptions } from './notebook.js';

export const FEATURES = [
  'clump thickness', 'uniformity of cell size', 'uniformity of cell shape', 'marginal adhesion',
  'single epithelial cell size', 'bare nuclei', 'bland chromatin', 'normal nucleoli', 'mitoses',
];

/** scikit-learn 1.x, LogisticRegression(C=10000).fit on the median-imputed data (the numbers test/logistic.test.ts checks against). */
export const SKLEARN_C1E4 = { coef: [0.5346, 0.0113, 0.3238, 0.2376, 0.0583, 0.4282, 0.4121, 0.1582, 0.5358], intercept: -9.7145 };

/** The notebook's gradient descent: 1e-3 times the summed gradient, i.e. 0.699 times the mean over 699 rows. */
export const GD = { learningRate: 0.699, steps: 100_000 };

export interface BreastCancerResult {
  rows: number;
  missing: number;
  medians: number[];
  /** The gradient of the summed log-loss at w = 0, intercept first: [108.5, -190, ..., -68.5]. */
  gradientAtZero: number[];
  /** The same by central differences of the summed loss (step 1e-4). */
  finiteDifference: number[];
  gradCheckMaxRelError: number;
  gd: { coef: number[]; intercept: number; loss: number; divergedEpochs: number; warning: string | null; ms: number };
  lbfgs: { coef: number[]; intercept: number; loss: number; accuracy: number };
  sklearn: typeof SKLEARN_C1E4;
  /** P(malignant) per row from the C = 1e4 model. */
  probabilities: number[];
  figures: string[];
}

export async function run(options: NotebookOptions = {}): Promise<BreastCancerResult> {
  const print = printer(options);
  await init();

  // The file has no header: id, the 9 features, the class (2 benign, 4 malignant). '?' is missing.
  const csv = await readCsv(dataPath('breast-cancer-wisconsin.data'), {
    header: false, missing: ['?'], target: 10, columns: [1, 2, 3, 4, 5, 6, 7, 8, 9], dtype: 'float64',
  });
  const y = csv.y!.map((label) => (Number(label) === 4 ? 1 : 0));
  const n = csv.X.rows, d = csv.X.cols;
  let missing = 0;
  const perColumn = new Array<number>(d).fill(0);
  csv.X.data.forEach((v, k) => { if (Number.isNaN(v)) { missing++; perColumn[k % d]++; } });
  print(`${n} rows x ${d} features, ${y.filter((v) => v === 1).length} malignant; ${missing} missing values (${perColumn.map((c, j) => (c ? `${FEATURES[j]}: ${c}` : '')).filter(Boolean).join(', ')})`);

  const imputer = new SimpleImputer({ strategy: 'median' });
  const X = imputer.fitTransform(csv.X);
  const medians = Array.from(imputer.statistics!);
  print(`SimpleImputer(strategy='median'): the column medians ${vec(medians, 1)}`);

  // The gradient at w = 0: every p is 1/2, so it is sum_i (1/2 - y_i) [1, x_i]. The estimator's
  // lossAndGradient gives the mean objective's gradient at its current parameters; times n it is the sum.
  const probe = new LogisticRegression({ solver: 'gd', penalty: 'none', maxIter: 1, tol: 0, dtype: 'float64' }).fit(X, y);
  const zero = new Float64Array(d + 1);
  probe.setParameters(zero);
  const { gradient } = probe.lossAndGradient(X, y);
  const reorder = (g: ArrayLike<number>) => [g[d], ...Array.from(g).slice(0, d)]; // getParameters() puts the intercept last
  const gradientAtZero = reorder(Array.from(gradient, (g) => g * n));
  print('\nThe gradient of the summed log-loss at w = 0 (intercept first):');
  print(vec(gradientAtZero, 1));

  // Central differences of the summed loss, one parameter at a time.
  const h = 1e-4;
  const summedLoss = (w: Float64Array) => { probe.setParameters(w); return probe.lossAndGradient(X, y).loss * n; };
  const fd = Array.from(zero, (_, j) => {
    const plus = Float64Array.from(zero), minus = Float64Array.from(zero);
    plus[j] += h; minus[j] -= h;
    return (summedLoss(plus) - summedLoss(minus)) / (2 * h);
  });
  const finiteDifference = reorder(fd);
  print('Its finite difference, (L(w + h e_j) - L(w - h e_j)) / 2h with h = 1e-4:');
  print(vec(finiteDifference, 1));
  probe.setParameters(zero);
  const check = gradCheck(probe, X, y, { eps: 1e-4 });
  print(`gradCheck at w = 0: largest relative error ${fmt(check.maxRelError)}`);
  probe.dispose();

  // 100,000 full-batch steps from zero. The loss rises past ten times its start in the first steps
  // (the step is too long for the unscaled features), so onDivergence 'warn' records it and goes on.
  const gdModel = new LogisticRegression({
    solver: 'gd', penalty: 'none', learningRate: GD.learningRate, maxIter: GD.steps, tol: 0, onDivergence: 'warn', dtype: 'float64',
  });
  const t0 = performance.now();
  gdModel.fit(X, y);
  const gdMs = performance.now() - t0;
  const history = gdModel.history; // a copy per read: read it once
  const gd = {
    coef: Array.from(gdModel.coef.data), intercept: gdModel.intercept[0], loss: history[history.length - 1].loss,
    divergedEpochs: history.filter((e) => e.diverged).length, warning: gdModel.warning?.code ?? null, ms: gdMs,
  };
  print(`\n${GD.steps.toLocaleString('en')} gd steps (lr ${GD.learningRate} on the mean loss) in ${(gdMs / 1000).toFixed(2)} s: final loss ${gd.loss.toFixed(5)}` +
    `, ${gd.divergedEpochs} steps flagged diverged early on (warning ${gd.warning})`);

  const lbfgsModel = new LogisticRegression({ C: 1e4, tol: 1e-6, maxIter: 1000, dtype: 'float64' }).fit(X, y);
  const lbfgs = {
    coef: Array.from(lbfgsModel.coef.data), intercept: lbfgsModel.intercept[0],
    loss: lbfgsModel.history.at(-1)!.loss, accuracy: lbfgsModel.score(X, y),
  };
  print(`lbfgs at C = 1e4: ${lbfgsModel.nIter} iterations, training accuracy ${lbfgs.accuracy.toFixed(4)}\n`);
  print(table(['', 'gd 100k steps', 'lbfgs C=1e4', 'scikit-learn C=1e4'], [
    ['intercept', gd.intercept.toFixed(4), lbfgs.intercept.toFixed(4), SKLEARN_C1E4.intercept.toFixed(4)],
    ...FEATURES.map((f, j) => [f, gd.coef[j].toFixed(4), lbfgs.coef[j].toFixed(4), SKLEARN_C1E4.coef[j].toFixed(4)]),
  ]));

  const P = lbfgsModel.predictProba(X);
  const probabilities = Array.from({ length: n }, (_, i) => P.data[2 * i + 1]);
  const sure = probabilities.filter((p) => p < 0.05 || p > 0.95).length;
  print(`\n${sure} of ${n} rows get P(malignant) below 0.05 or above 0.95`);

  // The gd loss curve, every 100th step (100,000 points would make a 10 MB SVG).
  const thinned = history.filter((e, i) => i % 100 === 0 || e.diverged || i === history.length - 1);
  const figures = [
    await saveFigure(histogram(probabilities, { bins: 20, range: [0, 1], xTitle: 'predicted P(malignant)', title: 'Breast cancer: predicted probabilities (C = 1e4)' }), '004-probabilities.svg', options),
    await saveFigure(lossCurves(thinned, { logScale: true, xTitle: 'gd step', title: `Breast cancer: ${GD.steps.toLocaleString('en')} gd steps, lr ${GD.learningRate}` }), '004-gd-loss.svg', options),
  ];
  print(`figures: ${figures.join(', ')}`);
  gdModel.dispose();
  lbfgsModel.dispose();
  return {
    rows: n, missing, medians, gradientAtZero, finiteDifference, gradCheckMaxRelError: check.maxRelError,
    gd, lbfgs, sklearn: SKLEARN_C1E4, probabilities, figures,
  };
}

/** The mean log-loss of weights w (intercept last) on X, y, in float64: what the notebook computes with numpy. */
export function meanLogLoss(X: Matrix, y: ArrayLike<number>, w: ArrayLike<number>): number {
  const d = X.cols;
  let s = 0;
  for (let i = 0; i < X.rows; i++) {
    let z = w[d];
    for (let j = 0; j < d; j++) z += X.data[i * d + j] * w[j];
    s += Math.max(z, 0) - z * y[i] + Math.log1p(Math.exp(-Math.abs(z)));
  }
  return s / X.rows;
}

if (isMain(import.meta)) await run();
