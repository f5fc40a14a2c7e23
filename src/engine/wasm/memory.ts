import { OwnedBuf, PointerMemory, type ArrayOf, type BufDtype } from '../memory.js';

const CTORS = { float32: Float32Array, float64: Float64Array, uint32: Uint32Array } as const;

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

/** Buffers in one instance's linear memory, from its 16-byte aligned allocator; kernels take byte addresses. */
export class WasmMemory extends PointerMemory<number> {
  readonly nil = 0;
  constructor(
    readonly memory: WebAssembly.Memory,
    private readonly k: { alloc(bytes: number): number; free(ptr: number): void },
  ) {
    super();
  }
  protected allocate<D extends BufDtype>(dtype: D, length: number): WasmBuf<D> {
    // At least 16 bytes so that no two buffers share an address, even empty ones.
    return new WasmBuf(this, dtype, length, this.k.alloc(Math.max(16, length * CTORS[dtype].BYTES_PER_ELEMENT)));
  }
  protected release(buf: WasmBuf<BufDtype>): void {
    this.k.free(buf.ptr);
  }
}
