// Notebook 002: finite-difference gradient checks and the softmax cross-entropy gradient. The
// analytic gradients (backward of a float64 Linear layer and of a small float64 net, and an
// estimator's lossAndGradient) against central differences of the loss; then the gradient of
// softmax cross-entropy on a fixed 2 x 3 logits matrix, which is (softmax(Z) - onehot(y)) / rows.
//
//   deno run --sloppy-imports -A examples/notebooks/002-gradcheck-softmax.ts
import {
  gradCheck, init, Linear, LogisticRegression, Sequential, softmax, softmaxCrossEntropy, Tanh, type Matrix,
} from '../../src/index.js';
import { fmt, isMain, printer, randomState, table, vec, type NotebookOptions } from './notebook.js';

export const LOGITS = [[1, 2, 3], [1, -1, 0]];
export const LABELS = [2, 0];

export interface GradCheckSoftmaxResult {
  checks: { what: string; maxRelError: number; at: string }[];
  /** The first weights' analytic and numeric gradients of the Linear layer's check, row-major. */
  linear: { analytic: number[]; numeric: number[] };
  softmax: {
    loss: number;
    /** What softmaxCrossEntropy returns. */
    grad: number[][];
    /** (softmax(Z) - onehot(y)) / rows, from the library's softmax. */
    expected: number[][];
    /** Central differences of the loss at each logit. */
    numeric: number[][];
  };
}

export async function run(options: NotebookOptions = {}): Promise<GradCheckSoftmaxResult> {
  const print = printer(options);
  await init();
  const rng = randomState(2);
  const matrix = (rows: number, cols: number): Matrix => ({ data: Float64Array.from({ length: rows * cols }, rng.normal), rows, cols });
  const checks: GradCheckSoftmaxResult['checks'] = [];
  const report = (what: string, r: { maxRelError: number; at: { parameter: string; index: number } }) => {
    checks.push({ what, maxRelError: r.maxRelError, at: `${r.at.parameter}[${r.at.index}]` });
  };

  // 1. One float64 Linear layer under softmax cross-entropy: dL/dW, dL/db and dL/dX.
  const X = matrix(6, 4);
  const y = [0, 2, 1, 2, 0, 1];
  const linear = new Linear(4, 3, { dtype: 'float64', seed: 1 });
  const r1 = gradCheck(linear, X, y, { loss: 'softmaxCrossEntropy' });
  report('Linear(4, 3), float64, softmaxCrossEntropy', r1);
  const weight = r1.parameters.find((e) => e.at.parameter === 'weight') ?? r1.parameters[1];

  // 2. A float64 net, Linear -> Tanh -> Linear, under binary cross-entropy of 2 outputs.
  const net = new Sequential([new Linear(4, 5, { dtype: 'float64', seed: 2 }), new Tanh(), new Linear(5, 2, { dtype: 'float64', seed: 3 })]);
  const Y2 = { data: Float64Array.from({ length: 12 }, () => (rng.uniform() < 0.5 ? 0 : 1)), rows: 6, cols: 2 };
  report('Linear(4, 5) -> Tanh -> Linear(5, 2), float64, binaryCrossEntropy', gradCheck(net, X, Y2, { loss: 'binaryCrossEntropy' }));

  // 3. An estimator's objective: multinomial LogisticRegression (C = 1) at its fitted weights.
  const Xe = matrix(40, 3);
  const ye = Array.from({ length: 40 }, (_, i) => (Xe.data[3 * i] > 0.5 ? 2 : Xe.data[3 * i + 1] > 0 ? 1 : 0));
  const model = new LogisticRegression({ maxIter: 5, dtype: 'float64' }).fit(Xe, ye);
  report('LogisticRegression (3 classes, float64) lossAndGradient', gradCheck(model, Xe, ye, { eps: 1e-5 }));

  print('gradient checks: largest |analytic - numeric| / max(|analytic|, |numeric|, floor)\n');
  print(table(['what', 'max rel. error', 'at'], checks.map((c) => [c.what, fmt(c.maxRelError), c.at])));
  print(`\nLinear's dL/dW, analytic: ${vec(weight.analytic.subarray(0, 6), 6)} ...`);
  print(`Linear's dL/dW, numeric:  ${vec(weight.numeric.subarray(0, 6), 6)} ...`);

  // 4. The softmax cross-entropy gradient of fixed logits, three ways.
  const Z: Matrix = { data: Float64Array.from(LOGITS.flat()), rows: 2, cols: 3 };
  const { loss, grad } = softmaxCrossEntropy(Z, LABELS);
  const P = softmax(Z);
  const expected = rows(Z.rows, Z.cols, (i, k) => (P.data[i * 3 + k] - (k === LABELS[i] ? 1 : 0)) / Z.rows);
  const h = 1e-6;
  const numeric = rows(Z.rows, Z.cols, (i, k) => {
    const up = Float64Array.from(Z.data), down = Float64Array.from(Z.data);
    up[i * 3 + k] += h;
    down[i * 3 + k] -= h;
    return (softmaxCrossEntropy({ ...Z, data: up }, LABELS).loss - softmaxCrossEntropy({ ...Z, data: down }, LABELS).loss) / (2 * h);
  });
  const gradRows = rows(Z.rows, Z.cols, (i, k) => grad.data[i * 3 + k]);
  print(`\nZ = ${JSON.stringify(LOGITS)}, y = ${JSON.stringify(LABELS)}: loss ${loss.toFixed(6)} (the mean of -log softmax(Z)[i, y_i])`);
  print(`softmax(Z) = ${JSON.stringify(rows(2, 3, (i, k) => round(P.data[i * 3 + k])))}`);
  print(table(['row', 'softmaxCrossEntropy grad', '(softmax - onehot) / 2', 'central differences'],
    gradRows.map((g, i) => [i, vec(g, 6), vec(expected[i], 6), vec(numeric[i], 6)])));
  model.dispose();
  linear.dispose();
  net.dispose();
  return {
    checks,
    linear: { analytic: Array.from(weight.analytic), numeric: Array.from(weight.numeric) },
    softmax: { loss, grad: gradRows, expected, numeric },
  };
}

function rows(m: number, n: number, f: (i: number, k: number) => number): number[][] {
  return Array.from({ length: m }, (_, i) => Array.from({ length: n }, (_, k) => f(i, k)));
}

function round(v: number): number {
  return Number(v.toFixed(8));
}

if (isMain(import.meta)) await run();
