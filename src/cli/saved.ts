// The model file the command line writes: a saved Pipeline (loadable with pipelineFromJSON) plus
// the columns it reads, so that `predict` picks the same columns from a new file.
import { readFile } from 'node:fs/promises';
// From the index, so that every model and transformer has registered its loader.
import { pipelineFromJSON, type ModelJson, type Pipeline } from '../index.js';
import { usage } from './errors.js';

export interface SavedInput {
  header: boolean;
  /** The feature columns in the model's order: header names, or 1-based numbers as text. */
  features: string[];
  /** The label column, or a multi-label model's 0/1 columns. */
  targets: string[];
}

export function modelFile(pipeline: Pipeline, input: SavedInput): ModelJson {
  return { ...pipeline.toJSON(), input };
}

export async function readModelFile(path: string): Promise<{ pipeline: Pipeline; input: SavedInput }> {
  let obj: { input?: Partial<SavedInput> };
  try {
    obj = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    if (e instanceof SyntaxError) usage(`${path} is not JSON: ${e.message}`);
    throw e;
  }
  const input = obj?.input;
  const names = (a: unknown) => Array.isArray(a) && a.length > 0 && a.every((f) => typeof f === 'string');
  const ok = input && typeof input.header === 'boolean' && names(input.features) && names(input.targets);
  if (!ok) usage(`${path} is not a model saved by 'wasmlearn train --out' (it has no valid "input" columns)`);
  return { pipeline: pipelineFromJSON(obj), input: input as SavedInput };
}
