export { init, backend, type InitOptions, type InitInfo, type BackendChoice, type BackendName } from './engine/index.js';
export { WasmlearnError, type ErrorCode } from './errors.js';
export type { Matrix, MatrixLike } from './matrix.js';
export { LogisticRegression, type LogisticRegressionOptions, type FitOptions, type EpochLog } from './models/logistic.js';
export type { Label } from './models/labels.js';
