import { OwnedBuf, PointerMemory, type ArrayOf, type BufDtype } from '../memory.js';

const CTORS = { float32: Float32Array, float64: Float64Array, uint32: Uint32Array } as const;

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
  protected allocate<D extends BufDtype>(dtype: D, length: number): ArrayBuf<D> {
    return new ArrayBuf(this, dtype, new CTORS[dtype](length) as ArrayOf[D]);
  }
  protected release(): void {
    // The array was dropped by kill(); the GC does the rest.
  }
}
