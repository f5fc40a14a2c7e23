// Node 20 and 21 run relaxed SIMD only behind a V8 flag. The command line relaunches itself with
// the flag so that it can use (and show) every backend; libraries importing wasmlearn are never
// relaunched: init() simply falls back to wasm-simd and says why.
import { spawnSync } from 'node:child_process';

export const RELAXED_SIMD_FLAG = '--experimental-wasm-relaxed-simd';

/** The smallest module using a relaxed-SIMD instruction (i32x4.relaxed_trunc_f32x4_s). */
const RELAXED_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 15, 1, 13, 0, 65, 1, 253, 15, 65, 2, 253, 15, 253, 128, 2, 11,
]);

export function hasRelaxedSimd(): boolean {
  return typeof WebAssembly === 'object' && WebAssembly.validate(RELAXED_PROBE);
}

/**
 * Reruns this process with the relaxed-SIMD flag when the runtime would accept it but lacks it.
 * Returns true when it did (the child's exit code is already set), false to carry on here.
 */
export function relaunchWithRelaxedSimd(): boolean {
  const major = Number(process.versions.node.split('.')[0]);
  if (hasRelaxedSimd() || major >= 22 || process.execArgv.includes(RELAXED_SIMD_FLAG)) return false;
  const child = spawnSync(process.execPath, [RELAXED_SIMD_FLAG, ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exitCode = child.status ?? 1;
  return true;
}
