// `npm run fuzz -- --runs N [--seed S]`: the hostile-input properties at length. The cases are
// shared among the surfaces by weight and run in child processes, a pool of them at once; the
// result is a table of outcomes and the first counterexamples of each kind of failure.
import { availableParallelism } from 'node:os';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { FAILURES, KINDS, KIND_TITLES, type Kind } from './outcome.js';
import { cliScript, formatFailure, replay, runSurfaces, type SurfaceReport } from './parent.js';
import { SURFACES, SURFACE_NAMES } from './surfaces/index.js';

const HELP = `usage: npm run fuzz -- [--runs N] [--seed S] [options]

  --runs <n>          cases in all, shared among the surfaces by weight (default 20000)
  --seed <s>          the run's seed (default: a random one, printed)
  --surface <names>   only these surfaces, comma-separated (${SURFACE_NAMES.join(', ')})
  --jobs <n>          child processes at once (default: the number of CPUs)
  --chunk <n>         cases per child process (default 2500)
  --case-timeout <ms> a case running longer is a hang (default: each surface's own, 10-30 s)
  --shrink <n>        failures shrunk per kind and surface (default 3)
  --shrink-time <ms>  time allowed to shrink one failure (default 10000)
  --replay <i,j>      run these case indices of --surface once and print them in full
  --json <file>       also write the reports as JSON`;

export async function main(argv: string[]): Promise<number> {
  const { values: v } = parseArgs({
    args: argv,
    options: {
      runs: { type: 'string', default: '20000' },
      seed: { type: 'string' },
      surface: { type: 'string' },
      jobs: { type: 'string' },
      chunk: { type: 'string', default: '2500' },
      'case-timeout': { type: 'string' },
      shrink: { type: 'string', default: '3' },
      'shrink-time': { type: 'string', default: '10000' },
      replay: { type: 'string' },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (v.help) {
    console.log(HELP);
    return 0;
  }
  const seed = v.seed !== undefined ? Number(v.seed) : Math.floor(Math.random() * 2 ** 31);
  const names = v.surface ? v.surface.split(',') : SURFACE_NAMES;
  for (const n of names) if (!SURFACES[n]) throw new Error(`unknown surface '${n}'; surfaces: ${SURFACE_NAMES.join(', ')}`);

  if (v.replay !== undefined) {
    if (names.length !== 1) throw new Error('--replay needs exactly one --surface');
    for (const r of await replay(names[0], seed, v.replay.split(',').map(Number))) {
      console.log(`case ${r.index} of ${names[0]} (seed ${seed}):\n${r.text}\n`);
      console.log(`outcome: ${r.result.kind} in ${r.result.entry}${r.result.message ? `: ${r.result.message}` : ''}`);
      if (r.result.stack && FAILURES.includes(r.result.kind)) console.log(`\n${r.result.stack}`);
    }
    return 0;
  }

  const runs = Number(v.runs);
  const weight = names.reduce((a, n) => a + SURFACES[n].weight, 0);
  const plan = names.map((n) => ({ surface: n, runs: Math.max(1, Math.round((runs * SURFACES[n].weight) / weight)) }));
  const jobs = v.jobs ? Number(v.jobs) : availableParallelism();
  const total = plan.reduce((a, p) => a + p.runs, 0);
  const command = `npm run fuzz -- --runs ${runs} --seed ${seed}${v.surface ? ` --surface ${v.surface}` : ''}`;
  console.log(`wasmlearn hostile-input fuzz: ${plan.reduce((a, p) => a + p.runs, 0)} cases, seed ${seed}, ${jobs} child processes at once`);
  console.log(`command: ${command}`);
  if (names.includes('cli')) console.log(`the CLI under test: ${(await cliScript()).slice(1).join(' ')}`);
  console.log('');
  const t0 = Date.now();
  let lastLog = 0;
  const reports = await runSurfaces(plan, {
    seed, jobs, chunk: Number(v.chunk), shrinkTimeMs: Number(v['shrink-time']), shrinkPerKind: Number(v.shrink), mode: 'fuzz',
    caseTimeoutMs: v['case-timeout'] ? Number(v['case-timeout']) : undefined,
    log: (line) => console.error(`  [${((Date.now() - t0) / 1000).toFixed(0)} s] ${line}`),
    progress: (done) => {
      if (Date.now() - lastLog < 10_000) return;
      lastLog = Date.now();
      console.error(`  [${((Date.now() - t0) / 1000).toFixed(0)} s] ${done} of ${total} cases`);
    },
  });
  const seconds = (Date.now() - t0) / 1000;
  console.log(table(reports, seed, seconds, jobs, command));
  if (v.json) writeFileSync(v.json, JSON.stringify({ seed, runs, seconds, command, reports }, null, 2));
  return reports.some((r) => FAILURES.some((k) => r.counts[k] > 0)) ? 1 : 0;
}

const COLUMN: Record<Kind, string> = { ok: 'ok', typed: 'typed', user: 'user', untyped: 'untyped', internal: 'INTERNAL', 'bad-output': 'bad out', mutated: 'mutated', leak: 'leak', hang: 'hang', crash: 'crash', harness: 'harness' };

function table(reports: SurfaceReport[], seed: number, seconds: number, jobs: number, command: string): string {
  const total = Object.fromEntries(KINDS.map((k) => [k, reports.reduce((a, r) => a + r.counts[k], 0)])) as Record<Kind, number>;
  const cases = KINDS.reduce((a, k) => a + total[k], 0);
  const out: string[] = [];
  out.push(`${cases} cases in ${seconds.toFixed(1)} s (${((seconds * 1000 * jobs) / Math.max(1, cases)).toFixed(2)} ms of a process per case), seed ${seed}`);
  out.push('');
  out.push(`${'outcome'.padEnd(48)}${'cases'.padStart(9)}${'share'.padStart(9)}`);
  for (const k of KINDS) {
    const mark = FAILURES.includes(k) && total[k] > 0 ? '  <- FAILURE' : '';
    out.push(`${KIND_TITLES[k].padEnd(48)}${String(total[k]).padStart(9)}${`${((100 * total[k]) / Math.max(1, cases)).toFixed(1)}%`.padStart(9)}${mark}`);
  }
  out.push('');
  const head = ['surface'.padEnd(13), 'cases'.padStart(7), ...KINDS.map((k) => COLUMN[k].padStart(9)), 'seconds'.padStart(9)];
  out.push(head.join(''));
  for (const r of reports) {
    const n = KINDS.reduce((a, k) => a + r.counts[k], 0);
    out.push([r.surface.padEnd(13), String(n).padStart(7), ...KINDS.map((k) => String(r.counts[k]).padStart(9)), (r.ms / 1000).toFixed(1).padStart(9)].join(''));
  }
  const failures = reports.flatMap((r) => r.failures.filter((f) => FAILURES.includes(f.kind)));
  out.push('');
  if (failures.length === 0) {
    out.push('no failures');
  } else {
    out.push(`${failures.length} distinct failure(s); the first counterexamples of each kind:`);
    for (const k of FAILURES) {
      const of = failures.filter((f) => f.kind === k).sort((a, b) => b.count - a.count);
      if (of.length === 0) continue;
      out.push('');
      out.push(`== ${KIND_TITLES[k]}: ${of.length} distinct, ${total[k]} case(s) ==`);
      for (const f of of.slice(0, 5)) out.push('', formatFailure(f));
      if (of.length > 5) out.push('', `... and ${of.length - 5} more: ${of.slice(5).map((f) => `${f.surface} · ${f.entry}`).join('; ')}`);
    }
  }
  out.push('', `command: ${command}`);
  return out.join('\n');
}
