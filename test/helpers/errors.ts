import { expect } from 'vitest';
import { WasmlearnError } from '../../src/core/errors.js';

/** Runs fn and returns the WasmlearnError it throws, failing the test on anything else. */
export function caught(fn: () => unknown): WasmlearnError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(WasmlearnError);
    return e as WasmlearnError;
  }
  throw new Error('expected a WasmlearnError, but nothing was thrown');
}

/** The code of the WasmlearnError fn throws. */
export function codeOf(fn: () => unknown): string {
  return caught(fn).code;
}

/** The error p rejects with, failing the test unless it is a `Cls` (dist/'s WasmlearnError, for the tests of the built package). */
export async function rejected<E>(p: Promise<unknown>, Cls: abstract new (...args: never[]) => E): Promise<E> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(Cls);
    return e as E;
  }
  throw new Error('expected a rejection, but the promise resolved');
}
