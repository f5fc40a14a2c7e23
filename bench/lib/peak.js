// The compute roofline beside the memory one: this machine's single-core f32x4 multiply-add
// throughput, measured by bench/peak/fma.ts (twelve independent chains), compiled here by asc into
// a temporary folder in two builds: relaxed SIMD (one fused relaxed_madd per step, what the
// wasm-relaxed build runs) and plain SIMD (a multiply and an add, what the wasm-simd build runs).
// A compute-bound workload is then stated as a fraction of that peak: FLOPs / time / peak.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { log, measure } from './harness.js';

const SOURCE = fileURLToPath(new URL('../peak/fma.ts', import.meta.url));
/** Rounds per call: 96 flops each, about 0.3 ms a call at 60 GFLOP/s. */
const ROUNDS = 200_000;
const FLOPS_PER_CALL = ROUNDS * 12 * 4 * 2;

async function compile(dir, name, features) {
  const { default: asc } = await import('assemblyscript/asc');
  const out = join(dir, `${name}.wasm`);
  const { error, stderr } = await asc.main([SOURCE, '-O3', '--runtime', 'stub', '--noAssert', '--enable', features, '--outFile', out]);
  if (error) throw new Error(`asc could not build the peak kernel (${name}): ${stderr.toString()}`);
  return readFileSync(out);
}

/** GFLOP/s of one build of the micro-kernel (median over the harness's samples), or null where this runtime cannot run it. */
async function gflops(bytes) {
  if (!WebAssembly.validate(bytes)) return null;
  const { instance } = await WebAssembly.instantiate(bytes, {});
  const run = () => instance.exports.fma_chains(ROUNDS, 0.999, 0.001);
  // Even a quick run warms up: the first calls run V8's baseline code, far below the peak.
  const stats = await measure(run, { minSamples: 7, maxSamples: 200, maxTimeMs: 600, warmupMs: 200, warmupCalls: undefined, minSampleMs: 2 });
  return FLOPS_PER_CALL / stats.medianMs / 1e6;
}

let cached = null;

/**
 * The measured peak, once per process: { fused, mulAdd } in GFLOP/s (fused null where relaxed SIMD
 * is off) and `peak`, the higher of the two: the compute roofline every workload is stated against.
 */
export async function computePeak() {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'wasmlearn-peak-'));
  try {
    const fused = await gflops(await compile(dir, 'peak-relaxed', 'simd,relaxed-simd'));
    const mulAdd = await gflops(await compile(dir, 'peak-simd', 'simd'));
    cached = { fused, mulAdd, peak: Math.max(fused ?? 0, mulAdd) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  log(`  ${'compute peak (f32x4 FMA)'.padEnd(28)} ${cached.peak.toFixed(1).padStart(10)} GFLOP/s  (relaxed_madd ${cached.fused?.toFixed(1) ?? 'n/a'}, mul+add ${cached.mulAdd.toFixed(1)})`);
  return cached;
}

/** Sets wl.compute: the workload's FLOPs and its time at the measured peak (the compute roofline). */
export async function measureComputeRoofline(wl, flops, what) {
  const p = await computePeak();
  wl.compute = { flops, what, ...p, ms: flops / p.peak / 1e6 };
}

/**
 * Adds the note stating each wasmlearn SIMD row of wl as a fraction of the compute peak (FLOPs /
 * time / peak), against the peak of its own instructions too (relaxed: fused, simd: mul+add).
 */
export function notePeakFractions(wl) {
  const c = wl.compute;
  if (!c) return;
  const rows = wl.contenders.filter((r) => r.family === 'wasmlearn' && r.stats && !r.error && /wasm-(relaxed|simd)$/.test(r.name));
  const bits = rows.map((r) => {
    const rate = c.flops / r.stats.medianMs / 1e6;
    const own = r.name.endsWith('relaxed') ? c.fused : c.mulAdd;
    return `${r.name} ${rate.toFixed(1)} GFLOP/s = ${((100 * rate) / c.peak).toFixed(0)}% of the peak${own && own !== c.peak ? ` (${((100 * rate) / own).toFixed(0)}% of mul+add's)` : ''}`;
  });
  wl.notes.push(`Compute roofline: ${(c.flops / 1e6).toFixed(1)} MFLOP (${c.what}) at this machine's measured single-core f32x4 peak, ${c.peak.toFixed(1)} GFLOP/s (relaxed_madd; ${c.mulAdd.toFixed(1)} with a separate multiply and add): ${c.ms.toFixed(3)} ms. ${bits.join('; ')}.`);
}
