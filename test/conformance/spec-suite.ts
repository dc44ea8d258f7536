// The spec suite, defined once and run by each runtime's test file (Node: spec.test.ts; Chromium:
// test/browser/conformance.test.ts). Every case runs on every backend and is compared with the f64 reference.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as errors from '../../src/runtime/errors.js';
import { compare, describeMismatch } from '../support/compare.js';
import { BACKENDS_UNDER_TEST, type NamedEngine } from '../support/engine-set.js';
import { allBadCases, allCases } from './cases/index.js';
import { DEFAULT_ATOL, DEFAULT_RTOL } from './harness-core.js';
import { checkCase, compareToSample, referenceOutputs, ResultCollector, runCase, sampleOutput, type OutputSample } from './harness-core.js';

export interface SuiteRuntime {
  /** 'node' | 'chromium' */
  runtime: string;
  engines(): Promise<NamedEngine[]>;
  /** Persists the results (JSON) as reports/conformance-<runtime>-spec.json. */
  writeReport(name: string, json: string): Promise<void> | void;
  /** Persists output samples (reports/values-<runtime>.json) for the cross-runtime check. */
  writeValues(json: string): Promise<void> | void;
  /**
   * Another runtime's samples to compare with (Chromium reads Node's, which `npm test` runs first); null for the
   * first runtime. A missing file where one is expected must throw: the cross-runtime check is not optional.
   */
  peerValues(): Promise<Record<string, OutputSample> | null>;
}

export function defineSpecSuite(rt: SuiteRuntime): void {
  const log = new ResultCollector();
  const samples: Record<string, OutputSample> = {};
  let peer: Record<string, OutputSample> | null = null;
  let engines: NamedEngine[] = [];

  beforeAll(async () => {
    engines = await rt.engines();
    peer = await rt.peerValues();
  });
  afterAll(async () => {
    await rt.writeReport(`${rt.runtime}-spec`, log.json());
    await rt.writeValues(JSON.stringify(samples));
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
      const rtol = c.rtol ?? DEFAULT_RTOL;
      const atol = c.atol ?? DEFAULT_ATOL;
      let cross: string | null = null;
      let msg = await checkCase(ne, c, want, rt.runtime, (k, got) => {
        const key = `${c.op} / ${c.name} / ${backend} / ${k}`;
        samples[key] = sampleOutput(got);
        if (peer) {
          const s = peer[key];
          const d = s ? compareToSample(got, s, rtol, atol) : 'no output from the other runtime';
          if (d) cross ??= `output ${k} differs from the other runtime beyond tolerance: ${d}`;
        }
      });
      if (!msg && cross) msg = `${c.op} / ${c.name} on ${backend} (${rt.runtime}): ${cross}`;
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
