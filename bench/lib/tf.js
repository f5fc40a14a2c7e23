// TensorFlow.js as a contender, with its two backends that run in plain Node: 'cpu' (JavaScript)
// and 'wasm' (XNNPACK compiled to WebAssembly SIMD; single-threaded here, since Node has no
// cross-origin-isolated workers for its threaded build). tfjs-node is not among the contenders:
// its install script downloads a native libtensorflow, which a machine with only the npm
// registry cannot fetch (and which is not what browser users of tfjs run).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let tf = null;
const TF_BACKENDS = ['cpu', 'wasm'];

/** Loads @tensorflow/tfjs and its wasm backend once; null (with the reason) when not installed. */
export async function loadTf() {
  if (tf) return tf;
  // tfjs greets Node users with a banner recommending tfjs-node; keep the bench output readable.
  const warn = console.warn, logFn = console.log;
  console.warn = console.log = () => {};
  try {
    tf = await import('@tensorflow/tfjs');
    // Production mode, as tfjs' docs recommend for speed: skips its debug-time correctness checks
    // (and its banner).
    tf.enableProdMode();
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // In Node the wasm backend finds its .wasm files only through setWasmPaths (a directory with
    // a trailing slash): the package's own dist/ folder.
    const require = createRequire(import.meta.url);
    wasm.setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/');
    await tf.setBackend('cpu');
    await tf.ready();
  } finally {
    console.warn = warn;
    console.log = logFn;
  }
  return tf;
}

/** The tfjs version, for the report. */
export function tfVersion() {
  return tf?.version?.tfjs ?? tf?.version_core ?? null;
}

/** Switches tfjs to `backend` and says what it runs (SIMD, threads). */
export async function useTfBackend(backend) {
  const t = await loadTf();
  const ok = await t.setBackend(backend);
  await t.ready();
  if (!ok || t.getBackend() !== backend) throw new Error(`tfjs backend '${backend}' did not initialize`);
  if (backend === 'wasm') {
    const simd = await t.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const threads = await t.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    return { simd, threads };
  }
  return {};
}

export { TF_BACKENDS };

/** Label of a tfjs contender. */
export const tfLabel = (backend) => `tfjs ${backend}`;
