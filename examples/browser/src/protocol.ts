// The messages between the page and its training workers.
import type { BackendName, InitInfo } from 'wasmlearn';

export type DatasetSpec =
  | { kind: 'moons' | 'circles' | 'blobs'; n: number; noise: number; seed: number }
  /** target: a header name or a 1-based column number; empty for the last column. */
  | { kind: 'csv'; file: File; target: string };

export interface ModelSpec {
  model: 'logistic' | 'mlp';
  /** logistic: lbfgs, gd, sgd; mlp: adam, sgd, lbfgs. */
  solver: string;
  maxIter: number;
  /** logistic: learningRate; mlp: learningRateInit. */
  learningRate: number;
  batchSize: number;
  /** Polynomial features of 2-D data up to this degree (1: the plain x and y). */
  degree: number;
  /** mlp: the hidden layer widths and their activation. */
  hidden: number[];
  activation: 'relu' | 'tanh' | 'logistic' | 'identity';
  /** Train every epoch instead of stopping when the loss stalls. */
  allEpochs: boolean;
  seed: number;
}

export interface TrainRequest {
  type: 'train';
  dataset: DatasetSpec;
  model: ModelSpec;
  backend: 'auto' | BackendName;
}

export interface EpochPoint {
  epoch: number;
  loss: number;
  ms: number;
}

/** What the page shows of the data: up to a few thousand 2-D points, each with its class index. */
export interface DataSummary {
  type: 'data';
  rows: number;
  features: number;
  classes: string[];
  nTrain: number;
  nTest: number;
  /** x, y pairs (2-D data only) and class indices of a sample of the rows. */
  points: Float32Array | null;
  labels: Uint8Array;
  /** [xMin, xMax, yMin, yMax] of the plot, padded around the data. */
  bounds: [number, number, number, number] | null;
}

export interface TrainResult {
  type: 'done';
  backend: BackendName;
  epochs: number;
  fitMs: number;
  msPerEpoch: number;
  accuracy: number;
  logLoss: number;
  stopReason: string;
  /** P(the last class) on a GRID x GRID lattice over `bounds`, row by row from the top. */
  grid: Float32Array | null;
}

export type FromWorker =
  | ({ type: 'ready' } & InitInfo)
  | DataSummary
  | { type: 'epochs'; points: EpochPoint[] }
  | TrainResult
  | { type: 'error'; message: string };

export const GRID = 100;
