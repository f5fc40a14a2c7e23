import { WasmlearnError } from '../core/errors.js';

/** A mistake in the command line or in its input files: one line on stderr, exit code 2. */
export class UsageError extends Error {}

export function usage(message: string): never {
  throw new UsageError(message);
}

const FILE_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
  ENOTDIR: 'a parent is not a directory',
};

/** The one line that explains a bad-input error, or null for anything else (a bug: show the stack). */
export function explain(e: unknown): string | null {
  if (e instanceof UsageError || e instanceof WasmlearnError) return e.message;
  const err = e as NodeJS.ErrnoException;
  if (err?.code && Object.hasOwn(FILE_ERRORS, err.code)) return `cannot open ${err.path ?? 'a file'}: ${FILE_ERRORS[err.code]}`;
  if (err?.code?.startsWith('ERR_PARSE_ARGS_')) return err.message;
  return null;
}
