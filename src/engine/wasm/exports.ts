// The exports of build/{scalar,simd,relaxed}.wasm (assembly/index.ts): pointers and counts only.
// One table, WASM_FUNCTIONS, names each exported function with its parameter count; the types
// are checked against it, and bindExports checks a loaded build against it.
import { fail } from '../../core/errors.js';
import { guarded } from '../guard.js';
import { KERNEL_NAMES, KERNEL_PARAMS, SUFFIX, type KernelTable, type ParamCounts } from '../kernels.js';

/** A WebAssembly build: relaxed SIMD, SIMD or scalar (build/relaxed.wasm, simd.wasm, scalar.wasm). */
export type WasmBuild = 'relaxed' | 'simd' | 'scalar';

/** Every kernel in both dtypes, every pointer a byte address (0 for none). */
export type WasmKernels = KernelTable<number, number, number, number, number>;

export interface WasmMemoryExports {
  alloc(bytes: number, zeroed: number): number;
  free(ptr: number): void;
}

export type WasmExports = WasmMemoryExports & WasmKernels & { memory: WebAssembly.Memory };

const MEMORY_PARAMS = { alloc: 2, free: 1 } as const satisfies ParamCounts<WasmMemoryExports>;

function kernelParams(): ParamCounts<WasmKernels> {
  const table: Record<string, number> = {};
  for (const k of KERNEL_NAMES) for (const s of Object.values(SUFFIX)) table[`${k}_${s}`] = KERNEL_PARAMS[k];
  return table as ParamCounts<WasmKernels>;
}

/** Every function a build exports, with its parameter count: the memory's, then each kernel as _f32 and _f64. */
export const WASM_FUNCTIONS: Readonly<Record<string, number>> = {
  ...MEMORY_PARAMS,
  ...kernelParams(),
} satisfies ParamCounts<Omit<WasmExports, 'memory'>>;

/**
 * The exports of an instance, checked against WASM_FUNCTIONS: every function there, with its
 * parameter count, and the memory. Each function is bound guarded: a trap (RuntimeError) or an
 * abort inside it reaches the caller as an INTERNAL WasmlearnError naming the build and function.
 */
export function bindExports(exports: WebAssembly.Exports, build: WasmBuild): WasmExports {
  const problems: string[] = [];
  if (!(exports.memory instanceof WebAssembly.Memory)) problems.push('no memory');
  for (const [name, params] of Object.entries(WASM_FUNCTIONS)) {
    const fn = exports[name];
    if (typeof fn !== 'function') problems.push(`no ${name}`);
    else if (fn.length !== params) problems.push(`${name} takes ${fn.length} parameters, not ${params}`);
  }
  if (problems.length > 0) {
    fail('UNSUPPORTED', `${build}.wasm does not match src/engine/wasm/exports.ts (rebuild it: npm run build:wasm): ${problems.join('; ')}`);
  }
  const bound: Record<string, unknown> = { memory: exports.memory };
  for (const name of Object.keys(WASM_FUNCTIONS)) bound[name] = guarded(`${build}.wasm ${name}`, exports[name] as (...args: never[]) => unknown);
  return bound as unknown as WasmExports;
}
