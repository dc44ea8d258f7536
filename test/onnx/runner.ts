// Prepares an ONNX node-test case (decode test data, map the node) and checks it on one engine.
import { opRegistry, type Engine } from '../../src/index.node.js';
import { compare, describeMismatch } from '../support/compare.js';
import { sameDims } from './host.js';
import { loadTestData, type CaseFolder, type HostTensor } from './loader.js';
import { Exec, MAPPERS, MappingError, OpNotImplementedError, type Plan } from './mapping.js';

export interface PreparedSet {
  name: string;
  plan: Plan;
  want: HostTensor[];
}

/** Maps every data set of a case. Throws MappingError (or a loader error) with the reason it cannot run. */
export function prepareCase(c: CaseFolder): PreparedSet[] {
  const { model } = c;
  if (model.nodes.length !== 1) throw new MappingError(`graph has ${model.nodes.length} nodes (${c.nodeOps.join(', ')}); the runner maps single-node graphs`);
  const node = model.nodes[0]!;
  if (node.domain && node.domain !== 'ai.onnx') throw new MappingError(`node domain '${node.domain}'`);
  const mapper = MAPPERS[node.opType];
  if (!mapper) throw new MappingError(`no mapping for ONNX op ${node.opType}`);
  const sets = loadTestData(c.dir);
  if (!sets.length) throw new Error('no test_data_set_N folder');
  return sets.map((s) => {
    if (s.inputs.length !== model.inputs.length) throw new Error(`${s.name}: ${s.inputs.length} input_K.pb for ${model.inputs.length} graph inputs`);
    if (s.outputs.length !== model.outputs.length) throw new Error(`${s.name}: ${s.outputs.length} output_K.pb for ${model.outputs.length} graph outputs`);
    const byName = new Map<string, HostTensor>(model.initializers);
    model.inputs.forEach((name, k) => byName.set(name, s.inputs[k]!));
    const inputs = node.inputs.map((name) => {
      if (!name) return undefined; // absent optional input
      const t = byName.get(name);
      if (!t) throw new Error(`node input '${name}' is neither a graph input nor an initializer`);
      return t;
    });
    // the plan returns the node's used (named) outputs in node order; graph outputs may list them in another order
    const want = node.outputs.filter((name) => name).map((name) => {
      const k = model.outputs.indexOf(name);
      if (k < 0) throw new Error(`node output '${name}' is not a graph output`);
      return s.outputs[k]!;
    });
    return { name: s.name, plan: mapper(node, inputs, { opset: model.opset }), want };
  });
}

/** Runs every data set on `engine`; null when all outputs match, else what went wrong. */
export async function checkOnEngine(engine: Engine, sets: readonly PreparedSet[], rtol: number, atol: number): Promise<string | null> {
  for (const s of sets) {
    const missing = s.plan.ops.filter((o) => !opRegistry[o]);
    if (missing.length) return `op not implemented: ${missing.map((o) => `'${o}'`).join(', ')} not in opRegistry`;
    const ex = new Exec(engine);
    try {
      const got = await s.plan.run(ex);
      if (got.length !== s.want.length) return `${s.name}: ${got.length} outputs, want ${s.want.length}`;
      for (let k = 0; k < got.length; k++) {
        const g = got[k]!;
        const w = s.want[k]!;
        if (!sameDims(g.dims, w.dims)) return `${s.name} output ${k}: shape [${g.dims}], want [${w.dims}]`;
        const m = compare(g.values, w.values, rtol, atol);
        if (m) return `${s.name} output ${k}: ${describeMismatch(m)}`;
      }
    } catch (e) {
      if (e instanceof OpNotImplementedError) return e.message;
      return `${s.name}: threw ${(e as Error).name}: ${(e as Error).message}`;
    } finally {
      ex.dispose();
    }
  }
  return null;
}
