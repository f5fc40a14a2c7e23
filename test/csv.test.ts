import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WasmlearnError } from '../src/core/errors.js';
import { parseCsv, readCsv, SimpleImputer, type CsvOptions, type CsvResult } from '../src/data/index.js';
import { Xoshiro128 } from '../src/core/rng.js';
import { dataPath } from './helpers/data.js';
import { caught } from './helpers/errors.js';

/** A byte stream cut into chunks of the given sizes (cycled), copied so nothing is shared. */
function streamOf(bytes: Uint8Array, sizes: number[]): ReadableStream<Uint8Array> {
  let pos = 0;
  let k = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pos >= bytes.length) return controller.close();
      const size = sizes[k++ % sizes.length]!;
      controller.enqueue(bytes.slice(pos, pos + size));
      pos += size;
    },
  });
}

function bytesOf(a: Float32Array | Float64Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** Results equal bit for bit (NaN and -0 included). */
function expectSame(a: CsvResult, b: CsvResult): void {
  expect(b.X.rows).toBe(a.X.rows);
  expect(b.X.cols).toBe(a.X.cols);
  expect(b.X.data.constructor).toBe(a.X.data.constructor);
  expect(Buffer.compare(bytesOf(a.X.data), bytesOf(b.X.data))).toBe(0);
  expect(b.columns).toEqual(a.columns);
  expect(b.y).toEqual(a.y);
}


const enc = new TextEncoder();

describe('breast-cancer-wisconsin.data', () => {
  const path = dataPath('breast-cancer-wisconsin.data');

  it('reads 699 x 11 with the 16 missing values in Bare_Nuclei (column 6)', async () => {
    const { X, y, columns } = await readCsv(path);
    expect([X.rows, X.cols]).toEqual([699, 11]);
    expect(X.data).toBeInstanceOf(Float32Array);
    expect(y).toBeUndefined();
    expect(columns).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    // First line of the file: 1000025,5,1,1,1,2,1,3,1,1,2
    expect(Array.from(X.data.subarray(0, 11))).toEqual([1000025, 5, 1, 1, 1, 2, 1, 3, 1, 1, 2]);
    const nanCols: number[] = [];
    X.data.forEach((v, k) => Number.isNaN(v) && nanCols.push(k % 11));
    expect(nanCols).toHaveLength(16);
    expect(new Set(nanCols)).toEqual(new Set([6]));
  });

  it('the median imputer fills Bare_Nuclei with 1', async () => {
    const { X } = await readCsv(path);
    const imp = new SimpleImputer({ strategy: 'median' });
    const Xt = imp.fitTransform(X);
    expect(imp.statistics![6]).toBe(1);
    expect(Xt.data).toBeInstanceOf(Float32Array);
    X.data.forEach((v, k) => expect(Xt.data[k]).toBe(Number.isNaN(v) ? 1 : v));
  });

  it('splits off the label column as numbers: 458 benign (2), 241 malignant (4)', async () => {
    const { X, y, columns } = await readCsv(path, { target: 10 });
    expect([X.rows, X.cols]).toEqual([699, 10]);
    expect(columns).toHaveLength(10);
    expect(y!.filter((v) => v === 2)).toHaveLength(458);
    expect(y!.filter((v) => v === 4)).toHaveLength(241);
  });

  it('gives identical matrices from a path, a file URL, text, a Blob and a stream of 7-byte chunks', async () => {
    const bytes = readFileSync(path);
    const opts: CsvOptions = { target: 10 };
    const fromPath = await readCsv(path, opts);
    expectSame(fromPath, await readCsv(pathToFileURL(path), opts));
    expectSame(fromPath, parseCsv(bytes.toString('utf8'), opts));
    expectSame(fromPath, await readCsv(new Blob([bytes]), opts));
    expectSame(fromPath, await readCsv(streamOf(bytes, [7]), opts));
    expectSame(fromPath, await readCsv(streamOf(bytes, [1, 2, 3, 5, 11]), opts));
  });
});

describe('parseCsv', () => {
  it('reads quoted fields with delimiters, doubled quotes and newlines', () => {
    const text = 'name,value,"note, long"\n"a,b",1,"he said ""hi"""\n"multi\nline",2.5,x\n"""q""",-3,""""\n';
    const r = parseCsv(text, { target: 'name', columns: ['value'] });
    expect(r.columns).toEqual(['value']);
    expect(r.y).toEqual(['a,b', 'multi\nline', '"q"']);
    expect(Array.from(r.X.data)).toEqual([1, 2.5, -3]);
    const notes = parseCsv(text, { target: 2, columns: [1] });
    expect(notes.y).toEqual(['he said "hi"', 'x', '"']);
  });

  it('detects ; and tab delimiters, and takes one given explicitly', () => {
    expect(Array.from(parseCsv('a;b\n1.5;2\n3;4').X.data)).toEqual([1.5, 2, 3, 4]);
    expect(parseCsv('a\tb\tc\n1\t2\t3\n').X.cols).toBe(3);
    expect(parseCsv('a\tb\tc\n1\t2\t3\n').columns).toEqual(['a', 'b', 'c']);
    expect(Array.from(parseCsv('1|2\n3|4', { delimiter: '|' }).X.data)).toEqual([1, 2, 3, 4]);
    // Semicolon files often use a decimal comma, which is not a number here: named, not guessed.
    expect(caught(() => parseCsv('a;b\n1,5;2\n')).message).toContain('"1,5" is not a number');
  });

  it('detects a header above numbers, and its absence', () => {
    const withHeader = parseCsv('x,y\n1,2\n3,4\n');
    expect(withHeader.columns).toEqual(['x', 'y']);
    expect(withHeader.X.rows).toBe(2);
    const without = parseCsv('1,2\n3,4\n');
    expect(without.columns).toEqual(['0', '1']);
    expect(without.X.rows).toBe(2);
    // A text label column alone does not make a header: the second row has text there too.
    const letters = parseCsv('T,2,8\nI,5,12\n', { target: 0 });
    expect(letters.y).toEqual(['T', 'I']);
    expect(letters.columns).toEqual(['1', '2']);
    // Names over a text label column: the numeric columns below them reveal the header.
    const iris = parseCsv('sepal,petal,species\n5.1,1.4,setosa\n', { target: 'species' });
    expect(iris.columns).toEqual(['sepal', 'petal']);
    expect(iris.y).toEqual(['setosa']);
    // Forced either way.
    expect(parseCsv('1,2\n3,4\n', { header: true }).columns).toEqual(['1', '2']);
    expect(caught(() => parseCsv('x,y\n1,2\n', { header: false })).message).toMatch(/line 1, column "0" \(index 0\): "x" is not a number/);
  });

  it('gives the same result with LF, CRLF, CR, a BOM, with or without a final newline and with blank trailing lines', () => {
    const base = parseCsv('a,b\n1,2\n3,4');
    for (const text of ['a,b\n1,2\n3,4\n', 'a,b\r\n1,2\r\n3,4\r\n', 'a,b\r1,2\r3,4', '\uFEFFa,b\n1,2\n3,4\n', 'a,b\n1,2\n3,4\n\n\n', 'a,b\r\n1,2\r\n3,4\r\n\r\n']) {
      expectSame(base, parseCsv(text));
    }
    expect(base.columns).toEqual(['a', 'b']);
    expect(Array.from(base.X.data)).toEqual([1, 2, 3, 4]);
  });

  it('turns missing tokens into NaN, with the default or a given list', () => {
    const r = parseCsv('a,b,c,d\n1,,?,NA\nNaN,2, ,3\n');
    expect(Array.from(r.X.data).map((v) => (Number.isNaN(v) ? 'nan' : v))).toEqual([1, 'nan', 'nan', 'nan', 'nan', 2, 'nan', 3]);
    const custom = parseCsv('a,b\n-999,1\n2,-999\n', { missing: ['-999'] });
    expect(Array.from(custom.X.data).map((v) => (Number.isNaN(v) ? 'nan' : v))).toEqual(['nan', 1, 2, 'nan']);
    expect(caught(() => parseCsv('a,b\n?,1\n', { missing: [] })).message).toContain('"?" is not a number');
  });

  it('parses decimal spellings exactly like Number(), and refuses the others', () => {
    const cells = ['0.1', '-2.5e-3', '1E3', '.5', '5.', '+3', ' 7 ', '-0', '123456789.123456789', '0.000000000000000000000001', '1.7976931348623157e308', 'Infinity', '3.14159265358979323846'];
    const r = parseCsv(cells.join(',') + '\n', { header: false, dtype: 'float64' });
    expect(Array.from(r.X.data)).toEqual(cells.map(Number));
    expect(Object.is(r.X.data[7], -0)).toBe(true);
    const f32 = parseCsv('0.1,16777217\n', { header: false });
    expect(Array.from(f32.X.data)).toEqual([Math.fround(0.1), 16777216]);
    for (const bad of ['0x10', '1_000', 'inf', '1e', '--1', '1.2.3']) {
      expect(caught(() => parseCsv(`1,${bad}\n`, { header: false })).code).toBe('PARSE_ERROR');
    }
  });

  it('returns string, boolean and numeric targets as such', () => {
    expect(parseCsv('f,t\n1,yes\n2,no\n', { target: 't' }).y).toEqual(['yes', 'no']);
    expect(parseCsv('f,t\n1,true\n2,FALSE\n3,True\n', { target: 't' }).y).toEqual([true, false, true]);
    expect(parseCsv('f,t\n1,2.0\n2,-1\n3,1e1\n', { target: 't' }).y).toEqual([2, -1, 10]);
    // One string among numbers keeps them all strings, as written.
    expect(parseCsv('f,t\n1,2\n2,x\n', { target: 1 }).y).toEqual(['2', 'x']);
  });

  it('keeps the requested feature columns, by name or index, in the order given', () => {
    const r = parseCsv('a,b,c,d\n1,2,3,4\n5,6,7,8\n', { columns: ['c', 0], target: 'd' });
    expect(r.columns).toEqual(['c', 'a']);
    expect(Array.from(r.X.data)).toEqual([3, 1, 7, 5]);
    expect(r.y).toEqual([4, 8]);
    expect(parseCsv('a,b\n1,2\n', { dtype: 'float64' }).X.data).toBeInstanceOf(Float64Array);
  });

  it('names the line, column and index of a non-numeric cell', () => {
    const e = caught(() => parseCsv('id,size,color\n1,2,3\n4,big,6\n'));
    expect(e.code).toBe('PARSE_ERROR');
    expect(e.message).toMatch(/line 3, column "size" \(index 1\): "big" is not a number/);
    // Lines count physical lines, so a quoted newline above shifts the number.
    const e2 = caught(() => parseCsv('a,b\n"1\n\n",2\n3,x\n', { target: 0 }));
    expect(e2.message).toMatch(/^PARSE_ERROR: line 5, column "b" \(index 1\)/);
  });

  it('names the line and the counts of a row with the wrong number of fields', () => {
    const e = caught(() => parseCsv('a,b,c\n1,2,3\n4,5\n'));
    expect(e.message).toBe('PARSE_ERROR: line 3 has 2 fields, expected 3 like line 1');
    expect(caught(() => parseCsv('1,2\n3,4,5\n')).message).toContain('line 2 has 3 fields, expected 2');
  });

  it('names an unknown target or column and lists the available ones', () => {
    const e = caught(() => parseCsv('a,b\n1,2\n', { target: 'z' }));
    expect(e.code).toBe('BAD_OPTION');
    expect(e.message).toContain('"z" is not a column');
    expect(e.message).toContain('"a", "b"');
    expect(caught(() => parseCsv('1,2\n', { target: 2 })).message).toContain('index 2 is out of range; the 2 columns (0-based) are "0", "1"');
    expect(caught(() => parseCsv('a,b\nc,d\n', { target: 'b' })).message).toContain('pass header: true');
    expect(caught(() => parseCsv('a,b\n1,2\n', { columns: ['a', 'q'] })).message).toContain('column "q" is not a column');
    expect(caught(() => parseCsv('a,b\n1,2\n', { columns: ['a'], target: 'a' })).code).toBe('BAD_OPTION');
  });

  it('reports an unterminated quote with the line it opened on', () => {
    const e = caught(() => parseCsv('a,b\n1,2\n3,"4\n5,6\n'));
    expect(e.message).toBe('PARSE_ERROR: line 3: a quoted field is never closed (unterminated quote)');
    expect(caught(() => parseCsv('a,b\n1,"2"x\n')).code).toBe('PARSE_ERROR');
  });

  it('refuses an empty input and a missing label', () => {
    expect(caught(() => parseCsv('')).code).toBe('EMPTY_INPUT');
    expect(caught(() => parseCsv('\n\n')).code).toBe('EMPTY_INPUT');
    expect(parseCsv('a,b\n').X.rows).toBe(0);
    expect(caught(() => parseCsv('a,b\n1,?\n', { target: 'b' })).message).toContain('line 2, target column "b" (index 1): the label is missing');
  });
});

describe('readCsv sources', () => {
  const text = '\uFEFFname;x;"y, quoted"\r\n"é ""1""";1.25;-2\r\n"two\r\nlines";3e2;.5\r\nthree;?;7\r\n';
  const bytes = enc.encode(text);

  it('reads the same from text, a Blob and streams cut at every chunk size', async () => {
    const ref = parseCsv(text, { target: 'name' });
    expect(ref.y).toEqual(['é "1"', 'two\r\nlines', 'three']);
    expect(ref.columns).toEqual(['x', 'y, quoted']);
    expect(Array.from(ref.X.data).map((v) => (Number.isNaN(v) ? 'nan' : v))).toEqual([1.25, -2, 300, 0.5, 'nan', 7]);
    expectSame(ref, await readCsv(new Blob([bytes]), { target: 'name' }));
    for (let size = 1; size <= 13; size++) expectSame(ref, await readCsv(streamOf(bytes, [size]), { target: 'name' }));
  });

  it('grows the matrix past its first allocation, with a size hint (text, Blob) or without (stream)', async () => {
    // Row i is i, i / 4, 1 - i: exact in float32 and easy to check. Rows get longer as i grows,
    // so the size-hint estimate made from the first rows falls short and must grow again.
    const n = 5000;
    const lines = ['a,b,c'];
    for (let i = 0; i < n; i++) lines.push(`${i},${i / 4},${1 - i}`);
    const big = lines.join('\n');
    const ref = parseCsv(big);
    expect([ref.X.rows, ref.X.cols]).toEqual([n, 3]);
    for (let i = 0; i < n; i += 499) expect(Array.from(ref.X.data.subarray(3 * i, 3 * i + 3))).toEqual([i, i / 4, 1 - i]);
    expect(ref.X.data.buffer.byteLength).toBe(n * 3 * 4); // trimmed to size
    expectSame(ref, await readCsv(new Blob([big])));
    expectSame(ref, await readCsv(streamOf(enc.encode(big), [4093])));
  });

  it('refuses a stream of strings and an unknown source with a typed error', async () => {
    const strings = new ReadableStream({ start: (c) => (c.enqueue('a,b\n'), c.close()) }) as unknown as ReadableStream<Uint8Array>;
    await expect(readCsv(strings)).rejects.toMatchObject({ code: 'BAD_OPTION' });
    await expect(readCsv(42 as unknown as string)).rejects.toMatchObject({ code: 'BAD_OPTION' });
  });
});

describe('parseCsv fuzz', () => {
  const alphabet = '0123456789.,,,;\t"\n\r-+eE ?aNx';
  const samples = ['a,b,c\n1,2,3\n4,5,6\n', 'x;"y"\r\n"1";2\r\n', '"a\nb",1\n"c""d",2\n', '1,2\n3,4', '\uFEFFh\n1\n'];

  function randomText(rng: Xoshiro128): string {
    const r = rng.nextU32() % 3;
    if (r === 0) {
      const s = samples[rng.nextU32() % samples.length]!;
      return s.slice(0, rng.nextU32() % (s.length + 1)); // a truncated file
    }
    const len = rng.nextU32() % 40;
    let s = '';
    for (let i = 0; i < len; i++) {
      s += r === 1 ? alphabet[rng.nextU32() % alphabet.length] : String.fromCharCode(rng.nextU32() % 256);
    }
    return s;
  }

  function outcome(f: () => CsvResult): CsvResult | string {
    try {
      return f();
    } catch (err) {
      if (!(err instanceof WasmlearnError)) throw err;
      return err.message;
    }
  }

  it('either parses or throws WasmlearnError on 4000 random and truncated inputs', () => {
    const rng = new Xoshiro128(7);
    let parsed = 0;
    for (let t = 0; t < 4000; t++) {
      const text = randomText(rng);
      const opts: CsvOptions = { header: [undefined, true, false][t % 3], target: t % 4 === 0 ? 0 : undefined };
      const r = outcome(() => parseCsv(text, opts));
      if (typeof r !== 'string') {
        parsed++;
        expect(r.X.data.length).toBe(r.X.rows * r.X.cols);
      }
    }
    expect(parsed).toBeGreaterThan(400); // the generator does reach the success paths
  });

  it('reads random inputs cut into random chunks exactly like parseCsv, errors included', async () => {
    const rng = new Xoshiro128(11);
    for (let t = 0; t < 600; t++) {
      const text = randomText(rng);
      const opts: CsvOptions = { target: t % 2 === 0 ? 0 : undefined };
      const expected = outcome(() => parseCsv(text, opts));
      const sizes = [1 + (rng.nextU32() % 5), 1 + (rng.nextU32() % 9)];
      let actual: CsvResult | string;
      try {
        actual = await readCsv(streamOf(enc.encode(text), sizes), opts);
      } catch (err) {
        if (!(err instanceof WasmlearnError)) throw err;
        actual = err.message;
      }
      if (typeof expected === 'string' || typeof actual === 'string') expect(actual).toEqual(expected);
      else expectSame(expected, actual);
    }
  });

  it('reads raw random bytes (invalid UTF-8 too) the same from a Blob and from chunks', async () => {
    const rng = new Xoshiro128(13);
    const read = async (source: Blob | ReadableStream<Uint8Array>) => {
      try {
        return await readCsv(source, { target: 0 });
      } catch (err) {
        if (!(err instanceof WasmlearnError)) throw err;
        return err.message;
      }
    };
    for (let t = 0; t < 300; t++) {
      const bytes = Uint8Array.from({ length: rng.nextU32() % 48 }, () => rng.nextU32() % 256);
      const whole = await read(new Blob([bytes]));
      const cut = await read(streamOf(bytes, [1 + (rng.nextU32() % 6)]));
      if (typeof whole === 'string' || typeof cut === 'string') expect(cut).toEqual(whole);
      else expectSame(whole, cut);
    }
  });
});
