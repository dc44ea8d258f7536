// Runs the spec set on every backend in Node and compares with the f64 reference.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as errors from '../../src/runtime/errors.js';
import { allEngines, type NamedEngine } from '../support/engines.js';
import { compare, describeMismatch } from '../support/compare.js';
import { checkCase, referenceOutputs, ResultLog, runCase } from './harness.js';
import { allBadCases, allCases } from './cases/index.js';

const RUNTIME = 'node';
const log = new ResultLog();
let engines: NamedEngine[] = [];

beforeAll(async () => {
  engines = await allEngines();
});
afterAll(() => {
  log.write(`${RUNTIME}-spec`);
  engines.forEach((e) => e.engine.dispose());
});

const ref = () => engines[0]!.engine;

describe.each(allCases.map((c) => [`${c.op} / ${c.name}`, c] as const))('%s', (_, c) => {
  let want: Float64Array[];
  beforeAll(() => {
    want = referenceOutputs(ref(), c);
  });

  if (c.expected) {
    it('reference matches the hand-computed values', () => {
      c.expected!.forEach((exp, k) => {
        const m = compare(want[k]!, exp, 1e-12, 1e-12);
        expect(m && describeMismatch(m)).toBeNull();
      });
    });
  }

  it.each(['wasm-simd', 'wasm-relaxed', 'webgpu'])('%s matches the reference', async (backend) => {
    const ne = engines.find((e) => e.name === backend)!;
    const msg = await checkCase(ne, c, want, RUNTIME);
    log.add({ suite: 'spec', op: c.op, case: c.name, backend, runtime: RUNTIME, status: msg ? 'failed' : 'passed', detail: msg ?? undefined });
    expect(msg).toBeNull();
  });
});

describe.each(allBadCases.map((c) => [`${c.op} / ${c.name}`, c] as const))('rejects %s', (_, c) => {
  it.each(['reference', 'wasm-simd', 'webgpu'])('on %s with a typed error', (backend) => {
    const ne = engines.find((e) => e.name === backend)!;
    const cls = errors[c.error];
    let thrown: unknown;
    try {
      runCase(ne.engine, c).outputs.forEach((t) => t.dispose());
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(cls);
    expect((thrown as Error).message).toMatch(c.message);
  });
});
