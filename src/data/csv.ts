import { fail } from '../core/errors.js';
import { describe } from '../core/options.js';
import type { CsvResult } from './csv-builder.js';
import { CsvReader, type CsvOptions } from './csv-reader.js';
import { streamSource, type CsvSource } from './csv-sources.js';

export type { ColumnRef, CsvResult } from './csv-builder.js';
export type { CsvOptions } from './csv-reader.js';
export type { CsvSource } from './csv-sources.js';

/** UTF-16 units encoded per step: the bytes of a huge string never exist all at once. */
const TEXT_CHUNK = 1 << 16;

/**
 * Parses CSV text into `{ X, y?, columns }`. Missing cells become NaN; a non-numeric feature
 * cell, a row of the wrong length or an unterminated quote throws PARSE_ERROR naming the line.
 * Time is linear in the length of the text; a cell over 1 MiB, a row over 64 MiB or with more
 * than 1,048,576 fields is PARSE_ERROR too (csv-limits.ts, and the README's data section).
 */
export function parseCsv(text: string, options: CsvOptions = {}): CsvResult {
  if (typeof text !== 'string') fail('BAD_OPTION', `parseCsv takes the CSV text as a string, got ${describe(text)}; readCsv reads files, URLs, Blobs and streams`);
  const reader = new CsvReader(options, 'parseCsv');
  try {
    reader.start(text.length);
    const enc = new TextEncoder();
    const buf = new Uint8Array((TEXT_CHUNK + 2) * 3);
    for (let i = 0; i < text.length; ) {
      let end = Math.min(i + TEXT_CHUNK, text.length);
      const last = text.charCodeAt(end - 1);
      if (last >= 0xd800 && last <= 0xdbff && end < text.length) end++; // keep a surrogate pair whole
      const { written } = enc.encodeInto(text.slice(i, end), buf);
      reader.push(buf.subarray(0, written));
      i = end;
    }
    return reader.finish();
  } catch (e) {
    reader.abandon();
    throw e;
  }
}

/**
 * Reads CSV from a path (Node, Deno), a URL (file: read from disk, others fetched), a Blob or
 * File, or a ReadableStream of bytes, chunk by chunk. Same options and result as `parseCsv`.
 */
export async function readCsv(source: CsvSource, options: CsvOptions = {}): Promise<CsvResult> {
  const reader = new CsvReader(options, 'readCsv');
  try {
    await streamSource(source, reader);
    return reader.finish();
  } catch (e) {
    reader.abandon();
    throw e;
  }
}
