import { KernelEngine } from '../engine.js';
import { guarded } from '../guard.js';
import type { KernelTable } from '../kernels.js';
import * as activation from './kernels/activation.js';
import * as blocks from './kernels/blocks.js';
import * as ingest from './kernels/ingest.js';
import * as linalg from './kernels/linalg.js';
import * as logistic from './kernels/logistic.js';
import * as loss from './kernels/loss.js';
import * as net from './kernels/net.js';
import * as optim from './kernels/optim.js';
import * as reduce from './kernels/reduce.js';
import { JsMemory, type JsPtr } from './memory.js';

/** Every twin kernel under its export's name, each typed for its own dtype's arrays. */
const TWINS: KernelTable<Float32Array, Float64Array, Uint32Array, null, Float64Array> = {
  ...activation, ...blocks, ...ingest, ...linalg, ...logistic, ...loss, ...net, ...optim, ...reduce,
};

/** The twins as the engine calls them: an exception from one (always a bug) is an INTERNAL error naming it. */
const GUARDED = Object.fromEntries(
  Object.entries(TWINS).map(([name, fn]) => [name, guarded(`js kernel ${name}`, fn as (...args: never[]) => unknown)]),
) as typeof TWINS;

/** The pure-TypeScript engine: the fallback everywhere, and the honest baseline of the benchmarks. Either dtype, computed in f64. */
export class JsEngine extends KernelEngine<JsPtr> {
  constructor() {
    // Widened to one pointer type: the memory hands each kernel only arrays of the dtype it is typed for.
    super('js', new JsMemory(), GUARDED as unknown as KernelTable<JsPtr, JsPtr, JsPtr, JsPtr, JsPtr>);
  }
}
