// The formats that cross the WASM boundary, defined once. Both compilers read this file: tsc for
// the engine (src/engine/net.ts writes what the kernels read) and asc for the kernels
// (assembly/kernels/*.ts import '../../src/engine/formats'). So it holds only integer constants,
// the one kind of declaration that means the same in TypeScript and AssemblyScript.

// The network descriptor: u32 words. NET_HEADER_WORDS words for the whole network, then
// LAYER_WORDS words per layer l from NET_HEADER_WORDS + LAYER_WORDS * l.
/** Number of layers L. */
export const NET_LAYERS = 0;
/** The hidden layers' activation, an ACT_* kind. */
export const NET_HIDDEN = 1;
/** The output head, an OUT_* kind. */
export const NET_OUTPUT = 2;
/** K, the real number of outputs. */
export const NET_OUTPUTS = 3;
/** Values in the parameter vector (a multiple of 4); grads has as many. */
export const NET_PARAMS = 4;
/** Values per target row of a sigmoid head's Y. */
export const NET_Y_STRIDE = 5;
/** The most rows one batch holds: the scratch is sized for it. */
export const NET_MAX_BATCH = 6;
/** 1 when the biases are fixed at zero (no intercept): their gradient is never accumulated. */
export const NET_NO_BIAS = 7;
export const NET_HEADER_WORDS = 8;

/** Padded inputs of the layer. */
export const LAYER_IN = 0;
/** Padded outputs of the layer. */
export const LAYER_OUT = 1;
/** Offset in values of W (padded outputs x padded inputs) in params and grads. */
export const LAYER_W = 2;
/** Offset in values of b (padded outputs) in params and grads. */
export const LAYER_B = 3;
/** Offset in values of the layer's outputs (max batch rows of padded outputs) in scratch. */
export const LAYER_ACT = 4;
/** Offset in values of the gradient with respect to those outputs in scratch. */
export const LAYER_DELTA = 5;
/** Real (unpadded) outputs of the layer. */
export const LAYER_REAL_OUT = 6;
export const LAYER_WORDS = 8;

// The optimizer header: OPT_HEADER values of the parameters' dtype.
/** An OPTIM_* kind. */
export const OPT_KIND = 0;
/** Steps taken; each step advances it first. */
export const OPT_T = 1;
/** Learning rate: the caller may change it between steps (schedules). */
export const OPT_LR = 2;
/** Adam's beta1, or the momentum of OPTIM_MOMENTUM and OPTIM_NESTEROV. */
export const OPT_BETA1 = 3;
export const OPT_BETA2 = 4;
export const OPT_EPS = 5;
export const OPT_HEADER = 8;

// Activation kinds ('identity' | 'relu' | 'tanh' | 'logistic' at the TypeScript boundary).
export const ACT_IDENTITY = 0;
export const ACT_RELU = 1;
export const ACT_TANH = 2;
export const ACT_LOGISTIC = 3;

// Optimizer kinds ('sgd' | 'momentum' | 'nesterov' | 'adam' | 'amsgrad').
export const OPTIM_SGD = 0;
export const OPTIM_MOMENTUM = 1;
export const OPTIM_NESTEROV = 2;
export const OPTIM_ADAM = 3;
export const OPTIM_AMSGRAD = 4;

// Output heads ('sigmoid' | 'softmax'): sigmoid + binary cross-entropy per output, or softmax +
// cross-entropy against a class index.
export const OUT_SIGMOID = 0;
export const OUT_SOFTMAX = 1;

/** Bytes of the f32 logistic kernels' vector scratch per padded feature, plus LOGISTIC_SCRATCH_EXTRA. */
export const LOGISTIC_SCRATCH_PER_VALUE = 32;
export const LOGISTIC_SCRATCH_EXTRA = 16;
