// npm run bench: kernel- and epoch-level timings of every backend side by side in one run, with a
// roofline (a SIMD sum over the same resident X: the time to merely read the data once), so every
// figure is also a ratio. Writes bench/results/latest.json and latest.md.
import b from 'benny';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { relaunchWithRelaxedSimd } from '../dist/node-relaunch.js';
import { init, getEngine } from '../dist/engine/index.js';
import { uploadRows } from '../dist/models/rows.js';
import { makeLogistic } from '../dist/data/synthetic.js';
import { seedState } from '../dist/rng.js';

if (relaunchWithRelaxedSimd()) process.exit();

const quick = process.argv.includes('--quick');
const caseOptions = quick ? { minSamples: 2, maxTime: 0.3 } : { minSamples: 10, maxTime: 4 };
const info = await init();
const backends = info.available;
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));

/** Uploads the same data to every backend once; returns per-backend resident rows. */
function resident(n, d, seed) {
  const { X, y } = makeLogistic(n, d, seed);
  return Object.fromEntries(backends.map((name) => {
    const engine = getEngine(name);
    const rows = uploadRows(engine, X, y, null);
    const w = engine.f32(rows.stride + 4);
    return [name, { engine, rows, w }];
  }));
}

async function suite(name, perBackend, work) {
  const roofEngine = getEngine(backends.includes('wasm-simd') ? 'wasm-simd' : backends[0]);
  const roof = perBackend[roofEngine.name];
  const cases = backends.map((backend) => b.add(backend, work(perBackend[backend]), caseOptions));
  const summary = await b.suite(
    name,
    ...cases,
    b.add('roofline (SIMD sum of X)', () => roofEngine.sum(roof.rows.X, roof.rows.n * roof.rows.stride), caseOptions),
    b.cycle(),
    b.complete(),
  );
  return summary;
}

function sgdEpoch({ engine, rows, w }) {
  const idx = engine.u32(rows.n);
  idx.view().set(Uint32Array.from({ length: rows.n }, (_, i) => i));
  const rng = engine.u32(4);
  seedState(1, rng.view());
  const opts = { batch: 256, lr: 0.01, l2: 0, fitIntercept: true, shuffle: true };
  return () => engine.epochSgdLogistic(rows, idx, w, rng, opts);
}

function fullPass({ engine, rows, w }) {
  const grad = engine.f64(rows.stride + 1);
  return () => engine.lossGradLogistic(rows, w, grad);
}

const summaries = [];
summaries.push(await suite('(A) one SGD epoch, batch 256, 90,000 x 5', resident(90_000, 5, 1), sgdEpoch));
summaries.push(await suite('(C) one full-batch loss-and-gradient pass, 100,000 x 256', resident(100_000, 256, 2), fullPass));

/** Median time of one call in ms: medians, not means, because these machines are noisy. */
const ms = (r) => r.details.median * 1000;
const lines = [
  `Node ${process.version}, ${process.platform}-${process.arch}, ${new Date().toISOString().slice(0, 10)}${quick ? ' (quick run: figures are rough)' : ''}`,
  '',
];
const json = { node: process.version, date: new Date().toISOString(), quick, suites: [] };
for (const s of summaries) {
  const byName = Object.fromEntries(s.results.map((r) => [r.name, r]));
  const js = byName.js;
  const roof = byName['roofline (SIMD sum of X)'];
  lines.push(`### ${s.name}`, '', '| backend | median ms | ± % | vs js | x roofline |', '|---|---:|---:|---:|---:|');
  const rows = s.results.map((r) => ({
    name: r.name, medianMs: ms(r), rme: r.margin,
    speedupVsJs: ms(js) / ms(r), timesRoofline: ms(r) / ms(roof), samples: r.samples,
  }));
  for (const r of rows) {
    lines.push(`| ${r.name} | ${r.medianMs.toFixed(3)} | ${r.rme.toFixed(1)} | ${r.speedupVsJs.toFixed(1)}x | ${r.timesRoofline.toFixed(2)} |`);
  }
  lines.push('');
  json.suites.push({ name: s.name, results: rows });
}
mkdirSync(resultsDir, { recursive: true });
writeFileSync(`${resultsDir}latest.json`, JSON.stringify(json, null, 2) + '\n');
writeFileSync(`${resultsDir}latest.md`, lines.join('\n'));
console.log('\n' + lines.join('\n'));
