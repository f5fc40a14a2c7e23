// The input path: one pass from the user's values into engine memory (typed arrays in cached
// chunks, number[][] rows directly), and allocMatrix matrices read in place.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { allocMatrix, LogisticRegression, MLPClassifier, parseCsv, readCsv, type EngineMatrix } from '../src/index.js';
import { getEngine } from '../src/engine/index.js';
import { caught } from './helpers/errors.js';
import { checkMatrix } from '../src/core/matrix.js';
import { uploadMatrix } from '../src/engine/resident.js';
import { engines } from './helpers/backends.js';

/** n x d values k + 0.25 (exact in float32 for these sizes), row-major. */
const values = (n: number, d: number) => Float64Array.from({ length: n * d }, (_, k) => (k % 4099) + 0.25);
const rowsOf = (data: Float64Array, n: number, d: number) => Array.from({ length: n }, (_, i) => Array.from(data.subarray(i * d, (i + 1) * d)));

describe.each(engines)('upload on %s', (_name, engine) => {
  for (const dtype of ['float32', 'float64'] as const) {
    // 70,001 rows span several 256 KiB chunks at every width here.
    it.each([1, 5, 8, 13])(`${dtype}: d = %i, every chunk padded and checked, typed and number[][] alike`, (d) => {
      const n = 70_001;
      const data = values(n, d);
      const stride = (d + 3) & ~3;
      for (const X of [{ data, rows: n, cols: d }, checkMatrix(rowsOf(data, n, d), { checkFinite: false })]) {
        const up = uploadMatrix(engine, X, 'X', dtype);
        const v = up.buf.view();
        let wrong = 0;
        for (let i = 0; i < n; i++) for (let j = 0; j < stride; j++) if (v[i * stride + j] !== (j < d ? data[i * d + j] : 0)) wrong++;
        expect(wrong).toBe(0);
        engine.free(up.buf);
      }
      for (const [row, col] of [[n - 1, d - 1], [40_000, 0], [16_385, d >> 1]]) {
        const bad = Float64Array.from(data);
        bad[row * d + col] = NaN;
        bad[n * d - 1] = row === n - 1 ? NaN : Infinity; // a later one is not reported first
        const before = engine.bytesInUse;
        for (const X of [{ data: bad, rows: n, cols: d }, checkMatrix(rowsOf(bad, n, d), { checkFinite: false })]) {
          expect(caught(() => uploadMatrix(engine, X, 'X', dtype)).message).toContain(`NaN at row ${row}, column ${col}`);
          expect(engine.bytesInUse).toBe(before);
        }
      }
    });
  }

  it('uploads reuse freed memory without clearing it first, and still pad with zeros', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const dirty = engine.blank(dtype, 4096);
      dirty.view().fill(7);
      engine.free(dirty);
      const data = values(600, 5);
      for (const X of [{ data, rows: 600, cols: 5 }, checkMatrix(rowsOf(data, 600, 5), { checkFinite: false })]) {
        const up = uploadMatrix(engine, X, 'X', dtype);
        const v = up.buf.view();
        for (let i = 0; i < 600; i++) expect(Array.from(v.subarray(i * 8 + 5, i * 8 + 8))).toEqual([0, 0, 0]);
        engine.free(up.buf);
      }
    }
  });

  it('number[][]: a value that is not a number is named where it is, and nothing stays allocated', () => {
    const before = engine.bytesInUse;
    for (const v of ['1', null, undefined, true, {}]) {
      const X = checkMatrix([[1, 2], [3, 4], [5, v as number]], { checkFinite: false });
      expect(caught(() => uploadMatrix(engine, X)).message).toMatch(/X\[2\]\[1\] is .*, not a number/);
      expect(engine.bytesInUse).toBe(before);
    }
  });
});

describe.each(engines)('allocMatrix on %s', (backend, engine) => {
  it('fit and predict read it in place: the same model as from a copy, and no second X in memory', () => {
    // Wide rows (d = 16): narrow ones train from a copy in four-row blocks.
    const n = 2000, d = 16;
    const X = allocMatrix(n, d, { backend });
    const copy = new Float64Array(n * d);
    const y = new Float64Array(n);
    const v = X.data;
    for (let i = 0; i < n; i++) {
      let z = 0;
      for (let j = 0; j < d; j++) {
        const x = Math.sin(i * 7 + j * 13);
        v[i * d + j] = copy[i * d + j] = Math.fround(x);
        z += x * (j - 7.5);
      }
      y[i] = z > 0 ? 1 : 0;
    }
    const base = engine.bytesInUse;
    let during = 0;
    const options = { solver: 'gd', maxIter: 5, backend, penalty: 'none', tol: 0 } as const;
    const inPlace = new LogisticRegression(options).fit(X, y, { onEpochEnd: () => void (during = Math.max(during, engine.bytesInUse - base)) });
    const fromCopy = new LogisticRegression(options).fit({ data: copy, rows: n, cols: d }, y);
    expect(Array.from(inPlace.coef.data)).toEqual(Array.from(fromCopy.coef.data));
    expect(Array.from(inPlace.predictProba(X).data)).toEqual(Array.from(fromCopy.predictProba({ data: copy, rows: n, cols: d }).data));
    // Resident during the fit: the labels and the model, not another n x d copy of X.
    expect(during).toBeGreaterThan(0);
    expect(during).toBeLessThan(n * d * 4);
    // The matrix is the user's: the fit left it where it was, unchanged.
    expect(Array.from(X.data)).toEqual(Array.from(Float32Array.from(copy)));
    X.dispose();
    inPlace.dispose();
    fromCopy.dispose();
  });

  it('other widths and dtypes are copied in, with the same results; an MLP reads it too', () => {
    for (const [d, dtype] of [[5, 'float32'], [8, 'float64'], [3, 'float64']] as const) {
      const n = 300;
      const X = allocMatrix(n, d, { dtype, backend });
      const data = X.data;
      for (let k = 0; k < n * d; k++) data[k] = Math.cos(k * 0.37);
      const plain = { data: Float64Array.from(X.data), rows: n, cols: d };
      const y = Array.from({ length: n }, (_, i) => (data[i * d] > 0 ? 'a' : 'b'));
      const a = new MLPClassifier({ hiddenLayerSizes: [6], maxIter: 3, seed: 1, backend }).fit(X, y);
      const b = new MLPClassifier({ hiddenLayerSizes: [6], maxIter: 3, seed: 1, backend }).fit(plain, y);
      expect(Array.from(a.predictProba(X).data)).toEqual(Array.from(b.predictProba(plain).data));
      X.dispose();
      a.dispose();
      b.dispose();
    }
  });

  it('its values survive the memory growing under them', () => {
    const X = allocMatrix(10, 4, { backend });
    X.data.set(Float32Array.from({ length: 40 }, (_, k) => k));
    const big = engine.f32(8 << 20); // 32 MiB: WASM memory grows, detaching views taken before
    expect(Array.from(X.data)).toEqual(Array.from({ length: 40 }, (_, k) => k));
    engine.free(big);
    X.dispose();
  });

  it('NaN in it is named by row and column; the model and the matrix stay as they were', () => {
    const X = allocMatrix(64, 4, { backend });
    X.data.fill(0.5);
    X.data[37 * 4 + 2] = NaN;
    const model = new LogisticRegression({ backend });
    expect(caught(() => model.fit(X, Array.from({ length: 64 }, (_, i) => i % 2))).message).toContain('NaN at row 37, column 2');
    expect(caught(() => model.predict(X)).code).toBe('NOT_FITTED');
    expect(Number.isNaN(X.data[37 * 4 + 2])).toBe(true);
    X.dispose();
  });

  it('dispose frees it once; a disposed matrix is a DISPOSED error wherever it is used', () => {
    const before = engine.bytesInUse;
    const X = allocMatrix(100, 4, { dtype: 'float64', backend });
    expect(engine.bytesInUse).toBe(before + 100 * 4 * 8);
    X.dispose();
    X.dispose();
    expect(engine.bytesInUse).toBe(before);
    expect(caught(() => X.data).code).toBe('DISPOSED');
    expect(caught(() => new LogisticRegression({ backend }).fit(X, new Array(100).fill(0))).code).toBe('DISPOSED');
  });
});

describe('allocMatrix arguments', () => {
  it('refuses bad shapes and options with a typed error, before allocating', () => {
    const engine = engines[0][1];
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: -5, max: -1 }), fc.double({ noInteger: true }), fc.constantFrom(NaN, Infinity, 2 ** 53, '3', null)),
        fc.boolean(),
        (bad, first) => {
          const before = engine.bytesInUse;
          const e = caught(() => (first ? allocMatrix(bad as number, 2) : allocMatrix(2, bad as number)));
          expect(e.code).toBe('SHAPE_MISMATCH');
          expect(engine.bytesInUse).toBe(before);
        },
      ),
    );
    expect(caught(() => allocMatrix(2, 2, { dtype: 'int8' as 'float32' })).code).toBe('BAD_OPTION');
    expect(caught(() => allocMatrix(2, 2, { dytpe: 'float64' } as never)).message).toContain("unknown option 'dytpe'");
    expect(caught(() => allocMatrix(2 ** 20, 2 ** 20)).code).toBe('OUT_OF_MEMORY');
  });
});

describe('readCsv and parseCsv with allocMatrix: true', () => {
  const csv = (n: number, bad = -1) =>
    'a,b,c,label\n' + Array.from({ length: n }, (_, i) => (i === bad ? '1,2\n' : `${i * 0.5},${-i},${i % 7},${i % 3 === 0 ? 'x' : 'y'}\n`)).join('');

  it('parses X straight into engine memory: the same values and model as a plain parse', async () => {
    const engine = getEngine();
    const before = engine.bytesInUse;
    const plain = parseCsv(csv(5000), { target: 'label' });
    const resident = parseCsv(csv(5000), { target: 'label', allocMatrix: true });
    expect(engine.bytesInUse).toBeGreaterThan(before);
    expect(resident.y).toEqual(plain.y);
    expect([resident.X.rows, resident.X.cols]).toEqual([5000, 3]);
    expect(Array.from(resident.X.data)).toEqual(Array.from(plain.X.data));
    const a = new LogisticRegression({ maxIter: 50 }).fit(resident.X, resident.y!);
    const b = new LogisticRegression({ maxIter: 50 }).fit(plain.X, plain.y!);
    expect(Array.from(a.coef.data)).toEqual(Array.from(b.coef.data));
    a.dispose();
    b.dispose();
    (resident.X as EngineMatrix).dispose();
    expect(engine.bytesInUse).toBe(before);
  });

  it('a stream whose chunks arrive while other code grows the memory still reads every value', async () => {
    const engine = getEngine();
    const bytes = new TextEncoder().encode(csv(20_000));
    const held: ReturnType<typeof engine.f32>[] = [];
    let at = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= bytes.length) return controller.close();
        held.push(engine.f32(1 << 20)); // 4 MiB each: the engine's memory grows between chunks
        controller.enqueue(bytes.slice(at, (at += 4096)));
      },
    });
    const { X } = await readCsv(stream, { target: 'label', allocMatrix: true });
    expect(Array.from(X.data)).toEqual(Array.from(parseCsv(csv(20_000), { target: 'label' }).X.data));
    for (const b of held) engine.free(b);
    (X as EngineMatrix).dispose();
  });

  it('a read that fails part way leaves nothing allocated; a bad option is refused', async () => {
    const engine = getEngine();
    const before = engine.bytesInUse;
    expect(caught(() => parseCsv(csv(3000, 2500), { target: 'label', allocMatrix: true })).code).toBe('PARSE_ERROR');
    expect(engine.bytesInUse).toBe(before);
    expect(caught(() => parseCsv(csv(3), { allocMatrix: 'yes' as unknown as boolean })).code).toBe('BAD_OPTION');
  });
});
