// The seed experiment (examples/seed-experiment.mjs), smaller: the learnable temporal task must pass 90%
// validation and test accuracy on wasm and webgpu, LSTM and GRU; random labels stay near chance.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as lib from '../../src/index.node.js';
import type { Engine } from '../../src/index.node.js';
// @ts-expect-error: plain JS example module
import { runSeedExperiment } from '../../examples/seed-experiment.mjs';

const engines: Record<string, Engine> = {};

beforeAll(async () => {
  engines.wasm = await lib.createEngine({ backend: 'wasm', log: null });
  engines.webgpu = await lib.createEngine({ backend: 'webgpu', log: null });
});

afterAll(() => Object.values(engines).forEach((e) => e.dispose()));

const small = { samples: 500, steps: 10, features: 32, units: 24, epochs: 8, batchSize: 32, learningRate: 0.005 };

describe('seed experiment, smaller', () => {
  for (const backend of ['wasm', 'webgpu']) {
    for (const cell of ['lstm', 'gru']) {
      it(`${backend} ${cell}: the temporal task reaches > 90% validation and test accuracy`, async () => {
        const r = await runSeedExperiment(lib, { ...small, engine: engines[backend], cell, task: 'temporal' });
        console.log(`${backend}->${r.backend} ${cell}: val ${r.valAcc.toFixed(3)} test ${r.testAcc.toFixed(3)} loss ${r.loss.toFixed(3)} epoch ${r.epochMs.toFixed(0)} ms`);
        expect(r.valAcc).toBeGreaterThan(0.9);
        expect(r.testAcc).toBeGreaterThan(0.9);
      });
    }
  }

  it('random data: test accuracy stays near chance (nothing leaks from the labels)', async () => {
    const r = await runSeedExperiment(lib, { ...small, engine: engines.wasm, cell: 'lstm', task: 'random' });
    expect(r.testAcc).toBeLessThan(0.4);
    expect(r.trainAcc).toBeGreaterThan(0.15);
  });
});
