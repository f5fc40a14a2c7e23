import { afterEach, describe, expect, it, vi } from 'vitest';
import { init } from '../src/index.js';

describe('init warns once when auto falls back to js for a reason the app can fix', () => {
  afterEach(() => vi.restoreAllMocks());

  it('stays silent with quiet, then warns once with the fix, and not again', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const missing = new URL('file:///nonexistent/simd.wasm');
    expect((await init({ wasm: missing, quiet: true })).backend).toBe('js');
    expect(warn).not.toHaveBeenCalled();
    expect((await init({ wasm: missing })).backend).toBe('js');
    expect((await init({ wasm: missing })).backend).toBe('js');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/fell back to the much slower 'js' backend because it could not load simd\.wasm.*To fix: .*init\(\{ quiet: true \}\)/);
  });

  it('says nothing when the app pins js, or when WASM loads', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await init({ wasm: new URL('file:///nonexistent/simd.wasm'), backend: 'js' });
    expect((await init({ wasm: new URL('../build/simd.wasm', import.meta.url) })).backend).toBe('wasm-simd');
    expect(warn).not.toHaveBeenCalled();
  });

  it('rejects a quiet that is not a boolean', async () => {
    await expect(init({ quiet: 'yes' as unknown as boolean })).rejects.toThrow(/quiet must be true or false/);
  });
});
