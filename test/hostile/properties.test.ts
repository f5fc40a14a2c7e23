// Hostile input, issue #11: fast-check properties over every public entry point, one test per
// surface. Each surface's cases run in a child process (so a hang or a crash is caught, and the
// case that caused it named); a test fails when any case ends in a failure, and prints each
// distinct failure with fast-check's shrunk counterexample and the command that replays it.
// HOSTILE_SEED and HOSTILE_SCALE change the seed and the number of cases; `npm run fuzz` is the
// long mode over the same properties.
import { describe, it } from 'vitest';
import { formatFailure, runSurfaces } from './harness/parent.js';
import { FAILURES } from './harness/outcome.js';
import { SURFACES, SURFACE_NAMES } from './harness/surfaces/index.js';

const SEED = Number(process.env.HOSTILE_SEED ?? 20250611);
const SCALE = Number(process.env.HOSTILE_SCALE ?? 1);

describe.concurrent('hostile input (seed ' + SEED + ')', () => {
  for (const name of SURFACE_NAMES) {
    const runs = Math.max(1, Math.round(SURFACES[name].vitestRuns * SCALE));
    it(`${name}: ${runs} cases end in a result that passes its checks or a WasmlearnError`, async () => {
      const [report] = await runSurfaces([{ surface: name, runs }], { seed: SEED, jobs: 1, chunk: runs, shrinkTimeMs: 4000, shrinkPerKind: 8, mode: 'vitest' });
      const failures = report.failures.filter((f) => FAILURES.includes(f.kind));
      if (failures.length > 0) {
        const counts = Object.entries(report.counts).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ');
        throw new Error(`${failures.length} distinct failure(s) in ${runs} ${name} cases (${counts}):\n\n${failures.map(formatFailure).join('\n\n')}`);
      }
    }, 240_000);
  }
});
