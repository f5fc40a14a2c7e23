import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The demo imports the built package (dist/, with the .wasm files in build/), as an app that
// installed wasmlearn would: Vite copies each build's file from its `new URL(..., import.meta.url)`.
const repo = fileURLToPath(new URL('../..', import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  resolve: { alias: { wasmlearn: `${repo}dist/index.js` } },
  worker: { format: 'es' },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  server: { host: '127.0.0.1', fs: { allow: [repo] } },
  preview: { host: '127.0.0.1' },
});
