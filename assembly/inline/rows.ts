// Rows taken in a shuffled order: `idx` is a u32 array of row numbers, or 0 for storage order.

/** The data row at position k of the order. */
// @ts-ignore: decorator
@inline export function row_index(idx: usize, k: i32): usize {
  return idx ? <usize>load<u32>(idx + (<usize>k << 2)) : <usize>k;
}

/** Byte address of the row at position k of a row-major matrix with rows of `rowBytes`. */
// @ts-ignore: decorator
@inline export function row_ptr(A: usize, rowBytes: usize, idx: usize, k: i32): usize {
  return A + row_index(idx, k) * rowBytes;
}
