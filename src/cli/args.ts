import { parseNumberText } from '../data/csv-number.js';
import { usage } from './errors.js';

/** The flag every command takes; parseArgs is strict, so an unknown flag is a usage error. */
export const HELP_FLAG = { help: { type: 'boolean', short: 'h' } } as const;

/** A flag's value as a message quotes it: at most 40 characters. */
export function quoteArg(text: string): string {
  const shown = text.length > 40 ? `${text.slice(0, 40)}...` : text;
  return `'${shown.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}'`;
}

/**
 * A whole-number flag in [min, max], or undefined when absent. Only decimal digits are taken
 * ('0x10', '1e3', '1.0' and ' 5' are refused), and the range keeps every value one the library
 * and its kernels handle: no 2^32 that wraps to 0, no count that runs for ever.
 */
export function intFlag(flag: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const v = /^[0-9]{1,16}$/.test(text) ? Number(text) : NaN;
  if (!(v >= min && v <= max)) usage(`--${flag} must be a whole number from ${min} to ${max}, got ${quoteArg(text)}`);
  return v;
}

/** A decimal number flag (no hex, no Infinity) for which `check` holds, or undefined when absent. */
export function numberFlag(flag: string, text: string | undefined, check: (v: number) => boolean, what: string): number | undefined {
  if (text === undefined) return undefined;
  const v = text.length <= 64 ? parseNumberText(text) : null;
  if (v === null || !Number.isFinite(v) || text !== text.trim() || !check(v)) usage(`--${flag} must be ${what}, got ${quoteArg(text)}`);
  return v;
}

/** Exactly `names.length` positional arguments, else a usage error naming the missing ones. */
export function positionals(given: string[], names: string[], command: string): string[] {
  if (given.length < names.length) usage(`${command} needs ${names.map((n) => `<${n}>`).join(' ')}; missing <${names[given.length]}> (see wasmlearn ${command} --help)`);
  if (given.length > names.length) usage(`${command} takes ${names.length} arguments, got an extra ${quoteArg(given[names.length])}`);
  for (const [i, p] of given.entries()) if (p === '') usage(`${command}: <${names[i]}> is empty; give a file name`);
  return given;
}
