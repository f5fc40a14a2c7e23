import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Node 20 and 21 run relaxed SIMD only behind a flag; give it to the test workers so the
// 'wasm-relaxed' backend is tested too. Later Node versions have it on.
const nodeMajor = Number(process.versions.node.split('.')[0]);

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    execArgv: nodeMajor < 22 ? ['--experimental-wasm-relaxed-simd'] : [],
    testTimeout: 60_000,
    // Left to its default, Vitest 4.1 ran the files one at a time on CI's two cores: 6 minutes,
    // against 4 on both.
    maxWorkers: availableParallelism(),
  },
});
