// One training case, run the same way by Node (the reference) and by Deno (the test).
// @ts-types="../../dist/index.d.ts" (Deno reads the types of a .js import from here)
import type * as Wasmlearn from '../../dist/index.js';

export interface CaseResult {
  coef: number[];
  intercept: number;
  /** P(class 1) of the first rows of the test part. */
  proba: number[];
  accuracy: number;
}

export type CaseResults = Record<string, Record<'lbfgs' | 'sgd', CaseResult>>;

/** Trains with lbfgs and seeded sgd on every backend the runtime has; same data everywhere. */
export function runCase(lib: typeof Wasmlearn, backends: readonly string[]): CaseResults {
  const { X, y } = lib.makeLogistic(3000, 6, 11);
  const { XTrain, XTest, yTrain, yTest } = lib.trainTestSplit(X, Array.from(y), { testSize: 0.25, seed: 5 });
  const out: CaseResults = {};
  for (const backend of backends) {
    const run = (options: Partial<Wasmlearn.LogisticRegressionOptions>): CaseResult => {
      const m = new lib.LogisticRegression({ ...options, backend: backend as Wasmlearn.BackendName }).fit(XTrain, yTrain);
      const p = m.predictProba(XTest);
      const result = {
        coef: Array.from(m.coef.data),
        intercept: m.intercept[0]!,
        proba: Array.from({ length: 20 }, (_, i) => p.data[2 * i + 1]!),
        accuracy: m.score(XTest, yTest),
      };
      m.dispose();
      return result;
    };
    out[backend] = {
      lbfgs: run({ solver: 'lbfgs', tol: 1e-7, maxIter: 500 }),
      sgd: run({ solver: 'sgd', learningRate: 0.05, batchSize: 64, maxIter: 8, seed: 3 }),
    };
  }
  return out;
}
