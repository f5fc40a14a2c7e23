// The timing harness every suite shares: warm up, calibrate how many calls make one sample, take
// samples until both a minimum count and a time budget are reached, and summarize them with the
// median and the interquartile range (these machines are shared and noisy: medians, not means).
//
// Why not benny/benchmark.js: the workloads here are stateful (an epoch moves the weights), some
// are async (TensorFlow.js model.fit), several take hundreds of milliseconds per call, and every
// contender needs a setup, a "first epoch from the shared initial parameters" whose loss we report,
// and a teardown. A 100-line loop over performance.now() does that plainly.

/** Sampling budgets. `quick` is a smoke run: the first call and one sample, rough figures. */
export const BUDGETS = {
  full: { minSamples: 7, maxSamples: 200, maxTimeMs: 2500, warmupMs: 300, minSampleMs: 5 },
  quick: { minSamples: 1, maxSamples: 1, maxTimeMs: 0, warmupMs: 0, warmupCalls: 0, minSampleMs: 2 },
};

let budget = BUDGETS.full;
export function setBudget(quick) {
  budget = quick ? BUDGETS.quick : BUDGETS.full;
}
export function isQuick() {
  return budget === BUDGETS.quick;
}

/** Collects garbage between contenders when node runs with --expose-gc (the children do). */
export function gc() {
  globalThis.gc?.();
}

function quantile(sorted, q) {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Median, quartiles, extremes and the IQR as a percentage of the median, all in ms per call. */
export function summarize(samples, callsPerSample) {
  const s = [...samples].sort((a, b) => a - b);
  const median = quantile(s, 0.5);
  const p25 = quantile(s, 0.25), p75 = quantile(s, 0.75);
  return {
    medianMs: median, p25Ms: p25, p75Ms: p75, minMs: s[0], maxMs: s[s.length - 1],
    iqrPct: median > 0 ? ((p75 - p25) / median) * 100 : 0, samples: s.length, callsPerSample,
  };
}

/**
 * Times fn (sync, or returning a promise) and returns summarize(...) of ms per call. Calls that
 * take less than minSampleMs are batched so one sample spans at least that long.
 * `opts` may override any budget field (a contender that takes seconds asks for fewer samples).
 */
export async function measure(fn, opts = {}) {
  const b = { ...budget, ...opts };
  const call = async () => {
    const r = fn();
    if (r && typeof r.then === 'function') await r;
  };
  // Warm-up: one call (the JIT, tfjs' kernel caches) unless the caller already made it, then more
  // until warmupMs has passed; it also tells how long one call takes.
  const w0 = performance.now();
  let calls = 0;
  let t = w0;
  while (calls < (b.warmupCalls ?? 1) || (t - w0 < b.warmupMs && calls < 1000)) {
    await call();
    calls++;
    t = performance.now();
  }
  const perCall = calls > 0 ? (t - w0) / calls : (b.knownMs ?? 1);
  const callsPerSample = Math.max(1, Math.min(10_000, Math.ceil(b.minSampleMs / Math.max(perCall, 1e-4))));
  const samples = [];
  const start = performance.now();
  while (samples.length < b.minSamples || (performance.now() - start < b.maxTimeMs && samples.length < b.maxSamples)) {
    const s0 = performance.now();
    for (let i = 0; i < callsPerSample; i++) await call();
    samples.push((performance.now() - s0) / callsPerSample);
  }
  return summarize(samples, callsPerSample);
}

/**
 * How to time a call whose first run took `ms`: slow contenders get fewer samples (the first run
 * served as their warm-up), and a call slower than 8 s (1 s in a quick run) is timed by that first
 * run alone, marked n = 1 in the report.
 */
export function budgetFor(ms) {
  if (ms > (isQuick() ? 1000 : 8000)) return null;
  if (isQuick()) return { knownMs: ms };
  if (ms > 1500) return { minSamples: 2, maxTimeMs: 0, warmupMs: 0, warmupCalls: 0, knownMs: ms };
  if (ms > 400) return { minSamples: 4, maxTimeMs: 0, warmupMs: 0, warmupCalls: 0, knownMs: ms };
  return { knownMs: ms };
}

export function log(...args) {
  console.log(...args);
}

/**
 * Runs one contender of a workload: setup() returns { run, params?, loss?, check?, info?, teardown? }.
 * The harness first calls run() once from the shared initial state (its loss is what we report,
 * so nobody wins by doing less), then times run(). Any failure is recorded, not thrown: one broken
 * peer must not take the whole benchmark down. A run that does `perRun` units of the workload (a
 * fit of 10 epochs) is reported per unit, so it sits beside the per-epoch rows.
 */
export async function runContender(workload, { name, family, backend, setup, evaluate, note, budget: overrides, perRun = 1, ...extra }) {
  const entry = { name, family, backend: backend ?? null, note: note ?? null, ...extra };
  if (perRun !== 1) entry.perRun = perRun;
  gc();
  let state;
  try {
    state = await setup();
    const t0 = performance.now();
    const first = await state.run();
    const firstMs = performance.now() - t0;
    if (evaluate) Object.assign(entry, await evaluate(state, first));
    let plan = budgetFor(firstMs);
    if (plan && overrides && !isQuick()) plan = { ...overrides, ...plan };
    entry.stats = perUnit(plan ? await measure(state.run, plan) : { ...summarize([firstMs], 1), firstRunOnly: true }, perRun);
    if (state.info) Object.assign(entry, state.info());
    log(`  ${name.padEnd(28)} ${fmtMs(entry.stats.medianMs).padStart(10)} ms  (IQR ${entry.stats.iqrPct.toFixed(1)}%, n=${entry.stats.samples})` +
      (entry.loss !== undefined ? `  loss ${entry.loss.toFixed(5)}` : ''));
  } catch (e) {
    entry.error = String(e?.message ?? e).split('\n')[0].slice(0, 200);
    log(`  ${name.padEnd(28)} failed: ${entry.error}`);
  } finally {
    try {
      await state?.teardown?.();
    } catch {
      // a failed teardown is not worth a failed run
    }
  }
  workload.contenders.push(entry);
  return entry;
}

/** Stats of runs that each did `units` units of work, per unit. */
function perUnit(stats, units) {
  if (units === 1) return stats;
  const s = { ...stats };
  for (const k of ['medianMs', 'p25Ms', 'p75Ms', 'minMs', 'maxMs']) s[k] /= units;
  return s;
}

export function fmtMs(ms) {
  if (!Number.isFinite(ms)) return '—';
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  if (ms >= 1) return ms.toFixed(2);
  if (ms >= 0.01) return ms.toFixed(3);
  return ms.toExponential(2);
}

/** A workload record as the reporter reads it. */
export function workload(id, title, fields = {}) {
  return { id, title, contenders: [], roofline: null, notes: [], ...fields };
}
