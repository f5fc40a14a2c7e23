import { basename } from 'node:path';
import { init, type BackendChoice } from '../engine/index.js';
import { SimpleImputer, type ImputeStrategy } from '../data/impute.js';
import { makePipeline, type Transformer } from '../data/pipeline.js';
import { StandardScaler } from '../data/scale.js';
import { trainTestSplit } from '../data/split.js';
import { uniqueSorted, type Label } from '../core/labels.js';
import type { Matrix } from '../core/matrix.js';
import { HELP_FLAG, quoteArg, intFlag, numberFlag, parseFlags, positionals } from './args.js';
import { columnNames, Columns } from './columns.js';
import { oneLine, usage } from './errors.js';
import { prepareOutput, readCsvFile, writeOutput } from './input.js';
import { ms } from './format.js';
import { buildModel, MODEL_NAMES } from './models.js';
import { progress } from './progress.js';
import { reportIndicators, reportLabels } from './report.js';
import { modelFile } from './saved.js';

export const TRAIN_HELP = `usage: wasmlearn train <csv> --target <column> [options]

Trains a classifier on a CSV file, reports it on a held-out test split, and saves the
preprocessing and the model together with --out. Columns are header names, or numbers
counted from 1 (the only way with --no-header).

  --target <column>     the label column; for --model multilabel, the 0/1 columns, comma-separated
  --drop <columns>      columns to leave out, comma-separated; may be repeated
  --model <name>        ${MODEL_NAMES.join(', ')} (default logistic)
  --solver <name>       logistic, multilabel: lbfgs (default), gd, sgd; mlp: adam (default), sgd, lbfgs
  --hidden <sizes>      mlp: the hidden layer widths, e.g. 64,32 (default 100)
  --activation <name>   mlp: relu (default), tanh, logistic, identity
  --optimizer <name>    logistic, multilabel with --solver sgd: sgd (default), momentum, nesterov,
                        adam, amsgrad
  --C <x>               logistic, multilabel: inverse regularization strength (default 1)
  --penalty <name>      logistic, multilabel: l2 (default), l1, elasticnet, none (l1 and
                        elasticnet need --solver gd or sgd)
  --l1-ratio <x>        elasticnet's share of l1, in [0, 1] (default 0.15)
  --class-weight <w>    logistic, mlp: balanced, or label:weight,... (other labels weigh 1)
  --max-iter <n>        iterations (lbfgs, gd) or epochs (sgd, adam)
  --learning-rate <x>   the step size of gd, sgd and adam
  --batch-size <n>      rows per mini-batch (sgd, adam)
  --no-header           the first line is data, not column names
  --header              the first line holds column names, even if they look like numbers
  --test-size <x>       the fraction (or number) of rows held out for testing; default 0.2
  --standardize         scale every feature to mean 0 and variance 1
  --impute <strategy>   fill missing cells ('', ?, NA, NaN): mean, median, most_frequent, constant
  --seed <n>            seeds the split and the model; default 0
  --backend <name>      auto (default), wasm-relaxed, wasm-simd, wasm-scalar, js
  --out <model.json>    where to save the model, for 'wasmlearn predict'
  --plot <loss.svg>     where to draw the loss per epoch (iteration), as SVG
  -h, --help            this help`;

/** The ranges of the numeric flags: what the models handle, and runs that end. */
export const FLAG_LIMITS = {
  maxIter: 1_000_000,
  batchSize: 2 ** 24,
  seed: 2 ** 32 - 1,
  hiddenWidth: 65_536,
  hiddenLayers: 32,
  testRows: 2 ** 32 - 1,
} as const;

export async function train(argv: string[], out: (line: string) => void = console.log): Promise<number> {
  const { values: v, positionals: given } = parseFlags({
    args: argv,
    allowPositionals: true,
    options: {
      ...HELP_FLAG,
      target: { type: 'string' },
      drop: { type: 'string', multiple: true },
      model: { type: 'string', default: 'logistic' },
      solver: { type: 'string' },
      hidden: { type: 'string' },
      activation: { type: 'string' },
      'max-iter': { type: 'string' },
      'learning-rate': { type: 'string' },
      'batch-size': { type: 'string' },
      'no-header': { type: 'boolean', default: false },
      header: { type: 'boolean', default: false },
      'test-size': { type: 'string' },
      standardize: { type: 'boolean', default: false },
      impute: { type: 'string' },
      seed: { type: 'string' },
      backend: { type: 'string', default: 'auto' },
      out: { type: 'string' },
      plot: { type: 'string' },
      optimizer: { type: 'string' },
      C: { type: 'string' },
      penalty: { type: 'string' },
      'l1-ratio': { type: 'string' },
      'class-weight': { type: 'string' },
    },
  });
  if (v.help) {
    out(TRAIN_HELP);
    return 0;
  }
  const [csv] = positionals(given, ['csv'], 'train') as [string];
  if (v.target === undefined) usage('train needs --target <column>: the column holding the labels');
  const testSize = numberFlag('test-size', v['test-size'], (x) => (x > 0 && x < 1) || (Number.isInteger(x) && x >= 1 && x <= FLAG_LIMITS.testRows), 'a fraction in (0, 1) or a whole number of rows') ?? 0.2;
  const seed = intFlag('seed', v.seed, 0, FLAG_LIMITS.seed) ?? 0;
  const layers = v.hidden?.split(',');
  if (layers && layers.length > FLAG_LIMITS.hiddenLayers) usage(`--hidden takes at most ${FLAG_LIMITS.hiddenLayers} layer widths, got ${layers.length}`);
  const hidden = layers?.map((h) => intFlag('hidden', h, 1, FLAG_LIMITS.hiddenWidth)!);
  if (v.header && v['no-header']) usage('--header and --no-header contradict each other');
  const header = !v['no-header'];
  // Options are checked (by the library's own messages) before the file is read.
  const built = buildModel(v.model, {
    solver: v.solver, hidden, activation: v.activation, seed, backend: v.backend as BackendChoice,
    maxIter: intFlag('max-iter', v['max-iter'], 1, FLAG_LIMITS.maxIter),
    learningRate: numberFlag('learning-rate', v['learning-rate'], (x) => x > 0, 'a positive number'),
    batchSize: intFlag('batch-size', v['batch-size'], 1, FLAG_LIMITS.batchSize),
    optimizer: v.optimizer,
    C: numberFlag('C', v.C, (x) => x > 0, 'a positive number'),
    penalty: v.penalty,
    l1Ratio: numberFlag('l1-ratio', v['l1-ratio'], (x) => x >= 0 && x <= 1, 'a number from 0 to 1'),
    classWeight: classWeightFlag(v['class-weight']),
  });
  const steps: Transformer[] = [];
  if (v.impute !== undefined) steps.push(new SimpleImputer({ strategy: v.impute as ImputeStrategy }));
  if (v.standardize) steps.push(new StandardScaler());

  // The output file is opened for writing before the data is read: a path that cannot be written
  // fails now, not after the training. A file created for the check is removed if the run fails.
  const discard = v.out === undefined ? null : await prepareOutput(v.out);
  const discardPlot = v.plot === undefined ? null : await prepareOutput(v.plot);
  try {
    const t0 = performance.now();
    const multi = built.targets === 'indicators';
    const data = await readData(csv, header, v.header, multi ? v.target.split(',') : [v.target], v.drop ?? [], v.impute === undefined);
    const { X, y, names, features, targets } = data;
    const tRead = performance.now();
    const { XTrain, XTest, yTrain, yTest } = trainTestSplit(X, y, { testSize, seed, stratify: !multi });
    const info = await init();
    const pipeline = makePipeline(...steps, built.model);
    const stepNames = steps.map((s) => (s instanceof SimpleImputer ? `SimpleImputer (${s.strategy})` : s.constructor.name));
    out(`data     ${oneLine(basename(csv))}: ${X.rows} rows, ${features.length} features, target ${targets.length > 1 ? 'columns' : 'column'} ${targets.map(data.label).join(', ')}`);
    out(`split    ${XTrain.rows} training rows, ${XTest.rows} test rows (${multi ? '' : 'stratified, '}seed ${seed})`);
    out(`model    ${[...stepNames, built.description].join(' -> ')} on ${v.backend === 'auto' ? info.backend : v.backend}`);

    // A bar redrawn on a terminal's stderr; otherwise plain lines in the report (stdout), so that
    // stderr holds nothing but the one line of a failure.
    const bar = progress('training', built.maxIter, process.stderr.isTTY ? process.stderr : process.stdout);
    let epochs = 0;
    const history: { epoch: number; loss: number }[] = [];
    const tFit = performance.now();
    pipeline.fit(XTrain, yTrain, {
      onEpochEnd: (log) => {
        const { epoch, loss } = log as { epoch: number; loss: number };
        epochs = epoch;
        history.push({ epoch, loss });
        bar.epoch(epoch, loss);
      },
    });
    const fitMs = performance.now() - tFit;
    bar.done(`done: ${epochs} epochs in ${ms(fitMs)}`);
    // scikit-learn's ConvergenceWarning, printed as it would be.
    const { warning } = built.model as unknown as { warning: { code: string; message: string } | null };
    if (warning) out(`warning  ${warning.code === 'DIVERGED' ? 'diverged' : 'did not converge'}: ${oneLine(warning.message)}`);

    out('');
    const pred = pipeline.predict(XTest);
    const proba = pipeline.predictProba(XTest);
    if (multi) reportIndicators(out, yTest as Matrix, pred as Matrix, proba, targets.map((j) => names[j]));
    else reportLabels(out, yTest as Label[], pred as Label[], proba, uniqueSorted(y as Label[]));
    out('');
    out(`time     read ${ms(tRead - t0)}, fit ${ms(fitMs)} (${ms(fitMs / Math.max(1, epochs))} per epoch), total ${ms(performance.now() - t0)}`);
    if (v.plot !== undefined) {
      // The plotting library loads only for --plot.
      const { lossCurves } = await import('../plot/index.js');
      await writeOutput(v.plot, await lossCurves(history, { title: `${built.description}: training loss`, logScale: true }).toSVG());
      out(`plot     ${oneLine(v.plot)}`);
    }
    if (v.out !== undefined) {
      const saved = modelFile(pipeline, { header, features: features.map((j) => names[j]), targets: targets.map((j) => names[j]) });
      await writeOutput(v.out, JSON.stringify(saved, null, 1) + '\n');
      out(`saved    ${oneLine(v.out)}`);
    }
    pipeline.dispose();
  } catch (e) {
    await discard?.();
    await discardPlot?.();
    throw e;
  }
  return 0;
}

/** Reads the feature and target columns named on the command line; several targets make y a 0/1 matrix. */
async function readData(csv: string, header: boolean, sure: boolean, targetRefs: string[], drop: string[], noImpute: boolean) {
  const names = await columnNames(csv, header, sure);
  const columns = new Columns(names);
  const label = (j: number) => (header ? `'${oneLine(names[j])}'` : names[j]);
  const targets = targetRefs.map((t) => columns.resolve(t.trim(), '--target'));
  const dropped = new Set(drop.flatMap((d) => d.split(',')).map((d) => columns.resolve(d.trim(), '--drop')));
  for (const t of targets) if (dropped.has(t)) usage(`column ${label(t)} is both a target and dropped`);
  const features = names.map((_, j) => j).filter((j) => !targets.includes(j) && !dropped.has(j));
  if (features.length === 0) usage('no feature columns are left once the targets and the dropped columns are taken out');
  let X: Matrix;
  let y: Label[] | Matrix;
  if (targets.length === 1) {
    const read = await readCsvFile(csv, { header, target: targets[0], columns: features });
    [X, y] = [read.X, read.y!];
  } else {
    const all = (await readCsvFile(csv, { header, columns: [...features, ...targets] })).X;
    [X, y] = [columnsOf(all, 0, features.length), columnsOf(all, features.length, all.cols)];
  }
  if (noImpute) refuseMissing(X, features.map(label));
  return { X, y, names, features, targets, label };
}

/** Columns [from, to) of m, as a new matrix. */
function columnsOf(m: Matrix, from: number, to: number): Matrix {
  const cols = to - from;
  const out = new Float32Array(m.rows * cols);
  for (let i = 0; i < m.rows; i++) out.set(m.data.subarray(i * m.cols + from, i * m.cols + to), i * cols);
  return { data: out, rows: m.rows, cols };
}

/** Missing cells without --impute: say where, in the file's terms, and what to pass. */
function refuseMissing(X: Matrix, names: string[]): void {
  const k = X.data.findIndex((x) => x !== x);
  if (k < 0) return;
  const column = names[k % X.cols];
  usage(`column ${column} has missing values (the first in data row ${Math.floor(k / X.cols) + 1}); pass --impute mean, median, most_frequent or constant`);
}

/** --class-weight: 'balanced', or label:weight pairs, comma-separated (a label may hold ':'; the last one splits). */
function classWeightFlag(text: string | undefined): 'balanced' | Record<string, number> | undefined {
  if (text === undefined) return undefined;
  if (text === 'balanced') return text;
  const weights: Record<string, number> = {};
  for (const part of text.split(',')) {
    const at = part.lastIndexOf(':');
    const w = at > 0 ? numberFlag('class-weight', part.slice(at + 1).trim(), (x) => x >= 0, 'a weight of 0 or more', ) : undefined;
    if (at <= 0 || w === undefined) usage(`--class-weight takes 'balanced' or label:weight pairs such as 0:1,1:5; got ${quoteArg(text)}`);
    weights[part.slice(0, at).trim()] = w;
  }
  return weights;
}
