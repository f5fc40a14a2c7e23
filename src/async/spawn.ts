// Starting a fit worker in each runtime: a module Web Worker where the runtime has `Worker` (Deno,
// Bun, browsers), worker_threads in Node. The web path is the literal
// `new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })` that Vite, webpack 5
// and Parcel 2 recognise, bundle and emit, as they do the .wasm builds' `new URL`s; Node's path
// builds its URL from a constant, so that bundlers leave it alone.
import { WasmlearnError } from '../core/errors.js';

/** One worker, the same in every runtime. */
export interface PoolWorker {
  post(message: unknown, transfer?: Transferable[]): void;
  /** Routes the worker's messages, and its death (an uncaught error, an exit), to these; replaces the earlier pair. */
  listen(onMessage: (message: unknown) => void, onDeath: (e: Error) => void): void;
  /** Whether the worker keeps a Node process alive: while it works, not while it idles. No-op elsewhere. */
  hold(keepAlive: boolean): void;
  /** Stops the worker; `why`, when given, is what its current listener hears. */
  end(why?: Error): void;
}

const WORKER_THREADS = 'node:worker_threads';
const WORKER_FILE = './worker.js';

/** A worker running src/async/worker.ts, the fit worker. */
export async function spawnFitWorker(): Promise<PoolWorker> {
  if (typeof Worker === 'function') return webWorker(new Worker(new URL('./worker.js', import.meta.url), { type: 'module' }));
  const threads: typeof import('node:worker_threads') = await import(/* webpackIgnore: true */ /* @vite-ignore */ WORKER_THREADS);
  return nodeWorker(new threads.Worker(new URL(WORKER_FILE, import.meta.url)));
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

function webWorker(worker: Worker): PoolWorker {
  const on = new Listeners();
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
    hold() {},
    end(why) {
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
