import type { Surface } from '../surface.js';
import { cli } from './cli.js';
import { csv } from './csv.js';
import { inputs } from './inputs.js';
import { json } from './json.js';
import { layers } from './layers.js';
import { metrics } from './metrics.js';
import { options } from './options.js';
import { selftest, selftestCrash, selftestHang } from './selftest.js';
import { transformers } from './transformers.js';

/** Every surface of the library, in the order reports list them. */
const LIBRARY = { options, inputs, layers, metrics, transformers, json, csv, cli };

export const SURFACE_NAMES = Object.keys(LIBRARY);

/** The library's surfaces, and the harness's own that misbehave on purpose (test/hostile/harness.test.ts). */
export const SURFACES: Record<string, Surface<never>> = {
  ...LIBRARY, selftest, 'selftest-hang': selftestHang, 'selftest-crash': selftestCrash,
} as unknown as Record<string, Surface<never>>;
