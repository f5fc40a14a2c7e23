// What every estimator shares: the fitted/disposed life cycle, the solver's record, and freeing
// engine memory on dispose() (with a FinalizationRegistry only as a safety net).
import { fail } from '../core/errors.js';
import type { EpochLog, SolverResult } from '../solvers/solve.js';

export interface FitWarning {
  code: 'NOT_CONVERGED' | 'DIVERGED';
  message: string;
}

const leaks = new FinalizationRegistry<() => void>((free) => free());

export abstract class BaseEstimator {
  protected solved: SolverResult | null = null;
  private disposed = false;
  private freeMemory: (() => void) | null = null;

  protected abstract readonly modelName: string;

  /**
   * Hands the estimator the function that frees its engine memory. It must not reference the
   * estimator itself, or the safety net could never run.
   */
  protected own(free: () => void): void {
    this.release();
    this.freeMemory = free;
    leaks.register(this, free, this);
  }

  /** Frees the engine memory held, if any, and forgets the fit. */
  protected release(): void {
    if (this.freeMemory) {
      leaks.unregister(this);
      this.freeMemory();
      this.freeMemory = null;
    }
    this.solved = null;
  }

  /** Frees the model's WASM memory; any later call throws DISPOSED. */
  dispose(): void {
    this.release();
    this.disposed = true;
  }

  protected alive(): void {
    if (this.disposed) fail('DISPOSED', `this ${this.modelName} was disposed; create a new one`);
  }

  protected fitted(): SolverResult {
    this.alive();
    if (!this.solved) fail('NOT_FITTED', `this ${this.modelName} is not fitted yet; call fit(X, y) first`);
    return this.solved;
  }

  get nIter(): number {
    return this.fitted().nIter;
  }
  get history(): EpochLog[] {
    return this.fitted().history.map((h) => ({ ...h }));
  }
  /** Whether the solver met its stopping rule. */
  get converged(): boolean {
    return this.fitted().converged;
  }
  /** Why training stopped, in words. */
  get stopReason(): string {
    return this.fitted().message;
  }
  /**
   * scikit-learn's ConvergenceWarning as an object: set when the solver ran out of iterations (or
   * its line search gave up) before meeting its stopping rule, or when training diverged; null otherwise.
   */
  get warning(): FitWarning | null {
    const s = this.fitted();
    if (s.diverged) return { code: 'DIVERGED', message: s.message };
    if (s.converged || /onEpochEnd|partialFit/.test(s.message)) return null;
    return { code: 'NOT_CONVERGED', message: `${this.modelName} did not converge: ${s.message}. Increase maxIter, scale X (StandardScaler) or loosen tol` };
  }
}
