// Workers started lazily, reused from one job to the next, and ended by shutdown(). An idle worker
// does not keep a Node process alive (unref'd), so a script whose work is done exits by itself; a
// busy one does, so the process waits for the job it awaits.
import { WasmlearnError } from '../core/errors.js';
import type { PoolWorker } from './spawn.js';

/** Idle workers a pool keeps for the next jobs by default; more are ended when released. */
const MAX_IDLE = 4;

/** Every pool, for shutdown(). */
const pools = new Set<WorkerPool>();

/** Ends the workers of every pool (fitAsync's, and any other); work still running rejects with ABORTED. */
export function shutdown(): void {
  for (const pool of pools) pool.shutdown();
}

export class WorkerPool {
  readonly #spawn: () => Promise<PoolWorker>;
  #idle: PoolWorker[] = [];
  readonly #busy = new Set<PoolWorker>();

  constructor(
    spawn: () => Promise<PoolWorker>,
    /** Idle workers kept; more are ended when released. */
    private readonly maxIdle = MAX_IDLE,
  ) {
    this.#spawn = spawn;
    pools.add(this);
  }

  /** An idle worker, or a new one; it is the caller's until release or discard. */
  async acquire(): Promise<PoolWorker> {
    const worker = this.#idle.pop() ?? (await this.#spawn());
    worker.hold(true);
    this.#busy.add(worker);
    return worker;
  }

  /** A worker whose job ended cleanly, back to the idle ones. */
  release(worker: PoolWorker): void {
    if (!this.#busy.delete(worker)) return;
    worker.listen(() => {}, () => this.#forget(worker));
    worker.hold(false);
    if (this.#idle.length < this.maxIdle) this.#idle.push(worker);
    else worker.end();
  }

  /** A worker that cannot be trusted with another job (it died, or its job was cut short): ended. */
  discard(worker: PoolWorker): void {
    this.#busy.delete(worker);
    this.#forget(worker);
    worker.end();
  }

  /** Ends every worker; the jobs still running reject with ABORTED. The next job starts a fresh worker. */
  shutdown(): void {
    const why = new WasmlearnError('ABORTED', 'shutdown() ended the worker before training finished');
    for (const worker of this.#busy) worker.end(why);
    for (const worker of this.#idle) worker.end();
    this.#busy.clear();
    this.#idle = [];
  }

  /** Workers started and not ended, for tests: idle and busy. */
  get size(): { idle: number; busy: number } {
    return { idle: this.#idle.length, busy: this.#busy.size };
  }

  #forget(worker: PoolWorker): void {
    this.#idle = this.#idle.filter((w) => w !== worker);
  }
}
