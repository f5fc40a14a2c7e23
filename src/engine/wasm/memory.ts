import { BYTES_PER_VALUE, bytesOf, grouped, OwnedBuf, PointerMemory, type ArrayOf, type BufDtype, type BufSize } from '../memory.js';

const CTORS = { float32: Float32Array, float64: Float64Array, uint32: Uint32Array } as const;

/** wasm32 addresses 4 GiB: 65536 pages of 64 KiB, the maximumMemory of asconfig.json (and V8's limit). */
export const WASM32_BYTES = 2 ** 32;
/** The allocator's block header (assembly/memory.ts): a request takes at most this much more. */
const BLOCK_OVERHEAD = 32;

/** A block of linear memory; its view is rebuilt whenever memory.grow has replaced the buffer. */
class WasmBuf<D extends BufDtype> extends OwnedBuf<D, number> {
  private cached: ArrayOf[D] | null = null;
  constructor(
    readonly owner: WasmMemory,
    dtype: D,
    length: number,
    readonly ptr: number,
  ) {
    super(owner, dtype, length);
  }
  protected array(): ArrayOf[D] {
    const buffer = this.owner.memory.buffer;
    if (this.cached === null || this.cached.buffer !== buffer) this.cached = new CTORS[this.dtype](buffer, this.ptr, this.length) as ArrayOf[D];
    return this.cached;
  }
}

/**
 * Buffers in one instance's linear memory, from its 16-byte aligned allocator; kernels take byte
 * addresses, unsigned up to 4 GiB (an i32 from WASM is read as u32: `>>> 0`).
 */
export class WasmMemory extends PointerMemory<number> {
  readonly nil = 0;
  constructor(
    backend: string,
    readonly memory: WebAssembly.Memory,
    private readonly k: { alloc(bytes: number, zeroed: number): number; free(ptr: number): void },
  ) {
    super(backend);
  }
  protected allocate<D extends BufDtype>(dtype: D, length: number, zeroed: boolean): WasmBuf<D> | null {
    // At least 16 bytes so that no two buffers share an address, even empty ones. beyondLimit
    // has kept the request below 2^32, so it reaches alloc's u32 parameter unwrapped.
    const ptr = this.k.alloc(Math.max(16, length * BYTES_PER_VALUE[dtype]), zeroed ? 1 : 0) >>> 0;
    return ptr === 0 ? null : new WasmBuf(this, dtype, length, ptr);
  }
  protected release(buf: WasmBuf<BufDtype>): void {
    this.k.free(buf.ptr);
  }
  protected beyondLimit(sizes: readonly BufSize[], inUse: number): string | null {
    const bytes = bytesOf(sizes) + BLOCK_OVERHEAD * sizes.length;
    if (inUse + bytes <= WASM32_BYTES) return null;
    return `${this.backend} keeps every buffer in one wasm32 memory of at most ${grouped(WASM32_BYTES)} bytes (4 GiB), ${grouped(inUse)} of them in use`;
  }
  protected whyFailed(inUse: number): string {
    return (
      `${this.backend}'s memory could not hold it: ${grouped(this.memory.buffer.byteLength)} bytes of at most ${grouped(WASM32_BYTES)} (wasm32) are ` +
      `taken, ${grouped(inUse)} of them by live buffers, and the runtime gives no more (or what is free is in pieces too small)`
    );
  }
}
