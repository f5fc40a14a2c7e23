// The one estimator lifecycle: options, fit / partialFit / predict / dispose, engine memory owned
// (a FinalizationRegistry only as a safety net), the solver's record, warnings and history.
// A fit trains a fresh objective and adopts it only when training succeeded, so a failed fit
// (bad input, DIVERGED, an exception from a callback) leaves the estimator as it was.
import { fail } from '../core/errors.js';
import { checkMatrix, type Matrix, type MatrixLike } from '../core/matrix.js';
import type { TrainingTargets } from '../core/targets.js';
import type { Engine } from '../engine/engine.js';
import { getEngine, type BackendChoice } from '../engine/index.js';
import type { EpochConfig, Objective } from '../objectives/objective.js';
import { isConverged, lossAndGradient, partialEpoch, solve, type EpochLog, type SolveOptions, type SolverResult } from '../solvers/solve.js';

export interface FitWarning {
  code: 'NOT_CONVERGED' | 'DIVERGED';
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
  solve: SolveOptions;
}

/** What the first partialFit call builds: a fresh objective whose epochs are started. */
export interface PartialStart<Meta> {
  meta: Meta;
  create(engine: Engine): Objective;
}

export interface FitCallbacks {
  /** Called after every epoch (iteration for lbfgs and gd); returning false stops training. */
  onEpochEnd?: (log: EpochLog) => boolean | void;
}

const leaks = new FinalizationRegistry<Objective>((objective) => objective.dispose());

export abstract class Estimator<O extends { backend: BackendChoice }, Meta, Y, F extends FitCallbacks & { sampleWeight?: ArrayLike<number> }> {
  readonly options: Readonly<O>;
  protected abstract readonly modelName: string;
  private state: Fitted<Meta> | null = null;
  private disposed = false;
  /** True while fit or partialFit runs, so its callbacks cannot refit or dispose the model under it. */
  private busy = false;

  protected constructor(options: O) {
    this.options = Object.freeze(options);
  }

  /** Validates (X, y, opts) and plans the fit; allocates nothing. */
  protected abstract plan(X: Matrix, y: Y, opts: F): TrainingPlan<Meta>;
  /** The first partialFit call's model: its classes or outputs, from y and opts. */
  protected abstract startPartial(X: Matrix, y: Y, opts: F & { classes?: ArrayLike<unknown> }): PartialStart<Meta>;
  /** How partialFit's epochs run. */
  protected abstract partialEpochs(meta: Meta): EpochConfig;
  /** y encoded against a fitted model's classes or outputs, with the sample weights and penalty. */
  protected abstract encode(meta: Meta, X: Matrix, y: Y, sampleWeight?: ArrayLike<number>): TrainingSet;
  /** What the solver needs from the options, for `rows` training rows. */
  protected abstract solveOptions(rows: number, terms: { l2: number; l1: number }, onEpochEnd?: FitCallbacks['onEpochEnd']): SolveOptions;

  fit(X: MatrixLike, y: Y, opts: F = {} as F): this {
    this.idle();
    const Xm = checkMatrix(X, { checkFinite: false });
    const plan = this.plan(Xm, y, opts);
    const objective = plan.create(this.engine());
    this.busy = true;
    try {
      objective.upload(plan.train.X, plan.train.targets, plan.train.sw);
      if (plan.val) objective.holdValidation(plan.val.X, plan.val.targets);
      if (plan.epochs) objective.startEpochs(plan.epochs);
      const solved = solve(objective, plan.solve);
      objective.release();
      this.adopt({ objective, solved, nFeatures: plan.nFeatures, meta: plan.meta });
    } catch (e) {
      objective.dispose();
      throw e;
    } finally {
      this.busy = false;
    }
    return this;
  }

  /**
   * One epoch over a chunk of rows, continuing from the current weights (optimizer state,
   * shuffling stream, schedule): for data that streams through in pieces. The first call on an
   * unfitted classifier needs every class in `classes`. A failed call changes nothing.
   */
  partialFit(X: MatrixLike, y: Y, opts: F & { classes?: ArrayLike<unknown> } = {} as F): this {
    this.idle();
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
      const solved = partialEpoch(objective, this.solveOptions(Xm.rows, set.terms, opts.onEpochEnd), current.solved);
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

  /** fromJSON's end: the saved parameters in a fresh objective, adopted with the saved record. */
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
    return getEngine(this.options.backend);
  }

  /** Makes `next` the fitted model, freeing the previous one. */
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

  protected fitted(): Fitted<Meta> {
    this.alive();
    if (!this.state) fail('NOT_FITTED', `this ${this.modelName} is not fitted yet; call fit(X, y) first`);
    return this.state;
  }

  /** X checked against the fitted width. */
  protected inputs(X: MatrixLike): Matrix {
    const { nFeatures } = this.fitted();
    return checkWidth(checkMatrix(X, { checkFinite: false }), nFeatures);
  }

  /** The objective's output probabilities for X: one column per sigmoid output, or the softmax columns. */
  protected outputs(X: MatrixLike): Matrix {
    const Xm = this.inputs(X);
    return this.fitted().objective.predictProba(Xm);
  }

  get nIter(): number {
    return this.fitted().solved.nIter;
  }
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
  getParameters(): Float64Array {
    return this.fitted().objective.getParameters();
  }
  setParameters(values: ArrayLike<number>): void {
    const { objective } = this.fitted();
    const n = objective.weightMask.length;
    if (values.length !== n) fail('SHAPE_MISMATCH', `expected ${n} parameters, got ${values.length}`);
    objective.setParameters(values);
  }
  /** The training objective at the current parameters on (X, y), and its gradient in getParameters() order. */
  lossAndGradient(X: MatrixLike, y: Y): { loss: number; gradient: Float64Array } {
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

function checkWidth(X: Matrix, nFeatures: number): Matrix {
  if (X.cols !== nFeatures) fail('SHAPE_MISMATCH', `X has ${X.cols} features but the model was fitted with ${nFeatures}`);
  return X;
}
