import { fail } from './core/errors.js';
import { checkMatrix, isMatrix, type Matrix } from './core/matrix.js';
import { describe, strictOptions } from './core/options.js';

/** A value in a message: numbers as JavaScript prints them (describe's JSON prints Infinity as null). */
const shown = (v: unknown): string => (typeof v === 'number' ? String(v) : describe(v));
import { subsetAccuracy } from './core/predictions.js';
import { classIndex, show, sortLabels, uniqueSorted, type Label } from './core/labels.js';

// Every metric checks its arguments before it counts anything: labels are numbers (not NaN),
// booleans or strings in an array or typed array; options are strict (an unknown key is
// BAD_OPTION naming the closest known one); no value reaches a message unprinted (shown).

/** Class labels, one per row. */
export type Labels = ArrayLike<Label>;
/** Multi-label targets: a 0/1 indicator table, rows x labels. */
export type Indicators = Matrix | number[][];

/** The fraction of rows predicted right; for 0/1 indicator matrices, of rows right in every column. */
export function accuracy(yTrue: Labels | Indicators, yPred: Labels | Indicators): number {
  if (isIndicators(yTrue) || isIndicators(yPred)) {
    const t = indicatorArg(yTrue, 'yTrue');
    const p = indicatorArg(yPred, 'yPred');
    if (t.rows !== p.rows || t.cols !== p.cols) fail('SHAPE_MISMATCH', `yTrue is ${t.rows} x ${t.cols} but yPred is ${p.rows} x ${p.cols}`);
    return subsetAccuracy(p, t);
  }
  const n = checkPair(yTrue as Labels, yPred as Labels);
  let right = 0;
  for (let i = 0; i < n; i++) if (yTrue[i] === yPred[i]) right++;
  return right / n;
}

/** logLoss's options (scikit-learn's log_loss). */
export interface LogLossOptions {
  /**
   * All classes, sorted like the columns of proba; needed when yTrue lacks some.
   * @default undefined (the classes of yTrue)
   */
  labels?: readonly Label[];
  /**
   * Probabilities are clipped to [eps, 1 - eps]. Default: float64 machine epsilon.
   * @default Number.EPSILON
   */
  eps?: number;
  /**
   * true (default): the mean loss per row (weighted by sampleWeight); false: the sum (of the weighted losses).
   * @default true
   */
  normalize?: boolean;
  /**
   * A weight per row (finite, >= 0): the mean becomes sum(w l) / sum(w), the sum sum(w l).
   * @default undefined (all 1)
   */
  sampleWeight?: ArrayLike<number>;
}

/**
 * Cross-entropy, as scikit-learn's log_loss: the mean over rows (or with `normalize: false` the
 * sum), weighted by `sampleWeight`. `proba` is rows x classes (columns in sorted class order), or
 * for two classes P(second class) per row. Clipped to [eps, 1 - eps] and each row renormalised,
 * so a confident wrong answer costs -log(eps), never Infinity.
 */
export function logLoss(yTrue: Labels, proba: Matrix | number[][] | ArrayLike<number>, opts: LogLossOptions = {}): number {
  const o = strictOptions('logLoss', opts, ['labels', 'eps', 'normalize', 'sampleWeight']);
  const eps = o.eps === undefined ? Number.EPSILON : o.eps;
  if (typeof eps !== 'number' || !(eps > 0 && eps < 0.5)) fail('BAD_OPTION', `eps must be a number in (0, 0.5); got ${shown(eps)}`);
  const normalize = o.normalize === undefined ? true : o.normalize;
  if (typeof normalize !== 'boolean') fail('BAD_OPTION', `normalize must be true or false; got ${shown(normalize)}`);
  labelsArg(yTrue, 'yTrue');
  const weights = o.sampleWeight === undefined ? null : sampleWeightArg(o.sampleWeight, yTrue.length, normalize);
  const classes = classesOf(yTrue, labelsOption(o.labels));
  if (classes.length < 2) fail('BAD_LABEL', `yTrue has only the class ${show(classes[0])}; pass labels with every class`);
  const P = probaMatrix(proba, classes.length);
  if (P.rows !== yTrue.length) fail('SHAPE_MISMATCH', `yTrue has ${yTrue.length} labels but proba has ${P.rows} rows`);
  const index = classIndex(classes);
  const K = P.cols;
  let total = 0;
  let totalWeight = 0;
  for (let i = 0; i < P.rows; i++) {
    const w = weights ? weights[i] : 1;
    totalWeight += w;
    const c = index.get(yTrue[i]);
    if (c === undefined) fail('BAD_LABEL', `yTrue[${i}] = ${show(yTrue[i])} is not one of the labels ${classes.map(show).join(', ')}`);
    let sum = 0;
    let pc = 0;
    for (let k = 0; k < K; k++) {
      const p = Math.min(Math.max(P.data[i * K + k], eps), 1 - eps);
      sum += p;
      if (k === c) pc = p;
    }
    total -= w * Math.log(pc / sum);
  }
  return normalize ? total / totalWeight : total;
}

/** Sample weights: one finite number >= 0 per row; not all zero when they divide (normalize). */
function sampleWeightArg(sw: unknown, rows: number, normalize: boolean): Float64Array {
  if (!isLabelArray(sw)) fail('BAD_OPTION', `sampleWeight must be an array of numbers, one per row; got ${shown(sw)}`);
  if (sw.length !== rows) fail('SHAPE_MISMATCH', `sampleWeight has ${sw.length} values but yTrue has ${rows} labels`);
  const out = new Float64Array(rows);
  let total = 0;
  for (let i = 0; i < rows; i++) {
    const v = sw[i];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail('BAD_OPTION', `sampleWeight[${i}] is ${shown(v)}; weights must be finite numbers >= 0`);
    out[i] = v;
    total += v;
  }
  if (normalize && !(total > 0)) fail('BAD_OPTION', 'sampleWeight sums to 0: the weighted mean is undefined (pass normalize: false for the sum)');
  return out;
}

/** confusionMatrix's options. */
export interface ConfusionMatrixOptions {
  /**
   * The classes to count, in this order; rows with other labels are left out.
   * @default undefined (every label of yTrue and yPred, sorted)
   */
  labels?: readonly Label[];
}

/** Counts: `matrix[i][j]` is how many rows of true class `labels[i]` were predicted `labels[j]`. */
export function confusionMatrix(yTrue: Labels, yPred: Labels, opts: ConfusionMatrixOptions = {}): {
  /** The classes, in the order of the rows and columns. */
  labels: Label[];
  /** classes x classes counts. */
  matrix: number[][];
} {
  const o = strictOptions('confusionMatrix', opts, ['labels']);
  const n = checkPair(yTrue, yPred);
  const labels = labelsOption(o.labels) ?? unionLabels(yTrue, yPred);
  const index = classIndex(labels);
  const matrix = labels.map(() => new Array<number>(labels.length).fill(0));
  for (let i = 0; i < n; i++) {
    const t = index.get(yTrue[i]);
    const p = index.get(yPred[i]);
    if (t !== undefined && p !== undefined) matrix[t][p]++;
  }
  return { labels, matrix };
}

/**
 * How per-class scores combine: 'binary' (the positive class only), 'macro' (unweighted mean),
 * 'micro' (global counts) or 'weighted' (mean weighted by support).
 */
export type Average = 'binary' | 'macro' | 'micro' | 'weighted';

/** precisionRecallF1's options (scikit-learn's precision_recall_fscore_support). */
export interface PrecisionRecallOptions {
  /**
   * How the per-class scores combine.
   * @default 'binary'
   */
  average?: Average;
  /**
   * The positive class for average 'binary'. Default 1, or true for boolean labels.
   * @default 1 (true for boolean labels)
   */
  posLabel?: Label;
  /**
   * The classes averaged over.
   * @default undefined (every label of yTrue and yPred)
   */
  labels?: readonly Label[];
}

/** Precision, recall, F1 and support, each in [0, 1] except support. */
export interface PrecisionRecallF1 {
  /** tp / (tp + fp). */
  precision: number;
  /** tp / (tp + fn). */
  recall: number;
  /** The harmonic mean of precision and recall. */
  f1: number;
  /** Rows whose true label is among the classes averaged over. */
  support: number;
}

/** Precision, recall and F1; a ratio with a zero denominator counts as 0 (zero_division=0). */
export function precisionRecallF1(yTrue: Labels, yPred: Labels, opts: PrecisionRecallOptions = {}): PrecisionRecallF1 {
  const o = strictOptions('precisionRecallF1', opts, ['average', 'posLabel', 'labels']);
  const average = o.average === undefined ? 'binary' : oneOf('average', o.average, ['binary', 'macro', 'micro', 'weighted'] as const);
  const n = checkPair(yTrue, yPred);
  const present = unionLabels(yTrue, yPred);
  let labels = labelsOption(o.labels) ?? present;
  if (average === 'binary') {
    if (present.length > 2) fail('BAD_LABEL', `average 'binary' needs at most two classes, got ${present.length}; use 'macro', 'micro' or 'weighted'`);
    if (o.posLabel !== undefined) labelOption('posLabel', o.posLabel);
    const pos = (o.posLabel as Label | undefined) ?? (typeof present[0] === 'boolean' ? true : 1);
    if (present.length === 2 && !present.includes(pos)) fail('BAD_LABEL', `posLabel ${show(pos)} is not one of the labels ${present.map(show).join(', ')}; pass posLabel`);
    labels = [pos];
  }
  const s = perClass(yTrue, yPred, n, labels);
  const support = s.reduce((a, c) => a + c.support, 0);
  if (average === 'micro') {
    const tp = s.reduce((a, c) => a + c.tp, 0);
    const fp = s.reduce((a, c) => a + c.fp, 0);
    const fn = s.reduce((a, c) => a + c.fn, 0);
    return { precision: ratio(tp, tp + fp), recall: ratio(tp, tp + fn), f1: ratio(2 * tp, 2 * tp + fp + fn), support };
  }
  const weights = s.map((c) => (average === 'weighted' ? c.support : 1));
  const wsum = weights.reduce((a, b) => a + b, 0);
  const mean = (f: (c: ClassStats) => number) => ratio(s.reduce((a, c, k) => a + weights[k] * f(c), 0), wsum);
  return { precision: mean((c) => c.precision), recall: mean((c) => c.recall), f1: mean((c) => c.f1), support };
}

/** rocAuc's options (scikit-learn's roc_auc_score). */
export interface RocAucOptions {
  /**
   * Only one-vs-rest: each class against the others, then the unweighted mean.
   * @default 'ovr'
   */
  multiClass?: 'ovr';
  /**
   * The classes, in the order of the columns of scores.
   * @default undefined (the classes of yTrue, sorted)
   */
  labels?: readonly Label[];
}

/**
 * Area under the ROC curve, ties counted as half (average ranks). Binary: `scores` is the score
 * of the second class per row (or a matrix whose last column is). More classes: a rows x classes
 * matrix, averaged one-vs-rest.
 */
export function rocAuc(yTrue: Labels, scores: Matrix | number[][] | ArrayLike<number>, opts: RocAucOptions = {}): number {
  const o = strictOptions('rocAuc', opts, ['multiClass', 'labels']);
  if (o.multiClass !== undefined) oneOf('multiClass', o.multiClass, ['ovr'] as const);
  labelsArg(yTrue, 'yTrue');
  const classes = classesOf(yTrue, labelsOption(o.labels));
  if (classes.length < 2) fail('BAD_LABEL', `yTrue has only the class ${show(classes[0])}; ROC AUC needs both positives and negatives`);
  const S = scoreMatrix(scores, 'scores');
  if (S.rows !== yTrue.length) fail('SHAPE_MISMATCH', `yTrue has ${yTrue.length} labels but scores has ${S.rows} rows`);
  const index = classIndex(classes);
  const cls = Int32Array.from({ length: S.rows }, (_, i) => {
    const c = index.get(yTrue[i]);
    if (c === undefined) fail('BAD_LABEL', `yTrue[${i}] = ${show(yTrue[i])} is not one of the labels ${classes.map(show).join(', ')}`);
    return c;
  });
  if (classes.length === 2) {
    if (S.cols > 2) fail('SHAPE_MISMATCH', `two classes but scores has ${S.cols} columns`);
    return binaryAuc(cls, 1, column(S, S.cols - 1));
  }
  if (S.cols !== classes.length) fail('SHAPE_MISMATCH', `${classes.length} classes need a scores matrix with ${classes.length} columns, got ${S.cols}`);
  let sum = 0;
  for (let c = 0; c < classes.length; c++) sum += binaryAuc(cls, c, column(S, c));
  return sum / classes.length;
}

/** classificationReport's options. */
export interface ReportOptions {
  /**
   * Decimal places of the scores.
   * @default 2
   */
  digits?: number;
  /**
   * The classes to report on, in this order.
   * @default undefined (every label of yTrue and yPred)
   */
  labels?: readonly Label[];
}

/** A text table of precision, recall, F1 and support per class and averaged, laid out like scikit-learn's. */
export function classificationReport(yTrue: Labels, yPred: Labels, opts: ReportOptions = {}): string {
  const o = strictOptions('classificationReport', opts, ['digits', 'labels']);
  const digits = o.digits === undefined ? 2 : o.digits;
  // toFixed takes 0 to 100 digits; anything else would be a RangeError out of the formatting.
  if (typeof digits !== 'number' || !Number.isInteger(digits) || digits < 0 || digits > 100) {
    fail('BAD_OPTION', `digits must be an integer from 0 to 100; got ${shown(digits)}`);
  }
  const n = checkPair(yTrue, yPred);
  const present = unionLabels(yTrue, yPred);
  const labels = labelsOption(o.labels) ?? present;
  const s = perClass(yTrue, yPred, n, labels);
  const names = labels.map(String);
  const width = Math.max(...names.map((x) => x.length), 'weighted avg'.length, digits);
  const num = (v: number) => v.toFixed(digits).padStart(9);
  const row = (name: string, p: number, r: number, f: number, sup: number) => `${name.padStart(width)}  ${num(p)} ${num(r)} ${num(f)} ${String(sup).padStart(9)}\n`;
  let out = `${''.padStart(width)}  ${['precision', 'recall', 'f1-score', 'support'].map((h) => h.padStart(9)).join(' ')}\n\n`;
  s.forEach((c, k) => (out += row(names[k], c.precision, c.recall, c.f1, c.support)));
  out += '\n';
  const avg = (average: Average) => precisionRecallF1(yTrue, yPred, { average, labels });
  const micro = avg('micro');
  // Micro-averaged F1 is the accuracy when every class is reported; scikit-learn then says so.
  if (present.every((l) => labels.includes(l))) out += `${'accuracy'.padStart(width)}  ${''.padStart(9)} ${''.padStart(9)} ${num(micro.f1)} ${String(micro.support).padStart(9)}\n`;
  else out += row('micro avg', micro.precision, micro.recall, micro.f1, micro.support);
  for (const [name, a] of [['macro avg', avg('macro')], ['weighted avg', avg('weighted')]] as const) out += row(name, a.precision, a.recall, a.f1, a.support);
  return out;
}

interface ClassStats {
  tp: number;
  fp: number;
  fn: number;
  support: number;
  precision: number;
  recall: number;
  f1: number;
}

function perClass(yTrue: Labels, yPred: Labels, n: number, labels: readonly Label[]): ClassStats[] {
  const index = classIndex(labels);
  const tp = new Float64Array(labels.length);
  const predicted = new Float64Array(labels.length);
  const actual = new Float64Array(labels.length);
  for (let i = 0; i < n; i++) {
    const t = index.get(yTrue[i]);
    const p = index.get(yPred[i]);
    if (t !== undefined) actual[t]++;
    if (p !== undefined) predicted[p]++;
    if (t !== undefined && t === p) tp[t]++;
  }
  return labels.map((_, k) => {
    const fp = predicted[k] - tp[k];
    const fn = actual[k] - tp[k];
    return { tp: tp[k], fp, fn, support: actual[k], precision: ratio(tp[k], predicted[k]), recall: ratio(tp[k], actual[k]), f1: ratio(2 * tp[k], 2 * tp[k] + fp + fn) };
  });
}

/** Mann-Whitney U over average ranks: the probability a positive outscores a negative, ties half. */
function binaryAuc(cls: Int32Array, positive: number, s: Float64Array): number {
  const n = s.length;
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => s[a] - s[b]);
  let nPos = 0;
  let rankSum = 0;
  for (let start = 0; start < n; ) {
    let end = start;
    let pos = 0;
    while (end < n && s[order[end]] === s[order[start]]) if (cls[order[end++]] === positive) pos++;
    rankSum += (pos * (start + 1 + end)) / 2; // ranks start+1 .. end share their mean
    nPos += pos;
    start = end;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) fail('BAD_LABEL', 'ROC AUC needs at least one positive and one negative row for every class');
  return (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

function checkPair(yTrue: Labels, yPred: Labels): number {
  labelsArg(yTrue, 'yTrue');
  labelsArg(yPred, 'yPred');
  if (yTrue.length !== yPred.length) fail('SHAPE_MISMATCH', `yTrue has ${yTrue.length} labels but yPred has ${yPred.length}`);
  if (yTrue.length === 0) fail('EMPTY_INPUT', 'yTrue and yPred are empty');
  return yTrue.length;
}

function classesOf(yTrue: Labels, labels: Label[] | undefined): Label[] {
  if (yTrue.length === 0) fail('EMPTY_INPUT', 'yTrue is empty');
  return labels ?? uniqueSorted(yTrue, 'yTrue');
}

function unionLabels(a: Labels, b: Labels): Label[] {
  const all: Label[] = Array.from(a);
  for (let i = 0; i < b.length; i++) all.push(b[i]);
  return uniqueSorted(all, 'yTrue and yPred');
}

/** The labels option: undefined, or valid, distinct labels of one kind, sorted like the classes a model reports. */
function labelsOption(labels: unknown): Label[] | undefined {
  if (labels === undefined) return undefined;
  if (!isLabelArray(labels) || labels.length === 0) fail('BAD_OPTION', `labels must be a non-empty array of labels; got ${shown(labels)}`);
  const checked = Array.from(labels as ArrayLike<unknown>, (l, i) => labelAt(l, i, 'labels'));
  if (new Set(checked).size !== checked.length) fail('BAD_OPTION', 'labels has duplicates');
  return sortLabels(checked, 'labels');
}

/** One label given as an option (posLabel). */
function labelOption(name: string, v: unknown): Label {
  if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && v === v)) return v;
  return fail('BAD_OPTION', `${name} must be a label (a number, boolean or string); got ${shown(v)}`);
}

function oneOf<T extends string>(name: string, v: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(v as T)) fail('BAD_OPTION', `${name} must be ${allowed.map((a) => `'${a}'`).join(', ')}; got ${shown(v)}`);
  return v as T;
}

/** An array or a typed array of numbers (a string is not an array of labels). */
function isLabelArray(v: unknown): v is ArrayLike<unknown> {
  return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView) && !(v instanceof BigInt64Array) && !(v instanceof BigUint64Array));
}

/** y as labels: an array of numbers (not NaN), booleans or strings, not empty. */
function labelsArg(y: unknown, name: string): Labels {
  if (!isLabelArray(y)) fail('BAD_LABEL', `${name} must be an array of labels; got ${shown(y)}`);
  if (y.length === 0) fail('EMPTY_INPUT', `${name} is empty`);
  for (let i = 0; i < y.length; i++) labelAt(y[i], i, name);
  return y as Labels;
}

/** checkLabel, printing any value (core's show cannot print an object without a prototype). */
function labelAt(v: unknown, i: number, name: string): Label {
  if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && v === v)) return v;
  return fail('BAD_LABEL', `${name}[${i}] is ${shown(v)}; labels must be numbers (not NaN), booleans or strings`);
}

/** A 0/1 indicator matrix (or any matrix): number[][] or a Matrix, checked. */
function indicatorArg(y: unknown, name: string): Matrix {
  if (!isIndicators(y)) fail('SHAPE_MISMATCH', `${name} must be an indicator matrix like the other; got ${shown(y)}`);
  if (isMatrix(y) && (typeof y.rows !== 'number' || typeof y.cols !== 'number')) fail('SHAPE_MISMATCH', `${name} has rows ${shown(y.rows)} and cols ${shown(y.cols)}`);
  return checkMatrix(y, { name });
}

function probaMatrix(proba: Matrix | number[][] | ArrayLike<number>, classes: number): Matrix {
  const P = scoreMatrix(proba, 'proba');
  if (P.cols === 1 && classes === 2) {
    const two = new Float64Array(P.rows * 2);
    for (let i = 0; i < P.rows; i++) {
      two[2 * i] = 1 - P.data[i];
      two[2 * i + 1] = P.data[i];
    }
    return { data: two, rows: P.rows, cols: 2 };
  }
  if (P.cols !== classes) fail('SHAPE_MISMATCH', `proba has ${P.cols} columns for ${classes} classes`);
  return P;
}

/** Scores as a matrix; a flat array becomes one column. */
function scoreMatrix(x: Matrix | number[][] | ArrayLike<number>, name: string): Matrix {
  if (isIndicators(x)) return indicatorArg(x, name);
  if (!isLabelArray(x)) fail('SHAPE_MISMATCH', `${name} must be numbers (one per row) or a matrix (number[][] or a Matrix); got ${shown(x)}`);
  const a = x as ArrayLike<unknown>;
  const data = Float64Array.from({ length: a.length }, (_, i) => {
    const v = a[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) fail('NON_FINITE_INPUT', `${name}[${i}] is ${shown(v)}, not a finite number`);
    return v;
  });
  return { data, rows: data.length, cols: 1 };
}

function column(m: Matrix, j: number): Float64Array {
  return Float64Array.from({ length: m.rows }, (_, i) => m.data[i * m.cols + j]);
}

function isIndicators(x: unknown): x is Indicators {
  return isMatrix(x) || (Array.isArray(x) && x.length > 0 && typeof x[0] === 'object' && x[0] !== null);
}

function ratio(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}
