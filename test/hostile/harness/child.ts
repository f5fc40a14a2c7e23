// A child process that runs cases of one surface: counts outcomes over a range of case indices,
// then shrinks the failures it is given, describes cases, or replays them. Before every case it
// rewrites the status file, so the parent can tell which case hung or crashed the process.
import fc from 'fast-check';
import { existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import * as W from '../../../src/index.js';
import { FAILURES, KINDS, type Kind, type Result, signature } from './outcome.js';
import { PHASES, STATUS, type Job, type Msg } from './protocol.js';
import { classify, type Env, type Surface } from './surface.js';
import { SURFACES } from './surfaces/index.js';

const send = (m: Msg) => new Promise<void>((resolve) => process.send!(m, undefined, {}, () => resolve()));

function stringify(v: unknown, max = 2000): string {
  let s: string;
  try {
    s = fc.stringify(v);
  } catch (e) {
    s = `(unprintable: ${(e as Error).message})`;
  }
  return s.length > max ? `${s.slice(0, max)}... (${s.length} characters)` : s;
}

async function main(job: Job): Promise<void> {
  const status = new Int32Array(STATUS.length);
  const fd = openSync(job.statusFile, 'w');
  const counts = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<Kind, number>;
  const write = (phase: (typeof PHASES)[number], index: number) => {
    status[STATUS.seq]++;
    status[STATUS.phase] = PHASES.indexOf(phase);
    status[STATUS.index] = index;
    KINDS.forEach((k, i) => (status[STATUS.counts + i] = counts[k]));
    writeSync(fd, new Uint8Array(status.buffer), 0, status.byteLength, 0);
  };
  write('count', job.start);

  const build = (b: string) => new Uint8Array(readFileSync(join(job.env.repo, 'build', `${b}.wasm`)));
  // The threads builds too, as init() loads them by default here: a model's nThreads then picks a
  // thread team (and the gradients run through its row blocks even on one thread).
  const wasm: Env['wasm'] = { relaxed: build('relaxed'), simd: build('simd'), scalar: build('scalar') };
  for (const b of ['relaxed', 'simd', 'scalar'] as const) {
    if (existsSync(join(job.env.repo, 'build', `${b}-threads.wasm`))) wasm[`${b}-threads`] = build(`${b}-threads`);
  }
  const info = await W.init({ wasm });
  const env: Env = {
    ...job.env,
    available: info.available,
    all: [...info.available, ...(Object.keys(info.unavailable) as W.BackendName[])],
    defaultBackend: info.backend,
    wasm,
  };
  const surface = SURFACES[job.surface] as Surface<unknown>;
  if (!surface) throw new Error(`no surface ${job.surface}`);
  await surface.setup?.(env);
  const arb = surface.arb(env);
  await send({ t: 'ready', available: info.available });

  // Count: every case classified, the first of each failure signature sent at once.
  if (job.count > 0) {
    const seen = new Map<string, number>();
    let index = job.start;
    await fc.check(
      fc.asyncProperty(arb, async (input) => {
        const i = index++;
        write('count', i);
        const r = await classify(surface, input, env);
        counts[r.kind]++;
        status[STATUS.completed]++;
        if (FAILURES.includes(r.kind)) {
          const sig = signature(job.surface, r);
          const n = seen.get(sig) ?? 0;
          seen.set(sig, n + 1);
          if (n === 0) await send({ t: 'failure', sig, index: i, result: r });
        }
        return true;
      }),
      { seed: job.seed, numRuns: job.count, path: String(job.start) },
    );
    write('count', index);
    await send({ t: 'counted', counts, sigCounts: Object.fromEntries(seen) });
  }

  // Shrink: fast-check's shrinking, keeping the failure's signature, from the failing case.
  for (const { index, sig } of job.shrink) {
    let last: Result | null = null;
    const details = await fc.check(
      fc.asyncProperty(arb, async (input) => {
        write('shrink', index);
        const r = await classify(surface, input, env);
        if (signature(job.surface, r) === sig) {
          last = r;
          return false;
        }
        return true;
      }),
      { seed: job.seed, numRuns: 1, path: String(index), interruptAfterTimeLimit: job.shrinkTimeMs, markInterruptAsFailure: false },
    );
    const reproduced = details.failed;
    await send({
      t: 'shrunk', sig, index, reproduced, numShrinks: details.numShrinks, result: last,
      counterexample: details.counterexample ? stringify(details.counterexample[0]) : describe(arb, job.seed, index),
    });
  }

  for (const index of job.describe) {
    write('describe', index);
    await send({ t: 'described', index, text: describe(arb, job.seed, index) });
  }

  for (const index of job.replay) {
    write('replay', index);
    let text = '';
    let result: Result | null = null;
    await fc.check(
      fc.asyncProperty(arb, async (input) => {
        text = stringify(input, 100_000);
        result = await classify(surface, input, env);
        return true;
      }),
      { seed: job.seed, numRuns: 1, path: String(index) },
    );
    await send({ t: 'replayed', index, text, result: result! });
  }
  write('done', -1);
  await send({ t: 'done' });
}

/** The case at `index`, printed, without running it. */
function describe(arb: fc.Arbitrary<unknown>, seed: number, index: number): string {
  let text = '';
  fc.check(
    fc.property(arb, (v) => {
      text = stringify(v);
      return true;
    }),
    { seed, numRuns: 1, path: String(index) },
  );
  return text;
}

process.once('message', (m: { job: Job }) => {
  main(m.job).then(
    () => process.exit(0),
    (e) => {
      console.error(`hostile child failed: ${(e as Error)?.stack ?? String(e)}`);
      process.exit(70);
    },
  );
});
