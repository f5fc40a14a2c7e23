import { fail, WasmlearnError } from './core/errors.js';
import { describe } from './core/options.js';

/** What `toJSON()` of every model and transformer returns: a plain object with these two keys. */
export interface ModelJson {
  /** The class that wrote it, e.g. 'LogisticRegression'; loadFromJSON dispatches on it. */
  name: string;
  /** The format's version. */
  version: number;
  [key: string]: unknown;
}

/** The typed arrays encodeArray saves: Float32Array, Float64Array or Uint32Array. */
export type ArrayDtype = 'float32' | 'float64' | 'uint32';

/** A typed array saved losslessly: its little-endian bytes in base64. */
export interface EncodedArray {
  /** The array's type. */
  dtype: ArrayDtype;
  /** Optional dimensions, e.g. [rows, cols]. */
  shape?: number[];
  /** The little-endian bytes, base64. */
  base64: string;
}

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
/** Objects, arrays and keys checkModelJson walks at most: far beyond any saved model (arrays are base64 strings). */
const MAX_JSON_ITEMS = 1 << 24;
/** The most values one decoded array may claim: 2^32 - 1, the Uint32 index limit. */
const MAX_ARRAY_VALUES = 2 ** 32 - 1;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_CODES = new Uint8Array(256).fill(255);
for (let i = 0; i < 64; i++) B64_CODES[B64.charCodeAt(i)] = i;

/** A typed array as a JSON-safe EncodedArray (its exact bytes, base64), with an optional shape. */
export function encodeArray(a: Float32Array | Float64Array | Uint32Array, shape?: number[]): EncodedArray {
  if (!(a instanceof Float32Array || a instanceof Float64Array || a instanceof Uint32Array)) fail('BAD_OPTION', `encodeArray takes a Float32Array, Float64Array or Uint32Array; got ${describe(a)}`);
  if (shape !== undefined && (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0))) fail('BAD_OPTION', `encodeArray: shape must be an array of non-negative integers; got ${describe(shape)}`);
  const dtype: ArrayDtype = a instanceof Float32Array ? 'float32' : a instanceof Float64Array ? 'float64' : 'uint32';
  const out: EncodedArray = { dtype, base64: toBase64(toLittleEndian(a)) };
  if (shape) out.shape = [...shape];
  return out;
}

/** decodeArray's options: what to expect of the array. */
export interface DecodeOptions {
  /** What the array is, for messages: 'StandardScaler.mean'. */
  name: string;
  /**
   * Refuse any other dtype.
   * @default undefined (any)
   */
  dtype?: ArrayDtype;
  /**
   * Refuse any other number of values.
   * @default undefined (any)
   */
  expectedLength?: number;
  /**
   * Refuse NaN and Infinity.
   * @default false
   */
  finite?: boolean;
}

/** Decodes an `encodeArray` result, refusing anything malformed with BAD_MODEL_JSON. */
export function decodeArray(obj: unknown, opts: DecodeOptions & { dtype: 'float64' }): Float64Array;
export function decodeArray(obj: unknown, opts: DecodeOptions & { dtype: 'float32' }): Float32Array;
export function decodeArray(obj: unknown, opts: DecodeOptions & { dtype: 'uint32' }): Uint32Array;
export function decodeArray(obj: unknown, opts: DecodeOptions): Float32Array | Float64Array | Uint32Array;
export function decodeArray(obj: unknown, opts: DecodeOptions): Float32Array | Float64Array | Uint32Array {
  checkDecodeOptions(opts);
  const { name, expectedLength } = opts;
  if (!isPlainObject(obj)) return fail('BAD_MODEL_JSON', `${name} must be an encoded array { dtype, base64 }`);
  const { dtype, base64, shape } = obj;
  if (dtype !== 'float32' && dtype !== 'float64' && dtype !== 'uint32') fail('BAD_MODEL_JSON', `${name}.dtype must be 'float32', 'float64' or 'uint32', got ${describe(dtype)}`);
  if (opts.dtype && dtype !== opts.dtype) fail('BAD_MODEL_JSON', `${name}.dtype must be '${opts.dtype}', got '${dtype}'`);
  if (typeof base64 !== 'string') fail('BAD_MODEL_JSON', `${name}.base64 must be a string, got ${describe(base64)}`);
  if (expectedLength !== undefined && !(Number.isSafeInteger(expectedLength) && expectedLength >= 0 && expectedLength <= MAX_ARRAY_VALUES)) {
    fail('BAD_MODEL_JSON', `${name} would hold ${describe(expectedLength)} values according to the sizes saved with it; no array can`);
  }
  // Every size is checked against the text's length before a byte is decoded or allocated.
  const byteLength = base64ByteLength(base64, name);
  const size = dtype === 'float64' ? 8 : 4;
  if (byteLength % size !== 0) fail('BAD_MODEL_JSON', `${name} has ${byteLength} bytes, not a whole number of ${dtype} values`);
  const n = byteLength / size;
  if (shape !== undefined) {
    if (!Array.isArray(shape) || shape.length > 32 || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail('BAD_MODEL_JSON', `${name}.shape must be an array of at most 32 non-negative integers`);
    const count = shape.reduce((p: number, d: number) => p * d, 1);
    if (count !== n) fail('BAD_MODEL_JSON', `${name}.shape [${shape.join(', ')}] holds ${count} values but the data has ${n}`);
  }
  if (expectedLength !== undefined && n !== expectedLength) fail('BAD_MODEL_JSON', `${name} has ${n} values, expected ${expectedLength}`);
  const a = fromLittleEndian(fromBase64(base64, byteLength, name), dtype);
  if (opts.finite) {
    for (let i = 0; i < n; i++) if (!Number.isFinite(a[i])) fail('BAD_MODEL_JSON', `${name}[${i}] is ${a[i]}; it must be finite`);
  }
  return a;
}

/** The caller's options, not the file's: a mistake there is BAD_OPTION. */
function checkDecodeOptions(opts: unknown): asserts opts is DecodeOptions {
  if (!isPlainObject(opts)) fail('BAD_OPTION', `decodeArray takes options { name, dtype?, expectedLength?, finite? }; got ${describe(opts)}`);
  const { name, dtype, expectedLength, finite } = opts;
  if (typeof name !== 'string') fail('BAD_OPTION', `decodeArray: name must be a string; got ${describe(name)}`);
  if (dtype !== undefined && dtype !== 'float32' && dtype !== 'float64' && dtype !== 'uint32') fail('BAD_OPTION', `decodeArray: dtype must be 'float32', 'float64' or 'uint32'; got ${describe(dtype)}`);
  if (expectedLength !== undefined && typeof expectedLength !== 'number') fail('BAD_OPTION', `decodeArray: expectedLength must be a number; got ${describe(expectedLength)}`);
  if (finite !== undefined && typeof finite !== 'boolean') fail('BAD_OPTION', `decodeArray: finite must be true or false; got ${describe(finite)}`);
}

/**
 * Checks the envelope of a saved model and returns it as a record: a plain object with the
 * expected `name` and `version`, and nowhere a key that could reach a prototype.
 */
export function checkModelJson(obj: unknown, name: string, version: number): Record<string, unknown> {
  if (typeof name !== 'string') fail('BAD_OPTION', `checkModelJson: name must be a string; got ${describe(name)}`);
  if (typeof version !== 'number') fail('BAD_OPTION', `checkModelJson: version must be a number; got ${describe(version)}`);
  try {
    if (!isPlainObject(obj)) return fail('BAD_MODEL_JSON', `${name}.fromJSON expects an object, got ${obj === null ? 'null' : Array.isArray(obj) ? 'an array' : typeof obj}`);
    checkKeys(obj, name);
    if (obj.name !== name) fail('BAD_MODEL_JSON', `expected a saved ${name}, got name ${describe(obj.name)}`);
    if (obj.version !== version) fail('BAD_MODEL_JSON', `${name} version ${describe(obj.version)} is not supported; this build reads version ${version}`);
    return obj;
  } catch (e) {
    // A Proxy or an exotic object whose traps throw: not a saved model either.
    if (e instanceof WasmlearnError) throw e;
    return fail('BAD_MODEL_JSON', `${name}: the saved object cannot be read as plain data (${e instanceof Error ? e.message : describe(e)})`);
  }
}

/**
 * Walks the plain objects and arrays reachable from `root`, without recursion, and refuses own
 * keys `__proto__`, `constructor`, `prototype`, getters and setters (a saved model is data), and
 * more than MAX_JSON_ITEMS objects and keys in all.
 */
function checkKeys(root: object, name: string): void {
  const seen = new Set<object>();
  const stack: object[] = [root];
  let items = 0;
  while (stack.length > 0) {
    const o = stack.pop()!;
    if (seen.has(o)) continue;
    seen.add(o);
    const keys = Object.getOwnPropertyNames(o);
    items += keys.length + 1;
    if (items > MAX_JSON_ITEMS) fail('BAD_MODEL_JSON', `${name} holds more than ${MAX_JSON_ITEMS} objects and keys; a saved model is far smaller`);
    for (const key of keys) {
      if (FORBIDDEN.has(key)) fail('BAD_MODEL_JSON', `${name} contains a key ${JSON.stringify(key)}, which a saved model never has`);
      const d = Object.getOwnPropertyDescriptor(o, key);
      if (d !== undefined && !('value' in d)) fail('BAD_MODEL_JSON', `${name} has a getter or setter at ${describe(key)}; a saved model is plain data`);
      const v: unknown = d?.value;
      if (typeof v === 'object' && v !== null && (Array.isArray(v) || isPlainObject(v))) stack.push(v);
    }
  }
}

export function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const proto: unknown = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

const loaders = new Map<string, (obj: unknown) => unknown>();

/** Makes `loadFromJSON` rebuild saved objects whose `name` is `name`. Each module registers its own. */
export function registerLoader(name: string, fromJSON: (obj: unknown) => unknown): void {
  if (typeof name !== 'string' || name === '') fail('BAD_OPTION', `registerLoader: name must be a non-empty string; got ${describe(name)}`);
  if (typeof fromJSON !== 'function') fail('BAD_OPTION', `registerLoader: fromJSON must be a function; got ${describe(fromJSON)}`);
  loaders.set(name, fromJSON);
}

/** Rebuilds any registered model or transformer from its `toJSON()` output. */
export function loadFromJSON(obj: unknown): unknown {
  let name: unknown;
  try {
    name = isPlainObject(obj) ? obj.name : undefined;
  } catch {
    name = undefined; // a Proxy or a getter that throws: no name to go by
  }
  const load = typeof name === 'string' && loaders.has(name) ? loaders.get(name) : undefined;
  if (!load) {
    fail('BAD_MODEL_JSON', `cannot load ${typeof name === 'string' ? `a saved ${describe(name)}` : 'an object without a string name'}; known names: ${[...loaders.keys()].sort().join(', ')}`);
  }
  return load(obj);
}

function toLittleEndian(a: Float32Array | Float64Array | Uint32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const out = new Uint8Array(a.byteLength);
  const view = new DataView(out.buffer);
  for (let i = 0; i < a.length; i++) {
    if (a instanceof Float64Array) view.setFloat64(i * 8, a[i], true);
    else if (a instanceof Float32Array) view.setFloat32(i * 4, a[i], true);
    else view.setUint32(i * 4, a[i], true);
  }
  return out;
}

/** `bytes` is fresh from `fromBase64`, so on a little-endian host its buffer is used as is. */
function fromLittleEndian(bytes: Uint8Array, dtype: ArrayDtype): Float32Array | Float64Array | Uint32Array {
  const Ctor = dtype === 'float64' ? Float64Array : dtype === 'float32' ? Float32Array : Uint32Array;
  if (LITTLE_ENDIAN) return new Ctor(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.length / Ctor.BYTES_PER_ELEMENT);
  const a = new Ctor(bytes.length / Ctor.BYTES_PER_ELEMENT);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < a.length; i++) {
    a[i] = dtype === 'float64' ? view.getFloat64(i * 8, true) : dtype === 'float32' ? view.getFloat32(i * 4, true) : view.getUint32(i * 4, true);
  }
  return a;
}

function toBase64(bytes: Uint8Array): string {
  const n = bytes.length;
  const out = new Uint8Array(Math.ceil(n / 3) * 4);
  let o = 0;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out[o++] = B64.charCodeAt(v >>> 18);
    out[o++] = B64.charCodeAt((v >>> 12) & 63);
    out[o++] = B64.charCodeAt((v >>> 6) & 63);
    out[o++] = B64.charCodeAt(v & 63);
  }
  if (i < n) {
    const two = i + 1 < n;
    const v = (bytes[i] << 16) | (two ? bytes[i + 1] << 8 : 0);
    out[o++] = B64.charCodeAt(v >>> 18);
    out[o++] = B64.charCodeAt((v >>> 12) & 63);
    out[o++] = two ? B64.charCodeAt((v >>> 6) & 63) : 61;
    out[o++] = 61;
  }
  return new TextDecoder('latin1').decode(out);
}

/** The bytes standard base64 `s` decodes to, from its length and padding alone; BAD_MODEL_JSON when no valid base64 has that shape. */
function base64ByteLength(s: string, name: string): number {
  if (s.length % 4 !== 0) fail('BAD_MODEL_JSON', `${name}.base64 is not valid base64 (its length, ${s.length}, is not a multiple of 4)`);
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  return s.length === 0 ? 0 : (s.length / 4) * 3 - pad;
}

/** Decodes `s`, whose decoded length `byteLength` has already been checked by the caller. */
function fromBase64(s: string, byteLength: number, name: string): Uint8Array {
  const bad = (at: number) => fail('BAD_MODEL_JSON', `${name}.base64 is not valid base64 (at character ${at})`);
  const pad = s.length / 4 * 3 - byteLength;
  const out = new Uint8Array(byteLength);
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    const last = i + 4 === s.length;
    const c0 = code(s, i), c1 = code(s, i + 1);
    const c2 = last && pad === 2 ? 0 : code(s, i + 2);
    const c3 = last && pad >= 1 ? 0 : code(s, i + 3);
    if ((c0 | c1 | c2 | c3) > 63) bad(i);
    const v = (c0 << 18) | (c1 << 12) | (c2 << 6) | c3;
    out[o++] = v >>> 16;
    if (o < out.length) out[o++] = (v >>> 8) & 255;
    if (o < out.length) out[o++] = v & 255;
  }
  return out;
}

function code(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c < 256 ? B64_CODES[c] : 255;
}
