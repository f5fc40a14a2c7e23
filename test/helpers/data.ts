import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const repoShared = fileURLToPath(new URL('../../../shared/data', import.meta.url));

/** Path of a reference dataset: $WASMLEARN_DATA_DIR, else ../shared/data beside the repository. */
export function dataPath(file: string): string {
  const candidates = [process.env.WASMLEARN_DATA_DIR, repoShared].filter((d): d is string => !!d);
  for (const dir of candidates) {
    const p = join(dir, file);
    if (existsSync(p)) return p;
  }
  throw new Error(
    `reference dataset ${file} not found; looked in ${candidates.map((c) => JSON.stringify(c)).join(' and ')}. ` +
      'Put the shared data beside the repository (../shared/data) or set WASMLEARN_DATA_DIR.',
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
