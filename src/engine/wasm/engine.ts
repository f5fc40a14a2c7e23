import { KernelEngine, type BackendName, type Engine } from '../engine.js';
import type { ThreadPool } from '../threads/pool.js';
import { Team } from '../threads/team.js';
import type { WasmExports } from './exports.js';
import { WasmMemory } from './memory.js';

/** A threads build's place in the pool: the pool, and which of its builds this one is. */
export interface PoolSeat {
  pool: ThreadPool;
  build: number;
  /** The instance's exports as they are, unguarded: what the pool's calling thread runs. */
  raw: WebAssembly.Exports;
}

/**
 * The kernels of one WASM build (scalar, SIMD or relaxed SIMD); only integers cross the boundary.
 * A threads build (shared memory, `seat` in a pool) runs its parallel kernels on a team; its
 * engines on other thread counts share its memory and buffers.
 */
export class WasmEngine extends KernelEngine<number> {
  /** The instance's linear memory (its size is what tests watch for leaks). */
  readonly memory: WebAssembly.Memory;
  readonly #exports: WasmExports;
  readonly #mem: WasmMemory;
  readonly #team: Team | null;
  /** The same engine on each thread count asked for, kept by the first. */
  readonly #others: Map<number, WasmEngine>;

  constructor(name: BackendName, exports: WasmExports, seat: PoolSeat | null = null, shared?: { mem: WasmMemory; team: Team; others: Map<number, WasmEngine>; held: WasmEngine['held'] }) {
    const mem = shared?.mem ?? new WasmMemory(name, exports.memory, exports);
    const team = shared?.team ?? (seat ? new Team(seat.pool, seat.build, seat.raw as never, mem, Infinity) : null);
    super(name, mem, exports, team, shared?.held);
    this.memory = exports.memory;
    this.#exports = exports;
    this.#mem = mem;
    this.#team = team;
    this.#others = shared?.others ?? new Map([[Infinity, this]]);
  }

  override withThreads(n: number): Engine {
    super.withThreads(n);
    if (!this.#team) return this;
    let e = this.#others.get(n);
    if (!e) this.#others.set(n, (e = new WasmEngine(this.name, this.#exports, null, { mem: this.#mem, team: this.#team.with(n), others: this.#others, held: this.held })));
    return e;
  }
}
