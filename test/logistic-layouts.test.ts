// Narrow training rows in 4-row blocks (src/engine/blocks.ts, the *_blocks logistic kernels) on
// every backend and in both dtypes: the upload's layout and its checks, the full-batch loss and
// gradient against a plain f64 oracle and against finite differences, the SGD epoch against an
// oracle that walks the same block order, and the backends against each other. Widths around the
// vector width and beyond it, row counts that leave 1, 2 or 3 padding lanes and one row alone.
import { describe, expect, it } from 'vitest';
import { engines } from './helpers/backends.js';
import { logisticOracle, logisticProblem, roundTo } from './helpers/oracles.js';
import { uploadBlocks } from '../src/engine/blocks.js';
import { freeRows } from '../src/engine/resident.js';
import { checkMatrix } from '../src/core/matrix.js';
import { WasmlearnError } from '../src/core/errors.js';
import { seedState } from '../src/core/rng.js';
import { allocMatrix, LogisticRegression } from '../src/index.js';
import { floats, paddedStride, type Blocks, type Dtype, type Engine, type FloatBuf } from '../src/engine/engine.js';

const widths = [1, 3, 4, 5, 7, 8, 13, 256];
const dtypes: { dtype: Dtype; lossTol: number; gradTol: number; fdTol: number; h: number; sgdTol: number }[] = [
  { dtype: 'float32', lossTol: 1e-5, gradTol: 1e-4, fdTol: 1e-3, h: 1e-2, sgdTol: 1e-4 },
  { dtype: 'float64', lossTol: 1e-12, gradTol: 1e-12, fdTol: 1e-7, h: 1e-3, sgdTol: 1e-12 },
];

const relErr = (got: number, want: number) => Math.abs(got - want) / Math.abs(want);

/** A parameter vector [stride + 4] of `dtype`: the weights, then the intercept at [stride]. */
function weights(engine: Engine, dtype: Dtype, stride: number, w: ArrayLike<number>, b: number): FloatBuf {
  const buf = floats(engine, dtype, stride + 4);
  buf.view().fill(0);
  buf.view().set(w);
  buf.view()[stride] = b;
  return buf;
}

/** The data row in lane l of block b. */
const rowOf = (blocks: Blocks, b: number, l: number) => l * blocks.nb + b;

describe.each(engines)('4-row blocks on %s', (_name, engine) => {
  describe.each(dtypes)('in $dtype', ({ dtype, lossTol, gradTol, fdTol, h, sgdTol }) => {
    it('puts row l nb + b in lane l of block b, feature by feature, zero past the data', () => {
      // The last spans several of the upload's chunks, the last one partial, with padding lanes.
      for (const [n, d] of [[1, 1], [5, 3], [38, 5], [40, 13], [40001, 3]]) {
        const { X, y, sw } = logisticProblem(n, d, 7 + n, dtype);
        const blocks = uploadBlocks(engine, { data: X, rows: n, cols: d }, y, sw, dtype);
        expect(blocks.nb).toBe(Math.ceil(n / 4));
        expect(blocks.stride).toBe(paddedStride(d));
        expect(blocks.X.view()).toBeInstanceOf(dtype === 'float32' ? Float32Array : Float64Array);
        const wantX = new Float64Array(4 * blocks.nb * d), wantY = new Float64Array(4 * blocks.nb), wantS = new Float64Array(4 * blocks.nb);
        for (let b = 0; b < blocks.nb; b++) {
          for (let l = 0; l < 4; l++) {
            const r = rowOf(blocks, b, l);
            if (r >= n) continue;
            for (let j = 0; j < d; j++) wantX[(b * d + j) * 4 + l] = X[r * d + j];
            wantY[4 * b + l] = y[r];
            wantS[4 * b + l] = sw[r];
          }
        }
        expect(Float64Array.from(blocks.X.view())).toEqual(wantX);
        expect(Float64Array.from(blocks.y.view())).toEqual(wantY);
        expect(Float64Array.from(blocks.sw!.view())).toEqual(wantS);
        freeRows(engine, blocks);
      }
    });

    it('names the first non-finite value row by row, as uploadMatrix does, and frees what it took', () => {
      const n = 40037, d = 5;
      const data = Float64Array.from({ length: n * d }, (_, k) => (k % 1000) + 0.5);
      // 40037 rows are more than one chunk of the upload: a bad value in a later chunk too.
      const bad: [number, number, number][] = [[0, 0, NaN], [17, 4, Infinity], [36, 1, -Infinity], [30001, 3, NaN]];
      if (dtype === 'float32') bad.push([20, 2, 1e39]);
      const before = engine.bytesInUse;
      for (const [row, col, value] of bad) {
        const copy = Float64Array.from(data);
        copy[row * d + col] = value;
        // A later one must not be reported first, even where the blocks' order meets it first:
        // row nb + b - 1 sits in block b - 1, before row b's block.
        if (row * d + col < n * d - 1) copy[n * d - 1] = NaN;
        const nb = Math.ceil(n / 4);
        if (row > 0 && row < nb) copy[(nb + row - 1) * d] = NaN;
        let err: unknown;
        try {
          uploadBlocks(engine, { data: copy, rows: n, cols: d }, new Float64Array(n), null, dtype);
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(WasmlearnError);
        expect((err as WasmlearnError).code).toBe('NON_FINITE_INPUT');
        expect((err as Error).message).toContain(`X has ${value} at row ${row}, column ${col}`);
        if (value === 1e39) expect((err as Error).message).toContain('(beyond float32 range)');
      }
      expect(engine.bytesInUse).toBe(before);
      if (dtype === 'float64') {
        const big = Float64Array.from(data);
        big[5] = 1e39;
        freeRows(engine, uploadBlocks(engine, { data: big, rows: n, cols: d }, new Float64Array(n), null, dtype));
      }
    });

    it('reads number[][] rows straight, refusing a value that is not a number', () => {
      const rows = [[1, 2], [3, 4], [5, 6]];
      const blocks = uploadBlocks(engine, checkMatrix(rows), [0, 1, 0], null, dtype);
      expect(Array.from(blocks.X.view())).toEqual([1, 3, 5, 0, 2, 4, 6, 0]);
      freeRows(engine, blocks);
      const odd = [[1, 2], [3, '4' as unknown as number], [5, 6]];
      expect(() => uploadBlocks(engine, checkMatrix(odd), [0, 1, 0], null, dtype)).toThrow(/X\[1\]\[1\] is .*not a number/);
    });

    describe.each(widths)('d = %i', (d) => {
      for (const n of [1, 1037, 1038, 1039]) {
        for (const weighted of [false, true]) {
          it(`loss and gradient of ${n} rows match the f64 oracle${weighted ? ' with sample weights' : ''}`, () => {
            const { X, y, w, b, sw } = logisticProblem(n, d, 100 + d + n, dtype);
            const blocks = uploadBlocks(engine, { data: X, rows: n, cols: d }, y, weighted ? sw : null, dtype);
            const grad = engine.f64(blocks.stride + 1);
            const loss = engine.lossGradLogisticBlocks(blocks, weights(engine, dtype, blocks.stride, w, b), grad);
            const ref = logisticOracle(X, y, weighted ? sw : null, n, d, w, b);
            expect(relErr(loss, ref.loss)).toBeLessThan(lossTol);
            const g = grad.view();
            const scale = Math.max(...Array.from(ref.grad, Math.abs));
            for (let j = 0; j < d; j++) expect(Math.abs(g[j] - ref.grad[j]) / scale).toBeLessThan(gradTol);
            expect(Math.abs(g[blocks.stride] - ref.grad[d]) / scale).toBeLessThan(gradTol);
          });
        }
      }

      for (const weighted of [false, true]) {
        it(`has the gradient of its own loss (finite differences${weighted ? ', sample weights' : ''})`, () => {
          const n = 1039;
          const { X, y, w, b, sw } = logisticProblem(n, d, 300 + d, dtype);
          const blocks = uploadBlocks(engine, { data: X, rows: n, cols: d }, y, weighted ? sw : null, dtype);
          const grad = engine.f64(blocks.stride + 1);
          const round = roundTo(dtype);
          const params = new Float64Array(blocks.stride + 1);
          w.forEach((v, j) => (params[j] = round(v + 0.25)));
          params[blocks.stride] = round(b - 0.25);
          const wBuf = floats(engine, dtype, blocks.stride + 4);
          const lossAt = (k: number, v: number) => {
            const view = wBuf.view();
            view.fill(0);
            view.set(params);
            view[k] = v;
            return engine.lossGradLogisticBlocks(blocks, wBuf, grad);
          };
          lossAt(0, params[0]);
          const g = Float64Array.from(grad.view());
          const gMax = Math.max(...Array.from(g, Math.abs));
          let worst = 0;
          for (const k of [0, d - 1, Math.floor(d / 2), blocks.stride]) {
            const v = params[k];
            const diff = (-lossAt(k, v + 2 * h) + 8 * lossAt(k, v + h) - 8 * lossAt(k, v - h) + lossAt(k, v - 2 * h)) / (12 * h);
            worst = Math.max(worst, Math.abs(diff - g[k]) / gMax);
          }
          expect(worst).toBeLessThan(fdTol);
        });
      }

      it('an SGD epoch makes the oracle\'s updates over the block order, padding lanes counting nowhere', () => {
        const n = 1037;
        const { X, y, w, b, sw } = logisticProblem(n, d, 500 + d, dtype);
        for (const weighted of [false, true]) {
          for (const batch of [300, 64, 3]) {
            const blocks = uploadBlocks(engine, { data: X, rows: n, cols: d }, y, weighted ? sw : null, dtype);
            const wBuf = weights(engine, dtype, blocks.stride, w, b);
            const order = engine.u32(blocks.nb);
            // A fixed scrambled order, not shuffled by the epoch: the oracle walks the same one.
            const ord = Uint32Array.from({ length: blocks.nb }, (_, i) => (i * 37) % blocks.nb);
            expect(new Set(ord).size).toBe(blocks.nb);
            order.view().set(ord);
            const rng = engine.u32(4);
            const opts = { batch, lr: 0.1, l2: 0.01, l1: 1e-3, fitIntercept: true, shuffle: false };
            const loss = engine.epochSgdLogisticBlocks(blocks, order, wBuf, rng, opts);
            const round = roundTo(dtype);
            const cur = Float64Array.from(w);
            let bias = b, refLoss = 0;
            for (let s = 0; s < 4 * blocks.nb; s += batch) {
              const rows: number[] = [];
              for (let p = s; p < Math.min(s + batch, 4 * blocks.nb); p++) {
                const r = rowOf(blocks, ord[p >> 2], p & 3);
                if (r < n) rows.push(r);
              }
              if (rows.length === 0) continue;
              const Xb = Float64Array.from(rows.flatMap((r) => Array.from(X.subarray(r * d, (r + 1) * d))));
              const part = logisticOracle(Xb, Float64Array.from(rows, (r) => y[r]), weighted ? Float64Array.from(rows, (r) => sw[r]) : null, rows.length, d, cur, bias);
              refLoss += part.loss;
              for (let j = 0; j < d; j++) {
                const v = cur[j] - opts.lr * (part.grad[j] / rows.length + opts.l2 * cur[j]);
                const t = opts.lr * opts.l1;
                cur[j] = round(v > t ? v - t : v < -t ? v + t : 0);
              }
              bias = round(bias - (opts.lr * part.grad[d]) / rows.length);
            }
            expect(relErr(loss, refLoss)).toBeLessThan(dtype === 'float32' ? 1e-4 : 1e-12);
            const got = wBuf.view();
            const scale = Math.max(...Array.from(cur, Math.abs), Math.abs(bias));
            cur.forEach((v, j) => expect(Math.abs(got[j] - v) / scale).toBeLessThan(sgdTol * 10));
            expect(Math.abs(got[blocks.stride] - bias) / scale).toBeLessThan(sgdTol * 10);
            freeRows(engine, blocks);
          }
        }
      });
    });

    it('an epoch run batch by batch (shuffle, then position ranges) equals one call', () => {
      const n = 1039, d = 5;
      const { X, y, w, b, sw } = logisticProblem(n, d, 77, dtype);
      const run = (byBatch: boolean) => {
        const blocks = uploadBlocks(engine, { data: X, rows: n, cols: d }, y, sw, dtype);
        const wBuf = weights(engine, dtype, blocks.stride, w, b);
        const order = engine.u32(blocks.nb);
        order.view().set(Uint32Array.from({ length: blocks.nb }, (_, i) => i));
        const rng = engine.u32(4);
        seedState(3, rng.view());
        const opts = { batch: 50, lr: 0.1, l2: 0, l1: 0, fitIntercept: true, shuffle: true };
        let loss = 0;
        if (byBatch) {
          engine.epochSgdLogisticBlocks(blocks, order, wBuf, rng, opts, { start: 0, count: 0 });
          for (let s = 0; s < 4 * blocks.nb; s += opts.batch) {
            loss += engine.epochSgdLogisticBlocks(blocks, order, wBuf, rng, { ...opts, shuffle: false }, { start: s, count: Math.min(opts.batch, 4 * blocks.nb - s) });
          }
        } else {
          loss = engine.epochSgdLogisticBlocks(blocks, order, wBuf, rng, opts);
        }
        const out = { loss, w: Float64Array.from(wBuf.view()), order: Uint32Array.from(order.view()) };
        freeRows(engine, blocks);
        return out;
      };
      const one = run(false), parts = run(true);
      expect(parts.order).toEqual(one.order);
      expect(parts.w).toEqual(one.w);
      expect(parts.loss).toBe(one.loss);
    });

    it('refuses positions outside the order and a block count that does not match n', () => {
      const { X, y } = logisticProblem(9, 3, 1, dtype);
      const blocks = uploadBlocks(engine, { data: X, rows: 9, cols: 3 }, y, null, dtype);
      const w = weights(engine, dtype, blocks.stride, [0, 0, 0], 0);
      const order = engine.u32(blocks.nb), rng = engine.u32(4);
      const opts = { batch: 4, lr: 0.1, l2: 0, l1: 0, fitIntercept: true, shuffle: false };
      expect(() => engine.epochSgdLogisticBlocks(blocks, order, w, rng, opts, { start: 4, count: 9 })).toThrow(/outside/);
      expect(() => engine.lossGradLogisticBlocks({ ...blocks, nb: 2 }, w, engine.f64(blocks.stride + 1))).toThrow(/nb = 2/);
      freeRows(engine, blocks);
    });
  });
});

describe('4-row blocks agree across backends', () => {
  for (const { dtype, sgdTol } of dtypes) {
    it(`three shuffled ${dtype} epochs give the same block order and weights on every backend`, () => {
      for (const d of [1, 5, 7]) {
        const n = 3001;
        const { X, y, sw } = logisticProblem(n, d, 41 + d, dtype);
        const results = engines.map(([, engine]) => {
          const blocks = uploadBlocks(engine, { data: X, rows: n, cols: d }, y, sw, dtype);
          const w = weights(engine, dtype, blocks.stride, new Float64Array(d), 0);
          const order = engine.u32(blocks.nb);
          order.view().set(Uint32Array.from({ length: blocks.nb }, (_, i) => i));
          const rng = engine.u32(4);
          seedState(7, rng.view());
          for (let e = 0; e < 3; e++) engine.epochSgdLogisticBlocks(blocks, order, w, rng, { batch: 64, lr: 0.1, l2: 1e-3, l1: 1e-4, fitIntercept: true, shuffle: true });
          const out = { w: Float64Array.from(w.view()), order: Uint32Array.from(order.view()) };
          freeRows(engine, blocks);
          return out;
        });
        const ref = results[results.length - 1];
        const scale = Math.max(...Array.from(ref.w, Math.abs));
        for (const r of results) {
          expect(r.order).toEqual(ref.order);
          r.w.forEach((v, j) => expect(Math.abs(v - ref.w[j]) / scale).toBeLessThan(dtype === 'float32' ? 1e-4 : sgdTol * 100));
        }
      }
    });
  }

  it('an allocMatrix matrix trains as its copy does, though the upload grows the memory its values are in', () => {
    const n = 90001, d = 5;
    const { X, y } = logisticProblem(n, d, 21, 'float32');
    for (const [backend] of engines) {
      const A = allocMatrix(n, d, { backend });
      A.data.set(X);
      const fit = (M: typeof A | { data: Float64Array; rows: number; cols: number }) => {
        const m = new LogisticRegression({ solver: 'sgd', maxIter: 1, seed: 3, backend }).fit(M, Array.from(y));
        const w = Array.from(m.coef.data);
        m.dispose();
        return w;
      };
      expect(fit(A)).toEqual(fit({ data: X, rows: n, cols: d }));
      A.dispose();
    }
  });

  it('LogisticRegression on narrow data: callbacks per batch change nothing, and every backend fits alike', () => {
    for (const d of [3, 5]) {
      const n = 2003;
      const { X, y } = logisticProblem(n, d, 9 + d, 'float64');
      const fit = (backend: (typeof engines)[number][0], withBatches: boolean) => {
        let batches = 0;
        const m = new LogisticRegression({ solver: 'sgd', maxIter: 3, tol: 1e-12, nIterNoChange: 100, seed: 5, batchSize: 30, backend }).fit(
          { data: X, rows: n, cols: d },
          Array.from(y),
          withBatches ? { onBatchEnd: () => void batches++ } : {},
        );
        const w = [...Array.from(m.coef.data), m.intercept[0]];
        m.dispose();
        return { w, batches };
      };
      const ref = fit('js', false);
      for (const [backend] of engines) {
        for (const withBatches of [false, true]) {
          const got = fit(backend, withBatches);
          if (withBatches) expect(got.batches).toBe(3 * Math.ceil((4 * Math.ceil(n / 4)) / 30));
          const scale = Math.max(...ref.w.map(Math.abs));
          got.w.forEach((v, j) => expect(Math.abs(v - ref.w[j]) / scale).toBeLessThan(1e-4));
        }
      }
    }
  });
});
