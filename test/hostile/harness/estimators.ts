// The estimators as the surfaces drive them: construction, and the checks on a fitted model's
// outputs (probabilities, labels among its classes, predict agreeing with predictProba).
import * as W from '../../../src/index.js';
import { argmaxRow, finite, indicatorsOut, labelsOut, matrixOut, probabilities, sortedDistinct, type MatrixOut } from './checks.js';
import type { Ctx } from './outcome.js';

export type EstName = 'LogisticRegression' | 'MultiLabelClassifier' | 'MLPClassifier';
export const EST_NAMES: readonly EstName[] = ['LogisticRegression', 'MultiLabelClassifier', 'MLPClassifier'];

type Label = number | string | boolean;

/** What the surfaces call on a model; every method may be missing or throw. */
export interface Model {
  fit(X: unknown, y: unknown, opts?: unknown): unknown;
  partialFit(X: unknown, y: unknown, opts?: unknown): unknown;
  predict(X: unknown): unknown;
  predictProba(X: unknown): unknown;
  decisionFunction?(X: unknown): unknown;
  predictLogProba?(X: unknown): unknown;
  score(X: unknown, y: unknown): unknown;
  toJSON(): unknown;
  dispose(): void;
  readonly classes?: unknown;
  readonly options?: unknown;
  getParams?(): unknown;
  setParams?(p: unknown): unknown;
}

export type ModelClass = { new (options?: unknown): Model; fromJSON(obj: unknown, opts?: unknown): Model };

export function estimatorClass(name: EstName): ModelClass {
  return (W as unknown as Record<EstName, ModelClass>)[name];
}

/** What a fitted model predicts: labels among classes, or k independent outputs. */
export type Task = { multi: false; classes: Label[] } | { multi: true; outputs: number };

/** The task a successful fit on y set up, read from the model (classes) or y's width. */
export function taskAfterFit(ctx: Ctx, name: EstName, model: Model, y: unknown): Task {
  const multi = name === 'MultiLabelClassifier' || (name === 'MLPClassifier' && isIndicatorLike(y));
  if (multi) {
    const width = Array.isArray(y) ? (y[0] as unknown[]).length : (y as { cols: number }).cols;
    return { multi: true, outputs: width };
  }
  const classes = ctx.call(`${name}.classes`, [], () => model.classes);
  const c = sortedDistinct(ctx, `${name}.classes`, classes);
  ctx.check(c.length >= 2, `${name}.fit`, () => `fitted a classifier with ${c.length} class(es)`);
  return { multi: false, classes: c };
}

function isIndicatorLike(y: unknown): boolean {
  if (Array.isArray(y)) return Array.isArray(y[0]) || ArrayBuffer.isView(y[0]);
  return typeof y === 'object' && y !== null && 'data' in y && 'rows' in y && 'cols' in y;
}

/**
 * Calls predictProba, predict, decisionFunction and predictLogProba on X (which must be valid for
 * the model, with `rows` rows) and checks each output, and their agreement.
 */
export function checkOutputs(ctx: Ctx, name: EstName, model: Model, X: unknown, rows: number, task: Task, dtype: unknown): void {
  const tol = dtype === 'float64' ? 1e-6 : 1e-3;
  const K = task.multi ? task.outputs : task.classes.length;
  const P = matrixOut(ctx, `${name}.predictProba`, ctx.call(`${name}.predictProba`, [X], () => model.predictProba(X)), rows, K);
  probabilities(ctx, `${name}.predictProba`, P, !task.multi, tol);
  const pred = ctx.call(`${name}.predict`, [X], () => model.predict(X));
  if (task.multi) {
    const M = indicatorsOut(ctx, `${name}.predict`, pred, rows, K);
    for (let i = 0; i < M.data.length; i++) {
      const p = P.data[i];
      if (Math.abs(p - 0.5) > 1e-6 && M.data[i] !== (p > 0.5 ? 1 : 0)) ctx.bad(`${name}.predict`, `predicts ${M.data[i]} where predictProba gives ${p}`);
    }
  } else {
    const labels = labelsOut(ctx, `${name}.predict`, pred, rows, task.classes);
    for (let i = 0; i < rows; i++) {
      const k = argmaxRow(P, i, 1e-6);
      if (k >= 0 && !Object.is(labels[i], task.classes[k]) && !(labels[i] === task.classes[k])) {
        ctx.bad(`${name}.predict`, `predicts ${String(labels[i])} for row ${i} where predictProba's largest column is ${String(task.classes[k])}`);
      }
    }
  }
  if (typeof model.decisionFunction === 'function') {
    const D = matrixOut(ctx, `${name}.decisionFunction`, ctx.call(`${name}.decisionFunction`, [X], () => model.decisionFunction!(X)), rows, null);
    finite(ctx, `${name}.decisionFunction`, D);
  }
  if (typeof model.predictLogProba === 'function') {
    const L = matrixOut(ctx, `${name}.predictLogProba`, ctx.call(`${name}.predictLogProba`, [X], () => model.predictLogProba!(X)), rows, K) as MatrixOut;
    const bad = L.data.findIndex((v) => Number.isNaN(v) || v > 1e-12);
    if (bad >= 0) ctx.bad(`${name}.predictLogProba`, `returned the log-probability ${L.data[bad]}`);
  }
}

/** Fitted parameters must be finite: a fit that returns has not diverged. */
export function checkParameters(ctx: Ctx, name: EstName, model: Model): void {
  const m = model as unknown as { getParameters?: () => Float64Array };
  if (typeof m.getParameters !== 'function') return;
  const p = ctx.call(`${name}.getParameters`, [], () => m.getParameters!());
  const bad = Array.from(p).findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) ctx.bad(`${name}.fit`, `returned with the parameter ${p[bad]} at index ${bad} (a fit that returns must leave finite weights)`);
}
