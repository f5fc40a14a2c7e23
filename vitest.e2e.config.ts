import { defineConfig } from 'vitest/config';

// The suites that start other runtimes (Deno, Chromium) over the built package and demo. They run
// after the unit suites and one file at a time: the browser suite times the page's responsiveness
// and wants the two cores to itself.
const nodeMajor = Number(process.versions.node.split('.')[0]);

export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    fileParallelism: false,
    execArgv: nodeMajor < 22 ? ['--experimental-wasm-relaxed-simd'] : [],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
