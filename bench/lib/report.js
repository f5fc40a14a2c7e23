// Turns the suites' results into latest.json, latest.md (tables: median, spread, ratio to
// wasmlearn's best backend, ratio to the roofline) and latest.svg (a hand-written bar chart, log
// scale, one group per workload).
import { fmtMs } from './harness.js';

/**
 * The targets of the performance issues (#6, #14), checked on every run. `against`: 'tfjs' (the
 * faster TensorFlow.js backend over wasmlearn's best engine-level row, or with `api` its "via
 * fit()" row), 'tfjs-wasm', 'js' (wasmlearn's own js backend), 'scikit-learn', 'roofline' (best
 * over the memory roofline, at most), 'peak' (the fraction of the compute roofline reached, at
 * least) and 'fit' (the "via fit()" row per epoch over the same backend's engine-level epoch, at most).
 */
const TARGETS = [
  { id: 'A', against: 'tfjs', api: true, goal: 150, text: '(A) via fit() (10 epochs) vs the faster TensorFlow.js backend' },
  { id: 'A', against: 'roofline', goal: 6, text: '(A) per epoch within 6x of its roofline' },
  { id: 'C', against: 'roofline', goal: 1.25, text: '(C) within 1.25x of its roofline' },
  { id: 'B', against: 'peak', goal: 0.6, text: '(B) at 60% of the compute peak' },
  { id: 'gemm-512', against: 'peak', goal: 0.6, text: 'gemm-512 at 60% of the compute peak' },
  { id: 'B', against: 'tfjs', goal: 12, text: '(B) vs the faster TensorFlow.js backend' },
  { id: 'D', against: 'tfjs', goal: 15, text: '(D) vs the faster TensorFlow.js backend' },
  ...['A', 'B', 'C', 'D'].map((id) => ({ id, against: 'fit', goal: 1.15, text: `(${id}) fit() / its epochs` })),
  ...['gemm-128', 'gemm-512', 'sigmoid-1000', 'sigmoid-100000', 'sigmoid-1000000', 'softmax-256x10', 'softmax-16000x26', 'softmax-100000x10']
    .map((id) => ({ id, against: 'tfjs-wasm', goal: 1, text: `${id} vs TensorFlow.js wasm (XNNPACK)` })),
  { id: 'E3', against: 'scikit-learn', goal: 4, text: '(E3) L-BFGS to convergence vs scikit-learn' },
  { id: 'A', against: 'js', goal: 5, text: '(A) vs its own js backend' },
  { id: 'B', against: 'js', goal: 10, text: '(B) vs its own js backend' },
  { id: 'C', against: 'js', goal: 10, text: '(C) vs its own js backend' },
];

const PEERS = {
  tfjs: (c) => c.family === 'tfjs',
  'tfjs-wasm': (c) => c.name === 'tfjs wasm',
  js: (c) => c.name === 'wasmlearn js',
  'scikit-learn': (c) => c.family === 'scikit-learn',
};

/** A wasmlearn row that times the engine's kernels, not a public API call ('api': fit() on a typed array, 'api-resident': on an allocMatrix). */
const engineLevel = (c) => !String(c.level ?? '').startsWith('api');

/** A workload's "via fit()" row (of `level`), or null. */
const fitRow = (wl, level = 'api') => wl.contenders.find((c) => ok(c) && c.level === level) ?? null;

/** fit() per epoch over the engine-level epoch of the same backend: what a fit costs beyond its epochs. */
export function fitOverEpochs(wl, level = 'api') {
  const fit = fitRow(wl, level);
  const epoch = fit && wl.contenders.find((c) => ok(c) && c.family === 'wasmlearn' && engineLevel(c) && c.backend === fit.backend);
  return epoch ? { ratio: fit.stats.medianMs / epoch.stats.medianMs, fit, epoch } : null;
}

const ok = (c) => c.stats && !c.error && !c.na;
/** Text for a markdown table cell: pipes escaped. */
const cell = (s) => String(s).replace(/\|/g, '\\|');

/** The fastest engine-level wasmlearn row of a workload. */
export function bestWasmlearn(wl) {
  const rows = wl.contenders.filter((c) => ok(c) && c.family === 'wasmlearn' && engineLevel(c));
  return rows.reduce((a, b) => (a && a.stats.medianMs <= b.stats.medianMs ? a : b), null);
}

/** Adds ratios to every row: vsBest (median / best wasmlearn median) and xRoofline. */
export function annotate(workloads) {
  for (const wl of workloads) {
    const best = bestWasmlearn(wl);
    wl.best = best ? { name: best.name, backend: best.backend, medianMs: best.stats.medianMs } : null;
    const roof = wl.roofline?.stats.medianMs;
    for (const c of wl.contenders) {
      if (!ok(c)) continue;
      c.vsBest = best ? c.stats.medianMs / best.stats.medianMs : null;
      c.xRoofline = roof ? c.stats.medianMs / roof : null;
    }
    if (wl.roofline && best) wl.roofline.vsBest = roof / best.stats.medianMs;
  }
  return workloads;
}

export function checkTargets(workloads) {
  const byId = Object.fromEntries(workloads.map((w) => [w.id, w]));
  return TARGETS.map((t) => {
    const wl = byId[t.id];
    const best = wl && bestWasmlearn(wl);
    if (!best) return { ...t, ratio: null, met: false, detail: 'not measured' };
    if (t.against === 'roofline') {
      const ratio = wl.roofline ? best.stats.medianMs / wl.roofline.stats.medianMs : null;
      return { ...t, ratio, met: ratio !== null && ratio <= t.goal, detail: `${best.name} ${fmtMs(best.stats.medianMs)} ms vs roofline ${fmtMs(wl.roofline?.stats.medianMs)} ms` };
    }
    if (t.against === 'peak') {
      if (!wl.compute) return { ...t, ratio: null, met: false, detail: 'compute peak not measured' };
      const ratio = wl.compute.ms / best.stats.medianMs;
      return { ...t, ratio, met: ratio >= t.goal, detail: `${best.name} ${fmtMs(best.stats.medianMs)} ms vs ${fmtMs(wl.compute.ms)} ms at ${wl.compute.peak.toFixed(1)} GFLOP/s` };
    }
    if (t.against === 'fit') {
      const f = fitOverEpochs(wl);
      if (!f) return { ...t, ratio: null, met: false, detail: 'no via fit() row' };
      return { ...t, ratio: f.ratio, met: f.ratio <= t.goal, detail: `${f.fit.name} ${fmtMs(f.fit.stats.medianMs)} ms per epoch vs ${f.epoch.name} ${fmtMs(f.epoch.stats.medianMs)} ms` };
    }
    const ours = t.api ? fitRow(wl) : best;
    if (!ours) return { ...t, ratio: null, met: false, detail: 'not measured' };
    const peers = wl.contenders.filter((c) => ok(c) && PEERS[t.against](c));
    const peer = peers.reduce((a, b) => (a && a.stats.medianMs <= b.stats.medianMs ? a : b), null);
    if (!peer) return { ...t, ratio: null, met: false, detail: 'peer not measured' };
    const ratio = peer.stats.medianMs / ours.stats.medianMs;
    return { ...t, ratio, met: ratio >= t.goal, detail: `${ours.name} ${fmtMs(ours.stats.medianMs)} ms vs ${peer.name} ${fmtMs(peer.stats.medianMs)} ms` };
  });
}

const x = (r) => (r === null || r === undefined ? '' : r >= 100 ? `${r.toFixed(0)}x` : r >= 10 ? `${r.toFixed(1)}x` : `${r.toFixed(2)}x`);
const num = (v, digits = 5) => (v === undefined || v === null ? '' : Math.abs(v) < 1e-3 && v !== 0 ? v.toExponential(1) : v.toFixed(digits));

function resultCell(c) {
  const parts = [];
  if (c.loss !== undefined) parts.push(num(c.loss));
  if (c.accuracy !== undefined && c.nIter !== undefined) parts.push(`acc ${c.accuracy.toFixed(4)}`);
  if (c.nIter !== undefined) parts.push(`${c.nIter} it${c.converged === false ? ' (cap)' : ''}`);
  if (c.check !== undefined && c.check !== null) parts.push(`err ${num(c.check, 2)}`);
  return parts.join(', ');
}

function noteCell(c) {
  const bits = [];
  if (c.variant) {
    const other = Object.entries(c.variantTimes ?? {}).filter(([k]) => k !== c.variant).map(([k, v]) => `${k} ${fmtMs(v)} ms`);
    bits.push(`${c.variant}${other.length ? ` (faster than ${other.join(', ')})` : ''}`);
  }
  if (c.tfWasm) bits.push(`SIMD ${c.tfWasm.simd ? 'on' : 'off'}, threads ${c.tfWasm.threads ? 'on' : 'off'}`);
  if (c.note) bits.push(c.note);
  if (c.stats?.firstRunOnly) bits.push('timed by its first run alone (slow)');
  return bits.join('; ').replace(/\|/g, '\\|');
}

function workloadTable(wl) {
  const lines = [`#### ${wl.title}`, ''];
  if (wl.skipped) return [...lines, `Skipped: ${wl.skipped}`, ''];
  lines.push(`| contender | median ${wl.unit.replace('ms ', '')} (ms) | IQR % | n | x wasmlearn best | x roofline | ${cell(wl.lossLabel)} | notes |`);
  lines.push('|---|---:|---:|---:|---:|---:|---|---|');
  const rows = [...wl.contenders].sort((a, b) => (ok(a) ? a.stats.medianMs : Infinity) - (ok(b) ? b.stats.medianMs : Infinity));
  for (const c of rows) {
    const name = wl.best && c.name === wl.best.name ? `**${c.name}**` : c.name;
    if (c.na) lines.push(`| ${name} | n/a | | | | | | ${c.na.replace(/\|/g, '\\|')} |`);
    else if (c.error) lines.push(`| ${name} | failed | | | | | | ${c.error.replace(/\|/g, '\\|')} |`);
    else {
      lines.push(`| ${name} | ${fmtMs(c.stats.medianMs)} | ${c.stats.iqrPct.toFixed(1)} | ${c.stats.samples} | ${x(c.vsBest)} | ${x(c.xRoofline)} | ${resultCell(c)} | ${noteCell(c)} |`);
    }
  }
  if (wl.roofline) {
    const r = wl.roofline;
    lines.push(`| roofline: SIMD sum of X (${(r.bytes / 1e6).toFixed(1)} MB) | ${fmtMs(r.stats.medianMs)} | ${r.stats.iqrPct.toFixed(1)} | ${r.stats.samples} | ${x(r.vsBest)} | 1.00x | | the time to read the data once |`);
  }
  if (wl.compute) {
    const c = wl.compute;
    lines.push(`| compute roofline: ${(c.flops / 1e6).toFixed(1)} MFLOP at the f32x4 FMA peak (${c.peak.toFixed(1)} GFLOP/s) | ${fmtMs(c.ms)} | | | ${x(wl.best ? c.ms / wl.best.medianMs : null)} | | | the time to do the arithmetic once at one core's measured peak (bench/peak/fma.ts) |`);
  }
  for (const n of wl.notes ?? []) lines.push('', n);
  lines.push('');
  return lines;
}

const COLUMNS = [
  ['js', (c) => c.name === 'wasmlearn js'],
  ['tfjs cpu', (c) => c.name === 'tfjs cpu'],
  ['tfjs wasm', (c) => c.name === 'tfjs wasm'],
  ['ml.js', (c) => c.family === 'ml.js'],
  ['scikit-learn', (c) => c.family === 'scikit-learn'],
];

/** One row per workload: the best wasmlearn time, then each peer's time and how many times slower. */
function summaryTable(workloads) {
  const lines = [
    `| workload | wasmlearn best (ms) | ${COLUMNS.map(([h]) => h).join(' | ')} | roofline (ms) | fit() / its epochs |`,
    `|---|---:|${COLUMNS.map(() => '---:').join('|')}|---:|---:|`,
  ];
  for (const wl of workloads) {
    if (wl.skipped) {
      lines.push(`| ${wl.id} | skipped | ${COLUMNS.map(() => '').join(' | ')} | | |`);
      continue;
    }
    const best = bestWasmlearn(wl);
    const cells = COLUMNS.map(([, pick]) => {
      const c = wl.contenders.find(pick);
      if (!c || c.na) return 'n/a';
      if (c.error) return 'failed';
      return `${fmtMs(c.stats.medianMs)} (${x(c.vsBest)})`;
    });
    const roof = wl.roofline ? `${fmtMs(wl.roofline.stats.medianMs)} (best = ${x(best.stats.medianMs / wl.roofline.stats.medianMs)})` : '';
    const f = fitOverEpochs(wl);
    const r = fitOverEpochs(wl, 'api-resident');
    const fit = f ? `${x(f.ratio)} (${fmtMs(f.fit.stats.medianMs)} ms per epoch)${r ? `; on allocMatrix ${x(r.ratio)}` : ''}` : '';
    lines.push(`| ${wl.id} | ${best ? `${fmtMs(best.stats.medianMs)} ${best.backend}` : '—'} | ${cells.join(' | ')} | ${roof} | ${fit} |`);
  }
  return lines;
}

export function targetsTable(targets) {
  const lines = ['| target | goal | measured | met | from |', '|---|---:|---:|:---:|---|'];
  for (const t of targets) {
    const goal = t.against === 'roofline' || t.against === 'fit' ? `≤ ${t.goal}x` : t.against === 'peak' ? `≥ ${t.goal * 100}%` : `≥ ${t.goal}x`;
    const measured = t.ratio === null ? '—' : t.against === 'peak' ? `${(t.ratio * 100).toFixed(0)}%` : x(t.ratio);
    lines.push(`| ${t.text} | ${goal} | ${measured} | ${t.met ? 'yes' : '**no**'} | ${t.detail} |`);
  }
  return lines;
}

// ---------------------------------------------------------------- Threads (#15)

/** Every threads row with a goal: the goal row(s) of a workload the issue set a goal for, measured or not. */
export function checkThreadsTargets(threads) {
  if (!threads) return [];
  const out = [];
  for (const g of threads.groups) {
    if (g.goal === null || g.goal === undefined) continue;
    if (g.skipped) {
      out.push({ id: g.id, row: null, mode: null, bound: g.bound, goal: g.goal, speedup: null, met: false, detail: `skipped: ${g.skipped}` });
      continue;
    }
    for (const r of g.rows.filter((row) => row.goalRow)) {
      const base = { id: g.id, row: r.name, mode: r.mode, bound: g.bound, goal: g.goal };
      if (r.error) out.push({ ...base, speedup: null, met: false, detail: `failed: ${r.error}` });
      else {
        out.push({
          ...base, speedup: r.speedup, pairedSpeedup: r.pairedSpeedup, met: r.speedup >= g.goal,
          identical: r.identical ?? null,
          detail: `${fmtMs(r.stats[1].medianMs)} ms on 1 thread, ${fmtMs(r.stats[2].medianMs)} ms on 2`,
        });
      }
    }
  }
  return out;
}

const COUNTS_COMPARED = [1, 2];

const threadsCount = (r) => {
  const got = r.threads ?? {};
  const fewer = Object.entries(got).filter(([asked, ran]) => Number(ran) < Number(asked));
  return fewer.length ? `ran on ${fewer.map(([asked, ran]) => `${ran} thread(s) when ${asked} were asked for`).join(', ')}` : '';
};

/** A message-mode row's exchange: the rows' load, and per gradient the wall time over the slowest shard's compute. */
const exchangeNote = (r) => Object.entries(r.exchange ?? {}).filter(([, c]) => c).map(([n, c]) =>
  `exchange on ${n} thread(s) (${c.shards} shard(s)): load ${fmtMs(c.loadMs)} ms, per gradient ${fmtMs(c.gradientMs)} ms of which ${fmtMs(c.computeMs)} ms the slowest shard's compute (median of ${c.gradients})`).join('; ');

function identicalCell(r) {
  if (r.identical === undefined) return '';
  // The same bits on any thread count: nThreads' promise, in either mode.
  let out = r.identical ? 'yes' : r.expectIdentical ? '**no**' : 'no';
  if (!r.identical && r.difference?.differ != null) out += ` (${r.difference.differ} values, max ${num(r.difference.maxAbs, 2)})`;
  if (r.identicalTo) {
    const same = COUNTS_COMPARED.filter((t) => r.identicalTo[t]);
    const to = same.length === COUNTS_COMPARED.length ? 'both the same bits as' : same.length ? `on ${same[0]} thread${same[0] > 1 ? 's' : ''} (only) the same bits as` : 'neither the same bits as';
    out += `; ${to} ${r.identicalTo.what}`;
  }
  return out;
}

/** The Threads section: every row of the threads suite, its speedup and, where the issue set one, its goal. */
export function threadsSection(threads, quick) {
  if (!threads) return [];
  const lines = [
    '## Threads', '',
    `The best backend (${threads.backend}) on 1 and on 2 threads, after \`init({ threads: 2 })\` (${threads.init.count} thread(s), mode ${threads.init.mode}).`,
    'Both counts are timed in the same process, interleaved (a sample on 1, a sample on 2, the next round in the other order);',
    '**speedup = the 1-thread median over the 2-thread median** (above 1: faster on 2; the 2-thread time over the 1-thread time is its inverse),',
    '"paired" is the median of the per-round ratios. Shared mode: `engine.withThreads(n)` for the engine-level rows, `nThreads: n` for the fits;',
    'message mode: `fitAsync` with `nThreads: n` after `init({ threads: 2, threadsMode: \'message\' })`. "identical": the parameters (loss and gradient',
    'for the pass) came out the same bits on 1 and 2 threads, from the same start, as nThreads promises (shared mode must; message mode',
    'promises it too, and its fits are also compared with the shared-mode fit on 1 thread). Goals (#15): at least 1.8x at 2 threads on the',
    'compute-bound workloads (B, D, E3), at least 1.3x on the memory-bound one (C); E2 and E4 have none. Every other table of this',
    'report runs on one thread.', '',
  ];
  if (quick) lines.push('QUICK RUN: one sample each, with another suite running beside it: these speedups mean nothing.', '');
  lines.push('| workload | bound | row | mode | 1 thread (ms) | 2 threads (ms) | speedup | paired | goal | met | identical | notes |');
  lines.push('|---|---|---|---|---:|---:|---:|---:|---:|:---:|---|---|');
  for (const g of threads.groups) {
    if (g.skipped) {
      lines.push(`| ${g.id} | ${g.bound ?? ''} | | | | | | | ${g.goal ? `≥ ${g.goal}x` : ''} | skipped | | ${cell(g.skipped)} |`);
      continue;
    }
    for (const r of g.rows) {
      const goal = r.goalRow && g.goal ? `≥ ${g.goal}x` : '';
      const head = `| ${g.id} | ${g.bound ?? ''} | ${cell(r.name)} | ${r.mode} |`;
      if (r.error) {
        lines.push(`${head} failed | | | | ${goal} | ${goal ? '**no**' : ''} | | ${cell(r.error)} |`);
        continue;
      }
      const met = goal ? (r.speedup >= g.goal ? 'yes' : '**no**') : '';
      const it = r.info?.[1]?.nIter !== undefined ? [r.info[1].nIter, r.info[2].nIter] : null;
      const iters = it ? (it[0] === it[1] ? `nIter ${it[0]} on both` : `nIter ${it[0]} on 1 thread, **${it[1]} on 2**`) : '';
      const first = r.stats[1].firstRunOnly ? 'timed by its first run alone (slow)' : `n = ${r.stats[1].samples}, IQR ${r.stats[1].iqrPct.toFixed(0)}% / ${r.stats[2].iqrPct.toFixed(0)}%`;
      const notes = [r.note, iters, threadsCount(r), exchangeNote(r), first].filter(Boolean).join('; ');
      lines.push(`${head} ${fmtMs(r.stats[1].medianMs)} | ${fmtMs(r.stats[2].medianMs)} | ${x(r.speedup)} | ${x(r.pairedSpeedup)} | ${goal} | ${met} | ${identicalCell(r)} | ${cell(notes)} |`);
    }
  }
  lines.push('');
  return lines;
}

/** The threads goals as the console prints them. */
export function threadsTargetsTable(targets) {
  const lines = ['| threads target | goal | speedup at 2 threads | met | from |', '|---|---:|---:|:---:|---|'];
  for (const t of targets) {
    const met = t.met ? 'yes' : '**no**';
    lines.push(`| (${t.id}) ${t.bound}${t.row ? `: ${t.row}` : ''} | ≥ ${t.goal}x | ${t.speedup === null ? '—' : x(t.speedup)} | ${met} | ${cell(t.detail)} |`);
  }
  return lines;
}

export function machineLine(env) {
  return `${env.cpu} (${env.cores} cores, ${env.memGB} GB), ${env.os}, Node ${env.node} (V8 ${env.v8}), ${env.date}` +
    `${env.quick ? ' — QUICK RUN: rough figures, (E) capped at 20 iterations' : ''}`;
}

export function markdown(report) {
  const { env, workloads, targets } = report;
  const training = workloads.filter((w) => !w.kernel);
  const kernels = workloads.filter((w) => w.kernel);
  const lines = [
    '# wasmlearn benchmark', '',
    `Machine: ${machineLine(env)}.`,
    `Versions: wasmlearn ${env.versions.wasmlearn}, @tensorflow/tfjs ${env.versions.tfjs ?? 'not installed'}, ml-logistic-regression ${env.versions.mlLogisticRegression ?? 'not installed'}, scikit-learn ${env.sklearn.version ?? `not run (${env.sklearn.reason})`}.`,
    `wasmlearn backends: ${env.wasmlearn.available.join(', ')}${Object.keys(env.wasmlearn.unavailable ?? {}).length ? `; unavailable: ${Object.entries(env.wasmlearn.unavailable).map(([k, v]) => `${k} (${v})`).join(', ')}` : ''}.`,
    `Whole run: ${env.seconds.toFixed(0)} s${env.load ? ` (1-minute load average ${env.load.start.toFixed(2)} at the start, ${env.load.end.toFixed(2)} at the end, on ${env.cores} cores)` : ''}. Regenerate with \`npm run bench\`.`, '',
    'Times are medians of repeated calls (IQR = interquartile range as % of the median); "x wasmlearn best" is',
    'the row\'s median over the fastest wasmlearn backend\'s (above 1: slower than wasmlearn); "x roofline" is the',
    'median over a SIMD sum of the same resident X, the time it takes merely to read the data once.',
    'Every contender trains the same model from the same initial parameters on the same data; the loss',
    'column is computed in f64 from each contender\'s resulting parameters, so nobody wins by doing less.', '',
    'Every wasmlearn row runs on one thread (`engine.withThreads(1)`, fits with `nThreads: 1`), as in the runs before threads: the',
    'single-core figures; the Threads section measures 2.', '',
    '## Targets', '', ...targetsTable(targets), '',
    ...(report.threadsTargets?.length ? ['Threads (#15), from the Threads section:', '', ...threadsTargetsTable(report.threadsTargets), ''] : []),
    '## Summary', '', 'Each peer\'s median, and in brackets how many times slower than wasmlearn\'s best backend.', '',
    ...summaryTable(training), '',
    ...threadsSection(report.threads, env.quick),
    '## Workloads', '',
  ];
  for (const wl of training) lines.push(...workloadTable(wl));
  if (kernels.length) {
    lines.push('## Kernels', '', 'Engine-level kernels at three sizes; the error column is the largest difference from an f64 oracle relative to the largest reference value.', '');
    lines.push(...summaryTable(kernels).map((l) => l.replace('| workload |', '| kernel |')), '');
    for (const wl of kernels) lines.push(...workloadTable(wl));
  }
  if (report.sklearnInfo) lines.push('## scikit-learn', '', report.sklearnInfo, '');
  return lines.join('\n');
}

// ---------------------------------------------------------------- SVG

const COLORS = {
  'wasmlearn wasm-relaxed': '#08519c',
  'wasmlearn wasm-simd': '#3182bd',
  'wasmlearn wasm-scalar': '#6baed6',
  'wasmlearn js': '#9ecae1',
  'tfjs cpu': '#fd8d3c',
  'tfjs wasm': '#d94801',
  'ml.js': '#756bb1',
  'scikit-learn': '#31a354',
  roofline: '#bdbdbd',
};
const colorOf = (c) => COLORS[c.name] ?? (engineLevel(c) ? '#969696' : '#41b6c4');
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A horizontal bar chart, log-scale ms, one group per (training) workload. */
export function svg(report) {
  const groups = report.workloads.filter((w) => !w.kernel && !w.skipped).map((wl) => {
    const bars = [...wl.contenders].filter(ok).sort((a, b) => a.stats.medianMs - b.stats.medianMs)
      .map((c) => ({ label: c.name, ms: c.stats.medianMs, color: colorOf(c), ratio: c.vsBest, best: wl.best && c.name === wl.best.name }));
    if (wl.roofline) bars.push({ label: 'roofline (read X once)', ms: wl.roofline.stats.medianMs, color: COLORS.roofline, ratio: null });
    return { title: wl.title, bars };
  });
  const all = groups.flatMap((g) => g.bars.map((b) => b.ms)).filter((v) => v > 0);
  const lo = 10 ** Math.floor(Math.log10(Math.min(...all))), hi = 10 ** Math.ceil(Math.log10(Math.max(...all)));
  const W = 980, left = 250, right = 130, barH = 13, gap = 3, groupGap = 16, titleH = 18, top = 80;
  const plotW = W - left - right;
  const xOf = (ms) => left + ((Math.log10(ms) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * plotW;
  let y = top;
  const body = [];
  for (const g of groups) {
    body.push(`<text x="12" y="${y + 12}" class="g">${esc(g.title)}</text>`);
    y += titleH;
    for (const b of g.bars) {
      const w = Math.max(1, xOf(b.ms) - left);
      body.push(`<text x="${left - 6}" y="${y + barH - 3}" class="l"${b.best ? ' font-weight="bold"' : ''}>${esc(b.label)}</text>`);
      body.push(`<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${b.color}"><title>${esc(`${b.label}: ${fmtMs(b.ms)} ms`)}</title></rect>`);
      const ratio = b.ratio && !b.best ? ` (${x(b.ratio)})` : '';
      body.push(`<text x="${(left + w + 4).toFixed(1)}" y="${y + barH - 3}" class="v">${esc(fmtMs(b.ms))} ms${esc(ratio)}</text>`);
      y += barH + gap;
    }
    y += groupGap;
  }
  const H = y + 30;
  const axis = [];
  for (let v = lo; v <= hi * 1.0001; v *= 10) {
    const xv = xOf(v).toFixed(1);
    axis.push(`<line x1="${xv}" y1="${top - 8}" x2="${xv}" y2="${H - 26}" class="grid"/>`);
    const label = v >= 1000 ? `${v / 1000} s` : `${v >= 1 ? v : v.toPrecision(1)} ms`;
    axis.push(`<text x="${xv}" y="${top - 12}" class="a">${label}</text>`);
    axis.push(`<text x="${xv}" y="${H - 12}" class="a">${label}</text>`);
  }
  const env = report.env;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif">`,
    '<style>.g{font-size:12px;font-weight:600;fill:#222}.l{font-size:11px;text-anchor:end;fill:#333}.v{font-size:10px;fill:#444}.a{font-size:10px;text-anchor:middle;fill:#666}.grid{stroke:#ddd;stroke-dasharray:3 3}.t{font-size:14px;font-weight:700;fill:#111}.s{font-size:10.5px;fill:#555}</style>',
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="12" y="20" class="t">wasmlearn vs the field: median time per call, log scale (shorter is faster)</text>`,
    `<text x="12" y="36" class="s">${esc(machineLine(env))}.</text>`,
    `<text x="12" y="50" class="s">In brackets: times slower than wasmlearn's best backend (bold). Grey: the roofline, a SIMD sum over the same X (reading the data once).</text>`,
    ...axis,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}
