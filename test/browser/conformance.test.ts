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
  async writeValues(json) {
    await commands.writeFile('reports/values-chromium.json', json);
  },
  // The Node run (first in npm test) left its output samples: every result must agree with it within tolerance.
  async peerValues() {
    return JSON.parse(await commands.readFile('reports/values-node.json'));
  },
});
