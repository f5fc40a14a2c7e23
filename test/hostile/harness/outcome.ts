// How one case ends. A case is a short script of library calls on generated input; each call goes
// through Ctx.call, which names the entry point, snapshots its arguments (input mutation) and
// turns whatever it throws into one of the outcomes below. Output checks throw a Finding.
import { WasmlearnError } from '../../../src/index.js';
import { changed, snapshot } from './snapshot.js';

/** Every outcome, the good ones first. */
export const KINDS = ['ok', 'typed', 'user', 'untyped', 'internal', 'bad-output', 'mutated', 'leak', 'hang', 'crash', 'harness'] as const;
export type Kind = (typeof KINDS)[number];
/** The outcomes that make a property fail. */
export const FAILURES: readonly Kind[] = ['untyped', 'internal', 'bad-output', 'mutated', 'leak', 'hang', 'crash', 'harness'];

export const KIND_TITLES: Record<Kind, string> = {
  ok: 'ran correctly',
  typed: 'typed error (WasmlearnError)',
  user: "user callback's own exception passed through",
  untyped: 'untyped exception',
  internal: 'INTERNAL error (an invariant broke)',
  'bad-output': 'silent bad output',
  mutated: 'input mutated',
  leak: 'memory not returned',
  hang: 'hang',
  crash: 'crash',
  harness: 'harness error (a bug in the test)',
};

export interface Result {
  kind: Kind;
  /** The public call that misbehaved, e.g. 'LogisticRegression.fit'. */
  entry: string;
  message: string;
  /** For untyped exceptions: the innermost frame in src/, e.g. 'src/metrics.ts:12'. */
  where?: string;
  code?: string;
  /** The thrown error's stack, for replays. */
  stack?: string;
}

/** A failure found by a check, or an exception classified by Ctx.call. */
export class Finding extends Error {
  constructor(readonly kind: Kind, readonly entry: string, message: string, readonly where?: string, readonly origin?: string) {
    super(message);
  }
}

/** The library refused the input with a WasmlearnError: the case ends there, correctly. */
export class Typed extends Error {
  constructor(readonly entry: string, readonly code: string, message: string) {
    super(message);
  }
}

/** What a generated user callback throws on purpose. */
export class UserError extends Error {
  constructor() {
    super('thrown by the user callback');
    this.name = 'UserError';
  }
}

class UserPassthrough extends Error {
  constructor(readonly entry: string) {
    super('the user callback threw, and the call passed it on');
  }
}

/**
 * The innermost frames in the library's sources (three at most, innermost first, the error
 * helpers fail and misuse left out), e.g. 'src/engine/engine.ts:27 < src/objectives/dense-net.ts:120'.
 */
export function whereIn(stack: string | undefined): string | undefined {
  if (!stack) return undefined;
  const frames: string[] = [];
  for (const line of stack.split('\n').slice(1)) {
    const m = /(src\/[\w\-/.]+\.ts):(\d+)/.exec(line);
    if (!m || m[1] === 'src/core/errors.ts' || /at (fail|misuse) \(/.test(line)) continue;
    frames.push(`${m[1]}:${m[2]}`);
    if (frames.length === 3) break;
  }
  return frames.length > 0 ? frames.join(' < ') : undefined;
}

function describeThrown(e: unknown): string {
  if (e instanceof Error) return `${e.constructor?.name ?? e.name}: ${e.message}`;
  try {
    return `threw a non-Error: ${String(e)}`;
  } catch {
    return `threw a non-Error ${typeof e}`;
  }
}

/** Something a case creates and must free: a model, a layer, an optimizer. */
export interface Disposable {
  dispose(): void;
}

export class Ctx {
  /** The entry of the last call made; a leak is charged to it. */
  entry = '(setup)';
  private readonly owned: Disposable[] = [];

  /** Registers x to be disposed when the case ends. */
  own<T>(x: T): T {
    if (x && typeof (x as unknown as Disposable).dispose === 'function') this.owned.push(x as unknown as Disposable);
    return x;
  }

  /** Runs one library call: its arguments must come back unchanged, and only a WasmlearnError may escape. */
  call<T>(entry: string, args: readonly unknown[], fn: () => T): T {
    this.entry = entry;
    const before = args.map((a) => snapshot(a));
    let out: T;
    try {
      out = fn();
    } catch (e) {
      throw this.thrown(entry, e, before, args);
    }
    this.unchanged(entry, before, args);
    return out;
  }

  async callAsync<T>(entry: string, args: readonly unknown[], fn: () => Promise<T>): Promise<T> {
    this.entry = entry;
    const before = args.map((a) => snapshot(a));
    let out: T;
    try {
      out = await fn();
    } catch (e) {
      throw this.thrown(entry, e, before, args);
    }
    this.unchanged(entry, before, args);
    return out;
  }

  /** A failed output check. */
  bad(entry: string, what: string): never {
    throw new Finding('bad-output', entry, what);
  }

  check(ok: boolean, entry: string, what: () => string): void {
    if (!ok) this.bad(entry, what());
  }

  private thrown(entry: string, e: unknown, before: ReturnType<typeof snapshot>[], args: readonly unknown[]): Error {
    if (e instanceof Finding || e instanceof Typed || e instanceof UserPassthrough) return e;
    if (e instanceof UserError) return new UserPassthrough(entry);
    if (e instanceof WasmlearnError) {
      const mutated = this.diff(before, args);
      if (mutated) return new Finding('mutated', entry, `${mutated} (and then ${e.code})`);
      if (e.code === 'INTERNAL') return new Finding('internal', entry, e.message, whereIn(e.stack), e.stack);
      if (typeof e.code !== 'string' || !/^[A-Z_]+$/.test(e.code)) return new Finding('untyped', entry, `a WasmlearnError without a code: ${e.message}`);
      return new Typed(entry, e.code, e.message);
    }
    return new Finding('untyped', entry, describeThrown(e), e instanceof Error ? whereIn(e.stack) : undefined, e instanceof Error ? e.stack : undefined);
  }

  private diff(before: ReturnType<typeof snapshot>[], args: readonly unknown[]): string | null {
    for (let i = 0; i < args.length; i++) {
      const d = changed(before[i], args[i], `arg${i}`);
      if (d) return d;
    }
    return null;
  }

  private unchanged(entry: string, before: ReturnType<typeof snapshot>[], args: readonly unknown[]): void {
    const d = this.diff(before, args);
    if (d) throw new Finding('mutated', entry, d);
  }

  /** Disposes what the case created, newest first. */
  cleanup(): void {
    while (this.owned.length > 0) {
      const x = this.owned.pop()!;
      try {
        x.dispose();
      } catch (e) {
        if (e instanceof WasmlearnError && e.code !== 'INTERNAL') continue;
        throw new Finding(e instanceof WasmlearnError ? 'internal' : 'untyped', `${x.constructor?.name ?? 'object'}.dispose`, describeThrown(e), e instanceof Error ? whereIn(e.stack) : undefined);
      }
    }
  }
}

/** The outcome of an exception that ended a case. */
export function resultOf(e: unknown, ctx: Ctx): Result {
  if (e instanceof Typed) return { kind: 'typed', entry: e.entry, message: e.message, code: e.code };
  if (e instanceof UserPassthrough) return { kind: 'user', entry: e.entry, message: e.message };
  if (e instanceof Finding) return { kind: e.kind, entry: e.entry, message: e.message, where: e.where, stack: e.origin ?? e.stack };
  // Thrown outside Ctx.call: the harness itself is wrong.
  return { kind: 'harness', entry: ctx.entry, message: describeThrown(e), where: e instanceof Error ? (e.stack ?? '').split('\n').slice(1, 3).join(' | ') : undefined, stack: e instanceof Error ? e.stack : undefined };
}

/**
 * A failure's signature: what makes two failures the same bug for the report (and what shrinking
 * keeps). Numbers and quoted text are left out of messages, so one bug is one line.
 */
export function signature(surface: string, r: Result): string {
  const norm = r.message
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, 'S')
    .replace(/-?\b\d+(\.\d+)?(e[-+]?\d+)?\b/gi, 'N')
    .replace(/\s+/g, ' ')
    .slice(0, 90);
  if (r.kind === 'hang' || r.kind === 'crash') return `${surface} | ${r.kind} | ${r.entry} | ${r.where ?? ''}`;
  // One throw site in src/ is one bug, whichever entry point reached it.
  if ((r.kind === 'untyped' || r.kind === 'internal') && r.where) return `${surface} | ${r.kind} | ${(r.message.split(':')[0] ?? '').slice(0, 40)} at ${r.where.split(' < ').slice(0, 2).join(' < ')}`;
  const head = r.kind === 'untyped' ? `${(r.message.split(':')[0] ?? '').slice(0, 40)} at ${r.where ?? norm}` : r.kind === 'mutated' ? norm.replace(/ became.*| was written.*/, '') : norm;
  return `${surface} | ${r.kind} | ${r.entry} | ${head}`;
}
