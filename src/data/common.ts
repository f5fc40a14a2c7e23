import { fail } from '../core/errors.js';
import { checkMatrix, type Matrix, type MatrixLike } from '../core/matrix.js';

/** Validates the X given to `transform` against what `fit` saw. */
export function checkFitted(X: MatrixLike, nFeatures: number | undefined, owner: string, allowNaN = false): Matrix {
  if (nFeatures === undefined) fail('NOT_FITTED', `${owner} is not fitted: call fit(X) before transform(X)`);
  const m = checkMatrix(X, { allowNaN });
  if (m.cols !== nFeatures) fail('SHAPE_MISMATCH', `${owner} was fitted on ${nFeatures} columns but X has ${m.cols}`);
  return m;
}

/** `obj[key]` if it is one of `allowed`, else BAD_MODEL_JSON. */
export function jsonEnum<T extends string | boolean>(obj: Record<string, unknown>, key: string, allowed: readonly T[], owner: string): T {
  const v = obj[key];
  if (!allowed.includes(v as T)) fail('BAD_MODEL_JSON', `${owner}.${key} must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${JSON.stringify(v)}`);
  return v as T;
}

/** `obj[key]` if it is a finite number, else BAD_MODEL_JSON. */
export function jsonNumber(obj: Record<string, unknown>, key: string, owner: string): number {
  const v = obj[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) fail('BAD_MODEL_JSON', `${owner}.${key} must be a finite number, got ${JSON.stringify(v)}`);
  return v;
}
