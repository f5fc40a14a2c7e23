// npm run bench [-- --quick] [-- --only a-sgd,fullbatch]
//
// wasmlearn against the field, on this machine, in one run: every wasmlearn backend, TensorFlow.js
// (cpu and wasm backends), ml.js (ml-logistic-regression) where it can do the work, scikit-learn
// when a Python with it is found, and for every workload a roofline (a SIMD sum over the same X:
// the time to merely read the data once), so every figure is also a ratio.
//
// Each suite (bench/suites/*.js) runs in its own node process, started with --expose-gc and, where
// the runtime needs it (Node 20, 21), --experimental-wasm-relaxed-simd so that the relaxed-SIMD
// build is measured too. Results: bench/results/latest.{json,md,svg}; a --quick run (a smoke check,
// under a minute, rough figures) writes to bench/results/quick/ and leaves latest.* alone.
//
// Threads: every suite's wasmlearn rows run on one thread (the single-core baseline); the threads
// suite times the best backend on 1 and 2 threads (shared mode and message mode) and the report's
// Threads section gives the speedups beside #15's goals.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, arch, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasRelaxedSimd, RELAXED_SIMD_FLAG } from '../dist/node-relaunch.js';
import { annotate, checkTargets, checkThreadsTargets, markdown, svg, targetsTable, threadsTargetsTable } from './lib/report.js';

// threads: the threads dimension (#15), the best backend on 1 and 2 threads; every other suite runs on 1.
const SUITES = ['a-sgd', 'b-multilabel', 'fullbatch', 'd-mlp', 'e-lbfgs', 'kernels', 'threads'];
/** Display order of the workloads in the report. */
const ORDER = ['A', 'A′', 'B', 'C', 'D', 'E1', 'E2', 'E3'];

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyArg = args.find((a) => a.startsWith('--only'));
const only = onlyArg ? (onlyArg.includes('=') ? onlyArg.split('=')[1] : args[args.indexOf(onlyArg) + 1]).split(',') : null;
const benchDir = fileURLToPath(new URL('./', import.meta.url));
const outDir = join(benchDir, 'results', quick ? 'quick' : '');
const pkg = (name) => {
  try {
    return JSON.parse(readFileSync(fileURLToPath(new URL(`../node_modules/${name}/package.json`, import.meta.url)), 'utf8')).version;
  } catch {
    return null;
  }
};

const major = Number(process.versions.node.split('.')[0]);
const flags = ['--expose-gc'];
if (!hasRelaxedSimd() && major < 22) flags.push(RELAXED_SIMD_FLAG);

const t0 = performance.now();
// The 1-minute load average before and after: a busy machine (another process on a core) spoils the threads figures most.
const loadStart = loadavg()[0];
const tmp = mkdtempSync(join(tmpdir(), 'wasmlearn-bench-'));
const results = [];
try {
  // A full run takes the suites one at a time (timings need the machine); a quick run is a smoke
  // check whose figures mean little, so it runs two at a time, printing each suite's log when done.
  const selected = SUITES.filter((s) => !only || only.includes(s));
  const outcomes = await pool(selected, quick ? 2 : 1, (suite) => runSuite(suite, tmp, !quick));
  for (const { suite, result, log } of outcomes) {
    if (quick) process.stdout.write(log);
    if (!result) {
      console.error(`suite ${suite} failed`);
      process.exitCode = 1;
      continue;
    }
    console.log(`   ${suite}: ${result.seconds.toFixed(1)} s`);
    results.push(result);
  }
  const sklearn = runSklearn(tmp);
  const workloads = results.flatMap((r) => r.workloads);
  mergeSklearn(workloads, sklearn);
  workloads.sort((a, b) => rank(a) - rank(b));
  annotate(workloads);
  const cpu = cpus()[0];
  const env = {
    date: new Date().toISOString().slice(0, 10),
    quick,
    node: process.version.replace(/^v/, ''),
    v8: process.versions.v8,
    os: `${platform()} ${release()} ${arch()}`,
    cpu: cpu?.model?.trim() ?? 'unknown CPU',
    cores: cpus().length,
    memGB: Math.round(totalmem() / 2 ** 30),
    flags,
    versions: {
      wasmlearn: JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version,
      tfjs: results.find((r) => r.tfjs)?.tfjs ?? pkg('@tensorflow/tfjs'),
      tfjsBackendWasm: pkg('@tensorflow/tfjs-backend-wasm'),
      mlLogisticRegression: pkg('ml-logistic-regression'),
      mlMatrix: pkg('ml-matrix'),
    },
    wasmlearn: results[0]?.wasmlearn ?? { available: [], unavailable: {} },
    sklearn: sklearn.ok ? { version: sklearn.data.sklearn, python: sklearn.python, threads: sklearn.data.threads } : { version: null, reason: sklearn.reason },
    seconds: (performance.now() - t0) / 1000,
    load: { start: loadStart, end: loadavg()[0] },
  };
  const targets = checkTargets(workloads);
  const threads = results.find((r) => r.threads)?.threads ?? null;
  const threadsTargets = checkThreadsTargets(threads);
  const report = { env, targets, threadsTargets, workloads, threads, sklearnInfo: sklearnInfo(sklearn) };
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'latest.json'), JSON.stringify(report, null, 1) + '\n');
  writeFileSync(join(outDir, 'latest.md'), markdown(report) + '\n');
  writeFileSync(join(outDir, 'latest.svg'), svg(report));
  console.log(`\n${targetsTable(targets).join('\n')}\n`);
  if (threadsTargets.length) console.log(`${threadsTargetsTable(threadsTargets).join('\n')}\n`);
  // A contender that failed is a harness (or library) that rotted: say so with the exit code, so
  // that CI's quick run catches it; the figures are still written.
  const failed = [
    ...workloads.flatMap((w) => w.contenders.filter((c) => c.error).map((c) => `${w.id} ${c.name}: ${c.error}`)),
    ...(threads?.groups ?? []).flatMap((g) => g.rows.filter((r) => r.error).map((r) => `threads ${g.id} ${r.name}: ${r.error}`)),
  ];
  if (failed.length) {
    console.error(`${failed.length} contender(s) failed:\n  ${failed.join('\n  ')}`);
    process.exitCode = 1;
  }
  console.log(`Wrote ${join(outDir, 'latest.{json,md,svg}')} in ${env.seconds.toFixed(0)} s.`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

/** Runs one suite in a child node; its output goes to the terminal (live) or into `log`. */
function runSuite(suite, dir, live) {
  const out = join(dir, `${suite}.json`);
  if (live) console.log(`\n== ${suite}`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...flags, join(benchDir, 'lib', 'child.js'), suite, out, ...(quick ? ['--quick'] : [])], {
      stdio: live ? 'inherit' : ['ignore', 'pipe', 'pipe'],
    });
    let log = live ? '' : `\n== ${suite} (quick)\n`;
    child.stdout?.on('data', (b) => { log += b; });
    child.stderr?.on('data', (b) => { log += b; });
    child.on('close', (code) => {
      let result = null;
      if (code === 0) {
        try {
          result = JSON.parse(readFileSync(out, 'utf8'));
        } catch {
          result = null;
        }
      } else {
        log += `exit ${code}\n`;
      }
      resolve({ suite, result, log });
    });
  });
}

/** Maps `items` through the async `fn`, at most `n` at a time, keeping the order. */
async function pool(items, n, fn) {
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

function rank(wl) {
  const i = ORDER.indexOf(wl.id);
  return i >= 0 ? i : ORDER.length + results.flatMap((r) => r.workloads).indexOf(wl);
}

/**
 * scikit-learn, when a Python that imports it is found: $WASMLEARN_PYTHON, else python3, else
 * /usr/bin/python3 (Debian's python3-sklearn, where pyenv shadows the system Python).
 */
function runSklearn(dir) {
  if (only && !only.some((s) => ['a-sgd', 'fullbatch', 'e-lbfgs'].includes(s))) return { ok: false, reason: 'not selected' };
  const candidates = [...new Set([process.env.WASMLEARN_PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean))];
  const python = candidates.find((py) => spawnSync(py, ['-c', 'import sklearn'], { stdio: 'ignore' }).status === 0);
  if (!python) return { ok: false, reason: `no Python with scikit-learn found (tried ${candidates.join(', ')}: \`import sklearn\` failed)` };
  console.log(`\n== scikit-learn (${python})`);
  const s0 = performance.now();
  const data = join(dir, 'sklearn-data');
  const exp = spawnSync(process.execPath, [join(benchDir, 'lib', 'export-data.js'), data], { stdio: 'inherit' });
  if (exp.status !== 0) return { ok: false, reason: 'exporting the data for scikit-learn failed' };
  const run = spawnSync(python, [join(benchDir, 'sklearn.py'), '--data', data, ...(quick ? ['--quick'] : [])], { stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
  if (run.status !== 0) return { ok: false, reason: `bench/sklearn.py failed (exit ${run.status})` };
  console.log(`   scikit-learn: ${((performance.now() - s0) / 1000).toFixed(1)} s`);
  try {
    return { ok: true, python, data: JSON.parse(run.stdout.toString()) };
  } catch (e) {
    return { ok: false, reason: `bench/sklearn.py printed no JSON: ${e.message}` };
  }
}

function mergeSklearn(workloads, sk) {
  for (const wl of workloads) {
    if (!['A', 'C', 'E1', 'E2', 'E3'].includes(wl.id) || wl.skipped) continue;
    const r = sk.ok ? sk.data.workloads[wl.id] : null;
    if (!sk.ok) wl.contenders.push({ name: 'scikit-learn', family: 'scikit-learn', na: sk.reason });
    else if (!r) wl.contenders.push({ name: 'scikit-learn', family: 'scikit-learn', na: 'not run by bench/sklearn.py' });
    else if (r.error) wl.contenders.push({ name: 'scikit-learn', family: 'scikit-learn', error: r.error });
    else wl.contenders.push({ name: 'scikit-learn', family: 'scikit-learn', ...r });
  }
}

function sklearnInfo(sk) {
  if (!sk.ok) return `Not in this run: ${sk.reason}. Install it (e.g. \`pip install scikit-learn\`, or Debian's \`python3-sklearn\`) and rerun; \`python3 bench/sklearn.py\` also runs alone and prints JSON.`;
  const th = (sk.data.threads ?? []).map((t) => `${t.internal_api} ${t.version ?? ''} ${t.num_threads} threads${t.architecture ? ` (${t.architecture})` : ''}`).join(', ');
  return `scikit-learn ${sk.data.sklearn}, NumPy ${sk.data.numpy}, Python ${sk.data.python} (${sk.python}), with its default thread pools: ${th || 'unknown'}. ` +
    'wasmlearn (nThreads: 1; the Threads section measures 2) and TensorFlow.js run on one thread. Its (A) is SGDClassifier, which updates after every row (batch 1), so it is the same pass over the data but not the same algorithm.';
}
