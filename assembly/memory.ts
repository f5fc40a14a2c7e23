// Linear memory for the TypeScript side: 16-byte aligned blocks from the runtime's TLSF
// allocator, so a disposed model's buffers are reused and memory stays bounded.

export function alloc(bytes: usize): usize {
  const ptr = heap.alloc(bytes);
  memory.fill(ptr, 0, bytes);
  return ptr;
}

export function free(ptr: usize): void {
  heap.free(ptr);
}
