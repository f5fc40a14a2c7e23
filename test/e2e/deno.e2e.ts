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
  // parity_test.ts 3, fit_async_test.ts 2, threads_test.ts 2, threads_message_test.ts 2.
  expect(output).toMatch(/ok \| 9 passed \| 0 failed/);
});

it('a Deno script that fits on 2 threads exits by itself when done (idle workers end after 1 s)', () => {
  const script = join(tmp, 'threads-script.ts');
  // The global Worker is wrapped to count the pool's workers: the script must exit with one started.
  writeFileSync(script, `import { init, LogisticRegression } from ${JSON.stringify(join(root, 'dist/index.js'))};
let started = 0;
const RealWorker = globalThis.Worker;
globalThis.Worker = class extends RealWorker {
  constructor(...args) {
    super(...args);
    started++;
  }
};
const info = await init({ threads: 2 });
const n = 20000, d = 20;
const data = new Float64Array(n * d);
let s = 7;
const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5;
for (let k = 0; k < data.length; k++) data[k] = next();
const y = Array.from({ length: n }, (_, i) => (data[i * d] + data[i * d + 1] - data[i * d + 2] + 0.3 * next() > 0 ? 1 : 0));
const model = new LogisticRegression({ nThreads: 2 }).fit({ data, rows: n, cols: d }, y);
console.log(JSON.stringify({ threads: info.threads, started, coef: Array.from(model.coef.data) }));
`);
  const deno = createRequire(import.meta.url).resolve('deno/bin.cjs');
  const r = spawnSync(process.execPath, [deno, 'run', `--allow-read=${root},${tmp}`, '--no-lock', '--no-check', script], {
    cwd: root,
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' },
  });
  const output = `${r.stdout}\n${r.stderr}`;
  expect(r.error, output).toBeUndefined();
  expect(r.signal, output).toBeNull();
  expect(r.status, output).toBe(0);
  const out = JSON.parse(r.stdout) as { threads: lib.ThreadsInfo; started: number; coef: number[] };
  expect(out.threads).toMatchObject({ mode: 'shared', count: 2 });
  expect(out.started).toBe(1);
  expect(out.coef).toHaveLength(20);
  expect(out.coef.every(Number.isFinite)).toBe(true);
});
