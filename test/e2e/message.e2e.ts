// Message-passing threads in headless Chromium: an ordinary page (not cross-origin isolated, so no
// SharedArrayBuffer) gets threads for fitAsync's full-batch fits, by shard workers that exchange
// parameters and partial gradients with the fit worker by message. Served from 127.0.0.1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { launchChromium, type Browser } from './helpers/chromium.js';
import { serve, type StaticServer } from './helpers/serve.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

let browser: Browser;
let pkg: StaticServer;

beforeAll(async () => {
  browser = await launchChromium();
  pkg = await serve(root);
});

afterAll(async () => {
  await browser?.close();
  await pkg?.close();
});

/** A page at `path` on the package server with `html` as its body, without the cross-origin isolation headers. */
async function ordinaryPage(path: string, html: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.route(`${pkg.url}${path}`, (route) => route.fulfill({ body: html, contentType: 'text/html' }));
  await page.goto(`${pkg.url}${path}`);
  return { page, errors };
}

/** An import-map page; `body` is the module script's code, which sets document.title to its JSON result. */
const modulePage = (body: string) => `<!doctype html><title></title>
<script type="importmap">{ "imports": { "wasmlearn": "./dist/index.js" } }</script>
<script type="module">
import { init, LogisticRegression, MLPClassifier, makeLogistic } from 'wasmlearn';
import { shardPool } from './dist/async/fit-job.js';
try {
${body}
} catch (e) {
  document.title = JSON.stringify({ error: String(e && e.message || e) });
}
</script>`;

describe('message-passing threads in Chromium', () => {
  it('in an ordinary page, init reports message mode on several threads, a fitAsync lbfgs fit on two shard workers equals the sync fit, and an abort ends them', async () => {
    const { page, errors } = await ordinaryPage('message-threads.html', modulePage(`
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
`));
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
