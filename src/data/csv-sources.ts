import { fail } from '../core/errors.js';

/** What `readCsv` reads: a path (Node, Deno), a URL, a Blob or File, or a stream of bytes. */
export type CsvSource = string | URL | Blob | ReadableStream<Uint8Array>;

/** Receives the bytes of a source chunk by chunk; `size` is the total when known, else 0. */
export interface ByteSink {
  start(size: number): void;
  push(chunk: Uint8Array): void;
}

const FILE_CHUNK = 1 << 20;

/** Streams `source` into `sink`; chunks are not kept, so the reader can reuse its buffer. */
export async function streamSource(source: CsvSource, sink: ByteSink): Promise<void> {
  if (typeof source === 'string') return readFile(source, sink);
  if (source instanceof URL) {
    if (source.protocol === 'file:') return readFile(source, sink);
    const res = await fetch(source);
    if (!res.ok || !res.body) fail('PARSE_ERROR', `cannot read ${source.href}: HTTP ${res.status} ${res.statusText}`);
    sink.start(Number(res.headers.get('content-length')) || 0);
    return readStream(res.body, sink);
  }
  if (isBlob(source)) {
    sink.start(source.size);
    return readStream(source.stream(), sink);
  }
  if (isStream(source)) {
    sink.start(0);
    return readStream(source, sink);
  }
  fail('BAD_OPTION', 'readCsv reads a path, a URL, a Blob or File, or a ReadableStream of bytes; for CSV text use parseCsv');
}

async function readFile(path: string | URL, sink: ByteSink): Promise<void> {
  let fs: typeof import('node:fs');
  try {
    fs = await import('node:fs');
  } catch {
    return fail('UNSUPPORTED', 'reading a path needs node:fs (Node or Deno); in a browser pass a URL, a Blob or a ReadableStream');
  }
  const fh = await fs.promises.open(path, 'r');
  try {
    sink.start((await fh.stat()).size);
    const buf = new Uint8Array(FILE_CHUNK);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      sink.push(buf.subarray(0, bytesRead));
    }
  } finally {
    await fh.close();
  }
}

async function readStream(stream: ReadableStream<Uint8Array>, sink: ByteSink): Promise<void> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!(value instanceof Uint8Array)) {
        fail('BAD_OPTION', `the stream gave a ${typeof value} chunk; readCsv needs bytes (Uint8Array): pipe text through a TextEncoderStream`);
      }
      sink.push(value);
    }
  } catch (err) {
    await reader.cancel(err).catch(() => undefined);
    throw err;
  } finally {
    reader.releaseLock();
  }
}

function isBlob(x: unknown): x is Blob {
  return typeof Blob !== 'undefined' && x instanceof Blob;
}

function isStream(x: unknown): x is ReadableStream<Uint8Array> {
  return typeof x === 'object' && x !== null && typeof (x as ReadableStream).getReader === 'function';
}
