// The threads dimension (#15): one workload timed on 1 and on 2 threads in the same process,
// interleaved (a sample on 1, a sample on 2, the next round in the other order), so drift and a
// neighbour's load fall on both; the speedup is the 1-thread median over the 2-thread median.
// Also: whether the parameters came out the same bits on both counts.
import { budgetFor, fmtMs, gc, isQuick, log, summarize } from './harness.js';

/** The thread counts compared. */
export const COUNTS = [1, 2];

/**
 * The goals (#15): the speedup at 2 threads, by how the workload is bound. null: no goal
 * was set for it; the figure is reported all the same.
 */
export const GOALS = { B: 1.8, D: 1.8, E3: 1.8, C: 1.3 };
export const BOUND = { B: 'compute', D: 'compute', E3: 'compute', C: 'memory', E2: 'memory (narrow rows, 4-row blocks)', E4: 'memory' };

/** Bitwise equality of two float arrays (NaN equals NaN, -0 differs from 0). */
export function sameBits(a, b) {
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** How many values differ between a and b, and the largest difference (for the JSON when not identical). */
export function difference(a, b) {
  if (!a || !b || a.length !== b.length) return { differ: null, maxAbs: null, note: 'lengths differ' };
  let differ = 0, maxAbs = 0;
  for (let i = 0; i < a.length; i++) {
    if (Object.is(a[i], b[i])) continue;
    differ++;
    maxAbs = Math.max(maxAbs, Math.abs(a[i] - b[i]));
  }
  return { differ, maxAbs };
}

/**
 * A 1-thread and a 2-thread sample per round, for at least this many rounds and this long (a full
 * run); a sample spans at least 20 ms, so that another process's burst falls inside one.
 */
const PAIR_BUDGET = { minRounds: 7, maxRounds: 200, maxTimeMs: 6000, warmupMs: 300, minSampleMs: 20 };

/**
 * Times the variants ({ threads, run } each, run sync or async), interleaved. Each variant's first
 * call has already been made by the caller (from the shared start, for the identity check) and
 * tells how long a call takes: slow calls get fewer rounds, as the harness gives them fewer
 * samples. Returns { [threads]: stats } (ms per call) and the paired speedup.
 */
export async function timeInterleaved(variants, firstMs) {
  const slowest = Math.max(...firstMs);
  const plan = budgetFor(slowest);
  const quick = isQuick();
  let b;
  if (quick) b = { minRounds: 1, maxRounds: 1, maxTimeMs: 0, warmupMs: 0, minSampleMs: 2 };
  else if (plan === null) b = null; // one call takes over 8 s: its first call is its figure
  else if (plan.minSamples) b = { minRounds: Math.max(3, plan.minSamples), maxRounds: Math.max(3, plan.minSamples), maxTimeMs: 0, warmupMs: 0, minSampleMs: 0 };
  else b = PAIR_BUDGET;
  const call = async (fn) => {
    const r = fn();
    if (r && typeof r.then === 'function') await r;
  };
  const samples = variants.map(() => []);
  if (b === null) {
    return finish(variants, firstMs.map((ms) => [ms]), firstMs.map(() => 1), true);
  }
  // Warm-up (the JIT, the pool's workers at their first wait) and calls per sample, per variant.
  const perSample = [];
  for (let v = 0; v < variants.length; v++) {
    const w0 = performance.now();
    let calls = 0, t = w0;
    while (t - w0 < b.warmupMs && calls < 1000) {
      await call(variants[v].run);
      calls++;
      t = performance.now();
    }
    const per = calls > 0 ? (t - w0) / calls : firstMs[v];
    perSample.push(Math.max(1, Math.min(10_000, Math.ceil(b.minSampleMs / Math.max(per, 1e-4)))));
  }
  const start = performance.now();
  for (let round = 0; round < b.maxRounds; round++) {
    if (round >= b.minRounds && performance.now() - start >= b.maxTimeMs) break;
    const order = round % 2 === 0 ? variants.map((_, i) => i) : variants.map((_, i) => variants.length - 1 - i);
    for (const v of order) {
      const s0 = performance.now();
      for (let i = 0; i < perSample[v]; i++) await call(variants[v].run);
      samples[v].push((performance.now() - s0) / perSample[v]);
    }
  }
  return finish(variants, samples, perSample, false);
}

function finish(variants, samples, perSample, firstRunOnly) {
  const stats = {};
  variants.forEach((v, i) => {
    stats[v.key ?? v.threads] = { ...summarize(samples[i], perSample[i]), ...(firstRunOnly ? { firstRunOnly: true } : {}) };
  });
  // The paired speedup: per round, the 1-thread sample over the 2-thread one; their median.
  const ratios = samples[0].map((s, r) => s / samples[1][r]).sort((a, b) => a - b);
  const mid = (ratios.length - 1) / 2;
  const pairedSpeedup = (ratios[Math.floor(mid)] + ratios[Math.ceil(mid)]) / 2;
  return { stats, pairedSpeedup };
}

/**
 * One threads row: `make(threads)` -> { run, result?() } for each count; a `setup` done once before
 * (shared data) and a `teardown` after. The first call of each count starts from the same state
 * (make resets it) and its result(), a float array, is compared across counts bit for bit.
 */
export async function threadsRow(group, { name, mode, api, note, setup, make, teardown, expectIdentical = true, compareTo, goalRow = false }) {
  const row = { name, mode, api, note: note ?? null, goalRow };
  gc();
  let shared = null;
  const variants = [], firstMs = [], results = [];
  try {
    shared = setup ? await setup() : null;
    for (const threads of COUNTS) {
      const v = await make(threads, shared);
      const t0 = performance.now();
      const r = v.run();
      if (r && typeof r.then === 'function') await r;
      firstMs.push(performance.now() - t0);
      results.push(v.result ? v.result() : null);
      variants.push({ threads, run: v.run, engineThreads: v.threads?.() ?? threads, extra: v.info?.() ?? null, dispose: v.dispose });
    }
    row.threads = Object.fromEntries(variants.map((v) => [v.threads, v.engineThreads]));
    if (variants.some((v) => v.extra)) row.info = Object.fromEntries(variants.map((v) => [v.threads, v.extra]));
    if (results[0]) {
      row.identical = sameBits(results[0], results[1]);
      row.expectIdentical = expectIdentical;
      if (!row.identical) row.difference = difference(results[0], results[1]);
      if (compareTo) {
        // Each count's parameters against another fit's (message mode against shared mode on 1 thread).
        row.identicalTo = { what: compareTo.what };
        COUNTS.forEach((t, i) => {
          row.identicalTo[t] = sameBits(results[i], compareTo.values);
          if (!row.identicalTo[t]) row.identicalTo[`difference${t}`] = difference(results[i], compareTo.values);
        });
      }
    }
    row.results = results;
    const { stats, pairedSpeedup } = await timeInterleaved(variants, firstMs);
    row.stats = stats;
    row.speedup = stats[1].medianMs / stats[2].medianMs;
    row.pairedSpeedup = pairedSpeedup;
    log(`  ${name.padEnd(40)} 1 thread ${fmtMs(stats[1].medianMs).padStart(8)} ms, 2 threads ${fmtMs(stats[2].medianMs).padStart(8)} ms: ` +
      `${row.speedup.toFixed(2)}x (paired ${pairedSpeedup.toFixed(2)}x, n=${stats[1].samples})` +
      (row.identical === undefined ? '' : row.identical ? ', identical' : row.expectIdentical ? ', NOT identical' : ', not identical'));
  } catch (e) {
    row.error = String(e?.message ?? e).split('\n')[0].slice(0, 200);
    log(`  ${name.padEnd(40)} failed: ${row.error}`);
  } finally {
    try {
      for (const v of variants) v.dispose?.();
      await teardown?.(shared);
    } catch {
      // a failed teardown is not worth a failed run
    }
  }
  delete row.results;
  group.rows.push(row);
  return row;
}
