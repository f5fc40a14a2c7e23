// Deep snapshots of a call's arguments, to see whether the library changed them: values compared
// with Object.is (so NaN equals NaN and -0 differs from 0), typed arrays byte by byte, plus every
// object's own keys, prototype and frozen / sealed / extensible state. Functions, streams and
// promises are compared by identity only.
import fc from 'fast-check';

type Node =
  | { t: 'prim'; v: unknown }
  | { t: 'same'; ref: unknown }
  | { t: 'cycle'; ref: unknown }
  | { t: 'bytes'; ref: ArrayBufferView | ArrayBuffer | SharedArrayBuffer; bytes: Uint8Array }
  | { t: 'obj'; ref: object; proto: unknown; frozen: boolean; sealed: boolean; ext: boolean; keys: (string | symbol)[]; props: Map<string | symbol, Node | 'accessor'> };

const LIMIT = { depth: 12, nodes: 20000 };
/** The contents of a Map, Set or Date, as text (they live in internal slots, not in keys). */
const CONTENTS = Symbol('contents');

function contents(v: Map<unknown, unknown> | Set<unknown> | Date): string {
  try {
    return v instanceof Date ? String(v.getTime()) : fc.stringify(v);
  } catch {
    return '(an object with the prototype of a Date, Map or Set, but not one)';
  }
}

function isOpaque(v: object): boolean {
  return (
    typeof v === 'function' ||
    v instanceof Promise ||
    (typeof ReadableStream !== 'undefined' && v instanceof ReadableStream) ||
    (typeof Blob !== 'undefined' && v instanceof Blob) ||
    v instanceof WeakMap || v instanceof WeakSet
  );
}

function copyBytes(v: ArrayBufferView | ArrayBuffer | SharedArrayBuffer): Uint8Array {
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice();
  return new Uint8Array(v).slice();
}

function ownKeys(o: object): (string | symbol)[] {
  return Reflect.ownKeys(o).filter((k) => k !== fc.toStringMethod);
}

export function snapshot(value: unknown): Node {
  let count = 0;
  const seen = new Set<object>();
  const walk = (v: unknown, depth: number): Node => {
    if ((typeof v !== 'object' && typeof v !== 'function') || v === null) return { t: 'prim', v };
    if (isOpaque(v) || depth > LIMIT.depth || ++count > LIMIT.nodes) return { t: 'same', ref: v };
    if (seen.has(v)) return { t: 'cycle', ref: v };
    if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && v instanceof SharedArrayBuffer)) {
      return { t: 'bytes', ref: v, bytes: copyBytes(v) };
    }
    seen.add(v);
    const props = new Map<string | symbol, Node | 'accessor'>();
    const keys = ownKeys(v);
    for (const k of keys) {
      const d = Object.getOwnPropertyDescriptor(v, k);
      props.set(k, d && 'value' in d ? walk(d.value, depth + 1) : 'accessor');
    }
    if (v instanceof Map || v instanceof Set || v instanceof Date) props.set(CONTENTS, { t: 'prim', v: contents(v) });
    seen.delete(v);
    return { t: 'obj', ref: v, proto: Object.getPrototypeOf(v), frozen: Object.isFrozen(v), sealed: Object.isSealed(v), ext: Object.isExtensible(v), keys, props };
  };
  return walk(value, 0);
}

function show(v: unknown): string {
  try {
    const s = fc.stringify(v);
    return s.length > 60 ? `${s.slice(0, 57)}...` : s;
  } catch {
    return typeof v;
  }
}

function keyText(k: string | symbol): string {
  return typeof k === 'symbol' ? `[${String(k)}]` : /^\d+$/.test(k) ? `[${k}]` : `.${k}`;
}

/** Where `now` differs from the snapshot `before` was taken of, or null. `path` names the root. */
export function changed(before: Node, now: unknown, path: string): string | null {
  switch (before.t) {
    case 'prim':
      return Object.is(before.v, now) ? null : `${path}: ${show(before.v)} became ${show(now)}`;
    case 'same':
    case 'cycle':
      return before.ref === now ? null : `${path}: replaced by ${show(now)}`;
    case 'bytes': {
      if (before.ref !== now) return `${path}: replaced`;
      const b = copyBytes(before.ref);
      if (b.length !== before.bytes.length) return `${path}: length ${before.bytes.length} became ${b.length} bytes`;
      for (let i = 0; i < b.length; i++) {
        if (b[i] !== before.bytes[i]) {
          const el = ArrayBuffer.isView(now) && 'BYTES_PER_ELEMENT' in now ? Math.floor(i / (now as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT) : i;
          return `${path}[${el}] was written (byte ${i})`;
        }
      }
      return null;
    }
    case 'obj': {
      if (before.ref !== now) return `${path}: replaced by ${show(now)}`;
      const o = now as object;
      if (Object.getPrototypeOf(o) !== before.proto) return `${path}: its prototype was changed`;
      if (Object.isFrozen(o) !== before.frozen) return `${path}: was frozen`;
      if (Object.isSealed(o) !== before.sealed) return `${path}: was sealed`;
      if (Object.isExtensible(o) !== before.ext) return `${path}: was made non-extensible`;
      const keys = ownKeys(o);
      const added = keys.filter((k) => !before.props.has(k));
      if (added.length > 0) return `${path}: gained the key ${String(added[0])}`;
      for (const [k, node] of before.props) {
        if (k === CONTENTS) {
          const was = (node as { v: string }).v, is = contents(o as Map<unknown, unknown>);
          if (was !== is) return `${path}: its contents ${was} became ${is}`;
          continue;
        }
        if (!keys.includes(k)) return `${path}: lost the key ${String(k)}`;
        const d = Object.getOwnPropertyDescriptor(o, k)!;
        if (node === 'accessor') continue;
        if (!('value' in d)) return `${path}${keyText(k)}: became an accessor`;
        const diff = changed(node, d.value, `${path}${keyText(k)}`);
        if (diff) return diff;
      }
      return null;
    }
  }
}
