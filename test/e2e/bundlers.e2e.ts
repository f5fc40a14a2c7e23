// The packed package in an app built by each bundler with no wasmlearn-specific configuration
// (issue #13): webpack 5, esbuild (platform browser), Rollup (node-resolve, browser) and Parcel 2.
// Each page trains in Chromium and must land on a WASM backend; the bytes it downloads are counted.
// Vite (build and dev server) is covered by package.e2e.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium, type Browser } from './helpers/chromium.js';
import { serve } from './helpers/serve.js';
import { packedApp, root, runIn } from './helpers/packed-app.js';

const bin = (name: string) => join(root, 'node_modules/.bin', name);
let app = '';

const run = (file: string, args: string[]) => runIn(app, file, args);

const MAIN = `import { init, LogisticRegression } from 'wasmlearn';
const pin = new URLSearchParams(location.search).get('backend');
const info = await init(pin ? { backend: pin } : {});
const model = new LogisticRegression().fit([[0], [1], [2], [3]], [0, 0, 1, 1]);
document.title = JSON.stringify({ backend: info.backend, unavailable: info.unavailable, predict: model.predict([[-1], [4]]) });
`;
const HTML = (src: string) => `<!doctype html><title></title><script type="module" src="${src}"></script>\n`;

let browser: Browser;
const closing: Promise<void>[] = [];

beforeAll(async () => {
  app = packedApp('wasmlearn-bundlers-');
  mkdirSync(join(app, 'src'));
  writeFileSync(join(app, 'src/main.js'), MAIN);
  writeFileSync(join(app, 'src/index.html'), HTML('./main.js'));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await Promise.all(closing);
  rmSync(app, { recursive: true, force: true });
});

interface Result { backend: string; unavailable: Record<string, string>; predict: number[]; wasmBytes: number; wasmFiles: string[] }

/** Serves `dir`, opens it, and reports the page's title and the .wasm bytes it downloaded. */
async function trainIn(dir: string, query = ''): Promise<Result> {
  const server = await serve(dir);
  const page = await browser.context.newPage();
  const wasm: Promise<[string, number]>[] = [];
  page.on('response', (r) => {
    if (r.url().endsWith('.wasm')) wasm.push(r.body().then((b) => [r.url().split('/').pop()!, b.length], () => [r.url(), 0]));
  });
  try {
    await page.goto(server.url + query);
    await page.waitForFunction(() => document.title !== '', undefined, { timeout: 30_000 });
    const title = JSON.parse(await page.title());
    const got = await Promise.all(wasm);
    const result = { ...title, wasmBytes: got.reduce((s, [, n]) => s + n, 0), wasmFiles: got.map(([f]) => f) };
    console.log(`${dir.split('/').pop()}: ${JSON.stringify(result)}`);
    return result;
  } finally {
    await page.close();
    // Chromium keeps its connections alive, so close() resolves once the browser is gone (afterAll).
    closing.push(server.close());
  }
}

/** esbuild and Rollup do not copy the files of `new URL('…', import.meta.url)`: the app copies build/ beside its bundle. */
function copyBuilds(out: string) {
  cpSync(join(app, 'node_modules/wasmlearn/build'), join(out, 'build'), { recursive: true });
}

/** Trained on relaxed SIMD, and fetched that one build only (about 36 kB, not all three). */
function expectOneDownload(r: Result) {
  expect(r).toMatchObject({ backend: 'wasm-relaxed', predict: [0, 1] });
  expect(r.wasmFiles).toHaveLength(1);
  expect(r.wasmBytes).toBe(statSync(join(app, 'node_modules/wasmlearn/build/relaxed.wasm')).size);
}

describe('bundlers, with no configuration for wasmlearn', () => {
  it('webpack 5', async () => {
    const out = join(app, 'out/webpack');
    const { default: webpack } = await import('webpack');
    const stats = await new Promise<import('webpack').Stats>((ok, no) => webpack({
      mode: 'production', context: app, entry: './src/main.js', output: { path: out, filename: 'main.js' },
    }, (err, s) => (err ? no(err) : ok(s!))));
    expect(stats.hasErrors(), stats.toString('errors-only')).toBe(false);
    writeFileSync(join(out, 'index.html'), HTML('./main.js'));
    expectOneDownload(await trainIn(out));
  });

  it('esbuild, platform browser', async () => {
    const out = join(app, 'out/esbuild');
    run(bin('esbuild'), ['src/main.js', '--bundle', '--format=esm', '--platform=browser', '--log-level=error', `--outfile=${join(out, 'main.js')}`]);
    writeFileSync(join(out, 'index.html'), HTML('./main.js'));
    copyBuilds(out);
    expectOneDownload(await trainIn(out));
    // A pinned backend: only its build is fetched.
    const pinned = await trainIn(out, '?backend=wasm-scalar');
    expect(pinned).toMatchObject({ backend: 'wasm-scalar', predict: [0, 1] });
    expect(pinned.wasmBytes).toBe(statSync(join(app, 'node_modules/wasmlearn/build/scalar.wasm')).size);
  });

  it('Rollup with node-resolve (browser)', async () => {
    const out = join(app, 'out/rollup');
    writeFileSync(join(app, 'rollup.config.mjs'), `import { nodeResolve } from ${JSON.stringify(join(root, 'node_modules/@rollup/plugin-node-resolve/dist/es/index.js'))};
export default { input: 'src/main.js', output: { dir: ${JSON.stringify(out)}, format: 'es' }, plugins: [nodeResolve({ browser: true })] };\n`);
    run(bin('rollup'), ['-c', 'rollup.config.mjs', '--silent']);
    writeFileSync(join(out, 'index.html'), HTML('./main.js'));
    copyBuilds(out);
    expectOneDownload(await trainIn(out));
  });

  it('Parcel 2', async () => {
    const out = join(app, 'out/parcel');
    run(bin('parcel'), ['build', 'src/index.html', '--dist-dir', out, '--cache-dir', join(app, '.parcel-cache'), '--no-source-maps', '--log-level', 'error']);
    expectOneDownload(await trainIn(out));
  });
});

const MAIN_ASYNC = `import { init, LogisticRegression } from 'wasmlearn';
const info = await init();
const model = await new LogisticRegression().fitAsync([[0], [1], [2], [3]], [0, 0, 1, 1], { onEpochEnd: () => {} });
document.title = JSON.stringify({ backend: info.backend, unavailable: info.unavailable, predict: model.predict([[-1], [4]]) });
`;

describe('fitAsync from a bundle: the worker entry is found as the .wasm builds are', () => {
  it('webpack 5 emits the worker from its new URL and trains in it', async () => {
    writeFileSync(join(app, 'src/async.js'), MAIN_ASYNC);
    const out = join(app, 'out/webpack-async');
    const { default: webpack } = await import('webpack');
    const stats = await new Promise<import('webpack').Stats>((ok, no) => webpack({
      mode: 'production', context: app, entry: './src/async.js', output: { path: out, filename: 'main.js' },
    }, (err, s) => (err ? no(err) : ok(s!))));
    expect(stats.hasErrors(), stats.toString('errors-only')).toBe(false);
    writeFileSync(join(out, 'index.html'), HTML('./main.js'));
    const r = await trainIn(out);
    expect(r).toMatchObject({ backend: 'wasm-relaxed', predict: [0, 1] });
    // The page and its worker each load the relaxed build (webpack names its copy by hash).
    expect(r.wasmFiles).toHaveLength(2);
    expect(r.wasmBytes).toBe(2 * statSync(join(app, 'node_modules/wasmlearn/build/relaxed.wasm')).size);
  });

  it('esbuild: the app bundles wasmlearn/worker beside its own bundle', async () => {
    writeFileSync(join(app, 'src/async.js'), MAIN_ASYNC);
    const out = join(app, 'out/esbuild-async');
    run(bin('esbuild'), ['src/async.js', '--bundle', '--format=esm', '--platform=browser', '--log-level=error', `--outfile=${join(out, 'main.js')}`]);
    run(bin('esbuild'), ['wasmlearn/worker', '--bundle', '--format=esm', '--platform=browser', '--log-level=error', `--outfile=${join(out, 'worker.js')}`]);
    writeFileSync(join(out, 'index.html'), HTML('./main.js'));
    copyBuilds(out);
    expect(await trainIn(out)).toMatchObject({ backend: 'wasm-relaxed', predict: [0, 1], wasmFiles: ['relaxed.wasm', 'relaxed.wasm'] });
  });
});
