export { init, backend, type InitOptions, type InitInfo, type BackendChoice, type BackendName } from './engine/index.js';
export { WasmlearnError, type ErrorCode } from './errors.js';
export type { Matrix, MatrixLike } from './matrix.js';
export { LogisticRegression, type LogisticRegressionOptions, type FitOptions, type EpochLog } from './models/logistic.js';
export type { Label } from './labels.js';
export * from './data/index.js';
export * from './metrics.js';
export { encodeArray, decodeArray, checkModelJson, registerLoader, loadFromJSON, type ModelJson, type EncodedArray } from './persist.js';
export { makeLogistic } from './data/synthetic.js';
