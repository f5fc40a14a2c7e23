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
