// Linear memory for the TypeScript side: zeroed, 16-byte aligned blocks of any size wasm32 can
// address (up to 4 GiB in all), reused after `free`, so a disposed model's buffers are reused and
// memory stays bounded. `alloc` returns 0 when the memory cannot hold a request; it never traps.
//
// Why our own allocator rather than the runtime's TLSF (heap.alloc) plus a large-block path
// beside it: TLSF caps one block at 1 GiB (BLOCK_MAXSIZE), traps (unreachable) when memory.grow
// fails, and doubles the memory whenever it grows, which near the 4 GiB limit takes the pages a
// large block then lacks. A separate page list for large blocks would split memory into two
// pools that cannot lend to each other: a 2 GiB model freed by TLSF could never hold a 3 GB
// training set, and the reverse. One allocator for every size keeps one pool: segregated free
// lists (TLSF's two-level size classes, four per power of two), boundary tags to merge free
// neighbours, and exactly the pages a request needs taken from the end. Sizes are u32 byte
// counts (usize): nothing here is signed, so addresses past 2 GiB work like any other.
//
// A block is a 16-byte header then the payload (16-byte aligned):
//   +0 info: the block's size in bytes (a multiple of 16, header included) | FREE | PREV_FREE
//   +4 prev, +8 next: the free list links (free blocks only)
//   end - 4: the size again, the footer (free blocks only), so the next block can find its start.
// Blocks lie back to back from the heap base up to `brk`; the memory above `brk` (the
// wilderness, up to memory.size) has never been handed out and is still zero, so a block carved
// there is not cleared again: a 3 GB upload costs no 3 GB fill.

// @ts-ignore: decorator
@inline const HEADER: usize = 16;
// @ts-ignore: decorator
@inline const MIN_BLOCK: usize = 32;
// @ts-ignore: decorator
@inline const FREE: u32 = 1;
// @ts-ignore: decorator
@inline const PREV_FREE: u32 = 2;
// @ts-ignore: decorator
@inline const FLAGS: u32 = 15;
/** The highest end of a block: every address and end fits in a u32 (memory.size() << 16 can be 2^32). */
// @ts-ignore: decorator
@inline const MAX_END: usize = 0xFFFF_FFF0;
/** The largest payload a request may ask for (before the header and rounding). */
// @ts-ignore: decorator
@inline const MAX_REQUEST: usize = MAX_END - 64;
/** Pages grown at least at once, so small allocations do not grow memory (and detach views) one page at a time. */
// @ts-ignore: decorator
@inline const MIN_GROW_PAGES: i32 = 16;

/**
 * Free list heads, 32 first levels x 4 second levels, and which of them are non-empty: carved from
 * the heap base at the first alloc, not static data, because a threads worker instantiating this
 * module on the shared memory rewrites every data segment (which would empty the lists).
 */
let heads: usize = 0;
let slMaps: usize = 0;
let flMap: u32 = 0;
/** The end of the last block; 0 until the first alloc. */
let brk: usize = 0;
/** The free block that ends at brk, or 0: a request carved from the wilderness starts there. */
let tailFree: usize = 0;

// @ts-ignore: decorator
@inline function info(b: usize): u32 {
  return load<u32>(b);
}
// @ts-ignore: decorator
@inline function sizeOf(b: usize): usize {
  return <usize>(load<u32>(b) & ~FLAGS);
}
// @ts-ignore: decorator
@inline function prevOf(b: usize): usize {
  return <usize>load<u32>(b, 4);
}
// @ts-ignore: decorator
@inline function nextOf(b: usize): usize {
  return <usize>load<u32>(b, 8);
}

/** The first level (floor of log2) of a block size >= MIN_BLOCK. */
// @ts-ignore: decorator
@inline function flOf(size: usize): u32 {
  return 31 - clz<u32>(<u32>size);
}
/** The second level: which quarter of [2^fl, 2^(fl+1)) the size falls in. */
// @ts-ignore: decorator
@inline function slOf(size: usize, fl: u32): u32 {
  return (<u32>size >>> (fl - 2)) & 3;
}
// @ts-ignore: decorator
@inline function headAt(fl: u32, sl: u32): usize {
  return heads + ((<usize>fl << 4) | (<usize>sl << 2));
}

// @ts-ignore: decorator
@inline function slMapAt(fl: u32): usize {
  return slMaps + (<usize>fl << 2);
}

function insert(b: usize): void {
  const size = sizeOf(b);
  const fl = flOf(size), sl = slOf(size, fl);
  const h = headAt(fl, sl);
  const first = <usize>load<u32>(h);
  store<u32>(b, 0, 4);
  store<u32>(b, <u32>first, 8);
  if (first) store<u32>(first, <u32>b, 4);
  store<u32>(h, <u32>b);
  store<u32>(slMapAt(fl), load<u32>(slMapAt(fl)) | (1 << sl));
  flMap |= 1 << fl;
  if (b + size == brk) tailFree = b;
}

function remove(b: usize): void {
  const size = sizeOf(b);
  const fl = flOf(size), sl = slOf(size, fl);
  const prev = prevOf(b), next = nextOf(b);
  if (next) store<u32>(next, <u32>prev, 4);
  if (prev) store<u32>(prev, <u32>next, 8);
  else {
    const h = headAt(fl, sl);
    store<u32>(h, <u32>next);
    if (!next) {
      const m = load<u32>(slMapAt(fl)) & ~(1 << sl);
      store<u32>(slMapAt(fl), m);
      if (!m) flMap &= ~(1 << fl);
    }
  }
  if (b == tailFree) tailFree = 0;
}

/** A free block of at least `size` bytes, or 0: first fit in the size's own class, else any block of a larger class. */
function find(size: usize): usize {
  let fl = flOf(size), sl = slOf(size, fl);
  for (let b = <usize>load<u32>(headAt(fl, sl)); b; b = nextOf(b)) {
    if (sizeOf(b) >= size) return b;
  }
  let slm = load<u32>(slMapAt(fl)) & (<u32>0xFFFF_FFFF << (sl + 1)) & 15;
  if (!slm) {
    const flm: u32 = fl >= 31 ? 0 : flMap & (<u32>0xFFFF_FFFF << (fl + 1));
    if (!flm) return 0;
    fl = ctz<u32>(flm);
    slm = load<u32>(slMapAt(fl));
  }
  return <usize>load<u32>(headAt(fl, ctz<u32>(slm)));
}

/**
 * `bytes` bytes, 16-byte aligned, zeroed when `zeroed` is set (else they hold whatever a freed
 * block left: for a caller that writes every byte first, such as an upload), or 0 when memory
 * cannot hold them (wasm32's 4 GiB, the host's limit or fragmentation): the caller reports it;
 * nothing has changed then.
 */
export function alloc(bytes: usize, zeroed: bool): usize {
  if (bytes > MAX_REQUEST) return 0;
  if (!brk) {
    heads = (__heap_base + 15) & ~15;
    slMaps = heads + 32 * 4 * 4;
    brk = slMaps + 32 * 4;
  }
  const size = max<usize>(MIN_BLOCK, ((bytes + 15) & ~15) + HEADER);
  let b = find(size);
  if (b) {
    remove(b);
    const whole = sizeOf(b);
    if (whole - size >= MIN_BLOCK) {
      // The rest stays free; the block after it keeps its PREV_FREE flag.
      store<u32>(b, <u32>size);
      const r = b + size, rest = whole - size;
      store<u32>(r, <u32>rest | FREE);
      store<u32>(r + rest - 4, <u32>rest);
      insert(r);
    } else {
      store<u32>(b, <u32>whole);
      const next = b + whole;
      if (next != brk) store<u32>(next, info(next) & ~PREV_FREE);
    }
    if (zeroed) memory.fill(b + HEADER, 0, bytes);
    return b + HEADER;
  }
  // Carved at the end: from the free block that ends there (too small by itself), then the
  // wilderness, growing memory by the pages still missing. Checked before anything changes.
  const start = tailFree ? tailFree : brk;
  if (<u64>start + <u64>size > <u64>MAX_END) return 0;
  const end = start + size;
  const have = <u64><u32>memory.size() << 16;
  if (<u64>end > have) {
    const pages = <i32>((<u64>end - have + 0xFFFF) >> 16);
    if (memory.grow(max<i32>(pages, MIN_GROW_PAGES)) < 0 && memory.grow(pages) < 0) return 0;
  }
  const dirtyEnd = brk;
  if (tailFree) remove(tailFree);
  b = start;
  store<u32>(b, <u32>size);
  brk = end;
  // Only the part that was a freed block can hold old values; the wilderness is still zero.
  const payload = b + HEADER;
  if (zeroed && payload < dirtyEnd) memory.fill(payload, 0, min<usize>(bytes, dirtyEnd - payload));
  return payload;
}

/** Returns a block from alloc (0 is ignored), merged with its free neighbours. */
export function free(ptr: usize): void {
  if (!ptr) return;
  let b = ptr - HEADER;
  const flags = info(b);
  let size = <usize>(flags & ~FLAGS);
  const next = b + size;
  if (next != brk) {
    const n = info(next);
    if (n & FREE) {
      remove(next);
      size += <usize>(n & ~FLAGS);
    }
  }
  if (flags & PREV_FREE) {
    const prevSize = <usize>load<u32>(b - 4);
    b -= prevSize;
    remove(b);
    size += prevSize;
  }
  store<u32>(b, <u32>size | FREE);
  store<u32>(b + size - 4, <u32>size);
  const after = b + size;
  if (after != brk) store<u32>(after, info(after) | PREV_FREE);
  insert(b);
}
