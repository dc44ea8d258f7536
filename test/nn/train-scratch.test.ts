import { it } from 'vitest';
import { createEngine } from '../../src/index.node.js';
import { layers, sequential } from '../../src/nn/index.js';
import { temporalTask } from '../../examples/seed-data.js';

for (const backend of ['wasm', 'webgpu'] as const) {
  it(`scratch ${backend}`, async () => {
    const engine = await createEngine({ backend, log: null });
    const d = temporalTask(1000, 10, 128, 5, 1);
    const model = sequential([layers.lstm({ units: 64, returnSequences: true }), layers.lstm({ units: 64 }), layers.dense({ units: 5, activation: 'softmax' })], { engine, inputShape: [10, 128], seed: 1 });
    const p = model.predict(d.x.subarray(0, 32 * 1280), [32, 10, 128]);
    console.log(backend, (await p.data()).slice(0, 5));
    p.dispose();
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const h = await model.fit({ data: d.x.subarray(0, 700 * 1280), shape: [700, 10, 128] }, { data: d.y.subarray(0, 700 * 5), shape: [700, 5] }, { epochs: 5, batchSize: 32, validationSplit: 0.2, seed: 3, verbose: 1 });
    console.log(backend, JSON.stringify(h.epochTimeMs.map((v) => Math.round(v))));
    engine.dispose();
  });
}
