// The spec set in Node: reference, wasm (SIMD, relaxed SIMD) and webgpu (Dawn).
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { allEngines } from '../support/engines.js';
import { defineSpecSuite } from './spec-suite.js';

defineSpecSuite({
  runtime: 'node',
  engines: allEngines,
  writeReport(name, json) {
    mkdirSync('reports', { recursive: true });
    writeFileSync(`reports/conformance-${name}.json.tmp`, json);
    renameSync(`reports/conformance-${name}.json.tmp`, `reports/conformance-${name}.json`);
  },
  writeValues(json) {
    mkdirSync('reports', { recursive: true });
    writeFileSync('reports/values-node.json.tmp', json);
    renameSync('reports/values-node.json.tmp', 'reports/values-node.json');
  },
  // Node runs first; Chromium compares against it.
  peerValues: async () => null,
});
