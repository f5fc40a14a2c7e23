import { grouped, OwnedBuf, PointerMemory, type ArrayOf, type BufDtype, type BufSize } from '../memory.js';

const CTORS = { float32: Float32Array, float64: Float64Array, uint32: Uint32Array } as const;

/**
 * The longest typed array this engine asks for: V8's limit up to Node 20 (2^32 values, checked),
 * the smallest of the runtimes this library supports; a runtime that refuses less (memory it
 * cannot find) is reported the same way, as OUT_OF_MEMORY.
 */
export const JS_MAX_LENGTH = 2 ** 32;

/** What a twin kernel takes for a pointer: the array itself, or null for none. */
export type JsPtr = ArrayOf[BufDtype] | null;

/** A plain typed array, owned like a WASM block: freed means unusable, though the GC reclaims it. */
class ArrayBuf<D extends BufDtype> extends OwnedBuf<D, JsPtr> {
  #array: ArrayOf[D] | null;
  constructor(owner: JsMemory, dtype: D, array: ArrayOf[D]) {
    super(owner, dtype, array.length);
    this.#array = array;
  }
  protected array(): ArrayOf[D] {
    return this.#array!;
  }
  get ptr(): ArrayOf[D] {
    return this.#array!;
  }
  override kill(): void {
    super.kill();
    this.#array = null;
  }
}

/** Typed arrays; the twin kernels take the arrays themselves, null for none. */
export class JsMemory extends PointerMemory<JsPtr> {
  readonly nil = null;
  #refusal = '';
  constructor() {
    super('js');
  }
  /** Typed arrays are always zeroed, asked or not. */
  protected allocate<D extends BufDtype>(dtype: D, length: number): ArrayBuf<D> | null {
    try {
      return new ArrayBuf(this, dtype, new CTORS[dtype](length) as ArrayOf[D]);
    } catch (e) {
      // "Array buffer allocation failed": the runtime has no memory for it.
      if (!(e instanceof RangeError)) throw e;
      this.#refusal = e.message;
      return null;
    }
  }
  protected release(): void {
    // The array was dropped by kill(); the GC does the rest.
  }
  protected beyondLimit(sizes: readonly BufSize[]): string | null {
    const longest = Math.max(0, ...sizes.map(([, length]) => length));
    if (longest <= JS_MAX_LENGTH) return null;
    return `js keeps each buffer in one typed array of at most ${grouped(JS_MAX_LENGTH)} values, and this one would have ${grouped(longest)}`;
  }
  protected whyFailed(inUse: number): string {
    return `the runtime could not allocate it (${this.#refusal}), with ${grouped(inUse)} bytes in js's live buffers`;
  }
}
