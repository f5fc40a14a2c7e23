// Runs one suite in its own process (a fresh heap and JIT for every suite, and a crash in one peer
// library cannot take the other suites down): node bench/lib/child.js <suite> <out.json> [--quick]
import { writeFileSync } from 'node:fs';
import { setBudget } from './harness.js';
import { wasmlearnBackends } from './wasmlearn.js';

const [suiteName, outFile] = process.argv.slice(2);
setBudget(process.argv.includes('--quick'));
const info = await wasmlearnBackends();
const { default: suite } = await import(`../suites/${suiteName}.js`);
const t0 = performance.now();
// A suite returns its workloads, or { workloads, threads } (the threads suite's own records).
const out = await suite();
const workloads = Array.isArray(out) ? out : out.workloads;
const { tfVersion } = await import('./tf.js');
writeFileSync(outFile, JSON.stringify({
  suite: suiteName,
  seconds: (performance.now() - t0) / 1000,
  wasmlearn: { available: info.available, unavailable: info.unavailable },
  tfjs: tfVersion(),
  workloads,
  ...(Array.isArray(out) ? {} : { threads: out.threads }),
}, (_k, v) => (v instanceof Float32Array || v instanceof Float64Array ? Array.from(v) : v)));
