// The model file the command line writes: a saved Pipeline (loadable with pipelineFromJSON) plus
// the columns it reads, so that `predict` picks the same columns from a new file.
import { open } from 'node:fs/promises';
// From the index, so that every model and transformer has registered its loader.
import { pipelineFromJSON, type ModelJson, type Pipeline } from '../index.js';
import { CSV_LIMITS } from '../data/csv-limits.js';
import { fileStep, oneLine, showPath, usage } from './errors.js';

export interface SavedInput {
  header: boolean;
  /** The feature columns in the model's order: header names, or 1-based numbers as text. */
  features: string[];
  /** The label column, or a multi-label model's 0/1 columns. */
  targets: string[];
}

/** The largest model file `predict` reads: far above any model wasm32 can hold, well below what JSON.parse can. */
export const MAX_MODEL_FILE_BYTES = 256 * 2 ** 20;

export function modelFile(pipeline: Pipeline, input: SavedInput): ModelJson {
  return { ...pipeline.toJSON(), input };
}

/**
 * Reads a model file: its size is checked before it is read, its JSON parsed, its columns
 * checked, then the pipeline rebuilt by the library, which checks every size against its arrays
 * before allocating. Any fault is one line (a usage error or BAD_MODEL_JSON), never an abort.
 */
export async function readModelFile(path: string): Promise<{ pipeline: Pipeline; input: SavedInput }> {
  const text = await readText(path);
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    if (e instanceof SyntaxError || e instanceof RangeError) usage(`${showPath(path)} is not JSON: ${oneLine(e.message).slice(0, 200)}`);
    throw e;
  }
  const input = typeof obj === 'object' && obj !== null && !Array.isArray(obj) ? (obj as { input?: unknown }).input : undefined;
  if (!validInput(input)) usage(`${showPath(path)} is not a model saved by 'wasmlearn train --out' (it has no valid "input" columns)`);
  return { pipeline: pipelineFromJSON(obj), input };
}

function validInput(input: unknown): input is SavedInput {
  if (typeof input !== 'object' || input === null) return false;
  const { header, features, targets } = input as Record<string, unknown>;
  const names = (a: unknown) => Array.isArray(a) && a.length > 0 && a.length <= CSV_LIMITS.fields && a.every((f) => typeof f === 'string' && f.length <= CSV_LIMITS.cellBytes);
  return typeof header === 'boolean' && names(features) && names(targets);
}

async function readText(path: string): Promise<string> {
  const fh = await fileStep('open', path, () => open(path, 'r'));
  try {
    const stat = await fileStep('read', path, () => fh.stat());
    if (stat.isDirectory()) usage(`cannot open ${showPath(path)}: it is a directory`);
    if (stat.size > MAX_MODEL_FILE_BYTES) usage(`${showPath(path)} holds ${stat.size} bytes; a model file is at most ${MAX_MODEL_FILE_BYTES} bytes`);
    // Read in chunks up to the limit: a device or pipe reports size 0 and may never end.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.alloc(1 << 20);
      const { bytesRead } = await fileStep('read', path, () => fh.read(buf, 0, buf.length, null));
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > MAX_MODEL_FILE_BYTES) usage(`${showPath(path)} holds more than ${MAX_MODEL_FILE_BYTES} bytes; a model file is at most that`);
      chunks.push(buf.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } finally {
    await fh.close().catch(() => undefined);
  }
}
