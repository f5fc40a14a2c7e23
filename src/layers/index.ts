export { Module, type ForwardOptions, type LayerOptions } from './module.js';
export { Parameter } from './parameter.js';
export { Linear, type LinearLayerOptions } from './linear.js';
export { ReLU, Tanh, Sigmoid, Softmax } from './activations.js';
export { Sequential } from './sequential.js';
export { softmaxCrossEntropy, binaryCrossEntropy, type LossResult, type LossOptions, type LossTargets } from './losses.js';
export { Optimizer, SGD, Momentum, Adam, type SGDOptions, type MomentumOptions, type AdamOptions } from './optimizers.js';
export { gradCheck, type GradCheckable, type GradCheckOptions, type ModuleGradCheckOptions, type GradCheckResult, type LossFunction } from './gradcheck.js';
