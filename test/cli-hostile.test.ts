// The command line on hostile input (issue #11): every failure is one line on stderr and exit
// code 2, never a stack trace, a hang or an abort. Spawns dist/cli.js: `npm run build` first.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explain, UsageError } from '../src/cli/errors.js';
import { train } from '../src/cli/train.js';
import { predict } from '../src/cli/predict.js';
import { WasmlearnError } from '../src/core/errors.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'wasmlearn-cli-hostile-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function cli(...args: string[]): Run {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(root, 'dist/cli.js'), ...args], { cwd: tmp, encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 2 ** 20 });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - t0 };
}

/** Exit code 2, one line on stderr starting with 'wasmlearn', matching `pattern`; no stack. */
function failsInOneLine(r: Run, pattern: RegExp): void {
  expect(r.signal, r.stderr).toBeNull();
  expect(r.code, r.stderr).toBe(2);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^wasmlearn\b/);
  expect(lines[0]).toMatch(pattern);
}

function file(name: string, text: string | Uint8Array): string {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}

let csv = '';
let model = '';
let mlpModel = '';
const trainArgs = () => ['train', csv, '--target', 'y'];

beforeAll(() => {
  const lines = ['a,b,y'];
  for (let i = 0; i < 60; i++) lines.push(`${(i * 37) % 10},${(i * 53) % 7},${((i * 37) % 10) + ((i * 53) % 7) > 8 ? 1 : 0}`);
  csv = file('data.csv', lines.join('\n') + '\n');
  model = join(tmp, 'model.json');
  mlpModel = join(tmp, 'mlp.json');
  expect(cli(...trainArgs(), '--out', model).code).toBe(0);
  expect(cli(...trainArgs(), '--model', 'mlp', '--hidden', '3', '--max-iter', '5', '--out', mlpModel).code).toBe(0);
});

describe('numeric flags are whole numbers (or decimals) in range', () => {
  const cases: [string[], RegExp][] = [
    [['--batch-size', '4294967296'], /--batch-size must be a whole number from 1 to 16777216, got '4294967296'/],
    [['--batch-size', '0'], /--batch-size must be a whole number from 1/],
    [['--max-iter', '0x10'], /--max-iter must be a whole number/],
    [['--max-iter', '1e3'], /--max-iter must be a whole number/],
    [['--max-iter', '99999999999999999999'], /--max-iter must be a whole number from 1 to 1000000/],
    [['--max-iter=-1'], /--max-iter must be a whole number/],
    [['--max-iter', ' 5'], /--max-iter must be a whole number/],
    [['--seed', '1e20'], /--seed must be a whole number from 0 to 4294967295/],
    [['--seed=-1'], /--seed must be a whole number/],
    [['--model', 'mlp', '--hidden', '4294967296'], /--hidden must be a whole number from 1 to 65536/],
    [['--model', 'mlp', '--hidden', '3,,2'], /--hidden must be a whole number/],
    [['--model', 'mlp', '--hidden', Array(40).fill('2').join(',')], /--hidden takes at most 32 layer widths/],
    [['--test-size', 'NaN'], /--test-size must be a fraction/],
    [['--test-size', 'Infinity'], /--test-size must be a fraction/],
    [['--test-size', '0x1'], /--test-size must be a fraction/],
    [['--test-size', '1e300'], /--test-size must be a fraction/],
    [['--learning-rate', 'Infinity'], /--learning-rate must be a positive number/],
    [['--learning-rate', '1e999'], /--learning-rate must be a positive number/],
    [['--learning-rate=-0.1'], /--learning-rate must be a positive number/],
  ];
  for (const [flags, pattern] of cases) {
    it(flags.join(' '), () => {
      const r = cli(...trainArgs(), ...flags);
      failsInOneLine(r, pattern);
      expect(r.stdout).toBe(''); // refused before anything is read or trained
    });
  }
});

describe('inputs without bounds', () => {
  it.runIf(existsSync('/dev/zero'))('train /dev/zero stops at the row limit with one line', () => {
    const r = cli('train', '/dev/zero', '--target', 'y');
    failsInOneLine(r, /line 1 is longer than 64 MiB/);
    expect(r.ms).toBeLessThan(30_000);
  });

  it.runIf(existsSync('/dev/zero'))('predict with /dev/zero as the model or as the data', () => {
    failsInOneLine(cli('predict', '/dev/zero', csv), /holds more than \d+ bytes; a model file is at most that/);
    failsInOneLine(cli('predict', model, '/dev/zero'), /line 1 is longer than 64 MiB/);
  });

  it('a cell over 1 MiB, a row of too many fields, a file that is not text', () => {
    failsInOneLine(cli('train', file('cell.csv', `a,y\n${'1'.repeat(1 << 21)},0\n`), '--target', 'y'), /line 2, field 1: the cell is longer than 1 MiB/);
    failsInOneLine(cli('train', file('wide.csv', `${','.repeat(1 << 20)}y\n`), '--target', 'y'), /line 1 has more than 1048576 fields/);
    failsInOneLine(cli('train', file('bytes.csv', Uint8Array.from({ length: 3000 }, (_, i) => (i * 7919) % 256)), '--target', '1', '--no-header'), /^wasmlearn train: /);
  });
});

describe('file errors are one line naming the file', () => {
  it('--out that cannot be written fails before training', () => {
    mkdirSync(join(tmp, 'dir'), { recursive: true });
    for (const [out, pattern] of [
      [join(tmp, 'dir'), /cannot write .*dir: it is a directory/],
      [join(tmp, 'missing', 'm.json'), /cannot write .*m\.json: no such file/],
      ['n'.repeat(5000), /cannot write n+\.\.\. \(5000 characters\): the name is too long/],
      ['', /--out is empty/],
    ] as const) {
      const r = cli(...trainArgs(), '--out', out);
      failsInOneLine(r, pattern);
      expect(r.stdout).toBe('');
    }
  });

  it.runIf(existsSync('/proc/version'))('--out /proc/version: one line, whatever the write fails with', () => {
    const r = cli(...trainArgs(), '--out', '/proc/version');
    failsInOneLine(r, /cannot write \/proc\/version: /);
  });

  it('paths that do not exist, are directories or are too long', () => {
    failsInOneLine(cli('train', 'nope.csv', '--target', 'y'), /^wasmlearn train: cannot open nope\.csv: no such file$/);
    failsInOneLine(cli('train', tmp, '--target', 'y'), /it is a directory/);
    failsInOneLine(cli('train', 'x'.repeat(5000), '--target', 'y'), /the name is too long/);
    failsInOneLine(cli('predict', 'x'.repeat(5000), csv), /the name is too long/);
    failsInOneLine(cli('predict', tmp, csv), /it is a directory/);
    failsInOneLine(cli('train', '', '--target', 'y'), /<csv> is empty/);
  });

  it('a NUL byte in a path (it cannot come through argv, but can reach the commands)', async () => {
    for (const run of [() => train(['a\0b.csv', '--target', 'y'], () => undefined), () => predict([model, 'a\0b.csv'], () => undefined), () => train([csv, '--target', 'y', '--out', 'o\0ut.json'], () => undefined)]) {
      const e = await run().catch((err: unknown) => err);
      expect(e).toBeInstanceOf(UsageError);
      expect(explain(e)).toMatch(/cannot (open|write) .*\\x00.*: not a valid file name/);
    }
  });
});

describe('crafted model files: one line saying what is wrong, never an abort', () => {
  const saved = () => JSON.parse(readFileSync(mlpModel, 'utf8'));
  const last = (j: { steps: Record<string, unknown>[] }) => j.steps[j.steps.length - 1]!;
  const cases: [string, (j: any) => unknown, RegExp][] = [
    ['nFeatures: 2 ** 28', (j) => ((last(j).nFeatures = 2 ** 28), j), /^wasmlearn predict: MLPClassifier\.parameters has \d+ values, expected/],
    ['nFeatures: 1e308', (j) => ((last(j).nFeatures = 1e308), j), /would hold Infinity values according to the sizes saved with it/],
    ['hiddenLayerSizes: [2 ** 28]', (j) => (((last(j).options as { hiddenLayerSizes: number[] }).hiddenLayerSizes = [2 ** 28]), j), /^wasmlearn predict: MLPClassifier: hiddenLayerSizes\[0\] is 268435456/],
    ['hiddenLayerSizes: [2 ** 16, 2 ** 16]', (j) => (((last(j).options as { hiddenLayerSizes: number[] }).hiddenLayerSizes = [2 ** 16, 2 ** 16]), j), /would hold \d+ values according to the sizes saved with it|memory/],
    ['parameters base64 garbage', (j) => (((last(j).parameters as { base64: string }).base64 = '!!!!'.repeat(1000)), j), /MLPClassifier\.parameters has \d+ values, expected \d+/],
    ['parameters base64 a huge wrong length', (j) => (((last(j).parameters as { base64: string }).base64 = 'A'.repeat(40 * 2 ** 20)), j), /^wasmlearn predict: MLPClassifier.parameters has \d+ values, expected/],
    ['parameters a number', (j) => ((last(j).parameters = 5), j), /MLPClassifier\.parameters must be an encoded array/],
    ['a __proto__ key', (j) => JSON.parse(JSON.stringify(j).replace('{', '{"__proto__":{"polluted":true},')), /^wasmlearn predict: .*"__proto__"/],
    ['no input', (j) => ({ ...j, input: undefined }), /is not a model saved by 'wasmlearn train --out'/],
    ['input features not strings', (j) => ({ ...j, input: { ...j.input, features: [1, 2] } }), /is not a model saved by/],
    // Built as text: JSON.stringify itself would overflow the stack on it.
    ['a pipeline 5000 deep', (j) => `{"input":${JSON.stringify(j.input)},"name":"Pipeline","version":1,"steps":[${'{"name":"Pipeline","version":1,"steps":['.repeat(5000)}${JSON.stringify({ ...j, input: undefined })}${']}'.repeat(5000)}]}`, /^wasmlearn predict: saved pipelines nest 64 deep at most/],
  ];
  for (const [name, edit, pattern] of cases) {
    it(name, () => {
      const edited = edit(saved());
      const path = file(`crafted-${name.replace(/\W+/g, '-')}.json`, typeof edited === 'string' ? edited : JSON.stringify(edited));
      const r = cli('predict', path, csv);
      failsInOneLine(r, pattern);
      expect(r.stdout).toBe('');
    });
  }

  it('not JSON, truncated, deeply nested arrays, an array, null', () => {
    const text = readFileSync(model, 'utf8');
    for (const [name, body] of [['notjson.json', 'a,b\n1,2\n'], ['trunc.json', text.slice(0, text.length >> 1)], ['deep.json', '['.repeat(200_000) + ']'.repeat(200_000)], ['array.json', '[]'], ['null.json', 'null'], ['empty.json', '']] as const) {
      failsInOneLine(cli('predict', file(name, body), csv), /is not JSON|is not a model saved by/);
    }
  });
});

describe('output', () => {
  it('predict into a pipe that closes early exits quietly', () => {
    const lines = ['a,b'];
    for (let i = 0; i < 40_000; i++) lines.push(`${i % 10},${i % 7}`);
    const big = file('big.csv', lines.join('\n') + '\n');
    const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${join(root, 'dist/cli.js')}" predict "${model}" "${big}" --proba | head -c 10 > /dev/null`], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('a column name with a line break is quoted on one line', () => {
    const named = file('named.csv', '"a\nb",y\n1,0\n2,1\n3,0\n4,1\n');
    failsInOneLine(cli('train', named, '--target', 'z'), /unknown column 'z' \(--target\): the file has 2 columns: 'a\\x0ab', 'y'/);
  });

  it('an unexpected error is still one line, the stack only with WASMLEARN_DEBUG', () => {
    expect(explain(new TypeError('x is not a function\n    at f (file.js:1:1)'))).toBe('internal error (a bug in wasmlearn; WASMLEARN_DEBUG=1 shows where): TypeError: x is not a function\\n    at f (file.js:1:1)');
    expect(explain(new WasmlearnError('PARSE_ERROR', 'line 1\nline 2'))).toBe('line 1\\nline 2');
    expect(explain(Object.assign(new Error('EIO'), { code: 'EIO', path: '/x' }))).toBe('cannot open /x: an input/output error');
    failsInOneLine(cli('bo\ngus'), /^wasmlearn: unknown command 'bo\\x0agus'/);
  });
});
