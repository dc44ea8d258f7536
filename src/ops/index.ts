// Public op functions, one export line per op module.
export { activation, activationOp } from './activation/index.js';
export { ACTIVATIONS, type Activation } from './activation/spec.js';
export { add, mul, binaryOp } from './binary/index.js';
