import { fail } from '../core/errors.js';
import { describe, strictOptions } from '../core/options.js';
import { BACKENDS, type BackendName, type Engine } from './engine.js';
import { JsEngine } from './js/engine.js';
import { ThreadPool, threadSpawner } from './threads/pool.js';
import { AUTO_CAP, checkThreads, cores, sharedMemoryProblem, type ThreadsInfo } from './threads/setup.js';
import { WasmEngine } from './wasm/engine.js';
import { bindExports, type WasmBuild } from './wasm/exports.js';
import { instantiate, isWasmSource, loadWasmBytes, packageBuildsFetched, type WasmFile, type WasmSource } from './wasm/load.js';

/** A backend to compute on, or 'auto': the one `init` chose. */
export type BackendChoice = 'auto' | BackendName;
export type { WasmSource } from './wasm/load.js';
export type { ThreadsInfo } from './threads/setup.js';
/** The .wasm builds an app hosts itself, by build (and their threads twins, e.g. 'simd-threads'). */
export type WasmSources = Partial<Record<WasmFile, WasmSource>>;

/** init's options. */
export interface InitOptions {
  /**
   * 'auto' (default) picks the fastest backend this runtime validates.
   * @default 'auto'
   */
  backend?: BackendChoice;
  /**
   * For apps that host the .wasm files themselves: one source (bytes, a URL or a Response) is
   * the `simd` build; a record `{ relaxed, simd, scalar }` gives any of the builds, and the builds
   * it leaves out are not loaded. Passing `wasm` loads again, replacing the earlier builds.
   * @default undefined (the package's own build/*.wasm files)
   */
  wasm?: WasmSource | WasmSources;
  /**
   * Silences the one console warning `init` gives when 'auto' falls back to the slow 'js' backend
   * for a reason the app can fix (a .wasm file it cannot fetch or read).
   * @default false
   */
  quiet?: boolean;
  /**
   * Threads a fit computes on: 'auto' (default) takes the cores this runtime reports, at most 16;
   * a number asks for that many. They need shared memory (Node, Deno, cross-origin-isolated
   * pages); elsewhere a fit runs on one thread and `info.threads` says why. Node and Deno start
   * the workers at the first fit that uses them; a browser page starts them here.
   * @default 'auto'
   */
  threads?: 'auto' | number;
  /**
   * How the threads work: 'shared' (the threads builds on one shared memory: every fit, sync or
   * async), 'message' (only fitAsync's full-batch solvers: workers each hold a shard of the rows
   * and exchange parameters and gradients by message; for pages that are not cross-origin
   * isolated), or 'auto' (default): 'shared' where this runtime allows it, else 'message'.
   * @default 'auto'
   */
  threadsMode?: 'auto' | 'shared' | 'message';
}

/** What `init` found: the backend it chose and why others are missing. */
export interface InitInfo {
  /** The default backend of models that do not pin one. */
  backend: BackendName;
  /** Every backend this runtime can run, fastest first. */
  available: BackendName[];
  /** Why each missing backend is missing, e.g. relaxed SIMD without its Node 20 flag. */
  unavailable: Partial<Record<BackendName, string>>;
  /** How many threads a fit computes on, in which mode, and why the other modes are unavailable. */
  threads: ThreadsInfo;
}

const BUILDS: Record<Exclude<BackendName, 'js'>, WasmBuild> = {
  'wasm-relaxed': 'relaxed',
  'wasm-simd': 'simd',
  'wasm-scalar': 'scalar',
};

interface Loaded {
  engines: Map<BackendName, Engine>;
  unavailable: Partial<Record<BackendName, string>>;
  /** Builds that validate here but were not downloaded: a browser fetches only the build it uses. */
  skipped: Set<BackendName>;
  /** Whether the package's own files are read from disk (Node, Deno, Bun): then every build is read. */
  eager: boolean;
  /** The pool the threads builds share, when these are threads builds. */
  pool: ThreadPool | null;
  /** Backends loaded without their threads twin (init({ wasm }) gave only the plain build), and why. */
  unthreaded: Partial<Record<BackendName, string>>;
}

let loading: Promise<Loaded> | null = null;
/** The sources the last init({ wasm }) gave, for a reload that adds the threads builds. */
let given: WasmSources | null = null;
let loaded: Loaded | null = null;
let active: BackendName | null = null;
let warned = false;

/**
 * Probes: the smallest modules with one SIMD (i8x16.splat, i8x16.popcnt) or relaxed-SIMD
 * (i8x16.relaxed_swizzle) instruction, validated before any build is read or fetched.
 */
const PROBES: Record<WasmBuild, Uint8Array<ArrayBuffer> | null> = {
  relaxed: new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 15, 1, 13, 0, 65, 1, 253, 15, 65, 2, 253, 15, 253, 128, 2, 11]),
  simd: new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]),
  scalar: null,
};

function invalidReason(name: BackendName, build: WasmBuild): string {
  return name === 'wasm-relaxed'
    ? 'this runtime does not validate relaxed SIMD (Node 20 needs --experimental-wasm-relaxed-simd)'
    : `this runtime does not validate the ${build} build`;
}

/** The sources to load per build: the package's own files, or those given to `init`. */
function sourcesOf(wasm: InitOptions['wasm']): WasmSources | null {
  if (wasm === undefined) return null;
  if (isWasmSource(wasm)) return { simd: wasm };
  const plain: string[] = Object.values(BUILDS);
  const builds = [...plain, ...plain.map((b) => `${b}-threads`)];
  const entries: [string, unknown][] = typeof wasm === 'object' && wasm !== null ? Object.entries(wasm) : [['', null]];
  if (entries.some(([k, v]) => !builds.includes(k) || (v !== undefined && !isWasmSource(v)))) {
    fail('BAD_OPTION', `wasm must be bytes, a URL, a Response, or a record with keys ${builds.join(', ')}`);
  }
  return wasm;
}

/** wasm32's pages: the threads builds' shared memory may grow to 4 GiB, as the others do. */
const MAX_PAGES = 65536;
/** The threads builds' initial pages (asconfig.json's initialMemory). */
const INITIAL_PAGES = 16;

/**
 * Loads one build into `into` (its threads twin when there is a pool and `sources` give it or
 * none), or records why it cannot run here.
 */
async function loadOne(into: Loaded, name: Exclude<BackendName, 'js'>, sources: WasmSources | null): Promise<void> {
  const build = BUILDS[name];
  into.skipped.delete(name);
  const threaded = into.pool !== null && (sources === null || sources[`${build}-threads`] !== undefined);
  if (into.pool && !threaded) into.unthreaded[name] = `init({ wasm }) gave no ${build}-threads build`;
  try {
    const file: WasmFile = threaded ? `${build}-threads` : build;
    const bytes = await loadWasmBytes(file, sources?.[file]);
    if (!WebAssembly.validate(bytes)) {
      into.unavailable[name] = invalidReason(name, build);
      return;
    }
    if (into.pool && threaded) {
      const memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAX_PAGES, shared: true });
      const { module, instance } = await instantiate(bytes, memory);
      const seat = { pool: into.pool, build: into.pool.add({ module, memory }), raw: instance.exports };
      into.engines.set(name, new WasmEngine(name, bindExports({ ...instance.exports, memory }, build), seat));
    } else {
      const { instance } = await instantiate(bytes);
      into.engines.set(name, new WasmEngine(name, bindExports(instance.exports, build)));
    }
  } catch (e) {
    into.unavailable[name] = `could not load ${build}.wasm: ${(e as Error).message}`;
  }
}

/**
 * Loads the builds. Given sources: each one given. The package's own files on disk: all three.
 * Fetched (a browser): only the fastest build the probes validate, falling back to the next when
 * it cannot be fetched, or only the pinned backend's build.
 */
async function loadAll(sources: WasmSources | null, pinned: BackendName | null, pool: ThreadPool | null): Promise<Loaded> {
  const eager = sources !== null || !packageBuildsFetched();
  const into: Loaded = { engines: new Map([['js', new JsEngine()]]), unavailable: {}, skipped: new Set(), eager, pool, unthreaded: {} };
  for (const name of BACKENDS) {
    if (name === 'js') continue;
    const build = BUILDS[name];
    if (typeof WebAssembly !== 'object') {
      into.unavailable[name] = 'this runtime has no WebAssembly';
      continue;
    }
    if (sources && !sources[build] && !sources[`${build}-threads` as const]) {
      into.unavailable[name] = `init({ wasm }) did not give the ${build} build`;
      continue;
    }
    const probe = PROBES[build];
    if (probe && !WebAssembly.validate(probe)) {
      into.unavailable[name] = invalidReason(name, build);
      continue;
    }
    const wasmLoaded = [...into.engines.keys()].some((b) => b !== 'js');
    if (!eager && (pinned ? pinned !== name : wasmLoaded)) {
      into.skipped.add(name);
      continue;
    }
    await loadOne(into, name, sources);
  }
  return into;
}

/** Why the fallback to 'js' happened and what fixes it; null when nothing can be fixed. */
function fallbackAdvice(unavailable: Partial<Record<BackendName, string>>): string | null {
  const reasons = Object.values(unavailable).filter((r): r is string => !!r && r.startsWith('could not load'));
  if (typeof WebAssembly !== 'object' || reasons.length === 0) return null;
  const why = reasons[0]!;
  let fix: string;
  if (/Requires read access|NotCapable|PermissionDenied/i.test(why)) fix = 'run Deno with --allow-read (or --allow-read=node_modules)';
  else if (/optimizeDeps/.test(why)) fix = "add optimizeDeps: { exclude: ['wasmlearn'] } to the Vite config";
  else if (/not a WebAssembly file|answered 4\d\d|fetch/i.test(why)) fix = "serve the package's build/*.wasm files where the bundle looks for them (copy node_modules/wasmlearn/build/ beside the bundle) with the application/wasm type, or pass init({ wasm })";
  else fix = 'make the .wasm files readable, or pass init({ wasm })';
  return `wasmlearn: init() fell back to the much slower 'js' backend because it ${why}. To fix: ${fix}. init({ quiet: true }) silences this warning.`;
}

/**
 * Loads the WASM builds this runtime validates and chooses the default backend. The only async
 * step of the library; calling it again just changes the default (and loads again with `wasm`).
 */
export async function init(options?: InitOptions): Promise<InitInfo> {
  const o = strictOptions('init', options, ['backend', 'wasm', 'quiet', 'threads', 'threadsMode']) as InitOptions;
  const choice = o.backend ?? 'auto';
  if (choice !== 'auto' && !BACKENDS.includes(choice)) {
    fail('BAD_OPTION', `backend must be 'auto' or one of ${BACKENDS.join(', ')}; got ${describe(choice)}`);
  }
  if (o.quiet !== undefined && typeof o.quiet !== 'boolean') fail('BAD_OPTION', `quiet must be true or false; got ${describe(o.quiet)}`);
  const sources = sourcesOf(o.wasm);
  const asked = checkThreads(o.threads);
  const pinned = choice === 'auto' ? null : choice;
  const mode = o.threadsMode ?? 'auto';
  if (!['auto', 'shared', 'message'].includes(mode)) fail('BAD_OPTION', `threadsMode must be 'auto', 'shared' or 'message'; got ${describe(mode)}`);
  const count = asked === 'auto' ? Math.min(await cores(), AUTO_CAP) : asked;
  const sharedProblem = mode === 'message' ? "threadsMode 'message' was asked for" : sharedMemoryProblem();
  if (mode === 'shared' && sharedProblem) fail('UNSUPPORTED', `threadsMode 'shared' is not available here: ${sharedProblem}`);
  const messageProblem = workerProblem();
  if (mode === 'message' && messageProblem) fail('UNSUPPORTED', `threadsMode 'message' is not available here: ${messageProblem}`);
  // The threads builds are loaded once threads are first asked for, and kept: fewer threads later
  // only shrink the pool (to this thread alone at 1), so fitted models keep their memory.
  const threaded = loaded?.pool != null || (count > 1 && sharedProblem === null);
  if (sources) given = sources;
  if (sources || loading === null || (threaded && !loaded?.pool)) {
    // Each load has its own pool, holding only its builds; engines of an earlier load keep theirs.
    loaded?.pool?.end();
    loading = loadAll(given, pinned, threaded ? new ThreadPool(count, await threadSpawner()) : null);
  }
  loaded = await loading;
  // Workers that failed to start (Node and Deno start them at a fit) are reported here, then tried again.
  const failed = loaded.pool?.failure ?? null;
  loaded.pool?.resize(sharedProblem === null ? count : 1);
  if (pinned && pinned !== 'js' && loaded.skipped.has(pinned)) {
    const into = loaded;
    loading = loadOne(into, pinned, null).then(() => into);
    loaded = await loading;
  }
  const available = BACKENDS.filter((b) => loaded!.engines.has(b));
  if (choice !== 'auto' && !loaded.engines.has(choice)) {
    fail('UNSUPPORTED', `backend '${choice}' is not available here: ${loaded.unavailable[choice]}; available: ${available.join(', ')}`);
  }
  active = choice === 'auto' ? available[0] : choice;
  if (active === 'js' && choice === 'auto' && !o.quiet && !warned) {
    const advice = fallbackAdvice(loaded.unavailable);
    if (advice) {
      warned = true;
      console.warn(advice);
    }
  }
  if (loaded.pool && !ThreadPool.startsOnDemand) await loaded.pool.start();
  const sharedWhyNot = sharedProblem ?? loaded.unthreaded[active] ?? (active === 'js' ? "the 'js' backend computes on one thread" : failed ?? loaded.pool?.failure ?? null);
  threads = threadsInfo(loaded.pool, count, sharedWhyNot, messageProblem);
  return { backend: active, available, unavailable: { ...loaded.unavailable }, threads: { ...threads, unavailable: { ...threads.unavailable } } };
}

/** The default backend's threads: the pool's; else message passing (fitAsync) where workers exist; else none. */
function threadsInfo(pool: ThreadPool | null, count: number, sharedWhyNot: string | null, messageWhyNot: string | null): ThreadsInfo {
  const unavailable: ThreadsInfo['unavailable'] = {};
  if (sharedWhyNot) unavailable.shared = sharedWhyNot;
  if (pool && !sharedWhyNot && pool.size > 1) return { count: pool.size, mode: 'shared', unavailable: { ...unavailable, message: 'shared memory is used instead' } };
  if (messageWhyNot) unavailable.message = messageWhyNot;
  if (sharedWhyNot && !messageWhyNot && count > 1) return { count, mode: 'message', unavailable };
  return { count: 1, mode: 'none', unavailable };
}

/** What init decided about threads (one thread before init). */
export function threadsPlan(): ThreadsInfo {
  return threads;
}
let threads: ThreadsInfo = { count: 1, mode: 'none', unavailable: {} };

/** Why no worker can be started here, or null. */
function workerProblem(): string | null {
  const node = typeof process === 'object' && typeof process.versions?.node === 'string';
  return typeof Worker === 'function' || node ? null : 'this runtime has no Worker';
}

/** Ends the thread pool's workers (the next fit on several threads starts them again in Node and Deno). */
export function endThreads(): void {
  loaded?.pool?.end();
}

/** The default backend chosen by `init`. */
export function backend(): BackendName {
  if (active === null) fail('NOT_INITIALIZED', 'call `await init()` before using wasmlearn');
  return active;
}

/** The engine for a backend choice; 'auto' means the default chosen by `init`. */
export function getEngine(choice: BackendChoice = 'auto'): Engine {
  const name = choice === 'auto' ? backend() : choice;
  if (loaded === null) fail('NOT_INITIALIZED', 'call `await init()` before using wasmlearn');
  const engine = loaded.engines.get(name);
  if (!engine) {
    if (!BACKENDS.includes(name)) fail('BAD_OPTION', `backend must be 'auto' or one of ${BACKENDS.join(', ')}; got ${describe(name)}`);
    if (loaded.skipped.has(name)) fail('UNSUPPORTED', `backend '${name}' was not downloaded: init() fetches only the build it uses; call \`await init({ backend: '${name}' })\` to load it`);
    fail('UNSUPPORTED', `backend '${name}' is not available here: ${loaded.unavailable[name]}`);
  }
  return engine;
}

export type { BackendName, Engine } from './engine.js';
