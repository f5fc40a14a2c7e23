import { fail } from '../core/errors.js';
import type { Matrix, MatrixLike } from '../core/matrix.js';
import { describe } from '../core/options.js';
import { checkModelJson, isPlainObject, loadFromJSON, registerLoader, type ModelJson } from '../persist.js';
import type { Label } from '../core/labels.js';

/** What `fit` and `score` take as y: a label per row, or a 0/1 indicator matrix (multi-label). */
export type { Targets } from '../core/targets.js';
import type { Targets } from '../core/targets.js';

/** The options every model's `fit` understands (API.md); a pipeline passes them on. */
export interface EstimatorFitOptions {
  /**
   * One weight per row; none: all 1.
   * @default undefined (all 1)
   */
  sampleWeight?: ArrayLike<number>;
  /**
   * Data scored after each epoch; a pipeline passes its X through the fitted transformers.
   * @default undefined (none)
   */
  validationData?: [MatrixLike, Targets];
  /**
   * Method syntax on purpose: each model's own log type is accepted here.
   * @default undefined
   */
  onEpochEnd?(log: unknown): boolean | void;
}

/** A preprocessing step: learns from X in `fit`, maps X to a new matrix in `transform`. */
export interface Transformer {
  /** Learns from X; the return value is ignored. */
  fit(X: MatrixLike): unknown;
  /** X mapped to a new matrix. */
  transform(X: MatrixLike): Matrix;
  /** fit, then transform the same rows (optional; a pipeline falls back to fit + transform). */
  fitTransform?(X: MatrixLike): Matrix;
  /** A plain object that `loadFromJSON` rebuilds the step from. */
  toJSON(): ModelJson;
}

/** A model: the last step of a pipeline, and what `crossValScore` builds and scores. */
export interface Estimator {
  /** Trains on (X, y); the return value is ignored. */
  fit(X: MatrixLike, y: Targets, opts?: EstimatorFitOptions): unknown;
  /** One prediction per row: labels, or an indicator matrix for multi-label models. */
  predict(X: MatrixLike): ArrayLike<Label> | Matrix;
  /** Probabilities, rows x classes (or outputs). */
  predictProba?(X: MatrixLike): Matrix;
  /** Logits, rows x outputs. */
  decisionFunction?(X: MatrixLike): Matrix;
  /** The model's score on (X, y), higher is better (accuracy for classifiers). */
  score(X: MatrixLike, y: Targets): number;
  /** A plain object that `loadFromJSON` rebuilds the model from. */
  toJSON(): ModelJson;
  /** Frees the memory the model holds. */
  dispose?(): void;
}

/** A pipeline's steps: transformers, then one estimator last. */
export type Steps = readonly [...Transformer[], Estimator];

/**
 * How deep pipelines may nest (a pipeline as the final model of another): every call recurses
 * once per level, so the depth is bounded well inside any JavaScript stack.
 */
export const MAX_PIPELINE_DEPTH = 64;

/**
 * Transformers chained in front of a model; fits, predicts, scores and saves as one. The steps
 * are frozen at construction, so a pipeline can never come to contain itself, and its nesting
 * depth (at most MAX_PIPELINE_DEPTH) is known from the start.
 */
export class Pipeline implements Estimator {
  /** The steps, transformers first, the model last. */
  readonly steps: Steps;
  /** 1, plus the depth of the final step when that is a pipeline too. */
  readonly depth: number;

  constructor(steps: Steps) {
    if (!Array.isArray(steps)) fail('BAD_OPTION', `a pipeline takes an array of steps; got ${describe(steps)}`);
    if (steps.length === 0) fail('BAD_OPTION', 'a pipeline needs at least a final model');
    steps.forEach((s, i) => {
      const last = i === steps.length - 1;
      if (last ? !isEstimator(s) : !isTransformer(s)) {
        fail('BAD_OPTION', `pipeline step ${i} must be ${last ? 'a model with fit, predict, score and toJSON' : 'a transformer with fit, transform and toJSON'}; got ${describe(s)}`);
      }
    });
    const last = steps[steps.length - 1];
    this.depth = last instanceof Pipeline ? last.depth + 1 : 1;
    if (this.depth > MAX_PIPELINE_DEPTH) fail('BAD_OPTION', `pipelines nest ${MAX_PIPELINE_DEPTH} deep at most; this one would be ${this.depth} deep`);
    this.steps = Object.freeze([...steps]) as unknown as Steps;
  }

  /** The last step. */
  get model(): Estimator {
    return this.steps[this.steps.length - 1] as Estimator;
  }

  /** Every step but the last. */
  get transformers(): Transformer[] {
    return this.steps.slice(0, -1) as Transformer[];
  }

  /** Fits each transformer in turn on the output of the previous ones, then the model; returns this. */
  fit(X: MatrixLike, y: Targets, opts?: EstimatorFitOptions): this {
    if (opts !== undefined && !isPlainObject(opts)) fail('BAD_OPTION', `Pipeline.fit takes an options object; got ${describe(opts)}`);
    const val = opts?.validationData;
    if (val !== undefined && (!Array.isArray(val) || val.length !== 2)) fail('BAD_OPTION', `validationData must be a pair [X, y]; got ${describe(val)}`);
    let Xt = X;
    for (const t of this.transformers) Xt = typeof t.fitTransform === 'function' ? t.fitTransform(Xt) : (t.fit(Xt), t.transform(Xt));
    this.model.fit(Xt, y, val ? { ...opts, validationData: [this.apply(val[0]), val[1]] } : opts);
    return this;
  }

  /** The model's predictions on X passed through the transformers. */
  predict(X: MatrixLike): ArrayLike<Label> | Matrix {
    return this.model.predict(this.apply(X));
  }

  /** The model's probabilities on X passed through the transformers (throws UNSUPPORTED if it has none). */
  predictProba(X: MatrixLike): Matrix {
    const m = this.model;
    if (!m.predictProba) fail('UNSUPPORTED', 'the final step of this pipeline has no predictProba');
    return m.predictProba(this.apply(X));
  }

  /** The model's logits on X passed through the transformers (throws UNSUPPORTED if it has none). */
  decisionFunction(X: MatrixLike): Matrix {
    const m = this.model;
    if (!m.decisionFunction) fail('UNSUPPORTED', 'the final step of this pipeline has no decisionFunction');
    return m.decisionFunction(this.apply(X));
  }

  /** The model's score on X passed through the transformers. */
  score(X: MatrixLike, y: Targets): number {
    return this.model.score(this.apply(X), y);
  }

  /** Built from the innermost pipeline out, without recursion, whatever the nesting. */
  toJSON(): ModelJson {
    const chain: Pipeline[] = [];
    for (let p: Estimator = this; p instanceof Pipeline; p = p.model) chain.push(p);
    let json = chain[chain.length - 1].model.toJSON();
    for (let d = chain.length - 1; d >= 0; d--) {
      json = { name: 'Pipeline', version: 1, steps: [...chain[d].transformers.map((t) => t.toJSON()), json] };
    }
    return json;
  }

  /** Rebuilds a pipeline saved by `toJSON` (the same as pipelineFromJSON). */
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

/** A Pipeline of the given steps: transformers, then the model (scikit-learn's make_pipeline). */
export function makePipeline(...steps: [...Transformer[], Estimator]): Pipeline {
  return new Pipeline(steps);
}

/**
 * Rebuilds a saved pipeline, each step through the loader registered for its name. Nesting is
 * measured (without recursion) before any step is loaded: deeper than MAX_PIPELINE_DEPTH is
 * BAD_MODEL_JSON, never a stack overflow.
 */
export function pipelineFromJSON(obj: unknown): Pipeline {
  const o = checkModelJson(obj, 'Pipeline', 1);
  const steps = o.steps;
  if (!Array.isArray(steps) || steps.length === 0) fail('BAD_MODEL_JSON', 'Pipeline.steps must be a non-empty array');
  let depth = 1;
  for (let inner: unknown = steps[steps.length - 1]; isPlainObject(inner) && inner.name === 'Pipeline' && Array.isArray(inner.steps); inner = inner.steps[inner.steps.length - 1]) {
    if (++depth > MAX_PIPELINE_DEPTH) fail('BAD_MODEL_JSON', `saved pipelines nest ${MAX_PIPELINE_DEPTH} deep at most; this one is deeper`);
  }
  const loaded = steps.map((s, i) => {
    const last = i === steps.length - 1;
    // A saved pipeline is never a transformer: refused before it is loaded, so nothing recurses down the first steps.
    if (!last && isPlainObject(s) && s.name === 'Pipeline') fail('BAD_MODEL_JSON', `Pipeline.steps[${i}] is a pipeline; only the last step may be one`);
    const step = loadFromJSON(s);
    if (last ? !isEstimator(step) : !isTransformer(step)) fail('BAD_MODEL_JSON', `Pipeline.steps[${i}] is not a ${last ? 'model' : 'transformer'}`);
    return step;
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
