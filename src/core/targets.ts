import { fail } from './errors.js';
import { encodeClasses, type Label } from './labels.js';
import { checkMatrix, isMatrix, type Matrix, type MatrixLike } from './matrix.js';

/** What `fit` and `score` take as y: a label per row, or a 0/1 indicator matrix (multi-label). */
export type Targets = ArrayLike<Label> | MatrixLike;

export type EncodedTargets =
  | { kind: 'classes'; classes: Label[]; codes: Uint32Array }
  | { kind: 'indicators'; indicators: Matrix };

/** y as class labels, or as an n x k 0/1 indicator matrix (multi-label); checked against n rows. */
export function encodeTargets(y: Targets, rows: number): EncodedTargets {
  if (!y || (typeof (y as ArrayLike<unknown>).length !== 'number' && !isMatrix(y))) fail('SHAPE_MISMATCH', 'y must be labels or a 0/1 indicator matrix');
  const indicator = isMatrix(y) || (Array.isArray(y) && Array.isArray(y[0]));
  if (!indicator) {
    const labels = y as ArrayLike<Label>;
    if (labels.length !== rows) fail('SHAPE_MISMATCH', `X has ${rows} rows but y has ${labels.length} labels`);
    return { kind: 'classes', ...encodeClasses(labels) };
  }
  // Only 0 and 1 pass the check below, so the generic scan for NaN and Infinity is not needed.
  const m = checkMatrix(y as MatrixLike, { name: 'y', checkFinite: false });
  if (m.rows !== rows) fail('SHAPE_MISMATCH', `X has ${rows} rows but y has ${m.rows}`);
  const data = m.data;
  for (let k = 0; k < data.length; k++) {
    const v = data[k];
    if (v !== 0 && v !== 1) {
      const i = Math.floor(k / m.cols);
      fail('BAD_LABEL', `y[${i}][${k - i * m.cols}] is ${v}; an indicator matrix holds only 0 and 1`);
    }
  }
  return { kind: 'indicators', indicators: m };
}

/** The 0/1 indicator matrix, refusing class labels. */
export function indicatorTargets(y: Targets, rows: number, model: string): Matrix {
  const t = encodeTargets(y, rows);
  if (t.kind !== 'indicators') fail('SHAPE_MISMATCH', `${model} takes y as an n x k 0/1 indicator matrix (number[][] or Matrix), not a list of labels`);
  return t.indicators;
}

/** Targets as an objective trains on them: class indices (softmax), or 0/1 rows (sigmoid outputs). */
export type TrainingTargets = { classes: Uint32Array } | { indicators: Matrix };
