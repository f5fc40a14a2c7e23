// The live demo (examples/browser, built with Vite) and the bundler-free page (examples/plain)
// in headless Chromium, each served from 127.0.0.1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { build, createServer } from 'vite';
import { launchChromium, type Browser } from './helpers/chromium.js';
import { serve, type StaticServer } from './helpers/serve.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const artifacts = join(root, 'test/artifacts');

let browser: Browser;
let demo: StaticServer;
let pkg: StaticServer;
/** The package again, cross-origin isolated: every response has the headers (a route could not add them to a worker's own requests). */
let isolatedPkg: StaticServer;
const ISOLATION = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };

beforeAll(async () => {
  browser = await launchChromium();
  await build({ configFile: join(root, 'examples/browser/vite.config.ts'), logLevel: 'error' });
  demo = await serve(join(root, 'examples/browser/dist'));
  pkg = await serve(root);
  isolatedPkg = await serve(root, ISOLATION);
  mkdirSync(artifacts, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await demo?.close();
  await pkg?.close();
  await isolatedPkg?.close();
});

/** A page whose uncaught errors fail the test. */
async function open(url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  return { page, errors };
}

async function openDemo(): Promise<{ page: Page; errors: string[] }> {
  const opened = await open(demo.url);
  await opened.page.locator('#status', { hasText: 'ready' }).waitFor();
  return opened;
}

interface Form {
  dataset?: string;
  model?: string;
  hidden?: string;
  samples?: number;
  solver?: string;
  epochs?: number;
  lr?: number;
  batch?: number;
  backend?: string;
  poly?: boolean;
  degree?: number;
  allEpochs?: boolean;
  race?: string;
}

async function fill(page: Page, f: Form): Promise<void> {
  if (f.dataset) await page.selectOption('#dataset', f.dataset);
  if (f.model) await page.selectOption('#model', f.model);
  if (f.hidden) await page.fill('#hidden', f.hidden);
  if (f.samples) await page.fill('#samples', String(f.samples));
  if (f.solver) await page.selectOption('#solver', f.solver);
  if (f.epochs) await page.fill('#epochs', String(f.epochs));
  if (f.lr) await page.fill('#lr', String(f.lr));
  if (f.batch) await page.fill('#batch', String(f.batch));
  if (f.backend) await page.selectOption('#backend', f.backend);
  if (f.poly !== undefined) await page.setChecked('#poly', f.poly);
  if (f.degree) await page.selectOption('#degree', String(f.degree));
  if (f.allEpochs !== undefined) await page.setChecked('#all-epochs', f.allEpochs);
  await page.setChecked('#race', f.race !== undefined);
  if (f.race) await page.selectOption('#backend2', f.race);
}

/** Presses Train and waits for every shown lane to finish. */
async function train(page: Page, timeout = 60_000): Promise<void> {
  await page.click('#train');
  await page.waitForFunction(() => {
    const shown = Array.from(document.querySelectorAll<HTMLElement>('.lane')).filter((l) => !l.hidden);
    return shown.length > 0 && shown.every((l) => l.dataset.state !== 'training');
  }, undefined, { timeout });
}

async function lane(page: Page, i: number) {
  const text = (cls: string) => page.locator(`#lane-${i} .${cls}`).innerText();
  return {
    state: await page.locator(`#lane-${i}`).getAttribute('data-state'),
    message: await text('state'),
    backend: await text('badge'),
    accuracy: Number(await text('accuracy')),
    epochs: Number(await text('epochs')),
    fitMs: parseFloat(await text('fit')),
  };
}

/** How many pixels of a canvas have the given colour (within a small tolerance). */
function countColour(page: Page, selector: string, rgb: [number, number, number]): Promise<number> {
  return page.evaluate(([sel, [r, g, b]]) => {
    const c = document.querySelector<HTMLCanvasElement>(sel)!;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let k = 0; k < d.length; k += 4) if (Math.abs(d[k]! - r) + Math.abs(d[k + 1]! - g) + Math.abs(d[k + 2]! - b) < 40) n++;
    return n;
  }, [selector, rgb] as const);
}

describe('the live demo', () => {
  it('fits circles with polynomial logistic regression on a WASM backend, and draws it', async () => {
    const { page, errors } = await openDemo();
    await fill(page, { dataset: 'circles', samples: 2000, solver: 'lbfgs', poly: true, backend: 'auto' });
    await train(page);
    const r = await lane(page, 0);
    expect(r.state, r.message).toBe('done');
    expect(r.backend).toMatch(/^wasm-(relaxed|simd|scalar)$/);
    expect(r.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(r.epochs).toBeGreaterThan(1);
    // The loss curve in the lane's colour, and both class colours in the boundary picture.
    expect(await countColour(page, '#loss', [37, 99, 235])).toBeGreaterThan(100);
    expect(await countColour(page, '#lane-0 .boundary', [234, 88, 12])).toBeGreaterThan(100);
    expect(await countColour(page, '#lane-0 .boundary', [37, 99, 235])).toBeGreaterThan(100);
    await page.screenshot({ path: join(artifacts, 'demo-circles.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('fits moons with an MLP', async () => {
    const { page, errors } = await openDemo();
    await fill(page, { dataset: 'moons', samples: 2000, model: 'mlp', hidden: '16,16', solver: 'adam', epochs: 300, lr: 0.01, batch: 64, backend: 'auto' });
    await train(page);
    const r = await lane(page, 0);
    expect(r.state, r.message).toBe('done');
    expect(r.backend).toMatch(/^wasm-/);
    expect(r.accuracy).toBeGreaterThanOrEqual(0.95);
    await page.screenshot({ path: join(artifacts, 'demo-mlp-moons.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('races two backends side by side to the same model', async () => {
    const { page, errors } = await openDemo();
    await fill(page, { dataset: 'moons', samples: 4000, solver: 'sgd', epochs: 60, lr: 0.1, batch: 32, poly: true, degree: 3, backend: 'wasm-simd', race: 'js' });
    await train(page);
    const [a, b] = [await lane(page, 0), await lane(page, 1)];
    expect([a.state, b.state]).toEqual(['done', 'done']);
    expect([a.backend, b.backend]).toEqual(['wasm-simd', 'js']);
    expect(a.accuracy).toBeGreaterThan(0.93);
    expect(Math.abs(a.accuracy - b.accuracy)).toBeLessThanOrEqual(0.002);
    await page.screenshot({ path: join(artifacts, 'demo-race.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('trains on an uploaded CSV with a header, string labels and a missing cell', async () => {
    const { page, errors } = await openDemo();
    const rows = ['width,height,kind'];
    for (let i = 0; i < 400; i++) {
      const w = ((i * 37) % 100) / 10;
      const h = ((i * 53) % 100) / 10;
      rows.push(`${i === 7 ? '' : w},${h},${w + h > 10 ? 'big' : 'small'}`);
    }
    await page.selectOption('#dataset', 'csv');
    await page.setInputFiles('#csv-file', { name: 'sizes.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n')) });
    await page.fill('#csv-target', 'kind');
    await train(page);
    const r = await lane(page, 0);
    expect(r.state, r.message).toBe('done');
    expect(r.accuracy).toBeGreaterThan(0.95);
    expect(await page.locator('#lane-0 .data').innerText()).toMatch(/^400 rows × 2/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('is legible at 1280 and at 390 px: axes, a race against time, a message for data it cannot draw, no sideways scroll', async () => {
    for (const width of [1280, 390]) {
      const { page, errors } = await openDemo();
      await page.setViewportSize({ width, height: width > 600 ? 900 : 844 });
      const noSidewaysScroll = () => page.evaluate(() => document.documentElement.scrollWidth <= innerWidth);
      // The empty state, and the fields that do not apply disabled.
      expect(await noSidewaysScroll()).toBe(true);
      await page.screenshot({ path: join(artifacts, `demo-${width}-empty.png`), fullPage: true });
      await fill(page, { solver: 'lbfgs' });
      expect(await page.isDisabled('#lr')).toBe(true);
      expect(await page.isDisabled('#batch')).toBe(true);
      expect(await page.isDisabled('#backend2')).toBe(true);
      expect(await page.isDisabled('#hidden')).toBe(true);
      // A race: plotted against wall-clock time, on a log scale.
      await fill(page, { dataset: 'moons', samples: 4000, solver: 'sgd', epochs: 40, lr: 0.1, batch: 32, poly: true, degree: 3, backend: 'wasm-simd', race: 'js' });
      expect(await page.isDisabled('#lr')).toBe(false);
      await page.setChecked('#loss-log', true);
      await train(page);
      expect(await page.inputValue('#loss-x')).toBe('time');
      expect(await countColour(page, '#loss', [219, 39, 119])).toBeGreaterThan(50);
      expect(await noSidewaysScroll()).toBe(true);
      await page.screenshot({ path: join(artifacts, `demo-${width}-race.png`), fullPage: true });
      // A CSV of three features: no boundary to draw, and a message saying so instead of a blank square.
      const rows = ['a,b,c,kind'];
      for (let i = 0; i < 200; i++) rows.push(`${i % 7},${(i * 3) % 11},${i % 5},${i % 7 > 3 ? 'x' : 'y'}`);
      await page.selectOption('#dataset', 'csv');
      await page.setInputFiles('#csv-file', { name: 'three.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n')) });
      await page.setChecked('#race', false);
      await train(page);
      expect((await lane(page, 0)).state).toBe('done');
      expect(await countColour(page, '#lane-0 .boundary', [71, 85, 105])).toBeGreaterThan(50);
      expect(await page.isVisible('#lane-1')).toBe(false);
      expect(await noSidewaysScroll()).toBe(true);
      await page.screenshot({ path: join(artifacts, `demo-${width}-csv-3d.png`), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    }
  });

  it('answers clicks and paints frames within 100 ms while a ten-second fit runs in its worker', async () => {
    const { page, errors } = await openDemo();
    const form: Form = { dataset: 'moons', samples: 200_000, solver: 'sgd', lr: 0.05, batch: 256, poly: true, allEpochs: true, backend: 'wasm-simd' };
    // A short run measures the time per epoch on this machine; the long run then lasts ~10 s.
    await fill(page, { ...form, epochs: 300 });
    await train(page);
    const calibration = await lane(page, 0);
    const epochs = Math.round(Math.min(100_000, Math.max(50, (10_000 * 300) / calibration.fitMs)));

    await fill(page, { ...form, epochs });
    await page.evaluate(() => {
      const w = window as unknown as { clickDelays: number[]; frameGaps: number[]; measuring: boolean };
      w.clickDelays = [];
      w.frameGaps = [];
      w.measuring = true;
      // The delay between the browser receiving a click and the page running its handler.
      document.addEventListener('click', (e) => w.clickDelays.push(performance.now() - e.timeStamp), true);
      let last = performance.now();
      const frame = (t: number) => {
        w.frameGaps.push(t - last);
        last = t;
        if (w.measuring) requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    });
    const t0 = Date.now();
    await page.click('#train');
    const seen: number[] = [];
    while ((await page.locator('#lane-0').getAttribute('data-state')) === 'training') {
      await page.click('header h1');
      seen.push(Number(await page.locator('#lane-0 .epochs').innerText()));
      await page.waitForTimeout(200);
    }
    const wall = Date.now() - t0;
    const { clickDelays, frameGaps } = await page.evaluate(() => {
      const w = window as unknown as { clickDelays: number[]; frameGaps: number[]; measuring: boolean };
      w.measuring = false;
      return { clickDelays: w.clickDelays, frameGaps: w.frameGaps.slice(1) };
    });
    const r = await lane(page, 0);
    const gaps = [...frameGaps].sort((a, b) => a - b);
    const p99 = gaps[Math.floor(gaps.length * 0.99)]!;
    console.log(`${epochs} epochs in ${wall} ms on ${r.backend}; ${clickDelays.length} clicks, slowest handled after ${Math.max(...clickDelays).toFixed(1)} ms; ${gaps.length} frames, 99th percentile gap ${p99.toFixed(1)} ms, longest ${gaps.at(-1)!.toFixed(1)} ms`);

    expect(r.state, r.message).toBe('done');
    expect(r.backend).toBe('wasm-simd');
    expect(r.epochs).toBe(epochs);
    expect(wall).toBeGreaterThan(5_000);
    expect(clickDelays.length).toBeGreaterThan(10);
    expect(Math.max(...clickDelays)).toBeLessThan(100);
    // Frames also wait for the compositor, which shares two cores with the worker and the test
    // runner: a rare long gap says little about the page, so the 99th percentile is held to it.
    expect(p99).toBeLessThan(100);
    // The page showed the epochs as they came, not only at the end.
    expect(new Set(seen.filter((e) => e > 0 && e < epochs)).size).toBeGreaterThan(5);
    await page.screenshot({ path: join(artifacts, 'demo-long-run.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('the demo, more', () => {
  it('stops a run midway, then trains again', async () => {
    const { page, errors } = await openDemo();
    await fill(page, { dataset: 'moons', samples: 100_000, solver: 'sgd', epochs: 100_000, allEpochs: true, backend: 'wasm-simd' });
    await page.click('#train');
    await page.waitForFunction(() => Number(document.querySelector('#lane-0 .epochs')!.textContent) > 5);
    await page.click('#stop');
    expect(await page.locator('#lane-0').getAttribute('data-state')).toBe('stopped');
    await fill(page, { dataset: 'circles', samples: 500, solver: 'lbfgs', epochs: 100, allEpochs: false, poly: true, backend: 'wasm-simd' });
    await train(page);
    expect((await lane(page, 0)).state).toBe('done');
    expect(errors).toEqual([]);
    await page.close();
  });

  it("is what 'npm run demo' serves: Vite's dev server over the sources", async () => {
    const dev = await createServer({ configFile: join(root, 'examples/browser/vite.config.ts'), logLevel: 'error', server: { port: 0 } });
    await dev.listen();
    try {
      const { page, errors } = await open(dev.resolvedUrls!.local[0]!);
      await page.locator('#status', { hasText: 'ready: auto picks wasm-relaxed' }).waitFor();
      await fill(page, { dataset: 'blobs', samples: 500, solver: 'lbfgs', epochs: 100 });
      await train(page);
      expect(await lane(page, 0)).toMatchObject({ state: 'done', backend: 'wasm-relaxed' });
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await dev.close();
    }
  });
});

describe('the package without a bundler', () => {
  it('loads from dist/ through an import map and trains on a WASM backend', async () => {
    const { page, errors } = await open(`${pkg.url}examples/plain/index.html`);
    await page.waitForSelector('body[data-done="true"]', { timeout: 30_000 });
    const result = JSON.parse(await page.locator('#result').innerText());
    expect(result.backend).toBe('wasm-relaxed');
    // A browser fetches only the build init uses (#13); init({ backend }) loads another on demand.
    expect(result.available).toEqual(['wasm-relaxed', 'js']);
    expect(result.accuracy).toBeGreaterThan(0.7);
    expect(result.digits).toEqual([3823, 1797]);
    expect(errors).toEqual([]);
    await page.close();
  });
});

/** A page at `path` on the package server (the isolated one, when `isolated`), with `html` as its body. */
async function pageAt(path: string, html: string, isolated: boolean): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const server = isolated ? isolatedPkg : pkg;
  await page.route(`${server.url}${path}`, (route) => route.fulfill({ body: html, contentType: 'text/html', headers: isolated ? ISOLATION : {} }));
  await page.goto(`${server.url}${path}`);
  return { page, errors };
}

/** An import-map page that trains with fitAsync; `body` is the module script's code, which sets document.title to its JSON result. */
const fitAsyncPage = (body: string) => `<!doctype html><title></title>
<script type="importmap">{ "imports": { "wasmlearn": "./dist/index.js" } }</script>
<script type="module">
import { init, MLPClassifier, LogisticRegression, MultiLabelClassifier, makeLogistic } from 'wasmlearn';
try {
${body}
} catch (e) {
  document.title = JSON.stringify({ error: String(e && e.message || e) });
}
</script>`;

describe('fitAsync in Chromium', () => {
  it('trains for about 2 s in a worker while a 10 ms timer on the page never waits over 50 ms, and the fitted model predicts on the page', async () => {
    const { page, errors } = await pageAt('fit-async-responsive.html', fitAsyncPage(`
const info = await init();
const { X, y } = makeLogistic(20000, 16, 3);
const labels = Array.from(y);
const make = (epochs) => new MLPClassifier({ hiddenLayerSizes: [32], maxIter: epochs, tol: 0, nIterNoChange: epochs, seed: 1 });
// A first run starts the worker; a second measures the time per epoch there; the long run lasts ~2 s.
await make(1).fitAsync(X, labels);
const t = performance.now();
await make(20).fitAsync(X, labels);
let epochs = Math.max(20, Math.round((2000 * 20) / (performance.now() - t)));
async function run() {
  const gaps = [];
  let last = performance.now();
  const timer = setInterval(() => { const now = performance.now(); gaps.push(now - last); last = now; }, 10);
  let seen = 0;
  const t0 = performance.now();
  const model = await make(epochs).fitAsync(X, labels, { onEpochEnd: () => { seen++; } });
  const fitMs = performance.now() - t0;
  clearInterval(timer);
  return { model, epochs, nIter: model.nIter, seen, fitMs, ticks: gaps.length, maxGap: Math.max(...gaps) };
}
// The machine has two cores, shared with the test runner (and at times other work): a window in
// which the OS, not the page, delayed the timer, or one that the load made short, is measured
// again, rescaled to ~2 s, up to four windows in all.
const runs = [];
for (;;) {
  const r = await run();
  runs.push(r);
  if ((r.maxGap < 50 && r.fitMs > 1500) || runs.length === 4) break;
  epochs = Math.max(20, Math.round((epochs * 2000) / r.fitMs));
}
const { model, ...last } = runs.at(-1);
document.title = JSON.stringify({
  backend: info.backend, isolated: crossOriginIsolated, ...last, windows: runs.map((r) => [r.fitMs, r.maxGap]),
  accuracy: model.score(X, labels), predict: model.predict({ data: X.data.subarray(0, 48), rows: 3, cols: 16 }),
});
`), false);
    await page.waitForFunction(() => document.title !== '', undefined, { timeout: 90_000 });
    const r = JSON.parse(await page.title());
    console.log(`fitAsync in Chromium: ${JSON.stringify(r)}`);
    expect(r.error).toBeUndefined();
    expect(r.isolated).toBe(false);
    expect(r.backend).toBe('wasm-relaxed');
    expect(r.nIter).toBe(r.epochs);
    // Without shared memory the logs still arrive as training goes, one per epoch.
    expect(r.seen).toBe(r.epochs);
    expect(r.fitMs).toBeGreaterThan(1500);
    expect(r.ticks).toBeGreaterThan(r.fitMs / 20);
    expect(r.maxGap).toBeLessThan(50);
    // makeLogistic's labels are drawn from the logistic model: about 0.75 is the best any model scores.
    expect(r.accuracy).toBeGreaterThan(0.7);
    expect(r.predict).toHaveLength(3);
    expect(errors).toEqual([]);
    await page.close();
  });

  it.each([false, true])('reaches fit\'s model bit for bit on every estimator and solver kind (cross-origin isolated: %s)', async (isolated) => {
    const { page, errors } = await pageAt(`fit-async-estimators-${isolated}.html`, fitAsyncPage(`
const info = await init();
// 1,000 rows: one block, so an ordinary page's message-passing threads keep the fit in one worker, as fit.
const { X, y } = makeLogistic(1000, 6, 7);
const labels = Array.from(y);
const Y = { data: Float64Array.from({ length: 2000 }, (_, k) => (X.data[(k >> 1) * 6 + (k & 1)] > 0 ? 1 : 0)), rows: 1000, cols: 2 };
const cases = {
  'LogisticRegression lbfgs': [() => new LogisticRegression({ maxIter: 30 }), labels],
  'LogisticRegression sgd': [() => new LogisticRegression({ solver: 'sgd', maxIter: 5, seed: 3 }), labels],
  'MLPClassifier adam': [() => new MLPClassifier({ hiddenLayerSizes: [5], maxIter: 6, seed: 1 }), labels],
  'MLPClassifier lbfgs': [() => new MLPClassifier({ solver: 'lbfgs', hiddenLayerSizes: [4], maxIter: 10, seed: 2 }), labels],
  'MultiLabelClassifier lbfgs': [() => new MultiLabelClassifier({ maxIter: 30 }), Y],
  'MultiLabelClassifier adam': [() => new MultiLabelClassifier({ solver: 'sgd', optimizer: 'adam', maxIter: 4, seed: 4 }), Y],
};
const same = {};
for (const [name, [make, t]] of Object.entries(cases)) {
  const a = await make().fitAsync(X, t), b = make().fit(X, t);
  same[name] = a.nIter === b.nIter && a.getParameters().every((v, i) => Object.is(v, b.getParameters()[i]));
}
document.title = JSON.stringify({ isolated: crossOriginIsolated, mode: info.threads.mode, same });
`), isolated);
    await page.waitForFunction(() => document.title !== '', undefined, { timeout: 60_000 });
    const r = JSON.parse(await page.title());
    expect(r.error).toBeUndefined();
    expect(r.isolated).toBe(isolated);
    expect(r.mode).toBe(isolated ? 'shared' : 'message');
    expect(Object.values(r.same)).toHaveLength(6);
    expect(r.same).toEqual(Object.fromEntries(Object.keys(r.same).map((k) => [k, true])));
    expect(errors).toEqual([]);
    await page.close();
  });

  it('in an ordinary page (no SharedArrayBuffer), an abort or onEpochEnd returning false ends the worker and rejects with ABORTED, and the next fit still matches fit', async () => {
    const { page, errors } = await pageAt('fit-async-ordinary.html', fitAsyncPage(`
await init();
const { X, y } = makeLogistic(3000, 8, 5);
const labels = Array.from(y);
const long = () => new MLPClassifier({ hiddenLayerSizes: [16], maxIter: 100000, tol: 0, nIterNoChange: 100000 });
const reason = (p) => p.then(() => 'resolved', (e) => e.code + ' ' + e.message);
const controller = new AbortController();
const aborted = reason(long().fitAsync(X, labels, { signal: controller.signal, onEpochEnd: (log) => { if (log.epoch === 3) controller.abort(); } }));
const stopped = reason(long().fitAsync(X, labels, { onEpochEnd: (log) => log.epoch < 3 }));
const make = () => new LogisticRegression({ solver: 'sgd', maxIter: 20, seed: 2 });
const sync = make().fit(X, labels);
const model = await make().fitAsync(X, labels);
document.title = JSON.stringify({
  sab: typeof SharedArrayBuffer, aborted: await aborted, stopped: await stopped,
  same: Array.from(model.getParameters()).every((v, i) => Object.is(v, sync.getParameters()[i])),
});
`), false);
    await page.waitForFunction(() => document.title !== '', undefined, { timeout: 60_000 });
    const r = JSON.parse(await page.title());
    expect(r.error).toBeUndefined();
    expect(r.sab).toBe('undefined');
    expect(r.aborted).toBe('ABORTED ABORTED: fitAsync was aborted before training finished');
    expect(r.stopped).toMatch(/^ABORTED ABORTED: onEpochEnd returned false, but without SharedArrayBuffer/);
    expect(r.same).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('in a cross-origin-isolated page, onEpochEnd returning false stops at the same epoch as fit, and an abort frees the worker\'s memory', async () => {
    const { page, errors } = await pageAt('fit-async-isolated.html', fitAsyncPage(`
await init();
const { X, y } = makeLogistic(3000, 8, 5);
const labels = Array.from(y);
const make = () => new LogisticRegression({ solver: 'sgd', maxIter: 50, tol: 0, seed: 2 });
const stop = { onEpochEnd: (log) => log.epoch < 4 };
const sync = make().fit(X, labels, stop);
const model = await make().fitAsync(X, labels, stop);
const controller = new AbortController();
let aborted = '';
try {
  await new MLPClassifier({ hiddenLayerSizes: [16], maxIter: 100000, tol: 0, nIterNoChange: 100000 }).fitAsync(X, labels, {
    signal: controller.signal, onEpochEnd: (log) => { if (log.epoch === 3) controller.abort(); },
  });
} catch (e) {
  aborted = e.code + ' ' + e.message;
}
document.title = JSON.stringify({
  isolated: crossOriginIsolated, nIter: model.nIter, same: Array.from(model.getParameters()).every((v, i) => Object.is(v, sync.getParameters()[i])), aborted,
});
`), true);
    await page.waitForFunction(() => document.title !== '', undefined, { timeout: 60_000 });
    const r = JSON.parse(await page.title());
    expect(r.error).toBeUndefined();
    expect(r.isolated).toBe(true);
    expect(r).toMatchObject({ nIter: 4, same: true });
    expect(r.aborted).toMatch(/^ABORTED ABORTED: fitAsync was aborted before training finished; the worker freed its engine memory \((\d+) bytes in use before the fit, \1 after\)$/);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('threads in Chromium', () => {
  it('in a cross-origin-isolated page, init starts a shared-memory pool, and a fit on 2 threads (sync on the page, or fitAsync) equals the fit on 1 bit for bit', async () => {
    const { page, errors } = await pageAt('threads-isolated.html', fitAsyncPage(`
const info = await init({ threads: 2 });
const { X, y } = makeLogistic(20000, 20, 3);
const labels = Array.from(y);
const make = (nThreads) => new LogisticRegression({ nThreads, maxIter: 25, tol: 0 });
const one = make(1).fit(X, labels).getParameters();
const t0 = performance.now();
const two = make(2).fit(X, labels).getParameters();
const ms = performance.now() - t0;
const inWorker = (await make(2).fitAsync(X, labels)).getParameters();
const p1 = make(1).fit(X, labels).predictProba(X).data, p2 = make(2).fit(X, labels).predictProba(X).data;
const same = (a, b) => a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));
document.title = JSON.stringify({
  isolated: crossOriginIsolated, threads: info.threads, backend: info.backend, ms,
  same: same(one, two), sameAsync: same(one, inWorker), sameProba: same(p1, p2), changed: one.some((v) => v !== 0),
});
`), true);
    await page.waitForFunction(() => document.title !== '', undefined, { timeout: 60_000 });
    const r = JSON.parse(await page.title());
    expect(r.error).toBeUndefined();
    expect(r.isolated).toBe(true);
    expect(r.backend).toMatch(/^wasm-/);
    expect(r.threads).toMatchObject({ count: 2, mode: 'shared' });
    expect(r.threads.unavailable.shared).toBeUndefined();
    expect(r).toMatchObject({ same: true, sameAsync: true, sameProba: true, changed: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('message-passing threads in Chromium', () => {
  it('in an ordinary page, init reports message mode on several threads, a fitAsync lbfgs fit on two shard workers equals the sync fit, and an abort ends them', async () => {
    const { page, errors } = await pageAt('message-threads.html', fitAsyncPage(`
const { shardPool } = await import('./dist/async/fit-job.js');
const info = await init({ threads: 2 });
const { X, y } = makeLogistic(5000, 10, 3);
const labels = Array.from(y);
const gap = (a, b) => {
  let g = 0, s = 1;
  for (let i = 0; i < b.length; i++) { g = Math.max(g, Math.abs(a[i] - b[i])); s = Math.max(s, Math.abs(b[i])); }
  return a.length === b.length ? g / s : Infinity;
};
const make = () => new LogisticRegression({ maxIter: 50, dtype: 'float64' });
const sync = make().fit(X, labels);
const logs = [];
const model = await make().fitAsync(X, labels, { onEpochEnd: (l) => { logs.push(l.epoch); } });
const net = () => new MLPClassifier({ solver: 'lbfgs', hiddenLayerSizes: [4], maxIter: 8, seed: 1, dtype: 'float64' });
const netGap = gap((await net().fitAsync(X, labels)).getParameters(), net().fit(X, labels).getParameters());
const shards = shardPool.size.idle;
// Without shared memory an abort ends the fit worker and the shards at once.
const controller = new AbortController();
const long = new MLPClassifier({ solver: 'lbfgs', hiddenLayerSizes: [16], maxIter: 100000, tol: 0 });
const aborted = await long.fitAsync(X, labels, { signal: controller.signal, onEpochEnd: (l) => { if (l.epoch === 2) controller.abort(); } })
  .then(() => 'resolved', (e) => e.code);
const shardsAfterAbort = shardPool.size;
const after = await make().fitAsync(X, labels);
document.title = JSON.stringify({
  shards, aborted, shardsAfterAbort, afterGap: gap(after.getParameters(), sync.getParameters()),
  sab: typeof SharedArrayBuffer, isolated: crossOriginIsolated, threads: info.threads,
  gap: gap(model.getParameters(), sync.getParameters()), netGap, nIter: [model.nIter, sync.nIter], logs: logs.length,
});
`), false);
    await page.waitForFunction(() => document.title !== '', undefined, { timeout: 60_000 });
    const r = JSON.parse(await page.title());
    expect(r.error).toBeUndefined();
    expect([r.sab, r.isolated]).toEqual(['undefined', false]);
    expect(r.threads.mode).toBe('message');
    expect(r.threads.count).toBe(2);
    expect(r.threads.unavailable.shared).toMatch(/SharedArrayBuffer|isolat/i);
    expect(r.gap).toBeLessThan(1e-6);
    expect(r.netGap).toBeLessThan(1e-6);
    expect(r.nIter[0]).toBe(r.nIter[1]);
    expect(r.logs).toBe(r.nIter[0]);
    // The fits ran on two shard workers, idle now; an abort ended them, and the next fit started fresh ones.
    expect(r.shards).toBe(2);
    expect(r.aborted).toBe('ABORTED');
    expect(r.shardsAfterAbort).toEqual({ idle: 0, busy: 0 });
    expect(r.afterGap).toBeLessThan(1e-6);
    expect(errors).toEqual([]);
    await page.close();
  });
});
