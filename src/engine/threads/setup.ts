// What init() decides about threads: how many, and which mode this runtime allows.
import { fail } from '../../core/errors.js';
import { describe } from '../../core/options.js';

/** The most threads 'auto' takes: beyond it a fit of these sizes gains little and each worker costs memory. */
export const AUTO_CAP = 16;
/** The most threads init takes when asked. */
const MAX_THREADS = 256;

/** init().threads: how many threads a fit computes on, and how. */
export interface ThreadsInfo {
  /** Threads a fit computes on by default (a model's nThreads may ask for fewer): the calling thread and count - 1 workers. */
  count: number;
  /**
   * 'shared': the threads builds of the kernels on one shared WebAssembly.Memory, with a pool of
   * workers (Node, Deno, cross-origin-isolated pages), for every fit; 'message': fitAsync's
   * full-batch solvers on workers that each hold a shard of the rows and exchange parameters and
   * gradients by message (pages without shared memory); 'none': one thread.
   */
  mode: 'shared' | 'message' | 'none';
  /** Why a mode is unavailable here. */
  unavailable: {
    /** Why the kernels cannot share memory between threads here (or this backend has no threads build). */
    shared?: string;
    /** Why the message-passing mode is unavailable. */
    message?: string;
  };
}

/** The threads option: 'auto' or a whole number from 1 to MAX_THREADS. */
export function checkThreads(v: unknown): 'auto' | number {
  if (v === undefined || v === 'auto') return 'auto';
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_THREADS) {
    fail('BAD_OPTION', `threads must be 'auto' or a whole number from 1 to ${MAX_THREADS}; got ${describe(v)}`);
  }
  return v;
}

/** The cores this runtime says it has (1 when it does not say). */
export async function cores(): Promise<number> {
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  if (typeof n === 'number' && n >= 1) return n;
  if (typeof process === 'object' && typeof process.versions?.node === 'string') {
    const os = (await import(/* webpackIgnore: true */ /* @vite-ignore */ NODE_OS)) as typeof import('node:os');
    return os.availableParallelism?.() ?? os.cpus().length;
  }
  return 1;
}
const NODE_OS = 'node:os';

/** Why the kernels cannot share memory between threads here, or null when they can. */
export function sharedMemoryProblem(): string | null {
  if (typeof SharedArrayBuffer !== 'function') {
    return (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === false
      ? 'the page is not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp), so it has no SharedArrayBuffer'
      : 'this runtime has no SharedArrayBuffer';
  }
  if (typeof Atomics !== 'object') return 'this runtime has no Atomics';
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  } catch {
    return 'this runtime cannot create a shared WebAssembly.Memory';
  }
  const node = typeof process === 'object' && typeof process.versions?.node === 'string';
  if (typeof Worker !== 'function' && !node) return 'this runtime has no Worker';
  return null;
}

