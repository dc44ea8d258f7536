// The spec suite, defined once and run by each runtime's test file (Node: spec.test.ts; Chromium:
// test/browser/conformance.test.ts). Every case runs on every backend and is compared with the f64 reference.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as errors from '../../src/runtime/errors.js';
import { compare, describeMismatch } from '../support/compare.js';
import { BACKENDS_UNDER_TEST, type NamedEngine } from '../support/engine-set.js';
import { allBadCases, allCases } from './cases/index.js';
import { checkCase, referenceOutputs, ResultCollector, runCase } from './harness-core.js';

export interface SuiteRuntime {
  /** 'node' | 'chromium' */
  runtime: string;
  engines(): Promise<NamedEngine[]>;
  /** Persists the results (JSON) as reports/conformance-<runtime>-spec.json. */
  writeReport(name: string, json: string): Promise<void> | void;
}

export function defineSpecSuite(rt: SuiteRuntime): void {
  const log = new ResultCollector();
  let engines: NamedEngine[] = [];

  beforeAll(async () => {
    engines = await rt.engines();
  });
  afterAll(async () => {
    await rt.writeReport(`${rt.runtime}-spec`, log.json());
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
          const m = compare(want[k]!, exp, 1e-9, 1e-12);
          expect(m && describeMismatch(m)).toBeNull();
        });
      });
    }

    it.each(BACKENDS_UNDER_TEST)('%s matches the reference', async (backend) => {
      const ne = engines.find((e) => e.name === backend)!;
      const msg = await checkCase(ne, c, want, rt.runtime);
      log.add({ suite: 'spec', op: c.op, case: c.name, backend, runtime: rt.runtime, status: msg ? 'failed' : 'passed', detail: msg ?? undefined });
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
}
