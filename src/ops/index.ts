// Public op functions, one export line per op module.
export { add, mul, binaryOp } from './binary/index.js';
