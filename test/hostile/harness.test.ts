// The harness itself: each way a case can go wrong is classified as what it is, in a child
// process, with a hang and a crash caught and the run going on after them.
import { describe, expect, it } from 'vitest';
import { runSurfaces } from './harness/parent.js';

const config = { seed: 1, jobs: 1, chunk: 1000, shrinkTimeMs: 2000, shrinkPerKind: 8, mode: 'vitest' as const };

describe('the hostile-input harness', () => {
  it('classifies typed errors, untyped exceptions, INTERNAL, bad output, mutated input, leaks and user exceptions', async () => {
    const [r] = await runSurfaces([{ surface: 'selftest', runs: 60 }], config);
    expect(r.counts.ok).toBeGreaterThan(0);
    expect(r.counts.typed).toBeGreaterThan(0);
    expect(r.counts.user).toBeGreaterThan(0);
    for (const kind of ['untyped', 'internal', 'bad-output', 'mutated', 'leak'] as const) {
      expect([kind, r.counts[kind]]).toEqual([kind, expect.any(Number)]);
      expect([kind, r.counts[kind] > 0]).toEqual([kind, true]);
    }
    const byEntry = Object.fromEntries(r.failures.map((f) => [f.entry, f]));
    expect(byEntry.untyped.message).toBe('TypeError: boom');
    expect(byEntry.mutate.message).toMatch(/arg0\[1\]: 2 became 0/);
    expect(byEntry.mutateOnThrow.message).toMatch(/arg0\.rows: 1 became 2 \(and then SHAPE_MISMATCH\)/);
    expect(byEntry.leak.kind).toBe('leak');
    expect(byEntry.leak.message).toMatch(/^js: 1 engine buffer\(s\) \(16 bytes\) still allocated/);
    expect(byEntry.modelLeak.kind).toBe('leak');
    expect(byEntry.modelLeak.message).toMatch(/engine buffer\(s\) \(\d+ bytes\) still allocated/);
    expect(byEntry.internal.kind).toBe('internal');
    for (const f of r.failures) expect([f.entry, f.counterexample]).toEqual([f.entry, expect.stringMatching(/^"\w+"$/)]);
  }, 60_000);

  it('catches a case that hangs, names it, and goes on with the next case', async () => {
    const [r] = await runSurfaces([{ surface: 'selftest-hang', runs: 2 }], config);
    expect(r.counts.hang).toBe(2);
    const [f] = r.failures;
    expect(f.kind).toBe('hang');
    expect(f.index).toBe(0);
    expect(f.counterexample).toMatch(/^\d$/);
    expect(f.replay).toBe('npm run fuzz -- --surface selftest-hang --seed 1 --replay 0');
  }, 60_000);

  it('catches a child that dies by a signal or exits mid-case, and goes on with the next case', async () => {
    const [r] = await runSurfaces([{ surface: 'selftest-crash', runs: 3 }], config);
    expect(r.counts.crash).toBe(3);
    expect(r.failures[0].message).toMatch(/the child died \((signal SIGKILL|exit code 3)\) in case 0/);
  }, 60_000);
});
