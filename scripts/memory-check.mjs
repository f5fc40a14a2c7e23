#!/usr/bin/env node
// Memory as wasm32 allows, checked by hand against the built package (npm run build first):
//   node --expose-gc scripts/memory-check.mjs [--no-layers]
// 1. fits LogisticRegression({ solver: 'sgd', maxIter: 1, backend: 'wasm-simd' }) on 3,000,000 x 256
//    float32 (3.07 GB, past TLSF's old 1 GiB block and past 2 GiB of pointers),
// 2. tries 5,000,000 x 256 (5.12 GB, more than wasm32's 4 GiB): OUT_OF_MEMORY expected, before
//    anything is allocated,
// 3. fits a small set in the same process: the engine still works, and holds no more than before,
// 4. (unless --no-layers) allocates 17 Linear(4096, 4096) on wasm-scalar (past 2 GiB), disposes
//    them, then allocates again: the fuzz's first reproducer.
// Needs about 3 GB for X, 3 GB for its WASM copy and 5 GB for the 5M X (24 GiB is plenty).
// Prints times, WASM memory size and the outcome of each step; exits 1 if a step went wrong.
import { init, LogisticRegression, Linear, WasmlearnError } from '../dist/index.js';
import { getEngine } from '../dist/engine/index.js';

const COLS = 256;
const gc = globalThis.gc ?? (() => {});
let failed = false;

const fmt = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const gib = (bytes) => `${(bytes / 2 ** 30).toFixed(2)} GiB`;
const secs = (t0) => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
const rss = () => gib(process.memoryUsage().rss);
function state(engine) {
  return `WASM memory ${gib(engine.memory.buffer.byteLength)} (${fmt(engine.memory.buffer.byteLength)} bytes), ${fmt(engine.bytesInUse)} bytes in live buffers, RSS ${rss()}`;
}
function outcome(e) {
  return e instanceof WasmlearnError ? `${e.name} ${e.code}: ${e.message.replace(/^\w+: /, '')}` : `UNTYPED ${e?.constructor?.name}: ${e?.message ?? e}`;
}

/** rows x COLS uniform values in [-1, 1), and labels from a plane through them; as far as the runtime allows. */
function dataset(rows) {
  const t0 = performance.now();
  let data;
  try {
    data = new Float32Array(rows * COLS);
  } catch (e) {
    console.log(`  could not create X of ${fmt(rows)} x ${COLS} float32 (${fmt(rows * COLS * 4)} bytes) in JS: ${e.constructor.name}: ${e.message}`);
    return null;
  }
  let s = 0x9e3779b9;
  for (let i = 0; i < data.length; i++) {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    data[i] = (s >>> 0) / 2 ** 31 - 1;
  }
  const y = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) y[i] = data[i * COLS] + 0.5 * data[i * COLS + 1] - 0.25 * data[i * COLS + 2] > 0 ? 1 : 0;
  console.log(`  X ${fmt(rows)} x ${COLS} float32 = ${fmt(data.byteLength)} bytes (${gib(data.byteLength)}) made in ${secs(t0)}`);
  return { X: { data, rows, cols: COLS }, y };
}

function fitOnce(label, rows, expectCode) {
  const engine = getEngine('wasm-simd');
  console.log(`\n== ${label}: ${fmt(rows)} x ${COLS}, expecting ${expectCode ?? 'a fit'}`);
  console.log(`  before: ${state(engine)}`);
  const set = dataset(rows);
  if (!set) {
    // The runtime cannot even hold X here; the library's limit still applies to the size alone.
    const model = new LogisticRegression({ solver: 'sgd', maxIter: 1, backend: 'wasm-simd' });
    try {
      model.fit({ data: new Float32Array(0), rows, cols: COLS }, new Uint8Array(0));
      console.log('  a fit without data did not throw');
    } catch (e) {
      console.log(`  the library on the size alone: ${outcome(e)}`);
    }
    if (expectCode) return;
    failed = true;
    return;
  }
  const before = engine.bytesInUse;
  const model = new LogisticRegression({ solver: 'sgd', maxIter: 1, backend: 'wasm-simd' });
  const t0 = performance.now();
  try {
    model.fit(set.X, set.y);
    const fitTime = secs(t0);
    const t1 = performance.now();
    const acc = model.score({ data: set.X.data.subarray(0, 100_000 * COLS), rows: 100_000, cols: COLS }, set.y.subarray(0, 100_000));
    console.log(`  fit in ${fitTime}; training accuracy on the first 100,000 rows ${acc.toFixed(4)} (scored in ${secs(t1)})`);
    console.log(`  after: ${state(engine)}`);
    model.dispose();
    console.log(`  disposed: ${state(engine)}`);
    if (expectCode) failed = true;
  } catch (e) {
    console.log(`  threw after ${secs(t0)}: ${outcome(e)}`);
    console.log(`  after: ${state(engine)}`);
    const ok = e instanceof WasmlearnError && e.code === expectCode && engine.bytesInUse === before;
    console.log(`  ${ok ? 'as expected' : 'NOT as expected'}: ${engine.bytesInUse === before ? 'nothing left allocated' : `${fmt(engine.bytesInUse - before)} bytes left allocated`}`);
    if (!ok) failed = true;
  }
}

function smallFit() {
  const engine = getEngine('wasm-simd');
  console.log('\n== small fit in the same process: 2,000 x 20');
  const before = engine.bytesInUse;
  const rows = 2000, cols = 20;
  const data = new Float32Array(rows * cols).map((_, i) => Math.sin(i * 0.731));
  const y = Array.from({ length: rows }, (_, i) => (data[i * cols] - data[i * cols + 3] > 0 ? 1 : 0));
  const t0 = performance.now();
  try {
    const model = new LogisticRegression({ solver: 'sgd', maxIter: 20, backend: 'wasm-simd' }).fit({ data, rows, cols }, y);
    console.log(`  fit in ${secs(t0)}, training accuracy ${model.score({ data, rows, cols }, y).toFixed(4)}`);
    model.dispose();
    console.log(`  disposed: ${state(engine)}; ${fmt(engine.bytesInUse - before)} bytes more than before it`);
  } catch (e) {
    console.log(`  FAILED: ${outcome(e)}`);
    failed = true;
  }
}

function layers() {
  const engine = getEngine('wasm-scalar');
  console.log('\n== 17 Linear(4096, 4096) on wasm-scalar (2 x 64 MiB each), disposed, then more');
  const t0 = performance.now();
  const made = [];
  try {
    for (let i = 0; i < 17; i++) made.push(new Linear(4096, 4096, { backend: 'wasm-scalar', seed: i }));
    const last = made[made.length - 1];
    const w = last.weight.value;
    console.log(`  ${made.length} layers in ${secs(t0)}: ${state(engine)}; last weight[4095][4095] = ${w.data[w.data.length - 1].toFixed(6)}`);
    for (const l of made.splice(0)) l.dispose();
    console.log(`  all disposed: ${state(engine)}`);
    for (let i = 0; i < 17; i++) made.push(new Linear(4096, 4096, { backend: 'wasm-scalar', seed: 100 + i }));
    const out = made[16].forward({ data: new Float32Array(4096).fill(0.01), rows: 1, cols: 4096 });
    console.log(`  17 more after that, and a forward through the last: out[0] = ${out.data[0].toFixed(6)}; ${state(engine)}`);
  } catch (e) {
    console.log(`  FAILED after ${made.length} layers: ${outcome(e)}`);
    failed = true;
  } finally {
    for (const l of made) l.dispose();
    console.log(`  disposed: ${state(engine)}`);
  }
}

const info = await init();
console.log(`wasmlearn memory check, Node ${process.version}, backends ${info.available.join(', ')}`);
fitOnce('3,000,000 rows (3.07 GB of float32)', 3_000_000, null);
gc();
fitOnce('5,000,000 rows (5.12 GB of float32: more than wasm32 holds)', 5_000_000, 'OUT_OF_MEMORY');
gc();
smallFit();
if (!process.argv.includes('--no-layers')) layers();
console.log(`\n${failed ? 'FAILED' : 'all steps as expected'}`);
process.exit(failed ? 1 : 0);
