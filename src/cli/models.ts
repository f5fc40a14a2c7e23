// The models `wasmlearn train --model` offers, built from the command line's flags.
import type { BackendChoice } from '../engine/index.js';
import type { Estimator } from '../data/pipeline.js';
import { LogisticRegression, type LogisticRegressionOptions } from '../models/logistic.js';
import { MLPClassifier, type MLPClassifierOptions } from '../models/mlp.js';
import { MultiLabelClassifier, type MultiLabelClassifierOptions } from '../models/multilabel.js';
import { usage } from './errors.js';
import { didYouMean, quoteArg } from './args.js';

export interface ModelFlags {
  solver?: string;
  maxIter?: number;
  learningRate?: number;
  batchSize?: number;
  hidden?: number[];
  activation?: string;
  optimizer?: string;
  C?: number;
  penalty?: string;
  l1Ratio?: number;
  classWeight?: 'balanced' | Record<string, number>;
  seed: number;
  backend: BackendChoice;
}

export interface BuiltModel {
  model: Estimator;
  /** Iterations or epochs at most: the length of the progress bar. */
  maxIter: number;
  description: string;
  /** Whether y is one label column, or several 0/1 columns (multi-label). */
  targets: 'labels' | 'indicators';
}

/** The flags that were given, under the option names the models use. */
function given<T>(entries: [keyof T, unknown][]): Partial<T> {
  return Object.fromEntries(entries.filter(([, v]) => v !== undefined)) as Partial<T>;
}

const MODELS: Record<string, (f: ModelFlags) => BuiltModel> = {
  logistic(f) {
    const model = new LogisticRegression({
      seed: f.seed, backend: f.backend,
      ...given<LogisticRegressionOptions>([
        ['solver', f.solver], ['maxIter', f.maxIter], ['learningRate', f.learningRate], ['batchSize', f.batchSize],
        ['optimizer', f.optimizer], ['C', f.C], ['penalty', f.penalty], ['l1Ratio', f.l1Ratio], ['classWeight', f.classWeight],
      ]),
    });
    const o = model.options;
    return { model, maxIter: o.maxIter, description: `LogisticRegression (solver ${o.solver})`, targets: 'labels' };
  },
  mlp(f) {
    const model = new MLPClassifier({
      seed: f.seed, backend: f.backend,
      ...given<MLPClassifierOptions>([
        ['solver', f.solver], ['maxIter', f.maxIter], ['learningRateInit', f.learningRate], ['batchSize', f.batchSize],
        ['hiddenLayerSizes', f.hidden], ['activation', f.activation], ['classWeight', f.classWeight],
      ]),
    });
    const o = model.options;
    return { model, maxIter: o.maxIter, description: `MLPClassifier (hidden ${o.hiddenLayerSizes.join('-')}, ${o.activation}, solver ${o.solver})`, targets: 'labels' };
  },
  multilabel(f) {
    const model = new MultiLabelClassifier({
      seed: f.seed, backend: f.backend,
      ...given<MultiLabelClassifierOptions>([
        ['solver', f.solver], ['maxIter', f.maxIter], ['learningRate', f.learningRate], ['batchSize', f.batchSize],
        ['optimizer', f.optimizer], ['C', f.C], ['penalty', f.penalty], ['l1Ratio', f.l1Ratio],
      ]),
    });
    const o = model.options;
    return { model, maxIter: o.maxIter, description: `MultiLabelClassifier (solver ${o.solver})`, targets: 'indicators' };
  },
};

export const MODEL_NAMES = Object.keys(MODELS);

export function buildModel(name: string, flags: ModelFlags): BuiltModel {
  if (!Object.hasOwn(MODELS, name)) usage(`unknown model ${quoteArg(name)} (--model)${didYouMean(name, MODEL_NAMES)}: this version has ${MODEL_NAMES.join(', ')}`);
  if (name !== 'mlp' && (flags.hidden || flags.activation)) usage(`--hidden and --activation are options of --model mlp`);
  if (name === 'mlp') {
    const linear = (['optimizer', 'C', 'penalty', 'l1Ratio'] as const).find((k) => flags[k] !== undefined);
    if (linear) usage(`--${linear === 'l1Ratio' ? 'l1-ratio' : linear} is an option of --model logistic and multilabel`);
  }
  if (name === 'multilabel' && flags.classWeight !== undefined) usage('--class-weight is an option of --model logistic and mlp');
  return MODELS[name](flags);
}
