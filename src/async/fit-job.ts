// One fit in a pool worker, seen from the calling thread: the request, the epoch logs relayed to
// the caller's callbacks, the abort, and the result or the error.
//
// Stopping at an epoch needs the worker to wait for the caller's answer. Where SharedArrayBuffer
// exists (Node, Deno, Bun, cross-origin-isolated pages) it does: after each epoch it posts the log
// and blocks on Atomics.wait until the caller stores CONTINUE or STOP in the control block, and it
// reads the ABORT flag there at every epoch end, so an abort frees its memory and reports it. On an
// ordinary page there is no shared memory and a worker cannot wait for a message: logs arrive as
// training goes, and stopping (an abort, or onEpochEnd returning false) ends the worker instead.
//
// With message-passing threads (no shared memory, or threadsMode 'message') a full-batch fit also
// takes shard workers from their own pool, each connected to the fit worker by a MessageChannel:
// they hold the rows and compute the gradients; the fit worker only steers. They are released
// with the fit worker when it ends cleanly (it has had them free their rows), ended otherwise.
import { WasmlearnError } from '../core/errors.js';
import { WorkerPool } from './pool.js';
import { ABORT, ANSWER, CONTINUE, STOP, receiveError, type ExchangeCost, type FitJob, type FromWorker, type WorkerMemory } from './protocol.js';
import type { ShardConnect } from './shard-protocol.js';
import { spawnFitWorker, spawnShardWorker, type PoolWorker } from './spawn.js';

/** The workers fitAsync trains in. */
export const fitPool = new WorkerPool(spawnFitWorker);

/** The shard workers of message-passing threads: as many idle as init's automatic thread count at most. */
export const shardPool = new WorkerPool(spawnShardWorker, 16);

/**
 * Shard workers a job trains on: message-passing threads for a full-batch solver, the model's
 * nThreads and X's row blocks at most (a shard without a block would idle). One shard even at
 * nThreads 1, so that the blocks are summed alike whatever nThreads is; none for a single block.
 */
export function shardCount(job: FitJob): number {
  const { mode, count, blocks } = job.threads;
  const { solver, nThreads } = job.options;
  if (mode !== 'message' || (solver !== 'lbfgs' && solver !== 'gd') || blocks < 2) return 0;
  return Math.max(1, Math.min(typeof nThreads === 'number' ? nThreads : count, count, blocks));
}

/** What the last fit on message-passing threads spent on its exchange (the bench reports it). */
export let lastExchange: ExchangeCost | null = null;

/** Why shard workers could not start here, once one failed: later fits do not try again. */
let shardsRefused: unknown = null;

/**
 * n shard workers, all or none. When they cannot start,
 * none: the fit then trains in its worker alone, as on one thread.
 */
async function acquireShards(n: number): Promise<PoolWorker[]> {
  if (n === 0 || shardsRefused !== null) return [];
  try {
    return await acquireAll(n);
  } catch (e) {
    shardsRefused = e;
    return [];
  }
}

async function acquireAll(n: number): Promise<PoolWorker[]> {
  const got = await Promise.allSettled(Array.from({ length: n }, () => shardPool.acquire()));
  const workers = got.flatMap((g) => (g.status === 'fulfilled' ? [g.value] : []));
  const failed = got.find((g) => g.status === 'rejected');
  if (failed) {
    for (const w of workers) shardPool.discard(w);
    throw failed.reason;
  }
  return workers;
}

/** The caller's side of a fit: its callbacks and its signal. */
export interface FitHooks {
  onEpochEnd?: (log: never) => unknown;
  onBatchEnd?: (log: never) => unknown;
  signal?: AbortSignal;
}

/** What the worker sends back: the fitted parameters, the solver's record, and its engine memory. */
export interface FitResult {
  parameters: Float64Array;
  solved: unknown;
  memory: WorkerMemory;
}

/** Runs `job` in a pool worker; `transfer` lists the buffers the request moves rather than copies. */
export async function fitInWorker(job: FitJob, transfer: Transferable[], hooks: FitHooks): Promise<FitResult> {
  if (hooks.signal?.aborted) throw aborted(null);
  const worker = await fitPool.acquire();
  const shards = await acquireShards(shardCount(job));
  return new Promise<FitResult>((resolve, reject) => new FitRun(worker, shards, hooks, resolve, reject).start(job, transfer));
}

class FitRun {
  readonly #control = typeof SharedArrayBuffer === 'function' ? new Int32Array(new SharedArrayBuffer(8)) : null;
  #stopping = false;
  /** What the caller's own callback threw: fitAsync rejects with it, as fit throws it. */
  #thrown: { error: unknown } | null = null;
  #settled = false;

  constructor(
    private readonly worker: PoolWorker,
    private readonly shards: PoolWorker[],
    private readonly hooks: FitHooks,
    private readonly resolve: (r: FitResult) => void,
    private readonly reject: (e: unknown) => void,
  ) {}

  start(job: FitJob, transfer: Transferable[]): void {
    this.hooks.signal?.addEventListener('abort', this.#onAbort);
    this.worker.listen((m) => this.#receive(m as FromWorker), (e) => this.#fail(e, true));
    try {
      const ports = this.shards.map((shard) => {
        const { port1, port2 } = new MessageChannel();
        shard.listen(() => {}, (e) => this.#fail(e, true));
        shard.post({ type: 'connect', port: port2 } satisfies ShardConnect, [port2]);
        return port1;
      });
      this.worker.post({ type: 'fit', job, control: this.#control, shards: ports }, [...transfer, ...ports]);
    } catch (e) {
      // A value structured clone cannot copy (a function, a class instance with private state).
      this.#fail(new WasmlearnError('BAD_OPTION', `fitAsync cannot send its arguments to the worker: ${(e as Error).message}`), true);
    }
    // Aborted while the worker was starting: the event has passed.
    if (this.hooks.signal?.aborted) this.#onAbort();
  }

  #receive(m: FromWorker): void {
    if (this.#settled) return;
    switch (m.type) {
      case 'epoch':
        return this.#answer(this.#call(this.hooks.onEpochEnd, m.log) === false ? STOP : CONTINUE);
      case 'batch':
        this.#call(this.hooks.onBatchEnd, m.log);
        return;
      case 'done':
        if (this.#stopping) return this.#fail(this.#why(m.memory), false);
        this.#settle();
        if (m.exchange) lastExchange = m.exchange;
        return this.resolve({ parameters: m.parameters, solved: m.solved, memory: m.memory });
      case 'error':
        return this.#fail(this.#stopping ? this.#why(m.memory) : receiveError(m.error), false);
    }
  }

  /** The caller's callback, unless training is being stopped; what it throws stops training. */
  #call(callback: ((log: never) => unknown) | undefined, log: unknown): unknown {
    if (!callback || this.#stopping) return undefined;
    try {
      return callback(log as never);
    } catch (error) {
      this.#thrown = { error };
      this.#stop();
      return undefined;
    }
  }

  /** Tells a waiting worker to go on or stop; without shared memory a stop ends the worker. */
  #answer(answer: typeof CONTINUE | typeof STOP): void {
    if (this.#stopping) answer = STOP;
    if (this.#control) {
      Atomics.store(this.#control, ANSWER, answer);
      Atomics.notify(this.#control, ANSWER);
    } else if (answer === STOP) {
      this.#stopping = true;
      this.#fail(this.#thrown ? this.#thrown.error : stopUnsupported(), true);
    }
  }

  /** Asks the worker to abandon the fit: it throws ABORTED at its next epoch (or batch) end and frees its memory. */
  #stop(): void {
    this.#stopping = true;
    if (this.#control) {
      Atomics.store(this.#control, ABORT, 1);
      this.#answer(STOP);
    } else {
      this.#fail(this.#thrown ? this.#thrown.error : aborted(null), true);
    }
  }

  readonly #onAbort = (): void => {
    if (!this.#settled && !this.#stopping) this.#stop();
  };

  /** The error a stopped fit rejects with: the callback's, or ABORTED with the worker's memory. */
  #why(memory: WorkerMemory | null): unknown {
    return this.#thrown ? this.#thrown.error : aborted(memory);
  }

  #fail(error: unknown, endWorker: boolean): void {
    if (this.#settled) return;
    this.#settle(endWorker);
    this.reject(error);
  }

  #settle(endWorker = false): void {
    this.#settled = true;
    this.hooks.signal?.removeEventListener('abort', this.#onAbort);
    if (endWorker) fitPool.discard(this.worker);
    else fitPool.release(this.worker);
    // A stopped fit's shards are ended, not trusted to have freed their rows.
    for (const shard of this.shards) {
      if (endWorker || this.#stopping) shardPool.discard(shard);
      else shardPool.release(shard);
    }
  }
}

function aborted(memory: WorkerMemory | null): WasmlearnError {
  const freed = memory
    ? `; the worker freed its engine memory (${memory.before} bytes in use before the fit, ${memory.after} after)`
    : '';
  return new WasmlearnError('ABORTED', `fitAsync was aborted before training finished${freed}`);
}

function stopUnsupported(): WasmlearnError {
  return new WasmlearnError(
    'ABORTED',
    'onEpochEnd returned false, but without SharedArrayBuffer (a page that is not cross-origin isolated) the worker cannot wait for that answer, so the fit was ended; stop with an AbortSignal instead, or serve the page cross-origin isolated',
  );
}
