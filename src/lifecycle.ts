// Ending every worker wasmlearn started: fitAsync's workers and the thread pool's.
import { shutdown as endFitWorkers } from './async/pool.js';
import { endThreads } from './engine/index.js';

/**
 * Ends every worker wasmlearn started: fitAsync's (a fit still running there rejects with ABORTED)
 * and the thread pool's. Neither keeps a Node process alive anyway; this frees them now. The next
 * fitAsync, or fit on several threads, starts them again (a browser page: call init() again).
 */
export function shutdown(): void {
  endFitWorkers();
  endThreads();
}
