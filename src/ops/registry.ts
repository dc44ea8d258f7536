import type { OpDef } from '../runtime/op.js';
import { activationOp } from './activation/index.js';
import { binaryOp } from './binary/index.js';

/**
 * Every op by name, for the conformance harness and model loaders. Public functions (add, conv2d...) are the
 * typed way in; this table is the data-driven one. One line per op module.
 */
export const opRegistry: Readonly<Record<string, OpDef<any, any>>> = {
  activation: activationOp,
  binary: binaryOp,
};
