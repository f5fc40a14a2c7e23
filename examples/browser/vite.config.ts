import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The demo imports the built package (dist/, with the .wasm files in build/), as an app that
// installed wasmlearn would: Vite copies each build's file from its `new URL(..., import.meta.url)`.
const repo = fileURLToPath(new URL('../..', import.meta.url));

/** Cross-origin isolation: the page gets SharedArrayBuffer, so wasmlearn's threads share memory. */
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  resolve: { alias: { wasmlearn: `${repo}dist/index.js` } },
  worker: { format: 'es' },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  server: { host: '127.0.0.1', fs: { allow: [repo] }, headers: isolation },
  preview: { host: '127.0.0.1', headers: isolation },
});
