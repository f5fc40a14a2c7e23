// Issue #11's memory check, run by hand against dist/ (npm run build first):
//   node --expose-gc scripts/memory-cycles.mjs [cycles=2000]
// For each scenario, the engine's live bytes and the WASM memory size before and after `cycles`
// repetitions, after a garbage collection and a turn of the event loop (FinalizationRegistry
// callbacks run then). Flat means no growth.
import { init, LogisticRegression, MLPClassifier, Linear, Adam, WasmlearnError } from '../dist/index.js';
import { getEngine } from '../dist/engine/index.js';

const cycles = Number(process.argv[2] ?? 2000);
if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');
await init();

const X = Array.from({ length: 64 }, (_, i) => [Math.sin(i), Math.cos(i * 0.7), (i % 7) / 7]);
const y = X.map((r) => (r[0] + r[1] > 0 ? 1 : 0));
const bad = X.map((r, i) => (i === 5 ? [NaN, ...r.slice(1)] : r));

async function settle() {
  for (let i = 0; i < 3; i++) {
    globalThis.gc();
    await new Promise((r) => setTimeout(r, 10));
  }
}

function state(backend) {
  const e = getEngine(backend);
  return { live: e.bytesInUse, wasm: e.memory?.buffer.byteLength ?? 0 };
}

const scenarios = {
  'estimator fit + dispose': (backend) => new LogisticRegression({ backend }).fit(X, y).dispose(),
  'estimator dropped without dispose': (backend) => void new MLPClassifier({ hiddenLayerSizes: [8], maxIter: 2, backend }).fit(X, y),
  'Linear(64, 64) dropped without dispose': (backend) => void new Linear(64, 64, { backend }),
  'Adam stepping a throwaway layer': (backend, adam) => adam.step(new Linear(16, 16, { backend }).parameters()),
  'error paths (NaN X, bad label, DIVERGED)': (backend) => {
    for (const fn of [
      () => new LogisticRegression({ backend }).fit(bad, y),
      () => new LogisticRegression({ backend }).fit(X, y.map((v, i) => (i === 0 ? 'x' : v))),
      () => new LogisticRegression({ solver: 'gd', learningRate: 1e308, maxIter: 2, backend }).fit(X, y),
    ]) {
      try {
        fn();
      } catch (e) {
        if (!(e instanceof WasmlearnError)) throw e;
      }
    }
  },
};

console.log(`wasmlearn memory over ${cycles} cycles per scenario, Node ${process.version}`);
for (const backend of ['wasm-simd', 'js']) {
  for (const [name, run] of Object.entries(scenarios)) {
    const adam = new Adam({ lr: 1e-3 });
    // Warm-up: the engine's shared scratch, and for dropped objects the set alive between two
    // collections (the FinalizationRegistry frees them only then), are reached once, not grown.
    for (let i = 0; i < 250; i++) run(backend, adam);
    await settle();
    const before = state(backend);
    for (let i = 0; i < cycles; i++) {
      run(backend, adam);
      if (i % 250 === 249) await settle();
    }
    await settle();
    const after = state(backend);
    const flat = after.live <= before.live && after.wasm <= before.wasm;
    console.log(`${backend.padEnd(9)} ${name.padEnd(42)} live ${before.live} -> ${after.live} bytes, WASM memory ${before.wasm} -> ${after.wasm} bytes  ${flat ? 'flat' : 'GREW'}`);
  }
}
