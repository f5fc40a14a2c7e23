import { KernelEngine, type BackendName } from '../engine.js';
import type { WasmExports } from './exports.js';
import { WasmMemory } from './memory.js';

/** The kernels of one WASM build (scalar, SIMD or relaxed SIMD); only integers cross the boundary. */
export class WasmEngine extends KernelEngine<number> {
  /** The instance's linear memory (its size is what tests watch for leaks). */
  readonly memory: WebAssembly.Memory;

  constructor(name: BackendName, exports: WasmExports) {
    super(name, new WasmMemory(name, exports.memory, exports), exports);
    this.memory = exports.memory;
  }
}
