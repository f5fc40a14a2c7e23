import { fail } from '../../core/errors.js';
import { nodeFsPromises } from '../../core/node-fs.js';
import type { WasmBuild } from './exports.js';

/** A .wasm file: a build, or its threads twin (shared memory, imported). */
export type WasmFile = WasmBuild | `${WasmBuild}-threads`;

/** Where a build's bytes come from: the bytes themselves, a URL to read or fetch, or a fetch Response. */
export type WasmSource = ArrayBuffer | ArrayBufferView | URL | Response;

/**
 * Where each build's .wasm file sits next to this module: build/ at the package root. One static
 * literal per build, because bundlers (Vite, webpack, Parcel) only rewrite and copy the file of a
 * `new URL('literal', import.meta.url)`.
 */
const URLS: Record<WasmFile, () => URL> = {
  relaxed: () => new URL('../../../build/relaxed.wasm', import.meta.url),
  simd: () => new URL('../../../build/simd.wasm', import.meta.url),
  scalar: () => new URL('../../../build/scalar.wasm', import.meta.url),
  'relaxed-threads': () => new URL('../../../build/relaxed-threads.wasm', import.meta.url),
  'simd-threads': () => new URL('../../../build/simd-threads.wasm', import.meta.url),
  'scalar-threads': () => new URL('../../../build/scalar-threads.wasm', import.meta.url),
};

function wasmUrl(build: WasmFile): URL {
  // Vite's dev server pre-bundles dependencies into node_modules/.vite/deps/, away from build/,
  // and serves the package's own folder beside it: node_modules/wasmlearn/build/.
  const here = import.meta.url;
  if (here.includes('/node_modules/.vite/deps/')) return new URL(`../../wasmlearn/build/${build}.wasm`, here);
  return URLS[build]();
}

/** Whether the package's own builds are fetched over the network (a browser) rather than read from disk. */
export function packageBuildsFetched(): boolean {
  return wasmUrl('simd').protocol !== 'file:';
}

/** Reads a build's bytes from where the package keeps it, or from `source` when one is given. */
export async function loadWasmBytes(build: WasmFile, source: WasmSource = wasmUrl(build)): Promise<Uint8Array<ArrayBuffer>> {
  const where = source instanceof URL ? source.href : isResponse(source) ? source.url || `the Response given for ${build}.wasm` : `the bytes given for ${build}.wasm`;
  let bytes: Uint8Array<ArrayBuffer>;
  if (source instanceof ArrayBuffer) bytes = new Uint8Array(source);
  else if (ArrayBuffer.isView(source)) bytes = copyBytes(source);
  else if (isResponse(source)) bytes = await responseBytes(source, where);
  else if (source.protocol === 'file:') {
    const { readFile } = await nodeFsPromises();
    bytes = copyBytes(await readFile(source));
  } else bytes = await responseBytes(await fetch(source), where);
  if (!WASM_MAGIC.every((b, i) => bytes[i] === b)) {
    const head = new TextDecoder().decode(bytes.subarray(0, 24)).replace(/\s+/g, ' ');
    throw new Error(`${where} is not a WebAssembly file (it starts with ${JSON.stringify(head)})${bundlerHint()}`);
  }
  return bytes;
}

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

async function responseBytes(response: Response, where: string): Promise<Uint8Array<ArrayBuffer>> {
  if (!response.ok) throw new Error(`fetching ${where} answered ${response.status}${bundlerHint()}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** Vite's dev server pre-bundles dependencies into .vite/deps/; in a layout other than npm's, the builds are not beside it. */
function bundlerHint(): string {
  return import.meta.url.includes('/.vite/deps/')
    ? "; Vite pre-bundled wasmlearn away from its .wasm files: add optimizeDeps: { exclude: ['wasmlearn'] } to the Vite config, or pass init({ wasm })"
    : '';
}

/** A copy that owns its whole ArrayBuffer, so no view into a larger (or shared) buffer leaks out. */
function copyBytes(view: ArrayBufferView): Uint8Array<ArrayBuffer> {
  return new Uint8Array(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
}

function isResponse(x: unknown): x is Response {
  return typeof Response !== 'undefined' && x instanceof Response;
}

export function isWasmSource(x: unknown): x is WasmSource {
  return x instanceof ArrayBuffer || ArrayBuffer.isView(x) || x instanceof URL || isResponse(x);
}

/**
 * Instantiates a build; a threads build on `shared`, the shared memory it imports. Returns the
 * compiled module too: the thread pool instantiates it again in each worker, on the same memory.
 */
export async function instantiate(bytes: Uint8Array<ArrayBuffer>, shared?: WebAssembly.Memory): Promise<{ module: WebAssembly.Module; instance: WebAssembly.Instance }> {
  let memory: WebAssembly.Memory | null = shared ?? null;
  const imports = {
    env: {
      ...(shared ? { memory: shared } : {}),
      /** AssemblyScript's abort (an assertion, or an error thrown in the kernel): a typed INTERNAL error, never a plain Error. */
      abort(msg: number, file: number, line: number, column: number): never {
        const text = memory ? asString(memory, msg >>> 0) : '';
        const where = memory ? asString(memory, file >>> 0) : '';
        fail('INTERNAL', `a wasmlearn kernel aborted${text ? `: ${text}` : ''} (${where || 'kernel'}:${line}:${column}); this is a bug in wasmlearn`);
      },
    },
  };
  const module = await WebAssembly.compile(bytes);
  const instance = await WebAssembly.instantiate(module, imports);
  if (instance.exports.memory instanceof WebAssembly.Memory) memory = instance.exports.memory;
  return { module, instance };
}

/** An AssemblyScript string (UTF-16, its byte length in the u32 before it) at ptr, or '' where there is none that makes sense. */
function asString(memory: WebAssembly.Memory, ptr: number): string {
  const size = memory.buffer.byteLength;
  if (ptr < 4 || ptr > size) return '';
  const view = new DataView(memory.buffer);
  const bytes = view.getUint32(ptr - 4, true);
  if (bytes % 2 !== 0 || bytes > 2048 || ptr + bytes > size) return '';
  let s = '';
  for (let i = 0; i < bytes; i += 2) s += String.fromCharCode(view.getUint16(ptr + i, true));
  return s;
}
