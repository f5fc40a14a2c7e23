// Starting a fit worker in each runtime: a module Web Worker where the runtime has `Worker` (Deno,
// Bun, browsers), worker_threads in Node. The web path is the literal
// `new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })` that Vite, webpack 5
// and Parcel 2 recognise, bundle and emit, as they do the .wasm builds' `new URL`s; Node's path
// builds its URL from a constant, so that bundlers leave it alone.
import { WasmlearnError } from '../core/errors.js';
import type { ToShardWorker } from './shard-protocol.js';

/** One worker, the same in every runtime. */
export interface PoolWorker {
  post(message: unknown, transfer?: Transferable[]): void;
  /** Routes the worker's messages, and its death (an uncaught error, an exit), to these; replaces the earlier pair. */
  listen(onMessage: (message: unknown) => void, onDeath: (e: Error) => void): void;
  /**
   * Whether the worker keeps the process alive: while it works, not while it idles. Node and Bun
   * unref an idle worker; Deno's Web Worker cannot be unref'd, so there an idle worker ends after
   * IDLE_MS. No-op in browsers, where a page's lifetime is not the worker's to decide.
   */
  hold(keepAlive: boolean): void;
  /** Stops the worker; `why`, when given, is what its current listener hears. */
  end(why?: Error): void;
}

const WORKER_THREADS = 'node:worker_threads';
const WORKER_FILE = './worker.js';
const VITE_DEPS_WORKER = '../../wasmlearn/dist/async/worker.js';
/** How long an idle worker that cannot be unref'd (Deno) waits for the next job before it ends. */
const IDLE_MS = 1000;

/** A worker running src/async/worker.ts: the fit worker, or (told so) a shard. */
export async function spawnFitWorker(): Promise<PoolWorker> {
  if (typeof Worker === 'function') {
    const prebundled = viteDepsWorker(VITE_DEPS_WORKER);
    return webWorker(prebundled ? new Worker(prebundled, { type: 'module' }) : new Worker(new URL('./worker.js', import.meta.url), { type: 'module' }));
  }
  const threads: typeof import('node:worker_threads') = await import(/* webpackIgnore: true */ /* @vite-ignore */ WORKER_THREADS);
  return nodeWorker(new threads.Worker(new URL(WORKER_FILE, import.meta.url)));
}

/**
 * A worker serving as one shard of fitAsync's message-passing threads (the same entry as the fit
 * worker's), once it answers that it started; rejects when it cannot start.
 */
export async function spawnShardWorker(): Promise<PoolWorker> {
  const worker = await spawnFitWorker();
  const ready = new Promise<void>((started, failed) => worker.listen(() => started(), failed));
  worker.post({ type: 'shard' } satisfies ToShardWorker);
  await ready;
  return worker;
}

/**
 * Vite's dev server pre-bundles dependencies into node_modules/.vite/deps/, where no worker.js is;
 * it serves the package's own folder beside it, so the worker module is taken from there, as
 * load.ts takes the builds. A constant, not a literal or a template (which Vite reads as a glob),
 * so that no bundler resolves it.
 */
function viteDepsWorker(path: string): URL | null {
  const here = import.meta.url;
  return here.includes('/node_modules/.vite/deps/') ? new URL(path, here) : null;
}

/** Listeners that a worker's end silences. */
class Listeners {
  message: (m: unknown) => void = () => {};
  death: (e: Error) => void = () => {};
  ended = false;

  die(e: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.death(e);
  }
}

/** A Web Worker as Bun has it: with Node's ref and unref. */
type Unrefable = Worker & { ref?: () => void; unref?: () => void };

function webWorker(worker: Unrefable): PoolWorker {
  const on = new Listeners();
  const lingers = typeof worker.unref !== 'function' && 'Deno' in globalThis;
  let idle: ReturnType<typeof setTimeout> | undefined;
  worker.addEventListener('message', (e) => on.message(e.data));
  worker.addEventListener('error', (e) => {
    e.preventDefault();
    on.die(new WasmlearnError('INTERNAL', `the fitAsync worker failed: ${e.message || 'it could not start (is worker.js served beside the bundle?)'}`));
  });
  worker.addEventListener('messageerror', () => on.die(new WasmlearnError('INTERNAL', 'the fitAsync worker sent a message that could not be read')));
  return {
    post: (m, transfer = []) => worker.postMessage(m, transfer),
    listen(message, death) {
      on.message = message;
      on.death = death;
    },
    hold(keepAlive) {
      clearTimeout(idle);
      if (keepAlive) worker.ref?.();
      else if (lingers) idle = setTimeout(() => this.end(new WasmlearnError('ABORTED', 'the idle worker ended')), IDLE_MS);
      else worker.unref?.();
    },
    end(why) {
      clearTimeout(idle);
      if (why) on.die(why);
      on.ended = true;
      worker.terminate();
    },
  };
}

function nodeWorker(worker: import('node:worker_threads').Worker): PoolWorker {
  const on = new Listeners();
  worker.on('message', (m: unknown) => on.message(m));
  worker.on('error', (e: Error) => on.die(new WasmlearnError('INTERNAL', `the fitAsync worker failed: ${e.message}`)));
  worker.on('exit', (code: number) => on.die(new WasmlearnError('INTERNAL', `the fitAsync worker exited (code ${code}) before it answered`)));
  return {
    post: (m, transfer = []) => worker.postMessage(m, transfer as never),
    listen(message, death) {
      on.message = message;
      on.death = death;
    },
    hold(keepAlive) {
      if (keepAlive) worker.ref();
      else worker.unref();
    },
    end(why) {
      if (why) on.die(why);
      on.ended = true;
      void worker.terminate();
    },
  };
}
