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
import { seedState, Xoshiro128, fillNormal } from '../dist/rng.js';
import { createNet, createOptimizer } from '../dist/engine/net.js';
import { uploadMatrix } from '../dist/models/rows.js';
import { readCsv } from '../dist/data/csv.js';
import { existsSync } from 'node:fs';

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

/**
 * A network resident on every backend with the same seeded parameters and training rows X
 * (row-major, d columns) and targets: class indices (softmax) or 0/1 rows of K (sigmoid).
 */
function residentNet(spec, X, Y) {
  const n = X.rows;
  return Object.fromEntries(backends.map((name) => {
    const engine = getEngine(name);
    const net = createNet(engine, spec);
    const init = new Float32Array(net.layout.nParams);
    fillNormal(new Xoshiro128(7), init);
    net.params.view().set(init.map((v) => v * 0.05));
    const { buf } = uploadMatrix(engine, X);
    let Ybuf;
    if (spec.output === 'softmax') {
      Ybuf = engine.u32(n);
      Ybuf.view().set(Y);
    } else {
      const K = spec.sizes[spec.sizes.length - 1], ys = net.layout.yStride;
      Ybuf = engine.f32(n * ys);
      for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) Ybuf.view()[i * ys + k] = Y[i * K + k];
    }
    const idx = engine.u32(n);
    idx.view().set(Uint32Array.from({ length: n }, (_, i) => i));
    const rng = engine.u32(4);
    seedState(1, rng.view());
    const optimizer = createOptimizer(engine, net.layout.nParams, { kind: 'adam', lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 });
    return [name, { engine, net, data: { X: buf, Y: Ybuf, sw: null, n }, idx, rng, optimizer, rows: { X: buf, n, stride: net.layout.layers[0].inPad } }];
  }));
}

function netEpoch(batch) {
  return ({ engine, net, data, idx, rng, optimizer }) => () =>
    engine.epochNet(net, optimizer, data, idx, rng, { batch, shuffle: true, alpha: 1e-4, l2: 0, outScale: 1 });
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

{
  // (B) the multi-label model: 10,000 x 256 standard normal inputs, 10 outputs, Adam, batch 256.
  const n = 10_000, d = 256, K = 10;
  const X = new Float32Array(n * d);
  fillNormal(new Xoshiro128(3), X);
  const rng = new Xoshiro128(4);
  const Y = Float32Array.from({ length: n * K }, () => (rng.nextFloat() < 0.5 ? 1 : 0));
  const spec = { sizes: [d, K], hidden: 'identity', output: 'sigmoid', maxBatch: 256 };
  summaries.push(await suite('(B) one multi-label epoch, 10,000 x 256 -> 10, Adam, batch 256', residentNet(spec, { data: X, rows: n, cols: d }, Y), netEpoch(256)));
}

{
  // (D) MLPClassifier 64-64-10 on optdigits, Adam, batch 200.
  const dir = process.env.WASMLEARN_DATA_DIR ?? fileURLToPath(new URL('../../shared/data/', import.meta.url));
  const file = `${dir}/optdigits.tra`;
  if (existsSync(file)) {
    const { X, y } = await readCsv(file, { header: false, target: 64 });
    const scaled = { data: X.data.map((v) => v / 16), rows: X.rows, cols: X.cols };
    const spec = { sizes: [64, 64, 10], hidden: 'relu', output: 'softmax', maxBatch: 256 };
    summaries.push(await suite('(D) one MLP epoch, optdigits 3,823 x 64 -> 64 -> 10, Adam, batch 200', residentNet(spec, scaled, Uint32Array.from(y)), netEpoch(200)));
  } else {
    console.log(`(D) skipped: ${file} not found (set WASMLEARN_DATA_DIR)`);
  }
}

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
