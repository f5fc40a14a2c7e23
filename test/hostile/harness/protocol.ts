// What the parent (vitest or the fuzz command) and a child process say to each other.
import type { Kind, Result } from './outcome.js';
import { KINDS } from './outcome.js';

export interface Job {
  surface: string;
  /** The surface's fast-check seed. */
  seed: number;
  /** Count cases [start, start + count). */
  start: number;
  count: number;
  /** Failures to shrink: the case index and the signature to keep while shrinking. */
  shrink: { index: number; sig: string }[];
  /** Cases to print without running (hangs, crashes). */
  describe: number[];
  /** Cases to run once and report in full. */
  replay: number[];
  shrinkTimeMs: number;
  statusFile: string;
  env: { repo: string; tmp: string; cli: string[]; mode: 'vitest' | 'fuzz' };
}

export type Msg =
  | { t: 'ready'; available: string[] }
  | { t: 'failure'; sig: string; index: number; result: Result }
  | { t: 'counted'; counts: Record<Kind, number>; sigCounts: Record<string, number> }
  | { t: 'shrunk'; sig: string; index: number; counterexample: string; result: Result | null; numShrinks: number; reproduced: boolean }
  | { t: 'described'; index: number; text: string }
  | { t: 'replayed'; index: number; text: string; result: Result }
  | { t: 'done' };

/** The status file: int32 slots the child rewrites before every case, read by the parent's watchdog. */
export const STATUS = { seq: 0, phase: 1, index: 2, completed: 3, counts: 4, length: 4 + KINDS.length } as const;
export const PHASES = ['count', 'shrink', 'describe', 'replay', 'done'] as const;

/** Distinct, stable seeds per surface from one run seed. */
export function surfaceSeed(seed: number, surface: string): number {
  let h = 2166136261;
  for (let i = 0; i < surface.length; i++) h = Math.imul(h ^ surface.charCodeAt(i), 16777619);
  return (seed ^ h) | 0;
}
