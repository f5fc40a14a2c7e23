// The one estimator lifecycle: options, fit / partialFit / predict / dispose, engine memory owned
// (a FinalizationRegistry only as a safety net), the solver's record, warnings and history.
// A fit trains a fresh objective and adopts it only when training succeeded, so a failed fit
// (bad input, DIVERGED, an exception from a callback) leaves the estimator as it was.
import { fitInWorker } from '../async/fit-job.js';
import { checkedValues, splitSignal, transferable } from '../async/inputs.js';
import type { GradientShards } from '../async/shards.js';
import { isCallable } from '../core/check.js';
import { fail } from '../core/errors.js';
import { checkMatrix, type Matrix, type MatrixLike } from '../core/matrix.js';
import { describe, strictOptions } from '../core/options.js';
import type { TrainingTargets } from '../core/targets.js';
import type { Engine } from '../engine/engine.js';
import { getEngine, threadsPlan, type BackendChoice } from '../engine/index.js';
import { blockRows } from '../engine/threads/team.js';
import type { EpochConfig, Objective } from '../objectives/objective.js';
import { isConverged, lossAndGradient, partialEpoch, solve, solveAsync, type BatchLog, type EpochLog, type SolveOptions, type SolverResult } from '../solvers/solve.js';

/** Why a fit did not end cleanly (scikit-learn's ConvergenceWarning), as `warning` holds it. */
export interface FitWarning {
  /** NOT_CONVERGED: maxIter ran out; DIVERGED: the loss blew up (onDivergence 'stop' or 'warn'). */
  code: 'NOT_CONVERGED' | 'DIVERGED';
  /** The same, in words. */
  message: string;
}

/** A fitted estimator: the objective holds the weights and predicts; meta is what the subclass needs to read its outputs. */
export interface Fitted<Meta> {
  objective: Objective;
  solved: SolverResult;
  nFeatures: number;
  meta: Meta;
}

/** The rows an objective trains on, as the subclass encodes them, and the penalty's mean-objective coefficients. */
export interface TrainingSet {
  targets: TrainingTargets;
  sw: Float64Array | null;
  terms: { l2: number; l1: number };
}

/** A fit, planned from validated input before anything is allocated in the engine. */
export interface TrainingPlan<Meta> {
  meta: Meta;
  nFeatures: number;
  /** A fresh objective on `engine`, holding the starting parameters. */
  create(engine: Engine): Objective;
  train: TrainingSet & { X: Matrix };
  val: { X: Matrix; targets: TrainingTargets } | null;
  /** How epochs run; null for lbfgs and plain gd. */
  epochs: EpochConfig | null;
  /** Starting weights given to fit (coefInit ...), packed as the objective's; null for the model's own start. */
  start: Float64Array | null;
  solve: SolveOptions;
}

/** What the first partialFit call builds: a fresh objective whose epochs are started. */
export interface PartialStart<Meta> {
  meta: Meta;
  create(engine: Engine): Objective;
}

/** Progress callbacks `fit` and `partialFit` take. */
export interface FitCallbacks {
  /**
   * Called after every epoch (iteration for lbfgs and gd); returning false stops training.
   * @default undefined
   */
  onEpochEnd?: (log: EpochLog) => boolean | void;
  /**
   * Called after every mini-batch of an epoch-based solver with `{ epoch, batch, loss }`.
   * @default undefined
   */
  onBatchEnd?: (log: BatchLog) => void;
}

/** What fitAsync takes beyond fit's options. */
export interface AsyncFitOptions {
  /**
   * Aborts the fit: the worker stops at its next epoch end and frees its memory, and fitAsync
   * rejects with ABORTED.
   * @default undefined
   */
  signal?: AbortSignal;
}

/** The fit options every estimator takes; each adds its own starting weights. */
const FIT_KEYS = ['sampleWeight', 'validationData', 'onEpochEnd', 'onBatchEnd'];

const leaks = new FinalizationRegistry<Objective>((objective) => objective.dispose());

export abstract class Estimator<O extends { backend: BackendChoice; warmStart: boolean; nThreads: 'auto' | number }, Meta, Y, F extends FitCallbacks & { sampleWeight?: ArrayLike<number> }> {
  #options: Readonly<O>;
  private state: Fitted<Meta> | null = null;
  private disposed = false;
  /** True while fit or partialFit runs, so its callbacks cannot refit or dispose the model under it. */
  private busy = false;

  /**
   * `given` is checked strictly (an unknown key is BAD_OPTION with the closest name) and merged
   * over `defaults`; `check` validates every value.
   */
  protected constructor(
    /** @internal */
    protected readonly modelName: string,
    given: unknown,
    private readonly defaults: O,
    private readonly check: (o: O) => O,
  ) {
    this.#options = this.validOptions(given);
  }

  /** The hyperparameters, frozen. */
  get options(): Readonly<O> {
    return this.#options;
  }

  private validOptions(given: unknown, base: O = this.defaults): Readonly<O> {
    const o = strictOptions(this.modelName, given, Object.keys(this.defaults));
    return Object.freeze(this.check({ ...base, ...o } as O));
  }

  /** scikit-learn's get_params: the hyperparameters as a plain object (not the weights: see getParameters). */
  getParams(): O {
    return copyOptions(this.#options) as O;
  }

  /** scikit-learn's set_params: new hyperparameters over the current ones, checked like the constructor's; the fit is kept. */
  setParams(params: Partial<O>): this {
    this.idle();
    this.#options = this.validOptions(params, this.#options as O);
    return this;
  }

  /** The fit options this estimator takes (beyond sampleWeight, validationData and the callbacks). @internal */
  protected abstract readonly startKeys: readonly string[];

  /** Validates (X, y, opts) and plans the fit; allocates nothing. @internal */
  protected abstract plan(X: Matrix, y: Y, opts: F): TrainingPlan<Meta>;
  /** The first partialFit call's model: its classes or outputs, from y and opts. @internal */
  protected abstract startPartial(X: Matrix, y: Y, opts: F & { classes?: ArrayLike<unknown> }): PartialStart<Meta>;
  /** How partialFit's epochs run. @internal */
  protected abstract partialEpochs(meta: Meta): EpochConfig;
  /** y encoded against a fitted model's classes or outputs, with the sample weights and penalty. @internal */
  protected abstract encode(meta: Meta, X: Matrix, y: Y, sampleWeight?: ArrayLike<number>): TrainingSet;
  /** What the solver needs from the options, for `rows` training rows. @internal */
  protected abstract solveOptions(rows: number, terms: { l2: number; l1: number }, callbacks: FitCallbacks): SolveOptions;

  /**
   * Trains on X (rows x features) and y, from scratch (or from the current weights with warmStart);
   * returns this. Throws a WasmlearnError on bad input or options.
   */
  fit(X: MatrixLike, y: Y, opts?: F): this {
    this.idle();
    const o = this.fitOptions(opts, false);
    const plan = this.plan(checkMatrix(X, { checkFinite: false }), y, o);
    const objective = this.trainingObjective(plan);
    try {
      objective.upload(plan.train.X, plan.train.targets, plan.train.sw);
      this.heldAndStarted(objective, plan);
      this.adoptTrained(objective, plan, solve(objective, plan.solve));
    } catch (e) {
      objective.dispose();
      throw e;
    } finally {
      this.busy = false;
    }
    return this;
  }

  /**
   * fit, for fitAsync's worker with message-passing threads: a full-batch solver ('lbfgs', 'gd')
   * hands the training rows to `shards` and takes each full-batch gradient from them, while the
   * parameters, the validation rows and the callbacks stay here; other solvers train as fit.
   * @internal
   */
  async fitSharded(X: Matrix, y: Y, opts: F, shards: GradientShards): Promise<this> {
    this.idle();
    const plan = this.plan(X, y, this.fitOptions(opts, false));
    if (plan.solve.solver !== 'lbfgs' && plan.solve.solver !== 'gd') return this.fit(X, y, opts);
    const objective = this.trainingObjective(plan);
    try {
      await shards.load(plan.train);
      this.heldAndStarted(objective, plan);
      const solved = await solveAsync(objective, plan.solve, () => shards.gradient(objective.getParameters()));
      this.adoptTrained(objective, plan, solved);
    } catch (e) {
      objective.dispose();
      throw e;
    } finally {
      this.busy = false;
    }
    return this;
  }

  /**
   * How a fit of (X, y) creates its objective (`plan.create`), X read for its shape only: for a
   * fitAsync shard that holds some of the rows (`y` is the whole fit's, so the classes or
   * outputs are). @internal
   */
  shardObjectives(rows: number, cols: number, y: Y): (engine: Engine) => Objective {
    const none = { data: new Float64Array(0), rows, cols };
    return this.plan(none, y, this.fitOptions(undefined, false)).create;
  }

  /** The plan's objective with the starting (or warm) parameters; the model is busy from here. */
  private trainingObjective(plan: TrainingPlan<Meta>): Objective {
    const objective = plan.create(this.engine());
    this.busy = true;
    try {
      const warm = this.state && this.#options.warmStart && sameModel(this.state, plan, objective) ? this.state.objective.getParameters() : null;
      const start = plan.start ?? warm;
      if (start) objective.setParameters(start);
      return objective;
    } catch (e) {
      objective.dispose();
      this.busy = false;
      throw e;
    }
  }

  /** The validation rows held and the epochs started, as the plan says. */
  private heldAndStarted(objective: Objective, plan: TrainingPlan<Meta>): void {
    if (plan.val) objective.holdValidation(plan.val.X, plan.val.targets);
    if (plan.epochs) objective.startEpochs(plan.epochs);
  }

  private adoptTrained(objective: Objective, plan: TrainingPlan<Meta>, solved: SolverResult): void {
    objective.release();
    this.adopt({ objective, solved, nFeatures: plan.nFeatures, meta: plan.meta });
  }

  /**
   * `fit`, trained in a worker (worker_threads in Node, a module Web Worker in Deno and browsers)
   * so that this thread stays free; resolves with this model, fitted exactly as `fit` fits it (the
   * same seed gives the same weights, bit for bit, on the same backend). Arguments are checked
   * here first, with fit's errors; the data crosses to the worker once. onEpochEnd and onBatchEnd
   * run on this thread as training goes, and returning false from onEpochEnd stops it; `signal`
   * aborts it (rejecting with ABORTED). The model is busy until the promise settles. With
   * message-passing threads (init's threadsMode 'message', the default without shared memory), a
   * full-batch fit (lbfgs, gd) on more than one block of rows spreads its rows over shard workers:
   * the same weights on any number of them, equal to fit's to rounding.
   */
  async fitAsync(X: MatrixLike, y: Y, opts?: F & AsyncFitOptions): Promise<this> {
    this.idle();
    const { signal, fitOptions } = splitSignal(opts);
    const o = this.fitOptions(fitOptions, false);
    const Xm = checkMatrix(X, { checkFinite: false });
    const plan = this.plan(Xm, y, o);
    const engine = this.engine();
    // The upload's checks, in fit's order: the training rows, then the validation rows.
    const dtype = (this.#options as { dtype?: 'float32' | 'float64' }).dtype ?? 'float32';
    checkedValues(plan.train.X, 'X', dtype);
    if (plan.val) checkedValues(plan.val.X, 'validationData X', dtype);
    const sent = transferable(Xm, Xm.data, Array.isArray(X));
    const { onEpochEnd, onBatchEnd, ...rest } = o;
    const warm = this.state && this.#options.warmStart ? (this as unknown as { toJSON(): unknown }).toJSON() : null;
    // The worker trains with this thread's threads: the same pool size, or message passing.
    const threads = threadsPlan();
    const job = {
      model: this.modelName, options: { ...this.getParams(), backend: engine.name }, warm,
      X: sent.X, y, fitOptions: rest, onEpochEnd: onEpochEnd !== undefined, onBatchEnd: onBatchEnd !== undefined,
      threads: { mode: threads.mode, count: threads.count, blocks: Math.ceil(Xm.rows / blockRows(Xm.rows)) },
    };
    this.busy = true;
    try {
      const { parameters, solved } = await fitInWorker(job, sent.transfer, { onEpochEnd, onBatchEnd, signal });
      const objective = plan.create(engine);
      try {
        objective.setParameters(parameters);
      } catch (e) {
        objective.dispose();
        throw e;
      }
      this.adopt({ objective, solved: solved as SolverResult, nFeatures: plan.nFeatures, meta: plan.meta });
    } finally {
      this.busy = false;
    }
    return this;
  }

  /** The fitted parameters and the solver's record, as fitAsync's worker sends them back. @internal */
  fittedRecord(): { parameters: Float64Array; solved: SolverResult } {
    const { objective, solved } = this.fitted();
    return { parameters: objective.getParameters(), solved };
  }

  /** fit's options, strictly: known keys, each of the type it needs. */
  private fitOptions(opts: unknown, partial: boolean): F & { classes?: ArrayLike<unknown> } {
    const keys = [...FIT_KEYS, ...this.startKeys, ...(partial ? ['classes'] : [])];
    const o = strictOptions(`${this.modelName}.${partial ? 'partialFit' : 'fit'} options`, opts, keys);
    for (const k of ['onEpochEnd', 'onBatchEnd']) {
      if (o[k] !== undefined && !isCallable(o[k])) fail('BAD_OPTION', `${k} must be a function; got ${describe(o[k])}`);
    }
    for (const k of ['sampleWeight', 'classes']) {
      const v = o[k];
      if (v !== undefined && (typeof v !== 'object' || v === null || typeof (v as ArrayLike<unknown>).length !== 'number')) fail('BAD_OPTION', `${k} must be an array; got ${describe(v)}`);
    }
    const v = o.validationData;
    if (v !== undefined && (!Array.isArray(v) || v.length !== 2)) fail('BAD_OPTION', `validationData must be [X, y]; got ${describe(v)}`);
    return o as F & { classes?: ArrayLike<unknown> };
  }

  /** An unfitted copy with the same hyperparameters (scikit-learn's clone). */
  clone(): this {
    const Ctor = this.constructor as new (options: O) => this;
    return new Ctor(this.getParams());
  }

  /**
   * One epoch over a chunk of rows, continuing from the current weights (optimizer state,
   * shuffling stream, schedule): for data that streams through in pieces. The first call on an
   * unfitted classifier needs every class in `classes`. A failed call changes nothing.
   */
  partialFit(X: MatrixLike, y: Y, options?: F & { classes?: ArrayLike<unknown> }): this {
    this.idle();
    const opts = this.fitOptions(options, true);
    const Xm = checkMatrix(X, { checkFinite: false });
    let current: Fitted<Meta> | null = this.state;
    let fresh: Fitted<Meta> | null = null;
    if (!current) {
      const start = this.startPartial(Xm, y, opts);
      const objective = start.create(this.engine());
      objective.startEpochs(this.partialEpochs(start.meta));
      current = fresh = { objective, solved: { nIter: 0, stop: 'partialFit', message: 'trained by partialFit', history: [], divergences: [] }, nFeatures: Xm.cols, meta: start.meta };
    }
    const { objective } = current;
    this.busy = true;
    try {
      checkWidth(Xm, current.nFeatures);
      const set = this.encode(current.meta, Xm, y, opts.sampleWeight);
      if (!objective.epochsStarted) objective.startEpochs(this.partialEpochs(current.meta));
      objective.upload(Xm, set.targets, set.sw);
      const solved = partialEpoch(objective, this.solveOptions(Xm.rows, set.terms, opts), current.solved);
      objective.release();
      if (fresh) this.adopt({ ...fresh, solved });
      else this.state = { ...current, solved };
    } catch (e) {
      if (fresh) objective.dispose();
      else objective.release();
      throw e;
    } finally {
      this.busy = false;
    }
    return this;
  }

  /** fromJSON's end: the saved parameters in a fresh objective, adopted with the saved record. @internal */
  protected restore(create: (engine: Engine) => Objective, nFeatures: number, meta: Meta, solved: SolverResult, parameters: ArrayLike<number>): void {
    const objective = create(this.engine());
    objective.setParameters(parameters);
    this.adopt({ objective, solved, nFeatures, meta });
  }

  /** Frees the model's engine memory; any later call throws DISPOSED. */
  dispose(): void {
    if (this.busy) fail('BUSY', `this ${this.modelName} is training: dispose() it after fit returns, or return false from onEpochEnd to stop`);
    this.drop();
    this.disposed = true;
  }

  private engine(): Engine {
    const engine = getEngine(this.options.backend), n = this.options.nThreads;
    return n === 'auto' ? engine : engine.withThreads(n);
  }

  /** Makes `next` the fitted model, freeing the previous one. @internal */
  protected adopt(next: Fitted<Meta>): void {
    this.drop();
    this.state = next;
    leaks.register(this, next.objective, this);
  }

  private drop(): void {
    if (!this.state) return;
    leaks.unregister(this);
    this.state.objective.dispose();
    this.state = null;
  }

  private alive(): void {
    if (this.disposed) fail('DISPOSED', `this ${this.modelName} was disposed; create a new one`);
  }

  /** Alive and not training: the precondition of every call that replaces the fit. */
  private idle(): void {
    this.alive();
    if (this.busy) fail('BUSY', `this ${this.modelName} is training: fit and partialFit cannot be called from its own callbacks`);
  }

  /** @internal */
  protected fitted(): Fitted<Meta> {
    this.alive();
    if (!this.state) fail('NOT_FITTED', `this ${this.modelName} is not fitted yet; call fit(X, y) first`);
    return this.state;
  }

  /** X checked against the fitted width. @internal */
  protected inputs(X: MatrixLike): Matrix {
    const { nFeatures } = this.fitted();
    return checkWidth(checkMatrix(X, { checkFinite: false }), nFeatures);
  }

  /** The objective's output probabilities for X: one column per sigmoid output, or the softmax columns. @internal */
  protected outputs(X: MatrixLike): Matrix {
    const Xm = this.inputs(X);
    return this.fitted().objective.predictProba(Xm);
  }

  /** The logits (the last layer's pre-activations) of every row, in f64: rows x outputs (one column for a binary model). */
  decisionFunction(X: MatrixLike): Matrix {
    const Xm = this.inputs(X);
    return this.fitted().objective.decision(Xm);
  }

  /**
   * Log-probabilities from the logits, stable and finite for any finite X: a log-softmax over
   * softmax outputs, log-sigmoids otherwise; `binary` spreads one sigmoid logit over two columns
   * (log P(classes[0]), log P(classes[1])), as predictProba does.
   * @internal
   */
  protected logProbabilities(X: MatrixLike, binary: boolean, softmax: boolean): Matrix {
    const Z = this.decisionFunction(X);
    const { rows, cols } = Z;
    if (binary) {
      const out = new Float64Array(2 * rows);
      for (let i = 0; i < rows; i++) {
        out[2 * i] = logSigmoid(-Z.data[i]);
        out[2 * i + 1] = logSigmoid(Z.data[i]);
      }
      return { data: out, rows, cols: 2 };
    }
    const out = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      const z = Z.data.subarray(i * cols, (i + 1) * cols);
      if (!softmax) {
        z.forEach((v, k) => (out[i * cols + k] = logSigmoid(v)));
        continue;
      }
      let m = -Infinity, sum = 0;
      for (const v of z) m = Math.max(m, v);
      for (const v of z) sum += Math.exp(v - m);
      z.forEach((v, k) => (out[i * cols + k] = Math.max(-Number.MAX_VALUE, v - m - Math.log(sum))));
    }
    return { data: out, rows, cols };
  }

  /** Iterations (lbfgs, gd) or epochs (sgd, adam) the last fit ran (scikit-learn's n_iter_). */
  get nIter(): number {
    return this.fitted().solved.nIter;
  }
  /**
   * One entry per epoch (iteration for lbfgs and gd) of the last fit: loss, and valLoss/valAccuracy with validation data.
   */
  get history(): EpochLog[] {
    return this.fitted().solved.history.map((h) => ({ ...h }));
  }
  /** Whether the solver met its stopping rule. */
  get converged(): boolean {
    return isConverged(this.fitted().solved.stop);
  }
  /** Why training stopped, in words. */
  get stopReason(): string {
    return this.fitted().solved.message;
  }
  /**
   * scikit-learn's ConvergenceWarning as an object: set when the solver ran out of iterations (or
   * its line search gave up) before meeting its stopping rule, or when training diverged; null otherwise.
   */
  get warning(): FitWarning | null {
    const { stop, message, divergences } = this.fitted().solved;
    if (stop === 'diverged') return { code: 'DIVERGED', message };
    if (divergences.length > 0) {
      const [first] = divergences;
      const more = divergences.length > 1 ? ` (and at ${divergences.length - 1} later epochs)` : '';
      return { code: 'DIVERGED', message: `the loss rose to ${first.loss.toPrecision(4)} at epoch ${first.epoch}${more}, over ten times its start; onDivergence 'warn' let training go on: ${message}` };
    }
    if (stop !== 'maxIter' && stop !== 'lineSearch') return null;
    return { code: 'NOT_CONVERGED', message: `${this.modelName} did not converge: ${message}. Increase maxIter, scale X (StandardScaler) or loosen tol` };
  }

  // The GradCheckable interface of src/layers/gradcheck.ts: the packed parameters of the objective that trains the model.
  /** All trainable parameters packed into one array (a copy), for gradient checks. */
  getParameters(): Float64Array {
    return this.fitted().objective.getParameters();
  }
  /** Replaces the parameters with `values`, in getParameters() order. */
  setParameters(values: ArrayLike<number>): void {
    const { objective } = this.fitted();
    const n = objective.weightMask.length;
    if (!values || typeof values !== 'object' || typeof values.length !== 'number') fail('SHAPE_MISMATCH', `setParameters takes an array of ${n} numbers; got ${describe(values)}`);
    for (let i = 0; i < values.length; i++) if (typeof values[i] !== 'number' || !Number.isFinite(values[i])) fail('NON_FINITE_INPUT', `parameter ${i} is ${describe(values[i])}`);
    if (values.length !== n) fail('SHAPE_MISMATCH', `expected ${n} parameters, got ${values.length}`);
    objective.setParameters(values);
  }
  /** The training objective at the current parameters on (X, y), and its gradient in getParameters() order. */
  lossAndGradient(X: MatrixLike, y: Y): {
    /** The objective: mean loss plus the penalty. */
    loss: number;
    /** Its gradient, one entry per parameter. */
    gradient: Float64Array;
  } {
    const Xm = this.inputs(X);
    const { objective, meta } = this.fitted();
    const { targets, sw, terms } = this.encode(meta, Xm, y);
    objective.upload(Xm, targets, sw);
    try {
      return lossAndGradient(objective, terms.l2, terms.l1);
    } finally {
      objective.release();
    }
  }
}

/** A copy of checked options: arrays and plain objects (hiddenLayerSizes, classWeight) copied, the rest as is. */
function copyOptions(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(copyOptions);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copyOptions(x)]));
  return v;
}

/** Whether a warm start can reuse `current`'s weights for `plan`: the same inputs, outputs and parameter layout. */
function sameModel<Meta>(current: Fitted<Meta>, plan: TrainingPlan<Meta>, objective: Objective): boolean {
  return current.nFeatures === plan.nFeatures && JSON.stringify(current.meta) === JSON.stringify(plan.meta) &&
    current.objective.weightMask.length === objective.weightMask.length;
}

/** log(sigmoid(z)), stable: -log1p(exp(-z)) for z >= 0, z - log1p(exp(z)) below; finite for finite z. */
function logSigmoid(z: number): number {
  return Math.max(-Number.MAX_VALUE, z >= 0 ? -Math.log1p(Math.exp(-z)) : z - Math.log1p(Math.exp(z)));
}

function checkWidth(X: Matrix, nFeatures: number): Matrix {
  if (X.cols !== nFeatures) fail('SHAPE_MISMATCH', `X has ${X.cols} features but the model was fitted with ${nFeatures}`);
  return X;
}

/** scikit-learn's clone: an unfitted estimator of the same class with the same hyperparameters. */
export function clone<E extends object>(estimator: E): E {
  const source = estimator as { clone?: () => E } | null;
  if (!source || typeof source.clone !== 'function') fail('BAD_OPTION', `clone takes an estimator; got ${describe(estimator)}`);
  return source.clone();
}
