// The pool of threads one process shares: size - 1 workers (worker.ts) beside the calling thread,
// every threads build instantiated in each on the build's one shared WebAssembly.Memory. A job is
// run synchronously: the caller writes its arguments to the control block and bumps its
// generation (spinning workers see it; sleeping ones are notified), claims blocks itself as thread
// 0, then waits for the others (a spin, then Atomics.wait; only the spin on a browser's main
// thread, where waiting is not allowed). Node and Deno start the workers
// at the first job and wait for them there; a browser cannot (a worker starts only once the page
// yields), so init() starts them there. Idle workers never keep a Node process alive (unref'd);
// Deno cannot unref a worker, so there they end after IDLE_MS idle and start again when needed.
import { fail } from '../../core/errors.js';
import { ACTIVE, ARGS, CONTROL_BYTES, controlViews, DONE, FAILED, GEN, NEXT, READY, runBlocks, SLEEPING, SPIN, STOP, WAITING, type Control, type Exports } from './jobs.js';
import type { ThreadStart } from './worker.js';

/** A started worker, the same in every runtime. */
interface Thread {
  post(m: ThreadStart): void;
  terminate(): void;
  /** Why it failed to start (a Web Worker's error event), once it has. */
  readonly failed: string | null;
}
type Spawn = () => Thread;

/** A build the threads run: its compiled module and the shared memory every instance uses. */
export interface SharedBuild {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
}

const WORKER_THREADS = 'node:worker_threads';
const NODE_FS = 'node:fs';
const WORKER_FILE = './worker.js';
const BUILT_WORKER = '../../../dist/engine/threads/worker.js';
const VITE_DEPS_WORKER = '../../wasmlearn/dist/engine/threads/worker.js';
/** How long workers take to start before the pool gives up on them. */
const START_MS = 10_000;
/** Deno: idle workers end after this long. */
const IDLE_MS = 1000;

const isDeno = 'Deno' in globalThis;
const isNode = !isDeno && typeof process === 'object' && typeof process.versions?.node === 'string';

/** Whether this thread may block in Atomics.wait (not a browser's main thread). */
function mayBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/** How this runtime starts a thread worker: worker_threads in Node, a module Web Worker elsewhere. */
export async function threadSpawner(): Promise<Spawn> {
  if (isNode) {
    const { Worker } = (await import(/* webpackIgnore: true */ /* @vite-ignore */ WORKER_THREADS)) as typeof import('node:worker_threads');
    const { existsSync } = (await import(/* webpackIgnore: true */ /* @vite-ignore */ NODE_FS)) as typeof import('node:fs');
    // Run from the TypeScript sources (the unit tests), the worker is the built one.
    const url = import.meta.url.endsWith('.ts') ? new URL(BUILT_WORKER, import.meta.url) : new URL(WORKER_FILE, import.meta.url);
    return () => {
      if (!existsSync(url)) throw new Error(`the thread worker ${url.pathname} is missing (npm run build)`);
      const w = new Worker(url);
      w.on('error', () => {});
      w.unref();
      return { post: (m) => w.postMessage(m), terminate: () => void w.terminate(), failed: null };
    };
  }
  return () => {
    const prebundled = import.meta.url.includes('/node_modules/.vite/deps/') ? new URL(VITE_DEPS_WORKER, import.meta.url) : null;
    const w = prebundled ? new Worker(prebundled, { type: 'module' }) : new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    const thread = { post: (m: ThreadStart) => w.postMessage(m), terminate: () => w.terminate(), failed: null as string | null };
    w.addEventListener('error', (e) => {
      e.preventDefault();
      thread.failed = e.message || 'the thread worker could not start (is dist/engine/threads/worker.js served, with the page\'s cross-origin isolation headers?)';
    });
    return thread;
  };
}

export class ThreadPool {
  #threads: Thread[] = [];
  #control: Control | null = null;
  #starting: Promise<void> | null = null;
  #idle: ReturnType<typeof setTimeout> | undefined;
  readonly #blocking = mayBlock();

  readonly #builds: SharedBuild[] = [];
  #size: number;

  /** size: threads in all, the caller's included. */
  constructor(
    size: number,
    private readonly spawn: Spawn,
  ) {
    this.#size = size;
  }

  /** Threads in all, the caller's included. */
  get size(): number {
    return this.#size;
  }

  /** Changes the size: the workers end, and the next job (or start()) starts as many as it needs; a failure to start them is forgotten (tried again). */
  resize(size: number): void {
    this.failure = null;
    if (size === this.#size) return;
    this.end();
    this.#size = size;
  }

  /** Adds a build; returns its index, which jobs name it by. Running workers end (they lack it). */
  add(build: SharedBuild): number {
    this.end();
    return this.#builds.push(build) - 1;
  }

  /** Whether the pool starts its workers itself at the first job (Node, Deno); elsewhere start() must have. */
  static get startsOnDemand(): boolean {
    return isNode || isDeno;
  }

  /** Starts the workers and resolves when all have instantiated the builds (a browser's way). */
  async start(): Promise<void> {
    if (this.#control || this.#size === 1) return;
    this.#starting ??= (async () => {
      const c = this.#launch();
      const until = Date.now() + START_MS;
      while (Atomics.load(c.ctrl, READY) < this.#size - 1) {
        if (this.#threads.length === 0) return; // ended meanwhile
        const failed = this.#threads.find((t) => t.failed)?.failed;
        if (failed) this.#giveUp(failed);
        if (Date.now() > until) this.#giveUp(`the thread pool's ${this.#size - 1} workers did not start within ${START_MS / 1000} s`);
        await new Promise((r) => setTimeout(r, 2));
      }
      this.#control = c;
    })()
      .catch(() => {}) // the failure is recorded; jobs run on this thread
      .finally(() => (this.#starting = null));
    return this.#starting;
  }

  /**
   * Runs the job `fill` writes into the arguments on `threads` threads (at most size, at most one
   * per block), build `build` of `k` on this one, and returns when every block is done. Where the
   * workers cannot start, this thread runs every block (the same result).
   */
  run(k: Exports, build: number, fill: (args: Float64Array) => void, threads: number): Control {
    fill(this.#args);
    const wanted = Math.min(threads, this.#size, this.#args[3]);
    const c = (wanted > 1 ? this.#ready() : null) ?? (this.#solo ??= controlViews(new SharedArrayBuffer(CONTROL_BYTES)));
    const active = c === this.#solo ? 1 : wanted;
    c.args.set(this.#args);
    c.args[1] = build;
    Atomics.store(c.ctrl, NEXT, 0);
    Atomics.store(c.ctrl, DONE, 0);
    Atomics.store(c.ctrl, FAILED, 0);
    Atomics.store(c.ctrl, ACTIVE, active);
    if (active > 1) {
      Atomics.add(c.ctrl, GEN, 1);
      // Spinning workers see GEN change; only sleeping ones need the (microsecond) notify.
      if (Atomics.load(c.ctrl, SLEEPING) > 0) Atomics.notify(c.ctrl, GEN);
    }
    let thrown: unknown = null;
    try {
      runBlocks(k, c, 0);
    } catch (e) {
      thrown = e;
    }
    // The others may still be writing to memory the caller frees next: wait for them in any case.
    for (let done = Atomics.load(c.ctrl, DONE), spin = 0; done < active - 1; done = Atomics.load(c.ctrl, DONE)) {
      if (this.#blocking && ++spin > SPIN) {
        // Set before the wait: a worker that finishes after it notifies, one that finished before is seen by the wait.
        Atomics.store(c.ctrl, WAITING, 1);
        Atomics.wait(c.ctrl, DONE, done);
        Atomics.store(c.ctrl, WAITING, 0);
      }
    }
    if (isDeno && active > 1) {
      clearTimeout(this.#idle);
      this.#idle = setTimeout(() => this.end(), IDLE_MS);
    }
    if (thrown !== null || Atomics.load(c.ctrl, FAILED) !== 0) fail('INTERNAL', `a wasmlearn kernel failed on a thread${thrown ? `: ${(thrown as Error).message}` : ''}; this is a bug in wasmlearn`);
    return c;
  }
  readonly #args = new Float64Array(ARGS);
  /** The control block of a job this thread runs alone. */
  #solo: Control | null = null;

  /** Why the workers could not start, once they could not: jobs then run on this thread. */
  failure: string | null = null;

  /** The started pool's control block, starting it here when this runtime can wait for it; null: run alone. */
  #ready(): Control | null {
    if (this.#control) return this.#control;
    if (this.#starting || this.failure || !ThreadPool.startsOnDemand) return null;
    try {
      const c = this.#launch();
      const until = Date.now() + START_MS;
      for (let ready = Atomics.load(c.ctrl, READY); ready < this.#size - 1; ready = Atomics.load(c.ctrl, READY)) {
        if (Date.now() > until) throw new Error(`the thread pool's ${this.#size - 1} workers did not start within ${START_MS / 1000} s`);
        Atomics.wait(c.ctrl, READY, ready, 50);
      }
      return (this.#control = c);
    } catch (e) {
      this.end();
      this.failure = (e as Error).message;
      return null;
    }
  }

  #launch(): Control {
    const control = new SharedArrayBuffer(CONTROL_BYTES);
    const builds = this.#builds.map(({ module, memory }) => ({ module, memory }));
    for (let tid = 1; tid < this.#size; tid++) {
      const t = this.spawn();
      this.#threads.push(t);
      t.post({ builds, control, tid });
    }
    return controlViews(control);
  }

  #giveUp(why: string): never {
    this.end();
    this.failure = why;
    throw new Error(why);
  }

  /** Ends the workers; the next job starts them again (Node, Deno) or runs on the calling thread. */
  end(): void {
    clearTimeout(this.#idle);
    const c = this.#control;
    if (c) {
      Atomics.store(c.ctrl, STOP, 1);
      Atomics.add(c.ctrl, GEN, 1);
      Atomics.notify(c.ctrl, GEN);
    }
    for (const t of this.#threads) t.terminate();
    this.#threads = [];
    this.#control = null;
  }
}
