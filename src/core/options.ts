// Strict options, as scikit-learn's parameters: an options argument must be a plain object (or
// undefined), and every key must be one its owner knows; a typo is BAD_OPTION naming the key and
// the closest valid name.
import { fail } from './errors.js';

/**
 * Checks that `given` is undefined or a plain object whose own keys are all in `known`, and
 * returns it as a record (an empty one for undefined). `owner` names the call in messages, e.g.
 * "LogisticRegression" or "parseCsv options".
 */
export function strictOptions(owner: string, given: unknown, known: readonly string[]): Record<string, unknown> {
  if (given === undefined) return {};
  if (given === null || typeof given !== 'object' || Array.isArray(given) || ArrayBuffer.isView(given)) {
    fail('BAD_OPTION', `${owner} takes an options object; got ${describe(given)}`);
  }
  for (const key of Reflect.ownKeys(given)) {
    if (typeof key === 'symbol') fail('BAD_OPTION', `unknown option ${String(key)} for ${owner}`);
    if (!known.includes(key)) fail('BAD_OPTION', `unknown option '${key}' for ${owner}${suggestion(key, known)}`);
  }
  return given as Record<string, unknown>;
}

/** "; did you mean 'maxIter'?" when a known name is close to `key` (case, separators or a small edit), else "". */
export function suggestion(key: string, known: readonly string[]): string {
  const best = closest(key, known);
  return best === null ? '' : `; did you mean '${best}'?`;
}

/** The known name closest to `key`: the same once case and _ - are ignored, or within a third of its length in edits. */
export function closest(key: string, known: readonly string[]): string | null {
  const norm = (s: string) => s.toLowerCase().replace(/[_\-\s]/g, '');
  const same = known.find((k) => norm(k) === norm(key));
  if (same !== undefined) return same;
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = editDistance(norm(key), norm(k));
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(1, Math.floor(key.length / 3)) ? best : null;
}

/** Levenshtein distance, for short names only (keys longer than 64 characters are never close). */
function editDistance(a: string, b: string): number {
  if (a.length > 64 || b.length > 64) return Infinity;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

/** A value as a message shows it: JSON where it can, the type otherwise (a BigInt, a Symbol, a function). */
export function describe(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n (a BigInt)`;
  if (typeof v === 'function') return /^class\b/.test(Function.prototype.toString.call(v)) ? 'a class (not callable as a function)' : 'a function';
  if (typeof v === 'symbol') return 'a symbol';
  if (v === undefined) return 'undefined';
  if (typeof v === 'number') return String(v);
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return `a ${typeof v}`;
  }
}
