import { usage } from './errors.js';

/** The flag every command takes; parseArgs is strict, so an unknown flag is a usage error. */
export const HELP_FLAG = { help: { type: 'boolean', short: 'h' } } as const;

/** A number flag, or undefined when absent: `check` says what the value must be, `what` says it in words. */
export function numberFlag(flag: string, text: string | undefined, check: (v: number) => boolean, what: string): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (text.trim() === '' || !check(v)) usage(`--${flag} must be ${what}, got '${text}'`);
  return v;
}

/** Exactly `names.length` positional arguments, else a usage error naming the missing ones. */
export function positionals(given: string[], names: string[], command: string): string[] {
  if (given.length < names.length) usage(`${command} needs ${names.map((n) => `<${n}>`).join(' ')}; missing <${names[given.length]}> (see wasmlearn ${command} --help)`);
  if (given.length > names.length) usage(`${command} takes ${names.length} arguments, got an extra '${given[names.length]}'`);
  return given;
}
