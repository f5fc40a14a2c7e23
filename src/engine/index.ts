import { fail } from '../core/errors.js';
import { describe, strictOptions } from '../core/options.js';
import { BACKENDS, type BackendName, type Engine } from './engine.js';
import { JsEngine } from './js/engine.js';
import { WasmEngine } from './wasm/engine.js';
import { bindExports, type WasmBuild } from './wasm/exports.js';
import { instantiate, isWasmSource, loadWasmBytes, type WasmSource } from './wasm/load.js';

export type BackendChoice = 'auto' | BackendName;
export type { WasmSource } from './wasm/load.js';
export type WasmSources = Partial<Record<WasmBuild, WasmSource>>;

export interface InitOptions {
  /** 'auto' (default) picks the fastest backend this runtime validates. */
  backend?: BackendChoice;
  /**
   * For apps that host the .wasm files themselves: one source (bytes, a URL or a Response) is
   * the `simd` build; a record `{ relaxed, simd, scalar }` gives any of the builds, and the builds
   * it leaves out are not loaded. Passing `wasm` loads again, replacing the earlier builds.
   */
  wasm?: WasmSource | WasmSources;
}

export interface InitInfo {
  /** The default backend of models that do not pin one. */
  backend: BackendName;
  /** Every backend this runtime can run, fastest first. */
  available: BackendName[];
  /** Why each missing backend is missing, e.g. relaxed SIMD without its Node 20 flag. */
  unavailable: Partial<Record<BackendName, string>>;
}

const BUILDS: Record<Exclude<BackendName, 'js'>, WasmBuild> = {
  'wasm-relaxed': 'relaxed',
  'wasm-simd': 'simd',
  'wasm-scalar': 'scalar',
};

interface Loaded {
  engines: Map<BackendName, Engine>;
  unavailable: Partial<Record<BackendName, string>>;
}

let loading: Promise<Loaded> | null = null;
let loaded: Loaded | null = null;
let active: BackendName | null = null;

/** The sources to load per build: the package's own files, or those given to `init`. */
function sourcesOf(wasm: InitOptions['wasm']): WasmSources | null {
  if (wasm === undefined) return null;
  if (isWasmSource(wasm)) return { simd: wasm };
  const builds = Object.values(BUILDS);
  const entries = typeof wasm === 'object' && wasm !== null ? Object.entries(wasm) : [['', null]];
  if (entries.some(([k, v]) => !builds.includes(k as WasmBuild) || (v !== undefined && !isWasmSource(v)))) {
    fail('BAD_OPTION', `wasm must be bytes, a URL, a Response, or a record with keys ${builds.join(', ')}`);
  }
  return wasm;
}

async function loadAll(sources: WasmSources | null): Promise<Loaded> {
  const engines = new Map<BackendName, Engine>();
  const unavailable: Partial<Record<BackendName, string>> = {};
  for (const name of BACKENDS) {
    if (name === 'js') {
      engines.set('js', new JsEngine());
      continue;
    }
    if (typeof WebAssembly !== 'object') {
      unavailable[name] = 'this runtime has no WebAssembly';
      continue;
    }
    const build = BUILDS[name];
    if (sources && !sources[build]) {
      unavailable[name] = `init({ wasm }) did not give the ${build} build`;
      continue;
    }
    try {
      const bytes = await loadWasmBytes(build, sources?.[build]);
      if (!WebAssembly.validate(bytes)) {
        unavailable[name] = name === 'wasm-relaxed'
          ? 'this runtime does not validate relaxed SIMD (Node 20 needs --experimental-wasm-relaxed-simd)'
          : `this runtime does not validate the ${build} build`;
        continue;
      }
      const instance = await instantiate(bytes);
      engines.set(name, new WasmEngine(name, bindExports(instance.exports, build)));
    } catch (e) {
      unavailable[name] = `could not load ${build}.wasm: ${(e as Error).message}`;
    }
  }
  return { engines, unavailable };
}

/**
 * Loads the WASM builds this runtime validates and chooses the default backend. The only async
 * step of the library; calling it again just changes the default (and loads again with `wasm`).
 */
export async function init(options?: InitOptions): Promise<InitInfo> {
  const o = strictOptions('init', options, ['backend', 'wasm']) as InitOptions;
  const choice = o.backend ?? 'auto';
  if (choice !== 'auto' && !BACKENDS.includes(choice)) {
    fail('BAD_OPTION', `backend must be 'auto' or one of ${BACKENDS.join(', ')}; got ${describe(choice)}`);
  }
  const sources = sourcesOf(o.wasm);
  if (sources) loading = loadAll(sources);
  loading ??= loadAll(null);
  loaded = await loading;
  const available = BACKENDS.filter((b) => loaded!.engines.has(b));
  if (choice !== 'auto' && !loaded.engines.has(choice)) {
    fail('UNSUPPORTED', `backend '${choice}' is not available here: ${loaded.unavailable[choice]}; available: ${available.join(', ')}`);
  }
  active = choice === 'auto' ? available[0] : choice;
  return { backend: active, available, unavailable: { ...loaded.unavailable } };
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
    fail('UNSUPPORTED', `backend '${name}' is not available here: ${loaded.unavailable[name]}`);
  }
  return engine;
}

export type { BackendName, Engine } from './engine.js';
