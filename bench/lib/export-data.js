// Writes the datasets of the workloads scikit-learn can run ((A), (C), (E1-E3)) to a folder as raw
// little-endian float32 files plus meta.json, for bench/sklearn.py:
//   node bench/lib/export-data.js <dir>
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataA, dataBreastCancer, dataC, dataE5, dataLetters } from './data.js';
import { weightsFor } from '../suites/fullbatch.js';
import { BATCH, LR } from '../suites/a-sgd.js';
import { LBFGS } from '../suites/e-lbfgs.js';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node bench/lib/export-data.js <dir>');
  process.exit(2);
}
mkdirSync(dir, { recursive: true });
const meta = { datasets: {}, settings: { A: { batch: BATCH, lr: LR }, E: LBFGS } };

function save(id, X, y, extra = {}) {
  writeFileSync(join(dir, `${id}.X.f32`), new Uint8Array(X.data.buffer, X.data.byteOffset, X.data.byteLength));
  const yf = Float32Array.from(y);
  writeFileSync(join(dir, `${id}.y.f32`), new Uint8Array(yf.buffer));
  meta.datasets[id] = { rows: X.rows, cols: X.cols, ...extra };
}

{
  const { X, y } = dataA();
  save('A', X, y, { classes: 2 });
}
{
  const { X, y } = dataC();
  const { w, b } = weightsFor(X.cols);
  save('C', X, y, { classes: 2, w: Array.from(w), b });
}
const bc = await dataBreastCancer();
if (bc) save('E1', bc.X, bc.y, { classes: 2 });
{
  const { X, y } = dataE5();
  save('E2', X, y, { classes: 2 });
}
const letters = await dataLetters();
if (letters) save('E3', letters.X, letters.labels, { classes: 26 });
writeFileSync(join(dir, 'meta.json'), JSON.stringify(meta));
