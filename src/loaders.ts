// The loaders of the built-in models and transformers, registered here explicitly, by the `name`
// their toJSON() writes: the package is `sideEffects: false`, and a bundler drops a module that
// nothing uses, with its top-level registerLoader call. The public `loadFromJSON` is this module's,
// so it brings every class it can rebuild with it.
import { loadFromJSON as loadRegistered, registerLoader } from './persist.js';
import { LogisticRegression } from './models/logistic.js';
import { MLPClassifier } from './models/mlp.js';
import { MultiLabelClassifier } from './models/multilabel.js';
import { pipelineFromJSON } from './data/pipeline.js';
import { MinMaxScaler, StandardScaler } from './data/scale.js';
import { SimpleImputer } from './data/impute.js';
import { LabelEncoder, OneHotEncoder } from './data/encode.js';

const BUILT_IN: Record<string, (obj: unknown) => unknown> = {
  LogisticRegression: (obj) => LogisticRegression.fromJSON(obj),
  MLPClassifier: (obj) => MLPClassifier.fromJSON(obj),
  MultiLabelClassifier: (obj) => MultiLabelClassifier.fromJSON(obj),
  Pipeline: (obj) => pipelineFromJSON(obj),
  StandardScaler: (obj) => StandardScaler.fromJSON(obj),
  MinMaxScaler: (obj) => MinMaxScaler.fromJSON(obj),
  SimpleImputer: (obj) => SimpleImputer.fromJSON(obj),
  LabelEncoder: (obj) => LabelEncoder.fromJSON(obj),
  OneHotEncoder: (obj) => OneHotEncoder.fromJSON(obj),
};

for (const [name, load] of Object.entries(BUILT_IN)) registerLoader(name, load);

/**
 * Rebuilds any built-in or registered model or transformer from its `toJSON()` output. Exported
 * from here rather than ./persist.js so that it brings every built-in class with it.
 */
export function loadFromJSON(obj: unknown): unknown {
  return loadRegistered(obj);
}
