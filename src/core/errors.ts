/** Every failure the library reports on purpose carries one of these codes. */
export type ErrorCode =
  | 'SHAPE_MISMATCH' // X and y disagree, ragged rows, wrong number of features
  | 'NON_FINITE_INPUT' // NaN or Infinity where a finite number is required
  | 'BAD_LABEL' // a label that is not a class, too few or too many classes
  | 'EMPTY_INPUT' // no rows or no columns
  | 'BAD_OPTION' // an option outside its domain
  | 'NOT_INITIALIZED' // a model used before `await init()`
  | 'NOT_FITTED' // predict before fit
  | 'DISPOSED' // any call after dispose()
  | 'DIVERGED' // the loss or the weights became non-finite
  | 'UNSUPPORTED' // a feature this build or runtime does not offer
  | 'PARSE_ERROR' // malformed CSV
  | 'BAD_MODEL_JSON' // a saved model that fails validation
  | 'BUSY' // a model refit or disposed from inside its own training callback
  | 'OUT_OF_MEMORY' // more engine memory than the backend can hold (wasm32: 4 GiB): the request and the limit in bytes
  | 'ABORTED' // fitAsync cancelled by its AbortSignal (or by shutdown()) before training finished
  | 'INTERNAL'; // an invariant broke (a buffer used after free or on another engine): always a bug

/** The one error class of the library: `code` says what went wrong, `message` says where. */
export class WasmlearnError extends Error {
  /** What went wrong, as a stable code to branch on. */
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = 'WasmlearnError';
    this.code = code;
  }
}

export function fail(code: ErrorCode, message: string): never {
  throw new WasmlearnError(code, message);
}
