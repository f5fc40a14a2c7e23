// No untyped exception leaves a kernel call: a WASM trap (RuntimeError), an abort from the kernel,
// a stack overflow or a bug in a twin becomes an INTERNAL WasmlearnError naming the operation.
import { WasmlearnError } from '../core/errors.js';

/** e as a WasmlearnError: itself when it is one, otherwise INTERNAL naming `what`, with e as its cause. */
export function internalError(what: string, e: unknown): WasmlearnError {
  if (e instanceof WasmlearnError) return e;
  const why = e instanceof Error ? `${e.name}: ${e.message}` : typeof e === 'symbol' ? e.toString() : String(e);
  const error = new WasmlearnError('INTERNAL', `${what} failed (${why}): an engine invariant broke; this is a bug in wasmlearn`);
  Object.defineProperty(error, 'cause', { value: e, configurable: true, writable: true });
  return error;
}

/** fn, with every exception it throws passed through internalError; its `length` is kept. */
export function guarded<F extends (...args: never[]) => unknown>(what: string, fn: F): F {
  const wrapper = function (this: unknown, ...args: Parameters<F>): ReturnType<F> {
    try {
      return fn.apply(this, args) as ReturnType<F>;
    } catch (e) {
      throw internalError(what, e);
    }
  };
  Object.defineProperty(wrapper, 'length', { value: fn.length });
  Object.defineProperty(wrapper, 'name', { value: fn.name });
  return wrapper as unknown as F;
}
