import { fileReason } from '../core/file-errors.js';
import { fail, WasmlearnError } from '../core/errors.js';
import { nodeFs } from '../core/node-fs.js';

/** What `readCsv` reads: a path (Node, Deno), a URL, a Blob or File, or a stream of bytes. */
export type CsvSource = string | URL | Blob | ReadableStream<Uint8Array>;

/** Receives the bytes of a source chunk by chunk; `size` is the total when known, else 0. */
export interface ByteSink {
  start(size: number): void;
  push(chunk: Uint8Array): void;
}

const FILE_CHUNK = 1 << 20;

/**
 * Streams `source` into `sink`; chunks are not kept, so the reader can reuse its buffer. A file
 * that cannot be read, a failed fetch or a stream that errors is PARSE_ERROR ("cannot read ..."),
 * with the runtime's error as `cause`; errors the sink throws pass through as they are.
 */
export async function streamSource(source: CsvSource, sink: ByteSink): Promise<void> {
  if (typeof source === 'string') return readFile(source, sink);
  if (source instanceof URL) {
    if (source.protocol === 'file:') return readFile(source, sink);
    const res = await guard(() => fetch(source), `cannot read ${clip(source.href)}`);
    if (!res.ok || !res.body) fail('PARSE_ERROR', `cannot read ${clip(source.href)}: HTTP ${res.status} ${res.statusText}`);
    sink.start(Number(res.headers.get('content-length')) || 0);
    return readStream(res.body, sink, clip(source.href));
  }
  if (isBlob(source)) {
    sink.start(source.size);
    return readStream(source.stream(), sink, 'the Blob');
  }
  if (isStream(source)) {
    sink.start(0);
    return readStream(source, sink, 'the stream');
  }
  fail('BAD_OPTION', 'readCsv reads a path, a URL, a Blob or File, or a ReadableStream of bytes; for CSV text use parseCsv');
}

async function readFile(path: string | URL, sink: ByteSink): Promise<void> {
  let fs: typeof import('node:fs');
  try {
    fs = await nodeFs();
  } catch {
    return fail('UNSUPPORTED', 'reading a path needs node:fs (Node or Deno); in a browser pass a URL, a Blob or a ReadableStream');
  }
  const name = clip(typeof path === 'string' ? path : path.href);
  const fh = await guard(() => fs.promises.open(path, 'r'), `cannot read ${name}`);
  try {
    sink.start((await guard(() => fh.stat(), `cannot read ${name}`)).size);
    const buf = new Uint8Array(FILE_CHUNK);
    for (;;) {
      const { bytesRead } = await guard(() => fh.read(buf, 0, buf.length, null), `cannot read ${name}`);
      if (bytesRead === 0) break;
      sink.push(buf.subarray(0, bytesRead));
    }
  } finally {
    await fh.close().catch(() => undefined);
  }
}

async function readStream(stream: ReadableStream<Uint8Array>, sink: ByteSink, name: string): Promise<void> {
  const reader = guardSync(() => stream.getReader(), `cannot read ${name}`);
  try {
    for (;;) {
      const { done, value } = await guard(() => reader.read(), `cannot read ${name}`);
      if (done) break;
      if (!(value instanceof Uint8Array)) {
        fail('BAD_OPTION', `the stream gave ${value === null ? 'a null' : `a ${typeof value}`} chunk; readCsv needs bytes (Uint8Array): pipe text through a TextEncoderStream`);
      }
      sink.push(value);
    }
  } catch (err) {
    await Promise.resolve()
      .then(() => reader.cancel(err))
      .catch(() => undefined);
    throw err;
  } finally {
    try {
      reader.releaseLock();
    } catch {
      // a reader that cannot be released is the stream's own affair
    }
  }
}


/** Runs an I/O step; its failure becomes PARSE_ERROR "<what>: <why>" with the original as cause. */
async function guard<T>(step: () => Promise<T>, what: string): Promise<T> {
  try {
    return await step();
  } catch (e) {
    throw ioError(e, what);
  }
}

function guardSync<T>(step: () => T, what: string): T {
  try {
    return step();
  } catch (e) {
    throw ioError(e, what);
  }
}

function ioError(e: unknown, what: string): WasmlearnError {
  if (e instanceof WasmlearnError) return e;
  let why = fileReason(e);
  if (why === null) {
    try {
      why = e instanceof Error ? e.message : String(e);
    } catch {
      why = 'an error';
    }
  }
  const err = new WasmlearnError('PARSE_ERROR', `${what}: ${clip(why, 200)}`);
  Object.defineProperty(err, 'cause', { value: e, configurable: true, writable: true });
  return err;
}

/** A name as a message shows it: at most `max` characters, NUL and other controls escaped. */
function clip(s: string, max = 120): string {
  const shown = (s.length > max ? s.slice(0, max) : s).replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return s.length > max ? `${shown}... (${s.length} characters)` : shown;
}

function isBlob(x: unknown): x is Blob {
  return typeof Blob !== 'undefined' && x instanceof Blob;
}

function isStream(x: unknown): x is ReadableStream<Uint8Array> {
  return typeof x === 'object' && x !== null && typeof (x as ReadableStream).getReader === 'function';
}
