import type { Buf, Engine, F32Buf, F64Buf, FloatBuf, Rows, SgdEpochOptions, U32Buf } from '../engine.js';
import type { Net, NetData, NetEpochOptions, OptimizerBufs } from '../net.js';
import { activation, activationGrad, softmaxRows } from './activation.js';
import { gemmNN, gemmNT, gemmTNAcc } from './linalg.js';
import { sigmoidBceRows, softmaxCeRows } from './loss.js';
import { epochNet, netBatchGrad, netLossGrad, netPredict, type NetArrays, type NetRows } from './net.js';
import { optimizerStep } from './optim.js';
import { sigmoidValues, bceLogitsSum } from './activation.js';
import { gemvBias, sum } from './linalg.js';
import { padRows, findNonFinite } from './layout.js';
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

function netArrays(net: Net): NetArrays {
  return { desc: net.desc.view(), params: net.params.view(), grads: net.grads.view(), scratch: net.scratch.view() };
}

function netRows(d: NetData): NetRows {
  return { X: d.X.view(), Y: d.Y.view(), sw: d.sw ? d.sw.view() : null };
}

function rowsView(r: Rows): RowsView {
  return { X: r.X.view(), y: r.y.view(), sw: r.sw ? r.sw.view() : null, d: r.d, stride: r.stride };
}

/** The pure-TypeScript engine: the fallback everywhere, and the honest baseline of the benchmarks. Either dtype, computed in f64. */
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

  padRows(X: FloatBuf, n: number, d: number, stride: number): void {
    padRows(X.view(), n, d, stride);
  }
  findNonFinite(x: FloatBuf, n: number): number {
    return findNonFinite(x.view(), n);
  }
  sigmoid(z: FloatBuf, out: FloatBuf, n: number): void {
    sigmoidValues(z.view(), out.view(), n);
  }
  bceLogits(z: FloatBuf, y: FloatBuf, n: number): number {
    return bceLogitsSum(z.view(), y.view(), n);
  }
  gemvBias(X: FloatBuf, n: number, d: number, stride: number, w: FloatBuf, out: FloatBuf): void {
    gemvBias(X.view(), n, d, stride, w.view(), out.view());
  }
  lossGradLogistic(rows: Rows, w: FloatBuf, grad: F64Buf): number {
    return lossGradLogistic(rowsView(rows), rows.n, w.view(), grad.view());
  }
  epochSgdLogistic(rows: Rows, idx: U32Buf, w: FloatBuf, rng: U32Buf, opts: SgdEpochOptions): number {
    if (this.grad.length < rows.stride + 1) this.grad = new Float64Array(rows.stride + 1);
    return epochSgdLogistic(rowsView(rows), rows.n, idx.view(), w.view(), rng.view(), this.grad, opts);
  }
  sum(x: FloatBuf, n: number): number {
    return sum(x.view(), n);
  }

  netBatchGrad(net: Net, data: NetData, idx: U32Buf | null, start: number, count: number): number {
    return netBatchGrad(netArrays(net), netRows(data), idx ? idx.view() : null, start, count);
  }
  netLossGrad(net: Net, data: NetData): number {
    return netLossGrad(netArrays(net), netRows(data), data.n);
  }
  epochNet(net: Net, o: OptimizerBufs, data: NetData, idx: U32Buf, rng: U32Buf, opts: NetEpochOptions): number {
    return epochNet(netArrays(net), o.header.view(), o.state.view(), netRows(data), idx.view(), data.n, rng.view(), opts);
  }
  netPredict(net: Net, X: FloatBuf, start: number, count: number, out: FloatBuf, ldo: number): void {
    netPredict(netArrays(net), X.view(), start, count, out.view(), ldo);
  }
  optimizerStep(o: OptimizerBufs, params: FloatBuf, grads: FloatBuf, n: number): void {
    optimizerStep(o.header.view(), o.state.view(), params.view(), 0, grads.view(), 0, n);
  }
  gemmNT(A: FloatBuf, lda: number, m: number, W: FloatBuf, nOut: number, k: number, bias: FloatBuf | null, C: FloatBuf, ldc: number): void {
    gemmNT(A.view(), 0, lda, null, 0, m, W.view(), 0, nOut, k, bias ? bias.view() : null, 0, C.view(), 0, ldc);
  }
  gemmTNAcc(D: FloatBuf, ldd: number, m: number, nOut: number, A: FloatBuf, lda: number, k: number, dW: FloatBuf): void {
    gemmTNAcc(D.view(), 0, ldd, m, nOut, A.view(), 0, lda, null, 0, k, dW.view(), 0);
  }
  gemmNN(D: FloatBuf, ldd: number, m: number, nOut: number, W: FloatBuf, k: number, Out: FloatBuf, ldo: number): void {
    gemmNN(D.view(), 0, ldd, m, nOut, W.view(), 0, k, Out.view(), 0, ldo);
  }
  activation(kind: number, x: FloatBuf, out: FloatBuf, n: number): void {
    activation(kind, x.view(), 0, out.view(), 0, n);
  }
  activationGrad(kind: number, a: FloatBuf, g: FloatBuf, out: FloatBuf, n: number): void {
    activationGrad(kind, a.view(), 0, g.view(), 0, out.view(), 0, n);
  }
  softmaxRows(Z: FloatBuf, ldz: number, m: number, K: number, P: FloatBuf, ldp: number): void {
    softmaxRows(Z.view(), 0, ldz, m, K, P.view(), 0, ldp);
  }
  softmaxCeRows(Z: FloatBuf, ldz: number, m: number, K: number, labels: U32Buf, sw: FloatBuf | null, D: FloatBuf, ldd: number): number {
    return softmaxCeRows(Z.view(), 0, ldz, m, K, labels.view(), null, 0, sw ? sw.view() : null, D.view(), 0, ldd);
  }
  sigmoidBceRows(Z: FloatBuf, ldz: number, m: number, K: number, Y: FloatBuf, ldy: number, sw: FloatBuf | null, D: FloatBuf, ldd: number): number {
    return sigmoidBceRows(Z.view(), 0, ldz, m, K, Y.view(), ldy, null, 0, sw ? sw.view() : null, D.view(), 0, ldd);
  }
}
