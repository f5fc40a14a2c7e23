// Runs the Deno suite (test/deno) with `deno test`, from the `deno` npm package, against a
// reference this Node process computes with the same case on every backend.
import { afterAll, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as lib from '../../dist/index.js';
import { runCase } from '../deno/parity-case.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'wasmlearn-deno-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

it('deno test passes on the built package, with the same models as Node', async () => {
  const info = await lib.init();
  const reference = join(tmp, 'node-reference.json');
  writeFileSync(reference, JSON.stringify(runCase(lib, info.available)));
  // bin.cjs finds the binary of @deno/<platform> whether or not deno's install script ran.
  const deno = createRequire(import.meta.url).resolve('deno/bin.cjs');
  const args = ['test', `--allow-read=${root},${tmp}`, '--allow-env=WASMLEARN_NODE_REFERENCE', '--no-lock', '--unstable-sloppy-imports', 'test/deno/'];
  const r = spawnSync(process.execPath, [deno, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, WASMLEARN_NODE_REFERENCE: reference, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' },
  });
  const output = `${r.stdout}\n${r.stderr}`;
  console.log(output);
  expect(r.status, output).toBe(0);
  expect(output).toMatch(/ok \| 5 passed \| 0 failed/);
});
