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

/** A buffer to be: its dtype and its number of values. */
export type BufSize = readonly [dtype: BufDtype, length: number];

/**
 * Allocation, release and views. Each buffer is checked to be this memory's, and live, wherever it
 * is used. A buffer the engine cannot hold is an OUT_OF_MEMORY error naming the request and the
 * limit, and nothing is allocated then: WASM backends hold at most wasm32's 4 GiB for all their
 * buffers together; 'js' holds each buffer in one typed array (at most 2^32 values).
 */
export interface Memory {
  f32(length: number): F32Buf;
  f64(length: number): F64Buf;
  u32(length: number): U32Buf;
  /**
   * A buffer whose values are whatever the memory held (WASM reuses freed blocks without clearing
   * them): for a caller that writes every value before reading any, such as an upload.
   */
  blank<D extends Dtype>(dtype: D, length: number): Buf<D>;
  /** Releases buf; using it afterwards, or freeing it again, is an error. */
  free(buf: Buf): void;
  /** Bytes in this engine's live buffers: what a leak check watches. */
  readonly bytesInUse: number;
  /**
   * Refuses with OUT_OF_MEMORY, before anything is allocated, buffers this engine could never hold
   * together now (beyond its limit, with what is in use): a caller that knows its sizes up front
   * (an upload of rows x stride values) checks them all at once. `what` names them in the message,
   * e.g. "X (5,000,000 x 256 float32 values)".
   */
  checkRoom(what: string, buffers: readonly BufSize[]): void;
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

export const BYTES_PER_VALUE: Readonly<Record<BufDtype, number>> = { float32: 4, float64: 8, uint32: 4 };

/** n with thousands separators, the same in every runtime and locale. */
export function grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Bytes of `sizes` together. */
export function bytesOf(sizes: readonly BufSize[]): number {
  return sizes.reduce((sum, [dtype, length]) => sum + length * BYTES_PER_VALUE[dtype], 0);
}

/** What an engine cannot hold: the request in bytes, why (the limit), and what to do instead. */
export function outOfMemory(what: string, bytes: number, why: string): never {
  fail(
    'OUT_OF_MEMORY',
    `${what} needs ${grouped(bytes)} bytes: ${why}. Free buffers or models no longer needed (dispose()), or, for data this large, ` +
      'train out of core: partialFit on chunks of rows that each fit.',
  );
}

/**
 * Buffers of `sizes`, all or none: checked together first (OUT_OF_MEMORY naming `what`), and
 * should one allocation fail all the same, those made before it are freed.
 */
export function allocateAll(memory: Memory, what: string, sizes: readonly BufSize[]): Buf[] {
  memory.checkRoom(what, sizes);
  const made: Buf[] = [];
  try {
    for (const [dtype, length] of sizes) made.push(dtype === 'float32' ? memory.f32(length) : dtype === 'float64' ? memory.f64(length) : memory.u32(length));
  } catch (e) {
    for (const b of made) memory.free(b);
    throw e;
  }
  return made;
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

/** The checked half of every backend's memory: allocation is the backend's, ownership and limits are here. */
export abstract class PointerMemory<P> implements Memory {
  /** The pointer kernels take for "none" (no sample weights, rows in order, no bias). */
  abstract readonly nil: P;
  #inUse = 0;

  /** `backend` names the engine in messages. */
  constructor(readonly backend: string) {}

  /** A new buffer, zeroed if asked, or null when the backend could not find the memory (within its limit). */
  protected abstract allocate<D extends BufDtype>(dtype: D, length: number, zeroed: boolean): OwnedBuf<D, P> | null;
  protected abstract release(buf: OwnedBuf<BufDtype, P>): void;
  /** Why `sizes` can never be held here, with `inUse` bytes taken (the limit, in words), or null when they may fit. */
  protected abstract beyondLimit(sizes: readonly BufSize[], inUse: number): string | null;
  /** Why an allocation within the limit failed, in words. */
  protected abstract whyFailed(inUse: number): string;

  f32(length: number): F32Buf {
    return this.#allocate('float32', length, true);
  }
  f64(length: number): F64Buf {
    return this.#allocate('float64', length, true);
  }
  u32(length: number): U32Buf {
    return this.#allocate('uint32', length, true);
  }
  blank<D extends Dtype>(dtype: D, length: number): Buf<D> {
    return this.#allocate(dtype, length, false);
  }
  free(buf: Buf): void {
    const b = this.own(buf, buf.dtype);
    b.kill();
    this.release(b);
    this.#inUse -= b.length * BYTES_PER_VALUE[b.dtype];
  }

  get bytesInUse(): number {
    return this.#inUse;
  }

  checkRoom(what: string, sizes: readonly BufSize[]): void {
    for (const [dtype, length] of sizes) {
      if (!(Number.isSafeInteger(length) && length >= 0)) misuse(`${what}: ${String(length)} is not a count of ${dtype} values`);
    }
    const why = this.beyondLimit(sizes, this.#inUse);
    if (why !== null) outOfMemory(what, bytesOf(sizes), why);
  }

  #allocate<D extends BufDtype>(dtype: D, length: number, zeroed: boolean): OwnedBuf<D, P> {
    if (!(Number.isSafeInteger(length) && length >= 0)) misuse(`a ${dtype} buffer of ${String(length)} values was asked for`);
    const what = `a ${dtype} buffer of ${grouped(length)} values`;
    this.checkRoom(what, [[dtype, length]]);
    const buf = this.allocate(dtype, length, zeroed);
    const bytes = length * BYTES_PER_VALUE[dtype];
    if (buf === null) outOfMemory(what, bytes, this.whyFailed(this.#inUse));
    this.#inUse += bytes;
    return buf;
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
