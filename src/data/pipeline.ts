import { fail } from '../core/errors.js';
import type { Matrix, MatrixLike } from '../core/matrix.js';
import { checkModelJson, loadFromJSON, registerLoader, type ModelJson } from '../persist.js';
import type { Label } from '../core/labels.js';

/** What `fit` and `score` take as y: a label per row, or a 0/1 indicator matrix (multi-label). */
export type { Targets } from '../core/targets.js';
import type { Targets } from '../core/targets.js';

/** The options every model's `fit` understands (API.md); a pipeline passes them on. */
export interface EstimatorFitOptions {
  sampleWeight?: ArrayLike<number>;
  /** Data scored after each epoch; a pipeline passes its X through the fitted transformers. */
  validationData?: [MatrixLike, Targets];
  /** Method syntax on purpose: each model's own log type is accepted here. */
  onEpochEnd?(log: unknown): boolean | void;
}

/** A preprocessing step: learns from X in `fit`, maps X to a new matrix in `transform`. */
export interface Transformer {
  fit(X: MatrixLike): unknown;
  transform(X: MatrixLike): Matrix;
  fitTransform?(X: MatrixLike): Matrix;
  toJSON(): ModelJson;
}

/** A model: the last step of a pipeline, and what `crossValScore` builds and scores. */
export interface Estimator {
  fit(X: MatrixLike, y: Targets, opts?: EstimatorFitOptions): unknown;
  predict(X: MatrixLike): ArrayLike<Label> | Matrix;
  predictProba?(X: MatrixLike): Matrix;
  decisionFunction?(X: MatrixLike): Matrix;
  score(X: MatrixLike, y: Targets): number;
  toJSON(): ModelJson;
  dispose?(): void;
}

type Steps = readonly [...Transformer[], Estimator];

/** Transformers chained in front of a model; fits, predicts, scores and saves as one. */
export class Pipeline implements Estimator {
  readonly steps: Steps;

  constructor(steps: Steps) {
    if (steps.length === 0) fail('BAD_OPTION', 'a pipeline needs at least a final model');
    steps.forEach((s, i) => {
      const last = i === steps.length - 1;
      if (last ? !isEstimator(s) : !isTransformer(s)) {
        fail('BAD_OPTION', `pipeline step ${i} must be ${last ? 'a model with fit, predict, score and toJSON' : 'a transformer with fit, transform and toJSON'}`);
      }
    });
    this.steps = [...steps] as unknown as Steps;
  }

  get model(): Estimator {
    return this.steps[this.steps.length - 1] as Estimator;
  }

  get transformers(): Transformer[] {
    return this.steps.slice(0, -1) as Transformer[];
  }

  fit(X: MatrixLike, y: Targets, opts?: EstimatorFitOptions): this {
    let Xt = X;
    for (const t of this.transformers) Xt = t.fitTransform ? t.fitTransform(Xt) : (t.fit(Xt), t.transform(Xt));
    const val = opts?.validationData;
    this.model.fit(Xt, y, val ? { ...opts, validationData: [this.apply(val[0]), val[1]] } : opts);
    return this;
  }

  predict(X: MatrixLike): ArrayLike<Label> | Matrix {
    return this.model.predict(this.apply(X));
  }

  predictProba(X: MatrixLike): Matrix {
    const m = this.model;
    if (!m.predictProba) fail('UNSUPPORTED', 'the final step of this pipeline has no predictProba');
    return m.predictProba(this.apply(X));
  }

  decisionFunction(X: MatrixLike): Matrix {
    const m = this.model;
    if (!m.decisionFunction) fail('UNSUPPORTED', 'the final step of this pipeline has no decisionFunction');
    return m.decisionFunction(this.apply(X));
  }

  score(X: MatrixLike, y: Targets): number {
    return this.model.score(this.apply(X), y);
  }

  toJSON(): ModelJson {
    return { name: 'Pipeline', version: 1, steps: this.steps.map((s) => s.toJSON()) };
  }

  static fromJSON(obj: unknown): Pipeline {
    return pipelineFromJSON(obj);
  }

  /** Frees the model's memory (transformers hold none). */
  dispose(): void {
    this.model.dispose?.();
  }

  private apply(X: MatrixLike): MatrixLike {
    let Xt = X;
    for (const t of this.transformers) Xt = t.transform(Xt);
    return Xt;
  }
}

export function makePipeline(...steps: [...Transformer[], Estimator]): Pipeline {
  return new Pipeline(steps);
}

/** Rebuilds a saved pipeline, each step through the loader registered for its name. */
export function pipelineFromJSON(obj: unknown): Pipeline {
  const o = checkModelJson(obj, 'Pipeline', 1);
  const steps = o.steps;
  if (!Array.isArray(steps) || steps.length === 0) fail('BAD_MODEL_JSON', 'Pipeline.steps must be a non-empty array');
  const loaded = steps.map((s) => loadFromJSON(s));
  loaded.forEach((s, i) => {
    const last = i === loaded.length - 1;
    if (last ? !isEstimator(s) : !isTransformer(s)) fail('BAD_MODEL_JSON', `Pipeline.steps[${i}] is not a ${last ? 'model' : 'transformer'}`);
  });
  return new Pipeline(loaded as unknown as Steps);
}

function isTransformer(s: unknown): s is Transformer {
  const t = s as Transformer | null;
  return typeof t === 'object' && t !== null && typeof t.fit === 'function' && typeof t.transform === 'function' && typeof t.toJSON === 'function';
}

function isEstimator(s: unknown): s is Estimator {
  const e = s as Estimator | null;
  return typeof e === 'object' && e !== null && ['fit', 'predict', 'score', 'toJSON'].every((k) => typeof (e as unknown as Record<string, unknown>)[k] === 'function');
}

registerLoader('Pipeline', pipelineFromJSON);
