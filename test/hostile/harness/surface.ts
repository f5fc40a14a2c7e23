// What a surface is, and how one generated case is run and classified.
import type fc from 'fast-check';
import type { BackendName } from '../../../src/index.js';
import { Ctx, resultOf, type Result } from './outcome.js';
import { leaked, memoryState } from './memory.js';

export interface Env {
  /** The repository root. */
  repo: string;
  /** Backends this process can run, fastest first; and every backend name. */
  available: BackendName[];
  all: BackendName[];
  /** The default backend init chose. */
  defaultBackend: BackendName;
  /** The build files' bytes, to restore the engines after an init case replaced them. */
  wasm: { relaxed: Uint8Array; simd: Uint8Array; scalar: Uint8Array; 'relaxed-threads'?: Uint8Array; 'simd-threads'?: Uint8Array; 'scalar-threads'?: Uint8Array };
  /** A scratch folder of this process. */
  tmp: string;
  /** The command line under test: [node, ...args] before the CLI's own arguments. */
  cli: string[];
  mode: 'vitest' | 'fuzz';
}

export interface Surface<T = unknown> {
  name: string;
  /** Its share of a long run's cases. */
  weight: number;
  /** Cases in `npx vitest run`. */
  vitestRuns: number;
  /** A case running longer than this is a hang. */
  caseTimeoutMs: number;
  /** Cases per child process in a long run, when fewer than the run's (slow cases spread over the pool). */
  chunk?: number;
  setup?(env: Env): Promise<void>;
  arb(env: Env): fc.Arbitrary<T>;
  run(input: T, ctx: Ctx, env: Env): Promise<void> | void;
}

/** Runs one case: its outcome, with leaks found after the case has disposed what it created. */
export async function classify<T>(surface: Surface<T>, input: T, env: Env): Promise<Result> {
  const ctx = new Ctx();
  const before = memoryState(env.all);
  let result: Result;
  try {
    await surface.run(input, ctx, env);
    result = { kind: 'ok', entry: ctx.entry, message: '' };
  } catch (e) {
    result = resultOf(e, ctx);
  }
  try {
    ctx.cleanup();
  } catch (e) {
    if (result.kind === 'ok' || result.kind === 'typed' || result.kind === 'user') result = resultOf(e, ctx);
  }
  if (result.kind === 'ok' || result.kind === 'typed' || result.kind === 'user') {
    const leak = leaked(before, memoryState(env.all), result.kind !== 'ok');
    if (leak) result = { kind: 'leak', entry: result.entry, message: leak };
  }
  return result;
}
