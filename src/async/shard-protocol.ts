// The messages of fitAsync's message-passing threads (a runtime without SharedArrayBuffer, or
// init({ threadsMode: 'message' })). The caller connects each shard worker to the fit worker by a
// MessageChannel; over it the fit worker sends the shard its row blocks once (transferred), then
// per gradient only the parameters, and the shard answers each block's partial sums.
import type { Matrix } from '../core/matrix.js';
import type { TrainingTargets } from '../core/targets.js';
import type { SentError, WorkerMemory } from './protocol.js';

/**
 * Caller to a worker it starts as a shard: 'shard' first (the worker answers 'ready': it started),
 * then, per fit, the port its fit worker talks to it on.
 */
export type ToShardWorker = { type: 'shard' } | { type: 'connect'; port: MessagePort };
export type ShardConnect = Extract<ToShardWorker, { type: 'connect' }>;

/** What a shard needs to build the objective the fit trains: the job's model, options and y, and X's shape. */
export interface ShardRecipe {
  model: string;
  /** The model's options, `backend` resolved. */
  options: Record<string, unknown>;
  rows: number;
  cols: number;
  y: unknown;
}

/** One block of training rows, with its summed sample weight (its row count when unweighted). */
export interface ShardBlock {
  X: Matrix;
  targets: TrainingTargets;
  sw: Float64Array | null;
  weight: number;
}

/** Fit worker to shard. */
export type ToShard =
  | { type: 'load'; recipe: ShardRecipe; blocks: ShardBlock[] }
  | { type: 'gradient'; x: Float64Array }
  | { type: 'end' };

/**
 * Shard to fit worker. 'partials' holds, per block in order, the block's weight times its mean
 * data loss, then times its gradient (1 + parameters values each); `ms`, the time computing them.
 */
export type FromShard =
  | { type: 'loaded' }
  | { type: 'partials'; partials: Float64Array; ms: number }
  | { type: 'ended'; memory: WorkerMemory | null }
  | { type: 'error'; error: SentError };
