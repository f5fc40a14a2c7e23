#!/usr/bin/env node
// The long mode of the hostile-input properties (test/hostile): `npm run fuzz -- --runs N [--seed S]`.
// Builds the runner from its TypeScript sources with esbuild (the library is built into each
// child from src/, so the fuzzer always tests the current sources), then runs it.
import { build } from 'esbuild';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = dirname(dirname(fileURLToPath(import.meta.url)));
// Three levels below the root, like the children the runner builds.
const cache = join(repo, 'node_modules', '.cache', 'wasmlearn-hostile');
mkdirSync(cache, { recursive: true });
const outfile = join(cache, `fuzz-main-${process.pid}.mjs`);
await build({
  entryPoints: [join(repo, 'test', 'hostile', 'harness', 'fuzz-main.ts')],
  bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile, external: ['esbuild'], logLevel: 'warning',
  banner: { js: "import { createRequire as __hostileRequire } from 'node:module'; const require = __hostileRequire(import.meta.url);" },
});
try {
  const { main } = await import(pathToFileURL(outfile).href);
  process.exitCode = await main(process.argv.slice(2));
} finally {
  rmSync(outfile, { force: true });
}
