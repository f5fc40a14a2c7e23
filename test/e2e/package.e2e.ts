// The package as a user gets it: `npm pack`, installed into a fresh folder outside the repository,
// then imported by Node (with its types), run as a command, and bundled by Vite for Chromium.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build, createServer } from 'vite';
import { launchChromium, type Browser } from './helpers/chromium.js';
import { serve } from './helpers/serve.js';
import { packedApp, runIn } from './helpers/packed-app.js';

let app = '';

const run = (file: string, args: string[]) => runIn(app, file, args);

/** The page Vite bundles: it reports the backend init chose and a prediction in its title. */
const MAIN = `import { init, LogisticRegression } from 'wasmlearn';
const info = await init();
const model = new LogisticRegression().fit([[0], [1], [2], [3]], [0, 0, 1, 1]);
document.title = JSON.stringify({ backend: info.backend, unavailable: info.unavailable, predict: model.predict([[-1], [4]]) });
`;

let browser: Browser;

beforeAll(async () => {
  app = packedApp('wasmlearn-app-');
  writeFileSync(join(app, 'index.html'), '<!doctype html><title></title><script type="module" src="./main.js"></script>\n');
  writeFileSync(join(app, 'main.js'), MAIN);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  rmSync(app, { recursive: true, force: true });
});

async function titleOf(url: string): Promise<{ backend: string; unavailable: Record<string, string>; predict: number[] }> {
  const page = await browser.context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => document.title !== '', undefined, { timeout: 30_000 });
  const title = JSON.parse(await page.title());
  await page.close();
  return title;
}

async function titleOnDevServer(exclude: string[]) {
  const dev = await createServer({
    root: app, logLevel: 'error', server: { host: '127.0.0.1', port: 0 }, optimizeDeps: { exclude },
  });
  await dev.listen();
  try {
    return await titleOf(dev.resolvedUrls!.local[0]!);
  } finally {
    await dev.close();
  }
}

describe('the packed package, installed elsewhere', () => {
  it('ships dist/, its declarations, the three builds and their threads twins, the datasets and the licence, and nothing else', () => {
    const pkg = join(app, 'node_modules/wasmlearn');
    expect(readdirSync(pkg).sort()).toEqual(['LICENSE', 'README.md', 'build', 'datasets', 'dist', 'package.json']);
    expect(readdirSync(join(pkg, 'datasets')).sort()).toEqual([
      'README.md', 'breast-cancer-wisconsin.data', 'breast-cancer-wisconsin.names', 'letter-recognition.data',
      'letter-recognition.names', 'optdigits.names', 'optdigits.tes', 'optdigits.tra',
    ]);
    expect(readdirSync(join(pkg, 'build')).sort()).toEqual(['relaxed-threads.wasm', 'relaxed.wasm', 'scalar-threads.wasm', 'scalar.wasm', 'simd-threads.wasm', 'simd.wasm']);
    expect(readdirSync(join(pkg, 'dist'))).toContain('index.d.ts');
  });

  it("imports as 'wasmlearn' in Node and trains on WASM, and exports the .wasm files", () => {
    const script = `import { init, LogisticRegression } from 'wasmlearn';
const info = await init();
const m = new LogisticRegression().fit([[0], [1], [2], [3]], [0, 0, 1, 1]);
const hosted = await init({ wasm: new URL(import.meta.resolve('wasmlearn/build/simd.wasm')) });
const { loadBreastCancer } = await import('wasmlearn/datasets');
const cancer = await loadBreastCancer();
console.log(JSON.stringify({ backend: info.backend, predict: m.predict([[-1], [4]]), hosted: hosted.available, cancer: [cancer.X.rows, cancer.X.cols] }));`;
    const out = JSON.parse(run(process.execPath, ['--input-type=module', '-e', script]));
    // Node 20 and 21 keep relaxed SIMD behind a flag, which this child process does not get.
    const backend = Number(process.versions.node.split('.')[0]) < 22 ? 'wasm-simd' : 'wasm-relaxed';
    expect(out).toEqual({ backend, predict: [0, 1], hosted: ['wasm-simd', 'js'], cancer: [699, 9] });
  });

  it('type-checks against its declarations through the exports map', () => {
    writeFileSync(join(app, 'check.ts'), `import { init, LogisticRegression, type InitInfo, type Matrix } from 'wasmlearn';
const info: InitInfo = await init({ wasm: { simd: new URL('https://example.org/simd.wasm') } });
const X: Matrix = { data: new Float32Array(4), rows: 4, cols: 1 };
const p: Matrix = new LogisticRegression({ solver: 'sgd' }).fit(X, [0, 0, 1, 1]).predictProba(X);
// @ts-expect-error: not a solver
new LogisticRegression({ solver: 'newton' });
export { info, p };
`);
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    run(process.execPath, [tsc, '--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', 'check.ts']);
  });

  it('runs the wasmlearn command from node_modules/.bin', () => {
    expect(run(join(app, 'node_modules/.bin/wasmlearn'), ['train', '--help'])).toMatch(/usage: wasmlearn train/);
  });

  it('bundles with Vite: the build copies the .wasm files and the page finds them', async () => {
    await build({ root: app, logLevel: 'error', build: { target: 'es2022', outDir: 'dist' } });
    const assets = readdirSync(join(app, 'dist/assets'));
    for (const b of ['relaxed', 'simd', 'scalar']) expect(assets.some((f) => f.startsWith(`${b}-`) && f.endsWith('.wasm'))).toBe(true);
    const server = await serve(join(app, 'dist'));
    try {
      const r = await titleOf(server.url);
      expect(r.unavailable).toEqual({});
      expect(r).toMatchObject({ backend: 'wasm-relaxed', predict: [0, 1] });
    } finally {
      await server.close();
    }
  });

  it("serves with Vite's dev server with no configuration, pre-bundled or not", async () => {
    // Pre-bundled, the module sits in node_modules/.vite/deps/ and finds its builds in node_modules/wasmlearn/build/.
    expect(await titleOnDevServer([])).toMatchObject({ backend: 'wasm-relaxed', predict: [0, 1], unavailable: {} });
    expect(await titleOnDevServer(['wasmlearn'])).toMatchObject({ backend: 'wasm-relaxed', predict: [0, 1] });
  });
});

/** A second page of the app: it trains with fitAsync, in the package's worker. */
const MAIN_ASYNC = `import { init, LogisticRegression } from 'wasmlearn';
const info = await init();
const model = await new LogisticRegression().fitAsync([[0], [1], [2], [3]], [0, 0, 1, 1]);
document.title = JSON.stringify({ backend: info.backend, unavailable: info.unavailable, predict: model.predict([[-1], [4]]) });
`;

describe('fitAsync in the packed package, bundled by Vite', () => {
  beforeAll(() => {
    writeFileSync(join(app, 'async.html'), '<!doctype html><title></title><script type="module" src="./async.js"></script>\n');
    writeFileSync(join(app, 'async.js'), MAIN_ASYNC);
  });

  it('vite build emits the worker and the page trains in it', async () => {
    await build({ root: app, logLevel: 'error', build: { target: 'es2022', outDir: 'dist-async', rollupOptions: { input: join(app, 'async.html') } } });
    const server = await serve(join(app, 'dist-async'));
    try {
      expect(await titleOf(`${server.url}async.html`)).toMatchObject({ backend: 'wasm-relaxed', predict: [0, 1], unavailable: {} });
    } finally {
      await server.close();
    }
  });

  it("Vite's dev server, pre-bundled or not", async () => {
    for (const exclude of [[], ['wasmlearn']]) {
      const dev = await createServer({ root: app, logLevel: 'error', server: { host: '127.0.0.1', port: 0 }, optimizeDeps: { exclude } });
      await dev.listen();
      try {
        expect(await titleOf(`${dev.resolvedUrls!.local[0]!}async.html`)).toMatchObject({ backend: 'wasm-relaxed', predict: [0, 1] });
      } finally {
        await dev.close();
      }
    }
  });
});

/**
 * A third page: it trains on 2 threads, counting the workers it starts (the page's own: the
 * threads pool's, fitAsync's worker and its shards) and the shards that started and were used,
 * and reports whether the fits agree.
 */
const MAIN_THREADS = `import { init, LogisticRegression, makeLogistic } from 'wasmlearn';
let workers = 0, shards = 0;
const PageWorker = globalThis.Worker;
globalThis.Worker = class extends PageWorker {
  constructor(...args) {
    super(...args);
    workers++;
  }
  postMessage(m, transfer) {
    // A shard worker that started is handed its port to the fit worker.
    if (m?.type === 'connect') shards++;
    super.postMessage(m, transfer);
  }
};
const info = await init({ threads: 2 });
const { X, y } = makeLogistic(5000, 10, 3);
const labels = Array.from(y);
const make = (nThreads) => new LogisticRegression({ nThreads, maxIter: 30, dtype: 'float64' });
const one = make(1).fit(X, labels).getParameters();
const two = make(2).fit(X, labels).getParameters();
const inWorker = (await make(2).fitAsync(X, labels)).getParameters();
let gap = 0;
for (let i = 0; i < one.length; i++) gap = Math.max(gap, Math.abs(inWorker[i] - one[i]) / Math.max(1, Math.abs(one[i])));
document.title = JSON.stringify({
  isolated: crossOriginIsolated, mode: info.threads.mode, count: info.threads.count, workers, shards,
  same: one.every((v, i) => Object.is(v, two[i])), gap, changed: one.some((v) => v !== 0),
});
`;

describe('threads in the packed package, bundled by Vite', () => {
  const ISOLATION = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };

  beforeAll(async () => {
    writeFileSync(join(app, 'threads.html'), '<!doctype html><title></title><script type="module" src="./threads.js"></script>\n');
    writeFileSync(join(app, 'threads.js'), MAIN_THREADS);
    await build({ root: app, logLevel: 'error', build: { target: 'es2022', outDir: 'dist-threads', rollupOptions: { input: join(app, 'threads.html') } } });
  });

  it('a cross-origin-isolated page shares memory: the pool\'s worker and fitAsync\'s, and 2 threads give the bits of 1', async () => {
    const server = await serve(join(app, 'dist-threads'), ISOLATION);
    try {
      const r = await titleOf(`${server.url}threads.html`) as unknown as Record<string, unknown>;
      expect(r).toMatchObject({ isolated: true, mode: 'shared', count: 2, same: true, gap: 0, changed: true });
      expect([r.workers, r.shards]).toEqual([2, 0]);
    } finally {
      await server.close();
    }
  });

  it('an ordinary page passes messages: fitAsync\'s worker and two shard workers, and the fit agrees with fit to rounding', async () => {
    const server = await serve(join(app, 'dist-threads'));
    try {
      const r = await titleOf(`${server.url}threads.html`) as unknown as Record<string, unknown>;
      expect(r).toMatchObject({ isolated: false, mode: 'message', count: 2, same: true, changed: true });
      expect(r.gap).toBeLessThan(1e-6);
      expect([r.workers, r.shards]).toEqual([3, 2]);
    } finally {
      await server.close();
    }
  });
});
