// The command line: dist/cli.js (or a fresh build of src/cli.ts) spawned with random commands,
// flags and values over prepared files. Exit 0, or exit 2 with one line on stderr, is right;
// a stack trace, a signal, another exit code or running past the time limit is a failure.
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Finding, Typed, whereIn, type Ctx } from '../outcome.js';
import type { Env, Surface } from '../surface.js';
import { cleanRows } from '../data.js';

// Generous: a loaded machine (the whole suite on two cores) must not turn a slow start into a hang.
const TIMEOUT_MS = 45_000;

interface Files {
  dir: string;
  csv: Record<string, string>;
  json: Record<string, string>;
}

let files: Files | null = null;

function csvOf(header: string[] | null, rows: unknown[][]): string {
  return [...(header ? [header.join(',')] : []), ...rows.map((r) => r.join(','))].join('\n') + '\n';
}

function runCli(env: Env, args: string[], cwd: string) {
  return spawnSync(env.cli[0], [...env.cli.slice(1), ...args], { cwd, encoding: 'utf8', timeout: TIMEOUT_MS, maxBuffer: 16 * 2 ** 20, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', WASMLEARN_DEBUG: '1' } });
}

async function setup(env: Env): Promise<void> {
  if (files) return;
  const dir = join(env.tmp, 'cli');
  mkdirSync(join(dir, 'sub'), { recursive: true });
  const X = cleanRows(30, 3, 3);
  const bin = X.map((r) => (r[0] + r[1] > 0 ? 1 : 0));
  const csv: Record<string, string> = {};
  const put = (name: string, text: string | Uint8Array) => {
    writeFileSync(join(dir, name), text);
    csv[name] = join(dir, name);
  };
  put('train.csv', csvOf(['a', 'b', 'c', 'label'], X.map((r, i) => [...r, bin[i]])));
  put('multi.csv', csvOf(['a', 'b', 'c', 'label'], X.map((r, i) => [...r, ['x', 'y', 'z'][i % 3]])));
  put('ml.csv', csvOf(['a', 'b', 'c', 't1', 't2'], X.map((r, i) => [...r, i % 2, r[0] > 0 ? 1 : 0])));
  put('nohead.csv', csvOf(null, X.map((r, i) => [...r, bin[i]])));
  put('missing.csv', csvOf(['a', 'b', 'c', 'label'], X.map((r, i) => [i % 4 === 0 ? '' : r[0], i % 5 === 0 ? '?' : r[1], r[2], bin[i]])));
  put('huge.csv', csvOf(['a', 'b', 'c', 'label'], X.map((r, i) => [r[0] * 1e308, 3.5e38, r[2], bin[i]])));
  put('oneclass.csv', csvOf(['a', 'b', 'c', 'label'], X.map((r) => [...r, 1])));
  put('onerow.csv', csvOf(['a', 'b', 'c', 'label'], [[1, 2, 3, 0]]));
  put('text.csv', csvOf(['a', 'b', 'c', 'label'], X.map((r, i) => [r[0], 'abc', r[2], bin[i]])));
  put('header-only.csv', 'a,b,c,label\n');
  put('empty.csv', '');
  put('garbage.csv', Uint8Array.from({ length: 300 }, (_, i) => (i * 7919) % 256));
  put('quotes.csv', 'a,"b\n');
  csv.missingFile = join(dir, 'nope.csv');
  csv.directory = join(dir, 'sub');
  const json: Record<string, string> = {};
  const model = join(dir, 'model.json');
  runCli(env, ['train', csv['train.csv'], '--target', 'label', '--out', model], dir);
  const mlModel = join(dir, 'ml-model.json');
  runCli(env, ['train', csv['ml.csv'], '--target', 't1,t2', '--model', 'multilabel', '--out', mlModel], dir);
  let saved = '{}';
  try {
    saved = readFileSync(model, 'utf8');
  } catch {
    writeFileSync(model, saved);
  }
  json['model.json'] = model;
  json['ml-model.json'] = mlModel;
  const putJson = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    json[name] = join(dir, name);
  };
  putJson('truncated.json', saved.slice(0, Math.floor(saved.length / 2)));
  putJson('empty.json', '');
  putJson('array.json', '[]');
  putJson('null.json', 'null');
  putJson('other.json', '{"name":"LogisticRegression","version":1}');
  putJson('proto.json', saved.replace('{', '{"__proto__":{"x":1},'));
  putJson('csv-as-model.json', readFileSync(csv['train.csv'], 'utf8'));
  json.missingFile = join(dir, 'nope.json');
  json.directory = join(dir, 'sub');
  files = { dir, csv, json };
}

const TRAIN_FLAGS: Record<string, string[]> = {
  '--target': ['label', 'a', 'nope', '1', '4', '0', '99', 't1,t2', '', 'label,label', '-1', '1.5', 'c'],
  '--drop': ['a', 'b,c', 'label', 'nope', '', '2'],
  '--model': ['logistic', 'mlp', 'multilabel', 'svm', ''],
  '--solver': ['lbfgs', 'gd', 'sgd', 'adam', 'x'],
  '--hidden': ['3', '2,2', '0', '-1', '100000', 'a', '', '3,,2', '1.5', '4294967296'],
  '--activation': ['relu', 'tanh', 'logistic', 'identity', 'x'],
  '--max-iter': ['1', '5', '0', '-1', 'NaN', '1.5', '', '0x10', '99999999999999999999', '1e3'],
  '--learning-rate': ['0.1', '0', '-1', '1e308', 'NaN', 'Infinity', 'abc', '1e-300'],
  '--batch-size': ['1', '4', '0', '1e9', '-3', 'x'],
  '--test-size': ['0.2', '0', '1', '0.999', '2', '100', '-0.1', 'NaN', '1e-9', '29', '30', '31'],
  '--impute': ['mean', 'median', 'most_frequent', 'constant', 'x'],
  '--seed': ['0', '1', '-1', '1.5', '1e20', 'x'],
  '--backend': ['auto', 'js', 'wasm-simd', 'wasm-scalar', 'wasm-relaxed', 'gpu'],
  '--out': ['OUT', 'DIR', '/nonexistent-dir/x/out.json', ''],
  '--no-header': [],
  '--standardize': [],
  '--help': [],
  '--bogus': [],
  '-x': [],
  '--': [],
};
const PREDICT_FLAGS: Record<string, string[]> = {
  '--proba': [],
  '--no-header': [],
  '--header': [],
  '--backend': ['auto', 'js', 'wasm-simd', 'gpu', ''],
  '--out': ['OUT', 'DIR', '/nonexistent-dir/x/p.csv'],
  '--help': [],
  '--bogus': ['1'],
};

interface CliCase {
  command: string;
  positionals: number[];
  flags: { flag: number; value: number; joined: boolean }[];
}

const caseArb: fc.Arbitrary<CliCase> = fc.record({
  command: fc.oneof({ weight: 6, arbitrary: fc.constant('train') }, { weight: 4, arbitrary: fc.constant('predict') }, { weight: 1, arbitrary: fc.constantFrom('help', '--help', '-h', 'bogus', '', 'TRAIN') }),
  positionals: fc.array(fc.nat(30), { maxLength: 3 }),
  flags: fc.array(fc.record({ flag: fc.nat(40), value: fc.nat(40), joined: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }) }), { maxLength: 6 }),
});

function argv(c: CliCase, f: Files, out: string): string[] {
  const csvs = Object.values(f.csv), jsons = Object.values(f.json);
  const args = [c.command];
  const predict = c.command === 'predict';
  c.positionals.forEach((p, i) => args.push(predict && i === 0 ? jsons[p % jsons.length] : csvs[p % csvs.length]));
  const table = predict ? PREDICT_FLAGS : TRAIN_FLAGS;
  const names = Object.keys(table);
  for (const fl of c.flags) {
    const name = names[fl.flag % names.length];
    const values = table[name];
    if (values.length === 0) {
      args.push(name);
      continue;
    }
    let v = values[fl.value % values.length];
    if (v === 'OUT') v = out;
    if (v === 'DIR') v = f.dir;
    if (fl.joined) args.push(`${name}=${v}`);
    else args.push(name, v);
  }
  return args;
}

let outCounter = 0;

export const cli: Surface<CliCase> = {
  name: 'cli',
  weight: 0.5,
  vitestRuns: 12,
  caseTimeoutMs: TIMEOUT_MS + 10_000,
  chunk: 50,
  setup,
  arb: () => caseArb,
  run(c, ctx: Ctx, env) {
    const f = files!;
    const out = join(f.dir, `out-${process.pid}-${outCounter++ % 4}.${c.command === 'predict' ? 'csv' : 'json'}`);
    const args = argv(c, f, out);
    const entry = `cli ${c.command || "''"}`;
    ctx.entry = entry;
    const r = runCli(env, args, f.dir);
    const shown = args.map((a) => a.replace(f.dir, '.')).join(' ');
    const stderr = (r.stderr ?? '').trim();
    if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT') throw new Finding('hang', entry, `wasmlearn ${shown} ran past ${TIMEOUT_MS / 1000} s`);
    if (r.signal) throw new Finding('crash', entry, `wasmlearn ${shown} was killed by ${r.signal}: ${stderr.split('\n').slice(-3).join(' | ')}`);
    if (r.status === 0) {
      if (c.command === 'predict' && /\bNaN\b|Infinity/.test(r.stdout ?? '')) ctx.bad(entry, `wasmlearn ${shown} printed NaN or Infinity`);
      return;
    }
    const lines = stderr.split('\n');
    // The contract (src/cli.ts, src/cli/errors.ts): a mistake in the input is exit code 2 and one
    // line; a bug is said in that line as an "internal error" (with WASMLEARN_DEBUG=1, its stack
    // follows); an INTERNAL WasmlearnError is a broken invariant.
    const bug = /internal error \(a bug in wasmlearn/.exec(lines[0] ?? '');
    if (r.status === 2 && /^wasmlearn\b/.test(lines[0]) && !bug) {
      if (/: INTERNAL: /.test(lines[0])) throw new Finding('internal', entry, `${lines[0].slice(0, 200)} (wasmlearn ${shown})`, whereIn(stderr));
      throw new Typed(entry, 'EXIT_2', lines[0]);
    }
    // The message is the error alone (the command line is in the counterexample), so one bug is one signature.
    if (bug) throw new Finding('untyped', entry, `${lines[0].slice(bug.index + bug[0].length).replace(/^[^:]*: /, '').slice(0, 200)} (exit ${r.status})`, whereIn(stderr));
    const first = lines.find((l) => /Error|error:/.test(l)) ?? lines[0] ?? '';
    throw new Finding(r.status === 1 || r.status === 2 ? 'untyped' : 'crash', entry, `${first.trim().slice(0, 200)} (exit ${r.status})`, whereIn(stderr));
  },
};
