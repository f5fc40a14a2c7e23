// What the notebook programs share: where figures go, how lines are printed, tables of numbers,
// and "run when executed directly". Each notebook's run() prints through `log` and returns the
// values it printed, so test/notebooks.test.ts can check them.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Figure } from '../../src/plot/index.js';

export interface NotebookOptions {
  /** Where the SVG figures go. Default: $WASMLEARN_NOTEBOOK_DIR, else test/artifacts/notebooks/ (git-ignored). */
  outDir?: string;
  /** Where printed lines go. Default console.log. */
  log?: (line: string) => void;
}

const REPO = fileURLToPath(new URL('../../', import.meta.url));

export function outDir(options: NotebookOptions): string {
  return resolve(options.outDir ?? process.env.WASMLEARN_NOTEBOOK_DIR ?? join(REPO, 'test', 'artifacts', 'notebooks'));
}

/** Renders the figure to `<outDir>/<name>` and returns the file's path. */
export async function saveFigure(figure: Figure, name: string, options: NotebookOptions): Promise<string> {
  const dir = outDir(options);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, await figure.toSVG());
  return path;
}

export function printer(options: NotebookOptions): (line?: string) => void {
  const log = options.log ?? ((line: string) => console.log(line));
  return (line = '') => log(line);
}

/** A text table: a header row, then rows of cells; the first column left-aligned, the others right-aligned. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : c)))];
  const widths = header.map((_, j) => Math.max(...cells.map((r) => r[j].length)));
  const line = (r: string[]) => r.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  ').trimEnd();
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** A number as a notebook shows it: up to 7 significant digits, exponent form when tiny or huge. */
export function fmt(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a < 1e-4 || a >= 1e7 ? v.toExponential(6).replace(/\.?0+e/, 'e') : String(Number(v.toPrecision(7)));
}

/** A vector as numpy prints it, to `digits` decimals. */
export function vec(values: ArrayLike<number>, digits = 4): string {
  return `[${Array.from(values, (v) => v.toFixed(digits)).join(', ')}]`;
}

/**
 * The reference datasets: $WASMLEARN_DATA_DIR, else the package's datasets/ folder, else
 * ../shared/data beside the repository (the same search as the tests').
 */
export function dataPath(file: string): string {
  const dirs = [process.env.WASMLEARN_DATA_DIR, join(REPO, 'datasets'), join(REPO, '..', 'shared', 'data')];
  for (const dir of dirs) if (dir && existsSync(join(dir, file))) return resolve(dir, file);
  throw new Error(`${file} not found in ${dirs.filter(Boolean).join(', ')}; set WASMLEARN_DATA_DIR to its folder`);
}

/** True when the module is the program being run (Deno's import.meta.main, or Node's argv[1]), not an import. */
export function isMain(meta: ImportMeta): boolean {
  if ((meta as { main?: boolean }).main === true) return true;
  const script = process.argv[1];
  return script !== undefined && pathToFileURL(resolve(script)).href === meta.url;
}

/**
 * A seeded generator (mulberry32 uniforms in (0, 1), Box-Muller normals): the notebooks'
 * np.random.default_rng(seed), reproducible on every runtime.
 */
export function randomState(seed: number): { uniform: () => number; normal: () => number } {
  let s = seed >>> 0;
  const uniform = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  let spare: number | null = null;
  const normal = () => {
    if (spare !== null) { const v = spare; spare = null; return v; }
    const r = Math.sqrt(-2 * Math.log(uniform())), a = 2 * Math.PI * uniform();
    spare = r * Math.sin(a);
    return r * Math.cos(a);
  };
  return { uniform, normal };
}
