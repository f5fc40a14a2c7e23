import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseNumberText } from '../data/csv-number.js';
import { closest } from '../core/options.js';
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

/** The known name closest to `given`, as a message's tail: "; did you mean 'x'?", or ''. */
export function didYouMean(given: string, known: readonly string[], show: (k: string) => string = (k) => `'${k}'`): string {
  const best = closest(given, known);
  // One or two letters are a single edit from too much to be a guess worth showing.
  if (best === null || (given.length <= 2 && best.toLowerCase() !== given.toLowerCase())) return '';
  return `; did you mean ${show(best)}?`;
}

/**
 * parseArgs (strict), with its mistakes said in the command line's words: an unknown flag names
 * the closest known one, a flag missing its value says so. One line each, a usage error.
 */
export function parseFlags<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  const options = config.options ?? {};
  try {
    return parseArgs(config);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    const message = e instanceof Error ? e.message : String(e);
    const flags = Object.keys(options).map((k) => `--${k}`);
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const given = /^Unknown option '([^']*)'/.exec(message)?.[1] ?? '?';
      const name = given.replace(/^-+/, '').split('=')[0];
      usage(`unknown option ${quoteArg(given)}${didYouMean(name, Object.keys(options), (k) => `'--${k}'`)} (see --help)`);
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const flag = flags.find((f) => message.includes(`'${f}`) || message.includes(`${f} `));
      if (flag && options[flag.slice(2)]?.type === 'string') usage(`${flag} needs a value`);
      if (flag) usage(`${flag} takes no value`);
    }
    throw e;
  }
}
