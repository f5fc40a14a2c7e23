// The CSV files the command line reads and the files it writes: sizes bounded, every file error
// one line naming the file.
import { open, stat, unlink, writeFile } from 'node:fs/promises';
import { WasmlearnError } from '../core/errors.js';
import { readCsv, type CsvOptions, type CsvResult } from '../data/csv.js';
import { fileStep, showPath, usage } from './errors.js';

/** The largest CSV file `train` and `predict` read: 2 GiB (the matrix, its split and wasm32's 4 GiB must fit beside it). */
export const MAX_INPUT_BYTES = 2 ** 31;
const CHUNK = 1 << 20;

/**
 * Reads a CSV file with the library's reader. A regular file's size is checked before reading;
 * anything else (a pipe, a device such as /dev/zero) is counted as it is read and stopped at the
 * same bound, on top of the reader's own limits per cell and row.
 */
export async function readCsvFile(path: string, options: CsvOptions): Promise<CsvResult> {
  const fh = await fileStep('open', path, () => open(path, 'r'));
  let closed = false;
  try {
    const stat = await fileStep('read', path, () => fh.stat());
    if (stat.isDirectory()) usage(`cannot open ${showPath(path)}: it is a directory`);
    if (stat.size > MAX_INPUT_BYTES) usage(`${showPath(path)} holds ${stat.size} bytes; wasmlearn reads CSV files of at most ${MAX_INPUT_BYTES} bytes (2 GiB)`);
    if (stat.isFile()) {
      await fh.close();
      closed = true;
      return await readCsv(path, options);
    }
    let total = 0;
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const buf = new Uint8Array(CHUNK);
        const { bytesRead } = await fh.read(buf, 0, CHUNK, null);
        if (bytesRead === 0) return controller.close();
        total += bytesRead;
        if (total > MAX_INPUT_BYTES) {
          return controller.error(new WasmlearnError('PARSE_ERROR', `${showPath(path)} goes on past ${MAX_INPUT_BYTES} bytes (2 GiB), the most wasmlearn reads`));
        }
        controller.enqueue(buf.subarray(0, bytesRead));
      },
    });
    return await readCsv(stream, options);
  } finally {
    if (!closed) await fh.close().catch(() => undefined);
  }
}

/** Writes `text` to `path`; a failure is one line: "cannot write <path>: <why>". */
export async function writeOutput(path: string, text: string): Promise<void> {
  if (path === '') usage('--out is empty; give a file name');
  await fileStep('write', path, () => writeFile(path, text));
}

/**
 * Checks up front that `path` can be written: opens it for appending (creating it, truncating
 * nothing) and closes it. Returns what undoes the check: removing the file if it was created.
 */
export async function prepareOutput(path: string): Promise<() => Promise<void>> {
  if (path === '') usage('--out is empty; give a file name');
  const existed = await stat(path).then(
    () => true,
    () => false,
  );
  const fh = await fileStep('write', path, () => open(path, 'a'));
  await fh.close().catch(() => undefined);
  return async () => {
    if (!existed) await unlink(path).catch(() => undefined);
  };
}
