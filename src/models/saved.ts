import { describe } from '../core/options.js';
// What an estimator's toJSON writes around its own fields, and reading it back: options through
// the constructor's own checks, and the solver's record.
import { classWeightPairs, type ClassWeight } from '../core/check.js';
import { fail, WasmlearnError } from '../core/errors.js';
import { isPlainObject, type ModelJson } from '../persist.js';
import { isConverged, STOP_REASONS, type SolverResult, type StopReason } from '../solvers/solve.js';

/**
 * A saved estimator: its name, version 1, its options but the backend and nThreads (the machine's,
 * not the model's), its own `fields`, then the solver's record that restoreSolved reads back.
 */
export function savedModel(name: string, options: { backend: unknown; nThreads?: unknown; classWeight?: ClassWeight }, solved: SolverResult, fields: Record<string, unknown>): ModelJson {
  const { backend: _backend, nThreads: _nThreads, ...saved } = options;
  if (saved.classWeight !== undefined) saved.classWeight = classWeightPairs(saved.classWeight);
  return { name, version: 1, options: saved, ...fields, nIter: solved.nIter, stop: solved.stop, converged: isConverged(solved.stop), stopReason: solved.message };
}

/** Options of a saved model: only known keys, each validated by the estimator's constructor. */
export function restoreOptions<O extends object, M>(name: string, saved: unknown, defaults: O, make: (options: Partial<O>) => M): M {
  if (!isPlainObject(saved)) fail('BAD_MODEL_JSON', `${name}: options must be an object`);
  const options: Record<string, unknown> = {};
  for (const key of Object.keys(defaults)) if (key in saved) options[key] = saved[key];
  try {
    return make(options as Partial<O>);
  } catch (e) {
    throw e instanceof WasmlearnError && (e.code === 'BAD_OPTION' || e.code === 'UNSUPPORTED') ? new WasmlearnError('BAD_MODEL_JSON', `${name}: ${e.message}`) : e;
  }
}

export function restoreSolved(name: string, o: Record<string, unknown>): SolverResult {
  const nIter = o.nIter;
  if (typeof nIter !== 'number' || !Number.isInteger(nIter) || nIter < 0) fail('BAD_MODEL_JSON', `${name}: nIter must be a whole number`);
  // Files written before `stop` existed say only whether the fit converged.
  const stop = STOP_REASONS.includes(o.stop as StopReason) ? (o.stop as StopReason) : o.converged === true ? 'converged' : 'maxIter';
  return { nIter, stop, message: typeof o.stopReason === 'string' ? o.stopReason : '', history: [], divergences: [] };
}

export function positiveInteger(name: string, field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) fail('BAD_MODEL_JSON', `${name}: ${field} must be a positive integer, got ${describe(v)}`);
  return v;
}
