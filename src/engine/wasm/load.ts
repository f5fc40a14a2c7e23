import type { WasmBuild } from './exports.js';

/** Where a build's .wasm file sits next to this module: build/ at the package root. */
export function wasmUrl(build: WasmBuild): URL {
  return new URL(`../../../build/${build}.wasm`, import.meta.url);
}

/** Reads a build's bytes: from disk under Node and Deno, with fetch in browsers. */
export async function loadWasmBytes(build: WasmBuild): Promise<Uint8Array<ArrayBuffer>> {
  const url = wasmUrl(build);
  if (url.protocol === 'file:') {
    const { readFile } = await import('node:fs/promises');
    const file = await readFile(url);
    return new Uint8Array(file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer);
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`fetching ${url.href} answered ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
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
