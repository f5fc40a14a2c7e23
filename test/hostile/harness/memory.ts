// Engine memory watched per case: every buffer an engine hands out through its public
// f32/f64/u32 and takes back through free is counted (the engine's own long-lived scratch is
// not), and a WASM backend's linear memory size is read too.
import { getEngine } from '../../../src/engine/index.js';
import type { Buf, Engine } from '../../../src/engine/engine.js';

const BYTES: Record<string, number> = { float32: 4, float64: 8, uint32: 4 };

interface Tracked {
  name: string;
  live: Set<Buf>;
  engine: Engine & { memory?: WebAssembly.Memory };
}

const tracked = new Map<Engine, Tracked>();

function instrument(engine: Engine): Tracked {
  let t = tracked.get(engine);
  if (t) return t;
  t = { name: engine.name, live: new Set<Buf>(), engine };
  watch(engine, t);
  return t;
}

/**
 * Counts engine's buffers into t. A model's nThreads computes on engine.withThreads(n): another
 * engine object on the same memory (a threads build's), whose buffers count as this engine's.
 */
function watch(engine: Engine, t: Tracked): void {
  const e = engine as unknown as Record<string, (...a: unknown[]) => unknown>;
  for (const m of ['f32', 'f64', 'u32'] as const) {
    const orig = e[m].bind(engine);
    e[m] = (n: unknown) => {
      const b = orig(n) as Buf;
      t.live.add(b);
      return b;
    };
  }
  const free = e.free.bind(engine);
  e.free = (b: unknown) => {
    free(b);
    t.live.delete(b as Buf);
  };
  const withThreads = e.withThreads.bind(engine);
  e.withThreads = (n: unknown) => {
    const other = withThreads(n) as Engine;
    if (other !== engine && !tracked.has(other)) {
      tracked.set(other, t);
      watch(other, t);
    }
    return other;
  };
  tracked.set(engine, t);
}

export interface MemoryState {
  /** Per engine: live buffers, their bytes, and the WASM memory's size. */
  engines: { name: string; live: number; bytes: number; wasm: number; engine: Engine }[];
}

/** Instruments every engine `init` has loaded (again after an init that reloads) and reads them. */
export function memoryState(backends: readonly string[]): MemoryState {
  const engines: MemoryState['engines'] = [];
  for (const b of backends) {
    let engine: Engine;
    try {
      engine = getEngine(b as Parameters<typeof getEngine>[0]);
    } catch {
      continue;
    }
    const t = instrument(engine);
    let bytes = 0;
    for (const buf of t.live) bytes += buf.length * (BYTES[buf.dtype] ?? 4);
    engines.push({ name: t.name, live: t.live.size, bytes, wasm: t.engine.memory?.buffer.byteLength ?? 0, engine });
  }
  return { engines };
}

/** Growth of WASM memory on a refused call beyond this is reported: validation comes before allocation. */
export const REFUSED_GROWTH_LIMIT = 64 * 2 ** 20;

/** What `after` still holds that `before` did not, in words, or null. */
export function leaked(before: MemoryState, after: MemoryState, refused: boolean): string | null {
  for (const a of after.engines) {
    const b = before.engines.find((x) => x.engine === a.engine);
    if (!b) continue;
    if (a.live > b.live) return `${a.name}: ${a.live - b.live} engine buffer(s) (${a.bytes - b.bytes} bytes) still allocated after the case`;
    if (refused && a.wasm - b.wasm > REFUSED_GROWTH_LIMIT) return `${a.name}: WASM memory grew by ${((a.wasm - b.wasm) / 2 ** 20).toFixed(0)} MiB on a call that was refused`;
  }
  return null;
}
