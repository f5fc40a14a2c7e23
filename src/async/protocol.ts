// The messages between fitAsync on the calling thread and its worker, and the control block they
// share where SharedArrayBuffer exists. One fit per message exchange: the data crosses once, in
// the 'fit' message; then only epoch logs, one integer answer per epoch, and the result.
import { WasmlearnError, type ErrorCode } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';

/** The int32 slots of the control block. */
export const ANSWER = 0;
export const ABORT = 1;
/** Values of the ANSWER slot: the worker waits while it holds PENDING. */
export const PENDING = 0;
export const CONTINUE = 1;
export const STOP = 2;

/** What a worker needs to run one fit exactly as the caller's `fit` would. */
export interface FitJob {
  /** The estimator's class name: LogisticRegression, MLPClassifier, MultiLabelClassifier. */
  model: string;
  /** Its hyperparameters, with `backend` resolved to the caller's engine (never 'auto'). */
  options: Record<string, unknown>;
  /** The caller's fitted model (its toJSON) when warmStart may continue from it; null otherwise. */
  warm: unknown;
  /** X as checked on the calling thread: a typed array the message transfers. */
  X: Matrix;
  y: unknown;
  /** fit's options without the callbacks, which stay on the calling thread. */
  fitOptions: Record<string, unknown>;
  /** Which callbacks the caller has: the worker posts only those logs. */
  onEpochEnd: boolean;
  onBatchEnd: boolean;
  /** The caller's threads (init's decision): the worker trains with the same. */
  threads: JobThreads;
}

/** What init decided on the calling thread: the mode and thread count, which the worker follows. */
export interface JobThreads {
  mode: 'shared' | 'message' | 'none';
  count: number;
  /** The row blocks X's rows make: message passing uses no more shards than blocks. */
  blocks: number;
}

/** Caller to worker. `control` is an Int32Array over a SharedArrayBuffer, or null where there is none. */
export interface FitRequest {
  type: 'fit';
  job: FitJob;
  control: Int32Array | null;
  /** One port per shard worker, for message-passing threads; empty otherwise. */
  shards: MessagePort[];
}

/** Engine bytes in use in the worker before the fit and after it (the model freed). */
export interface WorkerMemory {
  before: number;
  after: number;
}

/**
 * What a fit on message-passing threads spent moving data: the rows' load into the shards, and
 * the medians, over its gradients, of each gradient's wall time and of the slowest shard's compute
 * in it (the rest is the exchange: the parameters out, the partials back, their sum).
 */
export interface ExchangeCost {
  shards: number;
  loadMs: number;
  gradients: number;
  gradientMs: number;
  computeMs: number;
}

/** Worker to caller. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'epoch'; log: unknown }
  | { type: 'batch'; log: unknown }
  | { type: 'done'; parameters: Float64Array; solved: unknown; memory: WorkerMemory; exchange: ExchangeCost | null }
  | { type: 'error'; error: SentError; memory: WorkerMemory | null };

/** An error as it crosses: a WasmlearnError keeps its code and message, anything else its name and message. */
export interface SentError {
  code: ErrorCode | null;
  name: string;
  message: string;
}

export function sendError(e: unknown): SentError {
  if (e instanceof WasmlearnError) return { code: e.code, name: e.name, message: e.message.slice(e.code.length + 2) };
  if (e instanceof Error) return { code: null, name: e.name, message: e.message };
  return { code: null, name: 'Error', message: String(e) };
}

/** The same error on this side: a WasmlearnError with fit's code and message, or an Error of the same name. */
export function receiveError(sent: SentError): Error {
  if (sent.code) return new WasmlearnError(sent.code, sent.message);
  const e = new Error(sent.message);
  e.name = sent.name;
  return e;
}
