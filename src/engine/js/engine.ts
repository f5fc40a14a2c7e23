import type { Buf, Engine, F32Buf, F64Buf, RowsF32, SgdEpochOptions, U32Buf } from '../engine.js';
import { sigmoidF32, bceLogitsF32 } from './activation.js';
import { gemvBiasF32, sumF32 } from './linalg.js';
import { padRowsF32, findNonFiniteF32 } from './layout.js';
import { lossGradLogistic, epochSgdLogistic, type RowsView } from './logistic.js';

class ArrayBuf<A extends Float32Array | Float64Array | Uint32Array> implements Buf<A> {
  constructor(private readonly array: A) {}
  get length(): number {
    return this.array.length;
  }
  view(): A {
    return this.array;
  }
}

function rowsView(r: RowsF32): RowsView {
  return { X: r.X.view(), y: r.y.view(), sw: r.sw ? r.sw.view() : null, d: r.d, stride: r.stride };
}

/** The pure-TypeScript engine: the fallback everywhere, and the honest baseline of the benchmarks. */
export class JsEngine implements Engine {
  readonly name = 'js' as const;
  private grad = new Float64Array(0);

  f32(length: number): F32Buf {
    return new ArrayBuf(new Float32Array(length));
  }
  f64(length: number): F64Buf {
    return new ArrayBuf(new Float64Array(length));
  }
  u32(length: number): U32Buf {
    return new ArrayBuf(new Uint32Array(length));
  }
  free(): void {
    // Garbage-collected.
  }

  padRows(X: F32Buf, n: number, d: number, stride: number): void {
    padRowsF32(X.view(), n, d, stride);
  }
  findNonFinite(x: F32Buf, n: number): number {
    return findNonFiniteF32(x.view(), n);
  }
  sigmoid(z: F32Buf, out: F32Buf, n: number): void {
    sigmoidF32(z.view(), out.view(), n);
  }
  bceLogits(z: F32Buf, y: F32Buf, n: number): number {
    return bceLogitsF32(z.view(), y.view(), n);
  }
  gemvBias(X: F32Buf, n: number, d: number, stride: number, w: F32Buf, out: F32Buf): void {
    gemvBiasF32(X.view(), n, d, stride, w.view(), out.view());
  }
  lossGradLogistic(rows: RowsF32, w: F32Buf, grad: F64Buf): number {
    return lossGradLogistic(rowsView(rows), rows.n, w.view(), grad.view());
  }
  epochSgdLogistic(rows: RowsF32, idx: U32Buf, w: F32Buf, rng: U32Buf, opts: SgdEpochOptions): number {
    if (this.grad.length < rows.stride + 1) this.grad = new Float64Array(rows.stride + 1);
    return epochSgdLogistic(rowsView(rows), rows.n, idx.view(), w.view(), rng.view(), this.grad, opts);
  }
  sum(x: F32Buf, n: number): number {
    return sumF32(x.view(), n);
  }
}
