// A thread of the pool (pool.ts): instantiates every threads build on its shared memory, then
// takes its share of each job until the pool stops it. Started as a module Web Worker (Deno,
// browsers) or by worker_threads (Node); it never allocates: the calling thread owns the memory.
import { ACTIVE, controlViews, DONE, FAILED, GEN, READY, runBlocks, SLEEPING, SPIN, STOP, WAITING } from './jobs.js';

/** The one message a thread receives. */
export interface ThreadStart {
  builds: { module: WebAssembly.Module; memory: WebAssembly.Memory }[];
  control: SharedArrayBuffer;
  tid: number;
}

function serve({ builds, control, tid }: ThreadStart): void {
  const c = controlViews(control);
  const abort = () => {
    throw new Error('a wasmlearn kernel aborted');
  };
  const instances = builds.map(({ module, memory }) => new WebAssembly.Instance(module, { env: { memory, abort } }).exports);
  // Read before READY is counted: a job posted after that is then not missed.
  let gen = Atomics.load(c.ctrl, GEN);
  Atomics.add(c.ctrl, READY, 1);
  Atomics.notify(c.ctrl, READY);
  for (;;) {
    // A short spin first: the next job of an epoch's batches comes within microseconds.
    for (let spin = 0; spin < SPIN && Atomics.load(c.ctrl, GEN) === gen; spin++);
    if (Atomics.load(c.ctrl, GEN) === gen) {
      // Counted before the wait: a job posted after the count notifies, one posted before it is seen by the wait.
      Atomics.add(c.ctrl, SLEEPING, 1);
      Atomics.wait(c.ctrl, GEN, gen);
      Atomics.sub(c.ctrl, SLEEPING, 1);
    }
    gen = Atomics.load(c.ctrl, GEN);
    if (Atomics.load(c.ctrl, STOP) !== 0) return;
    if (tid >= Atomics.load(c.ctrl, ACTIVE)) continue;
    try {
      runBlocks(instances[c.args[1]], c, tid);
    } catch {
      Atomics.store(c.ctrl, FAILED, 1);
    }
    Atomics.add(c.ctrl, DONE, 1);
    // A notify costs about a microsecond even with nobody waiting: only when the caller sleeps.
    if (Atomics.load(c.ctrl, WAITING) !== 0) Atomics.notify(c.ctrl, DONE);
  }
}

const WORKER_THREADS = 'node:worker_threads';

if (typeof globalThis.postMessage === 'function') {
  globalThis.addEventListener('message', (e) => serve((e as MessageEvent<ThreadStart>).data), { once: true });
} else {
  void (import(/* webpackIgnore: true */ /* @vite-ignore */ WORKER_THREADS) as Promise<typeof import('node:worker_threads')>).then(({ parentPort }) => {
    parentPort!.once('message', serve);
  });
}
