import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { init, pipelineFromJSON, readCsv, trainTestSplit } from '../src/index.js';
import { progress } from '../src/cli/progress.js';
import { dataPath } from './helpers/data.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'wasmlearn-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs the built command line as a user would, without a terminal. */
function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, 'dist/cli.js'), ...args], { cwd: tmp, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, text: string): string {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}

const cancer = dataPath('breast-cancer-wisconsin.data');
const acceptance = ['train', cancer, '--no-header', '--drop', '1', '--target', '11', '--impute', 'median'];

describe('wasmlearn train and predict', () => {
  it('trains on breast cancer, prints the metrics and the time, and saves a pipeline', () => {
    const r = cli(...acceptance, '--out', 'model.json');
    // Without a terminal, the progress lines are part of the report; stderr stays empty.
    expect(r.stdout).toMatch(/training epoch 1\/100 {2}loss 0\.6\d+\n/);
    expect(r.stdout).toMatch(/training done: \d+ epochs in/);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/699 rows, 9 features, target column 11/);
    expect(r.stdout).toMatch(/559 training rows, 140 test rows/);
    // One stratified split of 140 rows: seed 0 lands at 0.936, the mean over seeds is 0.964.
    expect(Number(/test accuracy {2}(\S+)/.exec(r.stdout)![1])).toBeGreaterThan(0.92);
    expect(Number(/test log-loss {2}(\S+)/.exec(r.stdout)![1])).toBeLessThan(0.2);
    expect(r.stdout).toMatch(/precision +recall +f1-score +support/);
    expect(r.stdout).toMatch(/confusion matrix[^\n]*\n +2 +4 +<- predicted\n +2 +\d+ +\d+\n +4 +\d+ +\d+\n/);
    expect(r.stdout).toMatch(/time +read .* fit .* total /);
    const saved = JSON.parse(readFileSync(join(tmp, 'model.json'), 'utf8'));
    expect(saved.name).toBe('Pipeline');
    expect(saved.steps.map((s: { name: string }) => s.name)).toEqual(['SimpleImputer', 'LogisticRegression']);
    expect(saved.input).toEqual({ header: false, features: ['2', '3', '4', '5', '6', '7', '8', '9', '10'], targets: ['11'] });
  });

  it('prints the convergence warning, and draws the loss per epoch with --plot', () => {
    const r = cli(...acceptance, '--solver', 'sgd', '--max-iter', '4', '--plot', 'loss.svg');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/warning  did not converge: .*reached maxIter = 4/);
    expect(r.stdout).toMatch(/plot     loss\.svg/);
    const svg = readFileSync(join(tmp, 'loss.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    // The four epochs are four points of one line, on a titled epoch axis.
    expect(svg).toMatch(/epoch/);
    expect(svg.match(/<path[^>]*class="[^"]*"?|<path /g)?.length).toBeGreaterThan(0);
    const bad = cli(...acceptance, '--plot', join(tmp, 'missing-dir', 'loss.svg'));
    expect([bad.code, bad.stderr.trimEnd().split('\n').length]).toEqual([2, 1]);
  });

  it('predict with the saved model reproduces the test accuracy train printed', async () => {
    const printed = Number(/test accuracy {2}(\S+)/.exec(cli(...acceptance, '--out', 'model.json').stdout)![1]);
    // The same split as train's: row numbers stand in for the labels, stratified by the labels.
    const { X, y } = await readCsv(cancer, { header: false, target: 10 });
    const rowIds = Array.from({ length: X.rows }, (_, i) => i);
    const { yTest: testRows } = trainTestSplit(X, rowIds, { testSize: 0.2, seed: 0, stratify: y! });
    const lines = readFileSync(cancer, 'utf8').trim().split('\n');
    const testCsv = file('test.csv', testRows.map((i) => lines[i]).join('\n') + '\n');

    const r = cli('predict', 'model.json', testCsv);
    expect(r.code).toBe(0);
    const pred = r.stdout.trim().split('\n');
    expect(pred[0]).toBe('prediction');
    const hits = pred.slice(1).filter((p, k) => Number(p) === y![testRows[k]!]).length;
    expect((hits / testRows.length).toFixed(4)).toBe(printed.toFixed(4));

    // The library loads the same file and agrees row by row.
    await init();
    const pipeline = pipelineFromJSON(JSON.parse(readFileSync(join(tmp, 'model.json'), 'utf8')));
    const Xtest = (await readCsv(testCsv, { header: false, columns: [1, 2, 3, 4, 5, 6, 7, 8, 9] })).X;
    expect((pipeline.predict(Xtest) as number[]).map(String)).toEqual(pred.slice(1));

    const proba = cli('predict', 'model.json', testCsv, '--proba', '--out', 'pred.csv');
    expect(proba.stdout).toBe('');
    const rows = readFileSync(join(tmp, 'pred.csv'), 'utf8').trim().split('\n');
    expect(rows[0]).toBe('prediction,proba_2,proba_4');
    for (const row of rows.slice(1)) {
      const [label, p2, p4] = row.split(',').map(Number);
      expect(p2! + p4!).toBeCloseTo(1, 6);
      expect(label).toBe(p4! > 0.5 ? 4 : 2);
    }
  });

  it('reads header names, string labels, --standardize and the sgd solver', () => {
    const lines = ['id,width,"height, cm",label'];
    for (let i = 0; i < 200; i++) lines.push(`${i},${(i % 17) / 3},${(i * 7) % 11},${(i % 17) / 3 + ((i * 7) % 11) / 2 > 5 ? 'tall' : 'short'}`);
    const csv = file('named.csv', lines.join('\n'));
    const r = cli('train', csv, '--target', 'label', '--drop', 'id', '--standardize', '--solver', 'sgd', '--max-iter', '30', '--seed', '3', '--out', 'named.json');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/2 features, target column 'label'/);
    expect(r.stdout).toMatch(/StandardScaler -> LogisticRegression \(solver sgd\)/);
    expect(Number(/test accuracy {2}(\S+)/.exec(r.stdout)![1])).toBeGreaterThan(0.9);
    const p = cli('predict', 'named.json', csv, '--proba');
    expect(p.code).toBe(0);
    expect(p.stdout.split('\n')[0]).toBe('prediction,proba_short,proba_tall');
    expect(p.stdout.split('\n')[1]).toMatch(/^short,0\.\d+,0\.\d+$/);
  });
});

describe('wasmlearn train --model mlp and multilabel', () => {
  it('trains an MLP on three classes and predicts them back', () => {
    const lines = ['a,b,kind'];
    for (let i = 0; i < 300; i++) {
      const [a, b] = [((i * 37) % 100) / 10, ((i * 53) % 100) / 10];
      lines.push(`${a},${b},${a < 3.3 ? 'left' : b < 5 ? 'low' : 'high'}`);
    }
    const csv = file('three.csv', lines.join('\n'));
    const r = cli('train', csv, '--target', 'kind', '--model', 'mlp', '--hidden', '16,8', '--activation', 'tanh', '--max-iter', '300', '--learning-rate', '0.01', '--standardize', '--out', 'mlp.json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/MLPClassifier \(hidden 16-8, tanh, solver adam\)/);
    expect(r.stdout).toMatch(/\n *high +\d+ +\d+ +\d+\n *left +\d+/);
    expect(Number(/test accuracy {2}(\S+)/.exec(r.stdout)![1])).toBeGreaterThan(0.9);
    const p = cli('predict', 'mlp.json', csv, '--proba');
    expect(p.code).toBe(0);
    const rows = p.stdout.trim().split('\n');
    expect(rows[0]).toBe('prediction,proba_high,proba_left,proba_low');
    const hits = rows.slice(1).filter((row, i) => row.split(',')[0] === lines[i + 1]!.split(',')[2]).length;
    expect(hits / 300).toBeGreaterThan(0.9);
  });

  it('trains a multi-label model on two 0/1 columns', () => {
    const lines = ['x1,x2,x3,a,b'];
    for (let i = 0; i < 300; i++) {
      const [x1, x2, x3] = [((i * 37) % 100) / 10, ((i * 53) % 100) / 10, ((i * 71) % 100) / 10];
      lines.push(`${x1},${x2},${x3},${x1 + x2 > 10 ? 1 : 0},${x3 > 5 ? 1 : 0}`);
    }
    const csv = file('multi.csv', lines.join('\n'));
    const r = cli('train', csv, '--target', 'a,b', '--model', 'multilabel', '--standardize', '--out', 'multi.json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/3 features, target columns 'a', 'b'/);
    expect(Number(/test accuracy {2}(\S+)/.exec(r.stdout)![1])).toBeGreaterThan(0.9);
    expect(r.stdout).toMatch(/\na +\d\.\d{4} +\d\.\d{4} +\d+\/60\nb /);
    const p = cli('predict', 'multi.json', csv, '--proba');
    expect(p.stdout.split('\n')[0]).toBe('a,b,proba_a,proba_b');
    expect(p.stdout.split('\n')[1]).toMatch(/^[01],[01],0\.\d+|e-\d+/);
  });
});

describe('wasmlearn on bad input: one clear line, exit code 2', () => {
  const oneLine = (r: { code: number | null; stdout: string; stderr: string }, pattern: RegExp) => {
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr.trimEnd()).toMatch(pattern);
  };

  it('an unknown column', () => {
    oneLine(cli('train', cancer, '--no-header', '--target', '12'), /^wasmlearn train: unknown column '12' \(--target\): the file has 11 columns: 1, 2, .*, 11/);
    oneLine(cli('train', cancer, '--no-header', '--target', '11', '--drop', 'id'), /unknown column 'id' \(--drop\)/);
  });

  it('a missing file, a non-numeric cell, missing values without --impute', () => {
    oneLine(cli('train', 'nope.csv', '--target', 'y'), /^wasmlearn train: cannot open nope\.csv: no such file$/);
    oneLine(cli('predict', 'nope.json', cancer), /cannot open nope\.json: no such file/);
    const bad = file('bad.csv', 'a,b,y\n1,2,0\n3,x,1\n5,6,0\n');
    oneLine(cli('train', bad, '--target', 'y'), /^wasmlearn train: line 3, column "b" \(index 1\): "x" is not a number/);
    oneLine(cli('train', cancer, '--no-header', '--target', '11'), /column 7 has missing values .*--impute/);
  });

  it('bad flags and options', () => {
    oneLine(cli('train', cancer, '--target', '11', '--bogus'), /^wasmlearn train: unknown option '--bogus' \(see --help\)$/);
    oneLine(cli('train', cancer), /train needs --target/);
    oneLine(cli('train', cancer, '--no-header', '--target', '11', '--test-size', '2.5'), /--test-size must be a fraction/);
    oneLine(cli('train', cancer, '--no-header', '--target', '11', '--solver', 'newton'), /solver must be one of 'lbfgs', 'gd', 'sgd'/);
    oneLine(cli('train', cancer, '--no-header', '--target', '11', '--model', 'forest'), /unknown model 'forest'/);
    oneLine(cli('train', cancer, '--no-header', '--target', '11', '--hidden', '8'), /--hidden and --activation are options of --model mlp/);
    oneLine(cli('train', cancer, '--no-header', '--target', '11', '--model', 'mlp', '--hidden', '8,x'), /--hidden must be a whole number from 1 to 65536, got 'x'/);
    oneLine(cli('predict', cancer, cancer), /is not JSON/);
    oneLine(cli('frobnicate'), /unknown command 'frobnicate'/);
  });

  it("the user's slips: did you mean, a header row that is data, no internal codes", () => {
    const csv = file('iris-like.csv', 'Petal,Sepal,Species\n1,2,a\n1.5,2.5,b\n0.3,0.1,a\n2,2.2,b\n0.1,0.4,a\n2.1,1.9,b\n');
    oneLine(cli('train', csv, '--target', 'Species', '--max-iters', '5'), /^wasmlearn train: unknown option '--max-iters'; did you mean '--max-iter'\? \(see --help\)$/);
    oneLine(cli('train', csv, '--target', 'Species', '--L1-ratio', '0.5'), /did you mean '--l1-ratio'\?/);
    oneLine(cli('predict', csv, csv, '--prob'), /^wasmlearn predict: unknown option '--prob'; did you mean '--proba'\?/);
    oneLine(cli('traim', csv), /^wasmlearn: unknown command 'traim'; did you mean 'train'\?/);
    oneLine(cli('--verison'), /^wasmlearn: unknown option '--verison'; did you mean '--version'\?/);
    oneLine(cli('train', csv, '--target', 'species'), /^wasmlearn train: unknown column 'species' \(--target\): the file has 3 columns: 'Petal', 'Sepal', 'Species'; did you mean 'Species'\?$/);
    oneLine(cli('train', csv, '--target', 'Species', '--model', 'MLP'), /unknown model 'MLP' \(--model\); did you mean 'mlp'\?/);
    oneLine(cli('train', csv, '--target'), /^wasmlearn train: --target needs a value$/);
    oneLine(cli('train', cancer, '--target', '11'), /^wasmlearn train: the first line of .* looks like data \('1000025', '5', '1', '1', \.\.\.\), not column names: pass --no-header \(or --header if they are names\)$/);
    const years = file('years.csv', '2019,2020,2021\n' + Array.from({ length: 20 }, (_, i) => `${i},${i % 3},${i % 2}`).join('\n') + '\n');
    expect(cli('train', years, '--header', '--target', '2021').code).toBe(0);
    oneLine(cli('train', csv, '--target', 'Species', '--solver', 'newton'), /^wasmlearn train: solver must be one of 'lbfgs', 'gd', 'sgd'; got "newton"$/);
    oneLine(cli('train', csv, '--target', 'Species', '--penalty', 'l1'), /^wasmlearn train: penalty 'l1' needs solver 'gd' or 'sgd'/);
    oneLine(cli('train', csv, '--target', 'Species', '--class-weight', 'a=2'), /--class-weight takes 'balanced' or label:weight pairs/);
    oneLine(cli('train', csv, '--target', 'Species', '--model', 'mlp', '--C', '2'), /--C is an option of --model logistic and multilabel/);
  });
});

describe('wasmlearn --version, the regularization flags, relaxed SIMD on request', () => {
  const csv = () => file('w.csv', 'Petal,Sepal,Species\n' + Array.from({ length: 40 }, (_, i) => `${(i % 2) + (i % 7) / 10},${(i % 5) / 4},${i % 2 ? 'b' : 'a'}`).join('\n') + '\n');

  it('--version', () => {
    const r = cli('--version');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^wasmlearn \d+\.\d+\.\d+ \(Node /);
  });

  it('--C, --penalty, --l1-ratio, --optimizer, --class-weight reach the model', () => {
    const r = cli('train', csv(), '--target', 'Species', '--solver', 'sgd', '--optimizer', 'adam', '--penalty', 'elasticnet', '--l1-ratio', '0.5', '--C', '0.5', '--class-weight', 'a:1,b:3');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/test accuracy/);
    expect(cli('train', csv(), '--target', 'Species', '--model', 'mlp', '--hidden', '4', '--class-weight', 'balanced', '--max-iter', '5').code).toBe(0);
  });

  it('--backend wasm-relaxed trains on wasm-relaxed (Node 20 relaunches with the flag)', () => {
    const r = cli('train', csv(), '--target', 'Species', '--backend', 'wasm-relaxed');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/on wasm-relaxed/);
  });

  it('prints the convergence warning', () => {
    const r = cli('train', csv(), '--target', 'Species', '--max-iter', '1');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^warning  did not converge: /m);
  });
});

describe('wasmlearn --help', () => {
  it("runs as a program, as 'npx wasmlearn' starts it: the package's bin, executable, with its shebang", () => {
    const bin = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).bin.wasmlearn;
    const r = spawnSync(join(root, bin), ['train', '--help'], { cwd: tmp, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/usage: wasmlearn train/);
  });

  it.each([
    [['--help'], /usage: wasmlearn \[command\][\s\S]*train[\s\S]*predict/],
    [['train', '--help'], /usage: wasmlearn train <csv> --target <column>[\s\S]*--impute <strategy>/],
    [['predict', '-h'], /usage: wasmlearn predict <model.json> <csv>[\s\S]*--proba/],
  ])('%j', (args, pattern) => {
    const r = cli(...args);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(pattern);
  });
});

describe('the progress report', () => {
  const sink = (isTTY: boolean) => {
    const chunks: string[] = [];
    return { chunks, stream: { isTTY, write: (s: string) => chunks.push(s) } as unknown as NodeJS.WriteStream };
  };

  it('redraws one bar in place on a terminal', () => {
    const { chunks, stream } = sink(true);
    const bar = progress('training', 40, stream);
    bar.epoch(10, 0.5);
    bar.done('done: 40 epochs');
    expect(chunks[0]).toBe(`\rtraining [${'#'.repeat(8)}${'.'.repeat(22)}] 10/40  loss 0.500000\x1b[K`);
    expect(chunks.at(-1)).toBe('\rtraining done: 40 epochs\x1b[K\n');
  });

  it('writes about ten plain lines otherwise', () => {
    const { chunks, stream } = sink(false);
    const bar = progress('training', 1000, stream);
    for (let e = 1; e <= 1000; e++) bar.epoch(e, 1 / e);
    expect(chunks).toHaveLength(11);
    expect(chunks[1]).toBe('training epoch 100/1000  loss 0.010000\n');
  });
});
