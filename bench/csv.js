// CSV reading speed and memory: node --expose-gc bench/csv.js [megabytes]
// Writes a seeded numeric CSV (20 columns of decimals) to the temp dir, reads it with readCsv,
// prints MB/s and the peak memory next to the size of the Float32Array it produced, then
// deletes the file.
import { closeSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCsv } from '../dist/index.js';

const MB = 1e6;
const targetBytes = Number(process.argv[2] ?? 100) * MB;
const COLS = 20;
const file = join(tmpdir(), `wasmlearn-bench-${process.pid}.csv`);

/** mulberry32: a tiny seeded generator, so every run reads the same file. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function writeCsv() {
  const rand = rng(42);
  const fd = openSync(file, 'w');
  let written = writeSync(fd, Array.from({ length: COLS }, (_, j) => `f${j}`).join(',') + '\n');
  while (written < targetBytes) {
    const lines = [];
    for (let r = 0; r < 2000; r++) {
      const cells = [];
      for (let j = 0; j < COLS; j++) cells.push(((rand() - 0.5) * 10 ** (1 + (j % 4))).toFixed(1 + (j % 5)));
      lines.push(cells.join(','));
    }
    written += writeSync(fd, lines.join('\n') + '\n');
  }
  closeSync(fd);
}

writeCsv();
try {
  const bytes = statSync(file).size;
  globalThis.gc?.();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakAb = base.arrayBuffers;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakAb = Math.max(peakAb, m.arrayBuffers);
  };
  const timer = setInterval(sample, 5);
  const t0 = performance.now();
  const { X } = await readCsv(file);
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(timer);
  sample();
  const matrixMB = X.data.byteLength / MB;
  const rssMB = (peakRss - base.rss) / MB;
  const abMB = (peakAb - base.arrayBuffers) / MB;
  console.log(
    `readCsv ${(bytes / MB).toFixed(1)} MB -> ${X.rows} x ${X.cols} float32 (${matrixMB.toFixed(1)} MB): ` +
      `${seconds.toFixed(2)} s, ${(bytes / MB / seconds).toFixed(0)} MB/s; ` +
      `peak rss +${rssMB.toFixed(1)} MB (${(rssMB / matrixMB).toFixed(2)}x matrix), ` +
      `peak arrayBuffers +${abMB.toFixed(1)} MB (${(abMB / matrixMB).toFixed(2)}x matrix)` +
      (globalThis.gc ? '' : ' [run with --expose-gc for a clean baseline]'),
  );
} finally {
  rmSync(file, { force: true });
}
