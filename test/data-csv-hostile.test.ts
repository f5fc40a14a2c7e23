// Hostile input for the CSV reader (issue #11): linear time on adversarial cells, bounded memory
// (the limits of csv-limits.ts), strict options, and property tests: any bytes, any text, cut
// into any chunks, give the same result as one chunk, or the same WasmlearnError.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { WasmlearnError } from '../src/core/errors.js';
import { parseCsv, readCsv, type CsvOptions, type CsvResult } from '../src/data/index.js';
import { CsvReader } from '../src/data/csv-reader.js';
import { CSV_LIMITS, type CsvLimits } from '../src/data/csv-limits.js';
import { parseNumberText } from '../src/data/csv-number.js';
import { caught } from './helpers/errors.js';

const enc = new TextEncoder();
const tmp = mkdtempSync(join(tmpdir(), 'wasmlearn-csv-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Outcome = { ok: CsvResult } | { error: string };

/** The result, or the message of the WasmlearnError; anything else thrown fails the test. */
function outcome(f: () => CsvResult): Outcome {
  try {
    return { ok: f() };
  } catch (err) {
    if (!(err instanceof WasmlearnError)) throw err;
    return { error: err.message };
  }
}

async function outcomeAsync(f: () => Promise<CsvResult>): Promise<Outcome> {
  try {
    return { ok: await f() };
  } catch (err) {
    if (!(err instanceof WasmlearnError)) throw err;
    return { error: err.message };
  }
}

/** A comparable form: the matrix's bytes (NaN and -0 exact), the columns and the labels. */
function summary(o: Outcome): unknown {
  if ('error' in o) return o;
  const { X, y, columns } = o.ok;
  expect(X.data.length).toBe(X.rows * X.cols);
  return { rows: X.rows, cols: X.cols, dtype: X.data.constructor.name, bytes: Buffer.from(X.data.buffer, X.data.byteOffset, X.data.byteLength).toString('hex'), columns, y };
}

/** `bytes` cut at the given points (any numbers: taken modulo the length, sorted). */
function pieces(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((c) => (bytes.length === 0 ? 0 : c % (bytes.length + 1))))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const c of [...at, bytes.length]) {
    out.push(bytes.slice(prev, c)); // empty chunks too: a stream may send them
    prev = c;
  }
  return out;
}

function streamOfChunks(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  let k = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (k >= chunks.length) return controller.close();
      controller.enqueue(chunks[k++]);
    },
  });
}

/** The reader with given limits, fed these chunks. */
function readChunks(chunks: Uint8Array[], opts: CsvOptions, limits?: CsvLimits): Outcome {
  return outcome(() => {
    const r = new CsvReader(opts, 'parseCsv', limits);
    for (const c of chunks) r.push(c);
    return r.finish();
  });
}

const TOKENS = ['\uFEFF', '0', '1', '7', '.', '-', '+', 'e', '1e5', '1e999', ',', ',', ',', ';', '\t', '"', '""', '\n', '\n', '\r\n', '\r', ' ', '?', 'NA', 'x', 'true', '\uFEFF', 'é', '😀', 'Infinity', '__proto__', 'constructor'];
const csvText = fc.array(fc.constantFrom(...TOKENS), { maxLength: 120 }).map((t) => t.join(''));
const anyText = fc.oneof(csvText, fc.string({ unit: 'binary', maxLength: 120 }), fc.string({ unit: 'binary-ascii', maxLength: 120 }));
const csvOptions: fc.Arbitrary<CsvOptions> = fc.record(
  {
    header: fc.constantFrom(undefined, true, false),
    target: fc.constantFrom(undefined, 0, 1),
    dtype: fc.constantFrom('float32' as const, 'float64' as const),
    delimiter: fc.constantFrom(undefined, ',', ';'),
  },
  { requiredKeys: [] },
);
const cuts = fc.array(fc.nat(), { maxLength: 12 });

/** Every property run is bounded in time; the adversarial inputs below are what found the old quadratic paths. */
const RUN_MS = 2000;

describe('CSV properties (fast-check)', () => {
  it('any text, under any options: one chunk, parseCsv and random chunks agree, and nothing but a WasmlearnError is thrown', async () => {
    await fc.assert(
      fc.asyncProperty(anyText, csvOptions, cuts, async (text, opts, at) => {
        const t0 = performance.now();
        const bytes = enc.encode(text);
        const whole = summary(readChunks([bytes], opts));
        expect(summary(outcome(() => parseCsv(text, opts)))).toEqual(whole);
        expect(summary(await outcomeAsync(() => readCsv(streamOfChunks(pieces(bytes, at)), opts)))).toEqual(whole);
        expect(performance.now() - t0).toBeLessThan(RUN_MS);
      }),
      { numRuns: 400, seed: 11 },
    );
  });

  it('any bytes (invalid UTF-8 too): a Blob, one chunk and random chunks agree', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), csvOptions, cuts, async (bytes, opts, at) => {
        const t0 = performance.now();
        const whole = summary(readChunks([bytes], opts));
        expect(summary(await outcomeAsync(() => readCsv(new Blob([bytes]), opts)))).toEqual(whole);
        // The bytes decoded as text (which drops a BOM and replaces invalid UTF-8) parse alike.
        expect(summary(outcome(() => parseCsv(new TextDecoder().decode(bytes), opts)))).toEqual(whole);
        expect(summary(await outcomeAsync(() => readCsv(streamOfChunks(pieces(bytes, at)), opts)))).toEqual(whole);
        expect(performance.now() - t0).toBeLessThan(RUN_MS);
      }),
      { numRuns: 400, seed: 13 },
    );
  });

  it('with tiny limits, the limit errors too are the same however the input is cut', () => {
    const limits = fc.record({
      cellBytes: fc.integer({ min: 1, max: 12 }),
      rowBytes: fc.integer({ min: 1, max: 40 }),
      fields: fc.integer({ min: 1, max: 6 }),
      labels: fc.integer({ min: 1, max: 4 }),
    });
    let limited = 0;
    fc.assert(
      fc.property(csvText, csvOptions, limits, cuts, (text, opts, lim, at) => {
        const bytes = enc.encode(text);
        const whole = readChunks([bytes], opts, lim);
        if ('error' in whole && /the most a CSV|distinct labels/.test(whole.error)) limited++;
        expect(summary(readChunks(pieces(bytes, at), opts, lim))).toEqual(summary(whole));
        expect(summary(readChunks(Array.from(bytes, (b) => Uint8Array.of(b)), opts, lim))).toEqual(summary(whole));
      }),
      { numRuns: 600, seed: 17 },
    );
    expect(limited).toBeGreaterThan(50); // the generator does reach the limits
  });

  it('parseNumberText agrees with the regular expression it replaces, on any text', () => {
    const RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$|^[+-]?Infinity$/;
    const reference = (t: string) => {
      const s = t.replace(/^[ \t]+|[ \t]+$/g, '');
      return RE.test(s) ? Number(s) : null;
    };
    const numberish = fc.array(fc.constantFrom('1', '0', '.', 'e', 'E', '+', '-', ' ', '\t', 'Infinity', 'x', '\n', '٣'), { maxLength: 12 }).map((a) => a.join(''));
    fc.assert(
      fc.property(fc.oneof(numberish, fc.string({ maxLength: 12 })), (t) => {
        expect(parseNumberText(t)).toBe(reference(t));
      }),
      { numRuns: 3000, seed: 19 },
    );
  });
});

describe('CSV in linear time on adversarial cells', () => {
  // Before the fix a cell of 80,000 digits and an 'x' took 9 s (the number regex backtracked);
  // these are 12 times longer, so a quadratic path would take over 20 minutes.
  const long = 1_000_000;
  const cases: [string, string, CsvOptions][] = [
    ['digits then x, a data cell', `a\n${'1'.repeat(long)}x\n`, { header: true }],
    ['digits then x, header detection', `${'1'.repeat(long)}x\n1\n`, {}],
    ['digits.digits then x', `a\n${'1'.repeat(long / 2)}.${'1'.repeat(long / 2)}x\n`, { header: true }],
    ['digits e digits then x', `a\n1e${'1'.repeat(long)}x\n`, { header: true }],
    ['spaces then x, a data cell', `a\n${' '.repeat(long)}x\n`, { header: true }],
    ['spaces and tabs then x, a label', `a,b\n1,${' \t'.repeat(long / 2)}x\n`, { header: true, target: 1 }],
    ['doubled quotes', `a\n"${'""'.repeat(long / 2)}"\n`, { header: true }],
    ['a million empty fields', `${','.repeat(long)}\n`, {}],
    ['a column list as long as the header', `${Array.from({ length: 100_000 }, (_, j) => `c${j}`).join(',')}\n`, { header: true, columns: Array.from({ length: 100_000 }, (_, j) => `c${99_999 - j}`) }],
  ];
  for (const [name, text, opts] of cases) {
    it(name, () => {
      const t0 = performance.now();
      const r = outcome(() => parseCsv(text, opts));
      expect(performance.now() - t0).toBeLessThan(5000);
      if ('error' in r) expect(r.error).toMatch(/^PARSE_ERROR: line \d/);
    });
  }

  it('quotes a long bad cell in its message, but only its first 40 characters', () => {
    const e = caught(() => parseCsv(`a\n${'1'.repeat(long)}x\n`, { header: true }));
    expect(e.message).toContain(`"${'1'.repeat(40)}"... (${long + 1} characters) is not a number`);
    expect(e.message.length).toBeLessThan(300);
  });
});

describe('CSV limits (README, data section)', () => {
  const MiB = 1 << 20;

  it('a cell holds 1 MiB at most', () => {
    expect(parseCsv(`a\n"${'x'.repeat(MiB)}"\n`, { header: true, target: 0 }).y![0]).toHaveLength(MiB);
    const e = caught(() => parseCsv(`a\n"${'x'.repeat(MiB + 1)}"\n`, { header: true, target: 0 }));
    expect(e.message).toBe('PARSE_ERROR: line 2, field 1: the cell is longer than 1 MiB (1048576 bytes), the most a CSV cell may hold');
    expect(caught(() => parseCsv(`1,2\n3,${'4'.repeat(MiB + 1)}\n`)).message).toContain('line 2, field 2: the cell is longer than 1 MiB');
  });

  it('a row has 1,048,576 fields at most', () => {
    expect(parseCsv(`${','.repeat(CSV_LIMITS.fields - 1)}\n`).X.cols).toBe(CSV_LIMITS.fields);
    expect(caught(() => parseCsv(`${','.repeat(CSV_LIMITS.fields)}\n`)).message).toBe('PARSE_ERROR: line 1 has more than 1048576 fields, the most a CSV row may have');
  });

  it('a row holds 64 MiB at most, also when the first line never ends', async () => {
    const cell = 'y'.repeat(1000);
    const row = Array.from({ length: 70_000 }, () => cell).join(',');
    expect(caught(() => parseCsv(`${row}\n1\n`, { header: true })).message).toBe('PARSE_ERROR: line 1 is longer than 64 MiB (67108864 bytes), the most a CSV row may hold');
    expect(caught(() => parseCsv(`a\n1\n${row}`, { header: true })).message).toContain('line 3 is longer than 64 MiB');
  });

  it('an endless stream of zero bytes (/dev/zero) stops with PARSE_ERROR after a bounded read', async () => {
    let sent = 0;
    const zeros = new ReadableStream<Uint8Array>({
      pull(c) {
        sent += 1 << 16;
        c.enqueue(new Uint8Array(1 << 16));
      },
    });
    await expect(readCsv(zeros)).rejects.toThrow(/PARSE_ERROR: line 1, field 1: the cell is longer than 1 MiB/);
    expect(sent).toBeLessThan(CSV_LIMITS.rowBytes + 4 * MiB);
  });

  it('an endless line of short cells stops at the field limit', async () => {
    const chunk = enc.encode('1,'.repeat(1 << 15));
    const ones = new ReadableStream<Uint8Array>({ pull: (c) => c.enqueue(chunk) });
    await expect(readCsv(ones)).rejects.toThrow(/line 1 has more than 1048576 fields/);
  });

  it('the same limits hold for text, Blobs, files and streams', async () => {
    const text = `a,b\n1,${'2'.repeat(MiB + 5)}\n`;
    const path = join(tmp, 'long-cell.csv');
    writeFileSync(path, text);
    const expected = caught(() => parseCsv(text)).message;
    await expect(readCsv(path)).rejects.toThrow(expected);
    await expect(readCsv(new Blob([text]))).rejects.toThrow(expected);
    await expect(readCsv(streamOfChunks(pieces(enc.encode(text), [3, 70_000, 1 << 19])))).rejects.toThrow(expected);
  });
});

describe('byte order marks', () => {
  it('every leading BOM is dropped, as decoding the bytes as text drops one', async () => {
    for (const text of ['\uFEFFa\n1\n', '\uFEFF\uFEFFa\n1\n', '\uFEFF\uFEFF\t\n']) {
      const bytes = enc.encode(text);
      const expected = summary(outcome(() => parseCsv(new TextDecoder().decode(bytes))));
      expect(summary(await outcomeAsync(() => readCsv(new Blob([bytes]))))).toEqual(expected);
      expect(summary(outcome(() => parseCsv(text)))).toEqual(expected);
    }
    expect(parseCsv('\uFEFF\uFEFFa,b\n1,2\n').columns).toEqual(['a', 'b']);
    expect(parseCsv('a\n\uFEFF1\n', { header: true, target: 0 }).y).toEqual(['\uFEFF1']); // only at the very start
  });
});

describe('CSV options are strict', () => {
  it('an unknown option is BAD_OPTION naming it, with the closest known one', () => {
    const e = caught(() => parseCsv('a\n1\n', { names: ['x'] } as unknown as CsvOptions));
    expect(e.code).toBe('BAD_OPTION');
    expect(e.message).toContain("unknown option 'names' for parseCsv options");
    expect(caught(() => parseCsv('a\n1\n', { delimeter: ';' } as unknown as CsvOptions)).message).toContain("did you mean 'delimiter'?");
    expect(caught(() => parseCsv('a\n1\n', { Header: true } as unknown as CsvOptions)).message).toContain("did you mean 'header'?");
    expect(caught(() => parseCsv('a\n1\n', { [Symbol('x')]: 1 } as unknown as CsvOptions)).code).toBe('BAD_OPTION');
    expect(caught(() => parseCsv('a\n1\n', [] as unknown as CsvOptions)).code).toBe('BAD_OPTION');
    expect(caught(() => parseCsv('a\n1\n', null as unknown as CsvOptions)).code).toBe('BAD_OPTION');
  });

  it('readCsv checks its options before it reads anything', async () => {
    await expect(readCsv('/nonexistent/file.csv', { traget: 'y' } as unknown as CsvOptions)).rejects.toThrow(/unknown option 'traget' for readCsv options; did you mean 'target'\?/);
  });

  it('values of the wrong type, BigInt and Symbol included, are BAD_OPTION', () => {
    const bad: unknown[] = [
      { header: 1 }, { header: 10n }, { delimiter: ',,' }, { delimiter: Symbol('x') }, { missing: 'NA' }, { missing: [1] },
      { target: 1.5 }, { target: -1 }, { target: 1n }, { target: null }, { columns: 'a' }, { columns: [{}] }, { columns: [2n] }, { dtype: 'int8' },
    ];
    for (const opts of bad) expect(caught(() => parseCsv('a,b\n1,2\n', opts as CsvOptions)).code).toBe('BAD_OPTION');
    expect(caught(() => parseCsv(5n as unknown as string)).code).toBe('BAD_OPTION');
  });
});

describe('readCsv: a source that cannot be read is a WasmlearnError', () => {
  it('a missing file, a directory, a NUL byte, a name too long', async () => {
    const cases: [string, RegExp][] = [
      [join(tmp, 'nope.csv'), /PARSE_ERROR: cannot read .*nope\.csv: no such file/],
      [tmp, /PARSE_ERROR: cannot read .*: it is a directory/],
      ['a\0b.csv', /PARSE_ERROR: cannot read a\\x00b\.csv: not a valid file name \(a NUL byte\?\)/],
      [join(tmp, 'n'.repeat(5000)), /PARSE_ERROR: cannot read .*\.\.\. \(\d+ characters\): the name is too long/],
    ];
    for (const [path, pattern] of cases) {
      const err = await readCsv(path).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WasmlearnError);
      expect((err as Error).message).toMatch(pattern);
    }
  });

  it('a stream that errors, is locked or is not a stream of bytes', async () => {
    const failing = new ReadableStream<Uint8Array>({ pull: (c) => c.error(new TypeError('network down')) });
    await expect(readCsv(failing)).rejects.toThrow(/^PARSE_ERROR: cannot read the stream: network down$/);
    const locked = new ReadableStream<Uint8Array>();
    locked.getReader();
    await expect(readCsv(locked)).rejects.toMatchObject({ code: 'PARSE_ERROR' });
    const numbers = new ReadableStream({ start: (c) => (c.enqueue(42), c.close()) }) as unknown as ReadableStream<Uint8Array>;
    await expect(readCsv(numbers)).rejects.toMatchObject({ code: 'BAD_OPTION' });
    const hostile = { getReader: () => ({ read: () => Promise.reject(new Error('boom')), cancel: () => { throw new Error('no'); }, releaseLock: () => { throw new Error('no'); } }) };
    await expect(readCsv(hostile as unknown as ReadableStream<Uint8Array>)).rejects.toThrow(/PARSE_ERROR: cannot read the stream: boom/);
  });
});
