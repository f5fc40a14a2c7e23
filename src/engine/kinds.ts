// Kinds are strings at the TypeScript boundary; only the engine turns them into the kernels'
// numbers (formats.ts).
import {
  ACT_IDENTITY, ACT_LOGISTIC, ACT_RELU, ACT_TANH,
  OPTIM_ADAM, OPTIM_AMSGRAD, OPTIM_MOMENTUM, OPTIM_NESTEROV, OPTIM_SGD,
  OUT_SIGMOID, OUT_SOFTMAX,
} from './formats.js';
import { misuse } from './memory.js';

/** A hidden layer's activation (scikit-learn's names; 'logistic' is the sigmoid). */
export type Activation = 'identity' | 'relu' | 'tanh' | 'logistic';
/** The update rule of epoch-based training: plain steps, momentum, Nesterov momentum, Adam or AMSGrad. */
export type OptimizerKind = 'sgd' | 'momentum' | 'nesterov' | 'adam' | 'amsgrad';
/** sigmoid + binary cross-entropy per output, or softmax + cross-entropy. */
export type OutputKind = 'sigmoid' | 'softmax';

const ACTIVATION: Record<Activation, number> = { identity: ACT_IDENTITY, relu: ACT_RELU, tanh: ACT_TANH, logistic: ACT_LOGISTIC };
const OPTIMIZER: Record<OptimizerKind, number> = { sgd: OPTIM_SGD, momentum: OPTIM_MOMENTUM, nesterov: OPTIM_NESTEROV, adam: OPTIM_ADAM, amsgrad: OPTIM_AMSGRAD };
const OUTPUT: Record<OutputKind, number> = { sigmoid: OUT_SIGMOID, softmax: OUT_SOFTMAX };

function kind<K extends string>(table: Record<K, number>, what: string, k: K): number {
  // Own keys only: a name like 'constructor' is not a kind.
  if (!Object.hasOwn(table, k)) misuse(`unknown ${what} ${JSON.stringify(k)}`);
  return table[k];
}

export const activationKind = (a: Activation): number => kind(ACTIVATION, 'activation', a);
export const optimizerKind = (o: OptimizerKind): number => kind(OPTIMIZER, 'optimizer', o);
export const outputKind = (o: OutputKind): number => kind(OUTPUT, 'output', o);
