import type { Surface } from '../surface.js';
import { cli } from './cli.js';
import { csv } from './csv.js';
import { inputs } from './inputs.js';
import { json } from './json.js';
import { layers } from './layers.js';
import { metrics } from './metrics.js';
import { options } from './options.js';
import { transformers } from './transformers.js';

/** Every surface, in the order reports list them. */
export const SURFACES: Record<string, Surface<never>> = {
  options, inputs, layers, metrics, transformers, json, csv, cli,
} as unknown as Record<string, Surface<never>>;

export const SURFACE_NAMES = Object.keys(SURFACES);
