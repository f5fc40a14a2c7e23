import type { WasmBuild } from './exports.js';

/** Where a build's bytes come from: the bytes themselves, a URL to read or fetch, or a fetch Response. */
export type WasmSource = ArrayBuffer | ArrayBufferView | URL | Response;

/**
 * Where each build's .wasm file sits next to this module: build/ at the package root. One static
 * literal per build, because bundlers (Vite, webpack, Parcel) only rewrite and copy the file of a
 * `new URL('literal', import.meta.url)`.
 */
const URLS: Record<WasmBuild, () => URL> = {
  relaxed: () => new URL('../../../build/relaxed.wasm', import.meta.url),
  simd: () => new URL('../../../build/simd.wasm', import.meta.url),
  scalar: () => new URL('../../../build/scalar.wasm', import.meta.url),
};

export function wasmUrl(build: WasmBuild): URL {
  return URLS[build]();
}

/** Reads a build's bytes from where the package keeps it, or from `source` when one is given. */
export async function loadWasmBytes(build: WasmBuild, source: WasmSource = wasmUrl(build)): Promise<Uint8Array<ArrayBuffer>> {
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (ArrayBuffer.isView(source)) return copyBytes(source);
  if (isResponse(source)) return responseBytes(source, source.url || `the Response given for ${build}.wasm`);
  if (source.protocol === 'file:') {
    const { readFile } = await import('node:fs/promises');
    return copyBytes(await readFile(source));
  }
  return responseBytes(await fetch(source), source.href);
}

async function responseBytes(response: Response, where: string): Promise<Uint8Array<ArrayBuffer>> {
  if (!response.ok) throw new Error(`fetching ${where} answered ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
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

export async function instantiate(bytes: Uint8Array<ArrayBuffer>): Promise<WebAssembly.Instance> {
  const imports = {
    env: {
      abort(_msg: number, _file: number, line: number, column: number): never {
        throw new Error(`wasmlearn kernel aborted at ${line}:${column} (out of memory?)`);
      },
    },
  };
  const module = await WebAssembly.compile(bytes);
  return WebAssembly.instantiate(module, imports);
}
