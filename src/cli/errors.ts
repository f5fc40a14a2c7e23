import { WasmlearnError } from '../core/errors.js';
import { fileReason } from '../core/file-errors.js';

/** A mistake in the command line or in its input files: one line on stderr, exit code 2. */
export class UsageError extends Error {}

export function usage(message: string): never {
  throw new UsageError(message);
}

/** A file name as messages show it: at most 120 characters, control characters escaped. */
export function showPath(path: unknown): string {
  const s = typeof path === 'string' ? path : Buffer.isBuffer(path) ? path.toString('utf8') : String(path);
  return oneLine(s.length > 120 ? `${s.slice(0, 120)}... (${s.length} characters)` : s);
}

/** `text` on one line: line breaks and other control characters escaped. */
export function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}

/** Runs a file operation; a failure is a usage error "cannot <verb> <path>: <why>". */
export async function fileStep<T>(verb: string, path: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (e) {
    const why = fileReason(e);
    if (why === null) throw e;
    return usage(`cannot ${verb} ${showPath(path)}: ${why}`);
  }
}

/** A library error code where a message starts, or where it quotes a wrapped error ("MLPClassifier: BAD_OPTION: ..."). */
const CODE_PREFIX = /(?<=^|: )(SHAPE_MISMATCH|NON_FINITE_INPUT|BAD_LABEL|EMPTY_INPUT|BAD_OPTION|NOT_INITIALIZED|NOT_FITTED|DISPOSED|DIVERGED|UNSUPPORTED|PARSE_ERROR|BAD_MODEL_JSON|BUSY|OUT_OF_MEMORY|INTERNAL): /g;

/**
 * The one line that explains an error. Usage and library errors are the user's to fix; a file
 * error says which file and why; anything else is a bug in wasmlearn, still said in one line
 * (the stack only with WASMLEARN_DEBUG=1).
 */
export function explain(e: unknown): string {
  if (e instanceof UsageError) return oneLine(e.message);
  // The library's messages start with their code (for programs); a person reads the words.
  if (e instanceof WasmlearnError) return oneLine(e.message.replace(CODE_PREFIX, ''));
  const err = e as NodeJS.ErrnoException | null;
  const why = fileReason(err);
  if (why !== null) return `cannot open ${err?.path === undefined ? 'a file' : showPath(err.path)}: ${why}`;
  if (typeof err?.code === 'string' && err.code.startsWith('ERR_PARSE_ARGS_')) return oneLine(err.message);
  let message: string;
  try {
    message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  } catch {
    message = 'an unprintable error';
  }
  return `internal error (a bug in wasmlearn; WASMLEARN_DEBUG=1 shows where): ${oneLine(message).slice(0, 300)}`;
}
