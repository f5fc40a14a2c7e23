import { init, type BackendChoice } from '../engine/index.js';
import type { Label } from '../core/labels.js';
import type { Matrix } from '../core/matrix.js';
import { HELP_FLAG, parseFlags, positionals } from './args.js';
import { columnNames, Columns } from './columns.js';
import { showPath, usage } from './errors.js';
import { prepareOutput, readCsvFile, writeOutput } from './input.js';
import { csvField } from './format.js';
import { readModelFile } from './saved.js';

export const PREDICT_HELP = `usage: wasmlearn predict <model.json> <csv> [options]

Predicts every row of a CSV file with a model saved by 'wasmlearn train --out', and writes
CSV: a 'prediction' column (a multi-label model: a 0/1 column per output), then with --proba
a probability column per class (or output). The model reads the columns it was trained on, by
header name (or by position when it was trained with --no-header); other columns, such as the
labels, are ignored.

  --proba               add the probability of each class
  --no-header           the first line is data (default: as when the model was trained)
  --header              the first line holds column names
  --backend <name>      auto (default), wasm-relaxed, wasm-simd, wasm-scalar, js
  --out <file.csv>      write there instead of to stdout
  -h, --help            this help`;

export async function predict(argv: string[], out: (text: string) => void = (t) => process.stdout.write(t)): Promise<number> {
  const { values: v, positionals: given } = parseFlags({
    args: argv,
    allowPositionals: true,
    options: {
      ...HELP_FLAG,
      proba: { type: 'boolean', default: false },
      'no-header': { type: 'boolean' },
      header: { type: 'boolean' },
      backend: { type: 'string', default: 'auto' },
      out: { type: 'string' },
    },
  });
  if (v.help) {
    out(PREDICT_HELP + '\n');
    return 0;
  }
  const [modelPath, csv] = positionals(given, ['model.json', 'csv'], 'predict') as [string, string];
  if (v.header && v['no-header']) usage('--header and --no-header contradict each other');
  await init({ backend: v.backend as BackendChoice });
  const discard = v.out === undefined ? null : await prepareOutput(v.out);
  try {
    const { pipeline, input } = await readModelFile(modelPath);
    const header = v.header ? true : v['no-header'] ? false : input.header;
    try {
      const lookup = new Columns(await columnNames(csv, header, v.header === true));
      const columns = input.features.map((f) => lookup.resolve(f, `a feature of ${showPath(modelPath)}`));
      const { X } = await readCsvFile(csv, { header, columns });
      const text = toCsv(pipeline.predict(X) as Label[] | Matrix, v.proba ? pipeline.predictProba(X) : null, pipeline.model, input.targets);
      if (v.out === undefined) out(text);
      else await writeOutput(v.out, text);
    } finally {
      pipeline.dispose();
    }
  } catch (e) {
    await discard?.();
    throw e;
  }
  return 0;
}

/**
 * One row per input row: 'prediction' (and with probabilities 'proba_<class>' per class), or
 * for a multi-label model a 0/1 column per output (and 'proba_<output>').
 */
function toCsv(pred: Label[] | Matrix, proba: Matrix | null, model: unknown, targets: string[]): string {
  const multi = !Array.isArray(pred);
  const columns = multi ? targets : ['prediction'];
  const classes = (model as { classes?: unknown }).classes; // every classifier has them (API.md)
  const probaNames = multi ? targets : Array.isArray(classes) ? (classes as Label[]) : Array.from({ length: proba?.cols ?? 0 }, (_, k) => k);
  const header = [...columns, ...(proba ? probaNames.map((c) => `proba_${c}`) : [])].map(csvField).join(',');
  const rows = Array.from({ length: multi ? pred.rows : pred.length }, (_, i) => {
    const cells = multi ? Array.from(pred.data.subarray(i * pred.cols, (i + 1) * pred.cols), String) : [csvField(pred[i])];
    if (proba) for (let k = 0; k < proba.cols; k++) cells.push(String(proba.data[i * proba.cols + k]));
    return cells.join(',');
  });
  return [header, ...rows].join('\n') + '\n';
}
