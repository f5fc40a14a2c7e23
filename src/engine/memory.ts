// The engine's memory: buffers of one dtype, owned by the engine that allocated them.
import { fail } from '../core/errors.js';

/** The element type models compute in: float32 (the default, fastest) or float64 (scikit-learn's). */
export type Dtype = 'float32' | 'float64';
/** The element type of a buffer: a float dtype, or u32 for indices, labels and RNG state. */
export type BufDtype = Dtype | 'uint32';

export interface ArrayOf {
  float32: Float32Array;
  float64: Float64Array;
  uint32: Uint32Array;
}
export type FloatArray = Float32Array | Float64Array;

/**
 * An array of `dtype` owned by an engine: WASM linear memory or a plain typed array. `view()` is
 * valid until the engine next allocates (a `memory.grow` detaches WASM views), so take it fresh
 * each time. The dtype is part of the type: a float32 buffer is not a float64 one.
 */
export interface Buf<D extends BufDtype = BufDtype> {
  readonly dtype: D;
  readonly length: number;
  view(): ArrayOf[D];
}
export type F32Buf = Buf<'float32'>;
export type F64Buf = Buf<'float64'>;
export type U32Buf = Buf<'uint32'>;
/** Values of a float dtype: `FloatBuf` alone is either, `FloatBuf<'float64'>` only float64. */
export type FloatBuf<D extends Dtype = Dtype> = Buf<D>;

/** Allocation, release and views. Each buffer is checked to be this memory's, and live, wherever it is used. */
export interface Memory {
  f32(length: number): F32Buf;
  f64(length: number): F64Buf;
  u32(length: number): U32Buf;
  /** Releases buf; using it afterwards, or freeing it again, is an error. */
  free(buf: Buf): void;
}

/** A new zeroed buffer of `length` values of `dtype`. */
export function floats<D extends Dtype>(memory: Memory, dtype: D, length: number): Buf<D> {
  return (dtype === 'float64' ? memory.f64(length) : memory.f32(length)) as Buf<D>;
}

/** Values per padded row: d rounded up to a multiple of 4, so SIMD rows need no scalar tail. */
export function paddedStride(d: number): number {
  return (d + 3) & ~3;
}

/** A misuse of the engine by code in this library (a foreign, freed or mistyped buffer, a broken contract). */
export function misuse(message: string): never {
  fail('INTERNAL', `engine misuse: ${message}`);
}

/**
 * A buffer of a backend whose kernels take pointers of type P: a byte address into WASM memory,
 * or the typed array itself. Only its memory reads `ptr`, through `PointerMemory.ptr`.
 */
export abstract class OwnedBuf<D extends BufDtype, P> implements Buf<D> {
  #live = true;
  constructor(
    readonly owner: PointerMemory<P>,
    readonly dtype: D,
    readonly length: number,
  ) {}
  protected abstract array(): ArrayOf[D];
  /** What the kernels take: valid while live. */
  abstract readonly ptr: P;
  view(): ArrayOf[D] {
    if (!this.#live) fail('DISPOSED', `a ${this.dtype} buffer of ${this.length} values was used after it was freed`);
    return this.array();
  }
  get live(): boolean {
    return this.#live;
  }
  /** Marks the buffer freed; later views and kernel calls with it throw. */
  kill(): void {
    this.#live = false;
  }
}

/** The checked half of every backend's memory: allocation is the backend's, ownership is here. */
export abstract class PointerMemory<P> implements Memory {
  /** The pointer kernels take for "none" (no sample weights, rows in order, no bias). */
  abstract readonly nil: P;
  protected abstract allocate<D extends BufDtype>(dtype: D, length: number): OwnedBuf<D, P>;
  protected abstract release(buf: OwnedBuf<BufDtype, P>): void;

  f32(length: number): F32Buf {
    return this.allocate('float32', length);
  }
  f64(length: number): F64Buf {
    return this.allocate('float64', length);
  }
  u32(length: number): U32Buf {
    return this.allocate('uint32', length);
  }
  free(buf: Buf): void {
    const b = this.own(buf, buf.dtype);
    b.kill();
    this.release(b);
  }

  /** buf as this memory's live buffer of dtype, or an error naming what is wrong with it. */
  own<D extends BufDtype>(buf: Buf, dtype: D): OwnedBuf<D, P> {
    if (!(buf instanceof OwnedBuf) || buf.owner !== this) misuse(`a ${buf.dtype} buffer of another engine was given to this one`);
    if (!buf.live) fail('DISPOSED', `a ${buf.dtype} buffer of ${buf.length} values was used after it was freed`);
    if (buf.dtype !== dtype) misuse(`a ${buf.dtype} buffer was given where ${dtype} is expected`);
    return buf as OwnedBuf<D, P>;
  }
  /** The kernel pointer of a live buffer of this memory, of dtype. */
  ptr(buf: Buf, dtype: BufDtype): P {
    return this.own(buf, dtype).ptr;
  }
  /** ptr, or nil for null. */
  ptrOrNil(buf: Buf | null, dtype: BufDtype): P {
    return buf === null ? this.nil : this.own(buf, dtype).ptr;
  }
}
