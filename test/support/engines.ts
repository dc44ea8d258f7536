// Node: the engine set from the Node entry (Dawn for WebGPU).
import { createEngine } from '../../src/index.node.js';
import { makeEngines, type NamedEngine } from './engine-set.js';

export { readF64, type NamedEngine } from './engine-set.js';

export function allEngines(): Promise<NamedEngine[]> {
  return makeEngines(createEngine);
}
