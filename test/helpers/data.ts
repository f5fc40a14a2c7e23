import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));
/** The datasets the package ships (datasets/), so a fresh clone tests on its own. */
const shipped = resolve(repo, 'datasets');
const defaultDir = resolve(repo, '..', 'shared', 'data');

/** The path of a reference dataset: in WASMLEARN_DATA_DIR if set, else the shipped datasets/, else ../shared/data. */
export function dataPath(file: string): string {
  const envDir = process.env.WASMLEARN_DATA_DIR;
  const dirs = envDir ? [resolve(envDir), shipped, defaultDir] : [shipped, defaultDir];
  for (const dir of dirs) {
    const p = join(dir, file);
    if (existsSync(p)) return p;
  }
  throw new Error(
    `dataset ${file} not found: looked in WASMLEARN_DATA_DIR (${envDir ? resolve(envDir) : 'not set'}), ${shipped} and ${defaultDir}. ` +
      'Set WASMLEARN_DATA_DIR to the folder holding the reference datasets.',
  );
}

/**
 * UCI breast cancer as the foundation issue prepares it, parsed plainly here so the model tests do
 * not depend on the CSV reader: id column dropped, Bare_Nuclei's '?' filled with the column
 * median, y = 1 for class 4 (malignant).
 */
export function breastCancer(): { X: number[][]; y: number[] } {
  const lines = readFileSync(dataPath('breast-cancer-wisconsin.data'), 'utf8').trim().split('\n');
  const rows = lines.map((l) => l.trim().split(',').slice(1));
  const known = rows.map((r) => r[5]).filter((v) => v !== '?').map(Number).sort((a, b) => a - b);
  const mid = known.length >> 1;
  const median = known.length % 2 ? known[mid] : (known[mid - 1] + known[mid]) / 2;
  const X = rows.map((r) => r.slice(0, 9).map((v) => (v === '?' ? median : Number(v))));
  const y = rows.map((r) => (r[9] === '4' ? 1 : 0));
  return { X, y };
}
