// Surfaces that misbehave on purpose, one way per case: the harness's own test
// (test/hostile/harness.test.ts) checks that each way is classified as what it is.
import fc from 'fast-check';
import { LogisticRegression, WasmlearnError } from '../../../../src/index.js';
import { getEngine } from '../../../../src/engine/index.js';
import { UserError } from '../outcome.js';
import type { Surface } from '../surface.js';

const WAYS = ['ok', 'typed', 'untyped', 'internal', 'bad', 'mutate', 'mutateOnThrow', 'leak', 'modelLeak', 'user'] as const;

export const selftest: Surface<(typeof WAYS)[number]> = {
  name: 'selftest',
  weight: 0,
  vitestRuns: 0,
  caseTimeoutMs: 5_000,
  arb: () => fc.constantFrom(...WAYS),
  run(way, ctx) {
    switch (way) {
      case 'ok': return;
      case 'typed': return ctx.call('typed', [], () => { throw new WasmlearnError('BAD_OPTION', 'refused'); });
      case 'untyped': return ctx.call('untyped', [], () => { throw new TypeError('boom'); });
      case 'internal': return ctx.call('internal', [], () => { throw new WasmlearnError('INTERNAL', 'broken'); });
      case 'bad': return ctx.bad('bad', 'returned NaN');
      case 'mutate': {
        const a = [1, 2, 3];
        return ctx.call('mutate', [a], () => { a[1] = 0; });
      }
      case 'mutateOnThrow': {
        const a = { rows: 1 };
        return ctx.call('mutateOnThrow', [a], () => {
          a.rows = 2;
          throw new WasmlearnError('SHAPE_MISMATCH', 'no');
        });
      }
      case 'leak': {
        ctx.call('leak', [], () => getEngine('js').f32(4));
        return;
      }
      case 'modelLeak': {
        // A real model fitted on the default backend and never disposed.
        ctx.call('modelLeak', [], () => new LogisticRegression({ maxIter: 2 }).fit([[0], [1]], [0, 1]));
        return;
      }
      case 'user': return ctx.call('user', [], () => { throw new UserError(); });
    }
  },
};

export const selftestHang: Surface<number> = {
  name: 'selftest-hang',
  weight: 0,
  vitestRuns: 0,
  caseTimeoutMs: 1_000,
  arb: () => fc.integer({ min: 0, max: 3 }),
  run(n) {
    if (n >= 0) for (;;);
  },
};

export const selftestCrash: Surface<number> = {
  name: 'selftest-crash',
  weight: 0,
  vitestRuns: 0,
  caseTimeoutMs: 5_000,
  arb: () => fc.integer({ min: 0, max: 3 }),
  run(n) {
    if (n % 2 === 0) process.kill(process.pid, 'SIGKILL');
    else process.exit(3);
  },
};
