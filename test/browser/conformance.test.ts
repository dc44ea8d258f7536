// The same spec set in Chromium: WebGPU on SwiftShader, wasm SIMD and relaxed SIMD. Results go back to the
// Node side through Vitest's browser commands.
import { commands } from 'vitest/browser';
import { createEngine } from '../../src/index.js';
import { defineSpecSuite } from '../conformance/spec-suite.js';
import { makeEngines } from '../support/engine-set.js';

defineSpecSuite({
  runtime: 'chromium',
  engines: () => makeEngines(createEngine),
  async writeReport(name, json) {
    await commands.writeFile(`reports/conformance-${name}.json`, json);
  },
});
