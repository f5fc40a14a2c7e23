// Runs surfaces in child processes: builds the child (esbuild, from the current sources), deals
// case ranges to a pool of children, watches each child's status file for a case running past
// its limit (then kills it, records a hang, and goes on after that case), records a crash when
// a child dies mid-case, then shrinks one case per failure signature in a fresh child.
import { fork, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FAILURES, KINDS, type Kind, type Result } from './outcome.js';
import { PHASES, STATUS, surfaceSeed, type Job, type Msg } from './protocol.js';

export interface FailureReport {
  surface: string;
  sig: string;
  kind: Kind;
  entry: string;
  message: string;
  where?: string;
  /** Cases that failed this way. */
  count: number;
  /** The first case index that did. */
  index: number;
  /** fast-check's shrunk counterexample (or the case itself for hangs and crashes). */
  counterexample?: string;
  shrunk?: Result | null;
  numShrinks?: number;
  reproduced?: boolean;
  replay: string;
}

export interface SurfaceReport {
  surface: string;
  seed: number;
  runs: number;
  counts: Record<Kind, number>;
  failures: FailureReport[];
  ms: number;
}

export interface RunConfig {
  seed: number;
  /** Children at once. */
  jobs: number;
  /** Cases per child. */
  chunk: number;
  shrinkTimeMs: number;
  /** Failure signatures shrunk per kind and surface. */
  shrinkPerKind: number;
  mode: 'vitest' | 'fuzz';
  /** A case running longer than this (or the surface's own limit, if larger) is a hang. */
  caseTimeoutMs?: number;
  log?: (line: string) => void;
  /** Called as chunks finish, with the cases counted so far over all surfaces. */
  progress?: (done: number) => void;
}

/** The repository root: the nearest folder up from here with wasmlearn's package.json. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'wasmlearn') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('wasmlearn repository root not found');
    dir = up;
  }
}

const REPO = repoRoot();
/** Three levels below the root, so that a bundled module's '../../../build/x.wasm' is the root's build/. */
const CACHE = join(REPO, 'node_modules', '.cache', 'wasmlearn-hostile');
const made: string[] = [];
process.once('exit', () => {
  for (const f of made) rmSync(f, { recursive: true, force: true });
});

/** Removes the builds of processes that are gone (a vitest worker may end without its exit handlers). */
function sweep(): void {
  for (const f of readdirSync(CACHE)) {
    const pid = Number(/-(\d+)[-.]/.exec(f)?.[1]);
    if (!pid || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ESRCH') rmSync(join(CACHE, f), { recursive: true, force: true });
    }
  }
}

async function bundle(entry: string, name: string): Promise<string> {
  const { build } = await import('esbuild');
  mkdirSync(CACHE, { recursive: true });
  sweep();
  const outfile = join(CACHE, `${name}-${process.pid}-${Date.now().toString(36)}.mjs`);
  await build({
    entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile, sourcemap: 'linked', logLevel: 'silent',
    banner: { js: "import { createRequire as __hostileRequire } from 'node:module'; const require = __hostileRequire(import.meta.url);" },
  });
  made.push(outfile, `${outfile}.map`);
  return outfile;
}

let childBundle: Promise<string> | null = null;
let cliCommand: Promise<string[]> | null = null;

function newestMtime(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return t;
}

/**
 * The command line under test: a build of src/cli.ts made for this run (the default: the sources
 * the other surfaces test, and immune to an `npm run build` that empties dist/ meanwhile), or with
 * HOSTILE_CLI=dist a copy of dist/ (and build/) taken now, when dist/cli.js is newer than src/.
 */
async function cli(): Promise<string[]> {
  const dist = join(REPO, 'dist', 'cli.js');
  if (process.env.HOSTILE_CLI === 'dist' && existsSync(dist) && statSync(dist).mtimeMs >= newestMtime(join(REPO, 'src'))) {
    const root = join(CACHE, `package-${process.pid}-${Date.now().toString(36)}`);
    cpSync(join(REPO, 'dist'), join(root, 'dist'), { recursive: true });
    cpSync(join(REPO, 'build'), join(root, 'build'), { recursive: true });
    made.push(root);
    return [process.execPath, '--enable-source-maps', join(root, 'dist', 'cli.js')];
  }
  return [process.execPath, '--enable-source-maps', await bundle(join(REPO, 'src', 'cli.ts'), 'cli')];
}

export function cliScript(): Promise<string[]> {
  return (cliCommand ??= cli());
}

const NODE_FLAGS = [...(Number(process.versions.node.split('.')[0]) < 22 ? ['--experimental-wasm-relaxed-simd'] : []), '--enable-source-maps', '--max-old-space-size=4096'];

interface ChildRun {
  messages: Msg[];
  done: boolean;
  /** The case in flight when the child was killed or died, from its status file. */
  phase: (typeof PHASES)[number];
  index: number;
  counts: Record<Kind, number>;
  hung: boolean;
  exit: string;
  stderr: string;
}

/** Runs one job in a fresh child, killing it when one case runs past `caseTimeoutMs`. */
async function runChild(job: Job, caseTimeoutMs: number, onMessage: (m: Msg) => void): Promise<ChildRun> {
  const script = await (childBundle ??= bundle(join(REPO, 'test', 'hostile', 'harness', 'child.ts'), 'child'));
  const child: ChildProcess = fork(script, [], { execArgv: NODE_FLAGS, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced', cwd: job.env.tmp });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-8000);
  });
  const messages: Msg[] = [];
  let ready = false;
  let done = false;
  let hung = false;
  child.on('message', (m: Msg) => {
    messages.push(m);
    if (m.t === 'ready') ready = true;
    if (m.t === 'done') done = true;
    onMessage(m);
  });
  child.on('error', () => undefined); // a child that died before reading its job: its exit says so
  child.send({ job });
  const buf = new Int32Array(STATUS.length);
  const read = () => {
    try {
      const bytes = readFileSync(job.statusFile);
      buf.set(new Int32Array(bytes.buffer, bytes.byteOffset, Math.min(STATUS.length, bytes.byteLength >> 2)));
    } catch {
      // not written yet
    }
  };
  let lastSeq = -1;
  let since = Date.now();
  const watchdog = setInterval(() => {
    read();
    if (buf[STATUS.seq] !== lastSeq) {
      lastSeq = buf[STATUS.seq];
      since = Date.now();
      return;
    }
    const limit = ready ? caseTimeoutMs : 120_000;
    const phase = PHASES[buf[STATUS.phase]];
    if (Date.now() - since > (phase === 'shrink' ? Math.max(limit, job.shrinkTimeMs + limit) : limit)) {
      hung = true;
      child.kill('SIGKILL');
    }
  }, 200);
  const exit = await new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ? `signal ${signal}` : `exit code ${code}`)));
  clearInterval(watchdog);
  read();
  const counts = Object.fromEntries(KINDS.map((k, i) => [k, buf[STATUS.counts + i]])) as Record<Kind, number>;
  return { messages, done, phase: PHASES[buf[STATUS.phase]] ?? 'count', index: buf[STATUS.index], counts, hung, exit, stderr };
}

/** A pool of `n` slots. */
function pool(n: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((r) => waiting.push(r));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

function zero(): Record<Kind, number> {
  return Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<Kind, number>;
}

export function replayCommand(surface: string, seed: number, index: number): string {
  return `npm run fuzz -- --surface ${surface} --seed ${seed} --replay ${index}`;
}

/** Runs each surface's cases and shrinks what failed; the surfaces share one pool of children. */
export async function runSurfaces(plan: { surface: string; runs: number }[], cfg: RunConfig): Promise<SurfaceReport[]> {
  const { SURFACES } = await import('./surfaces/index.js');
  const tmp = mkdtempSync(join(tmpdir(), 'wasmlearn-hostile-'));
  made.push(tmp);
  const env = { repo: REPO, tmp, cli: await cliScript(), mode: cfg.mode };
  const run = pool(cfg.jobs);
  let statusCounter = 0;
  const statusFile = () => join(tmp, `status-${statusCounter++}`);
  const log = cfg.log ?? (() => undefined);
  let done = 0;

  const one = async ({ surface, runs }: { surface: string; runs: number }): Promise<SurfaceReport> => {
    const t0 = Date.now();
    const s = SURFACES[surface];
    if (!s) throw new Error(`unknown surface '${surface}'; surfaces: ${Object.keys(SURFACES).join(', ')}`);
    const seed = surfaceSeed(cfg.seed, surface);
    const timeout = Math.max(cfg.caseTimeoutMs ?? 0, s.caseTimeoutMs);
    const counts = zero();
    const failures = new Map<string, FailureReport>();
    const note = (sig: string, index: number, r: Result, count: number) => {
      const f = failures.get(sig);
      if (f) {
        f.count += count;
        if (index < f.index) Object.assign(f, { index, message: r.message, where: r.where, replay: replayCommand(surface, cfg.seed, index) });
      } else {
        failures.set(sig, { surface, sig, kind: r.kind, entry: r.entry, message: r.message, where: r.where, count, index, replay: replayCommand(surface, cfg.seed, index) });
      }
    };
    const base = (over: Partial<Job>): Job => ({ surface, seed, start: 0, count: 0, shrink: [], describe: [], replay: [], shrinkTimeMs: cfg.shrinkTimeMs, statusFile: statusFile(), env, ...over });

    // Count, in chunks; a hang or crash ends a child, and the next one starts after that case.
    const chunks: [number, number][] = [];
    const size = Math.min(cfg.chunk, s.chunk ?? Infinity);
    for (let a = 0; a < runs; a += size) chunks.push([a, Math.min(runs, a + size)]);
    await Promise.all(
      chunks.map(([from, to]) =>
        run(async () => {
          let start = from;
          let restarts = 0;
          while (start < to) {
            const firstSigs = new Map<string, { index: number; result: Result }>();
            const r = await runChild(base({ start, count: to - start }), timeout, (m) => {
              if (m.t === 'failure') firstSigs.set(m.sig, { index: m.index, result: m.result });
            });
            const counted = r.messages.find((m): m is Extract<Msg, { t: 'counted' }> => m.t === 'counted');
            if (counted) {
              for (const k of KINDS) counts[k] += counted.counts[k];
              for (const [sig, f] of firstSigs) note(sig, f.index, f.result, counted.sigCounts[sig] ?? 1);
              done += to - start;
              cfg.progress?.(done);
              break;
            }
            for (const k of KINDS) counts[k] += r.counts[k];
            for (const [sig, f] of firstSigs) note(sig, f.index, f.result, 1);
            if (!r.messages.some((m) => m.t === 'ready')) {
              if (++restarts > 2) throw new Error(`the ${surface} child failed to start (${r.exit}): ${r.stderr}`);
              continue;
            }
            const kind: Kind = r.hung ? 'hang' : 'crash';
            counts[kind]++;
            const message = r.hung ? `case ${r.index} ran past ${timeout / 1000} s` : `the child died (${r.exit}) in case ${r.index}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`;
            note(`${surface} | ${kind} | (case in flight) | `, r.index, { kind, entry: '(case in flight)', message }, 1);
            log(`${surface}: ${kind} at case ${r.index}; going on after it`);
            done += r.index + 1 - start;
            start = r.index + 1;
          }
        }),
      ),
    );

    // Shrink one case per signature (a few per kind), describe hangs and crashes.
    const list = [...failures.values()].sort((a, b) => a.index - b.index);
    const perKind = new Map<Kind, number>();
    const toShrink: FailureReport[] = [];
    const toDescribe: FailureReport[] = [];
    for (const f of list) {
      const n = perKind.get(f.kind) ?? 0;
      if (n >= cfg.shrinkPerKind) continue;
      perKind.set(f.kind, n + 1);
      (f.kind === 'hang' || f.kind === 'crash' ? toDescribe : toShrink).push(f);
    }
    let pending = toShrink.slice();
    let describe = toDescribe.slice();
    let attempts = 0;
    while ((pending.length > 0 || describe.length > 0) && attempts++ < 10) {
      const job = base({ shrink: pending.map((f) => ({ index: f.index, sig: f.sig })), describe: describe.map((f) => f.index) });
      const r = await run(() =>
        runChild(job, timeout, (m) => {
          if (m.t === 'shrunk') {
            const f = failures.get(m.sig)!;
            Object.assign(f, { counterexample: m.counterexample, shrunk: m.result, numShrinks: m.numShrinks, reproduced: m.reproduced });
            pending = pending.filter((p) => p.sig !== m.sig);
          } else if (m.t === 'described') {
            for (const f of describe.filter((d) => d.index === m.index)) f.counterexample = m.text;
            describe = describe.filter((d) => d.index !== m.index);
          }
        }),
      );
      if (r.done) break;
      if (r.phase === 'shrink') {
        const stuck = pending.find((p) => p.index === r.index);
        if (stuck) {
          stuck.counterexample = `(shrinking ${r.hung ? 'hung' : 'crashed the child'}; the unshrunk case follows)`;
          pending = pending.filter((p) => p !== stuck);
          describe.push(stuck);
        }
      } else if (r.phase === 'describe') describe = describe.filter((d) => d.index !== r.index);
    }
    return { surface, seed: cfg.seed, runs, counts, failures: list, ms: Date.now() - t0 };
  };

  // The slow surfaces (those with small chunks) queue first, so they do not finish last alone.
  const order = plan.map((p, i) => ({ p, i, slow: SURFACES[p.surface]?.chunk !== undefined }));
  order.sort((a, b) => Number(b.slow) - Number(a.slow));
  const reports = await Promise.all(order.map(({ p }) => one(p)));
  const out = new Array<SurfaceReport>(plan.length);
  order.forEach(({ i }, k) => (out[i] = reports[k]));
  return out;
}

/** Replays single cases of one surface in a child and returns what it sent. */
export async function replay(surface: string, seed: number, indices: number[]): Promise<Extract<Msg, { t: 'replayed' }>[]> {
  const tmp = mkdtempSync(join(tmpdir(), 'wasmlearn-hostile-'));
  made.push(tmp);
  const env = { repo: REPO, tmp, cli: await cliScript(), mode: 'fuzz' as const };
  const out: Extract<Msg, { t: 'replayed' }>[] = [];
  const job: Job = { surface, seed: surfaceSeed(seed, surface), start: 0, count: 0, shrink: [], describe: [], replay: indices, shrinkTimeMs: 0, statusFile: join(tmp, 'status'), env };
  const r = await runChild(job, 120_000, (m) => {
    if (m.t === 'replayed') out.push(m);
  });
  if (!r.done) throw new Error(`the replay ${r.hung ? 'hung' : `died (${r.exit})`} in case ${r.index}: ${r.stderr}`);
  return out;
}

/** A failure in one paragraph: what, where, how often, the counterexample and how to replay it. */
export function formatFailure(f: FailureReport): string {
  const what = f.shrunk ? `${f.shrunk.entry}: ${f.shrunk.message}${f.shrunk.where ? ` (at ${f.shrunk.where})` : ''}` : `${f.entry}: ${f.message}${f.where ? ` (at ${f.where})` : ''}`;
  const how = f.numShrinks !== undefined ? (f.reproduced === false ? ' (did not fail again when rerun alone)' : ` (shrunk in ${f.numShrinks} steps)`) : '';
  return [`[${f.kind}] ${f.surface} · ${what}`, `  ${f.count} case(s); first at case ${f.index}`, `  counterexample${how}: ${f.counterexample ?? '(not shrunk)'}`, `  replay: ${f.replay}`].join('\n');
}

export { FAILURES };
