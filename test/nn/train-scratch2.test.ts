import { it } from 'vitest';
import { createEngine } from '../../src/index.node.js';
import { lstm } from '../../src/ops/recurrent/index.js';
import { recurrentGrad } from '../../src/ops/recurrent-grad/index.js';
import { seededUniform } from '../support/random.js';

it('profile wasm', async () => {
  const engine = await createEngine({ backend: 'wasm', log: null, threads: 1 });
  const B = 32, T = 10, F = 128, U = 64;
  const t = (shape: number[], seed: number) => engine.tensor(seededUniform(seed, shape.reduce((a, b) => a * b, 1), -0.3, 0.3), shape);
  const x = t([B, T, F], 1), W = t([F, 4 * U], 2), R = t([U, 4 * U], 3), b = t([4 * U], 4), dy = t([B, T, U], 5);
  const time = (name: string, fn: () => unknown, n = 30) => {
    fn();
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) fn();
    const c = process.cpuUsage(c0);
    console.log(name, ((performance.now() - t0) / n).toFixed(2), 'ms wall', ((c.user + c.system) / 1000 / n).toFixed(2), 'ms cpu');
  };
  for (let rep = 0; rep < 2; rep++) {
    time('lstm fwd seq', () => lstm(engine, x, { kernel: W, recurrentKernel: R, bias: b }, { units: U, returnSequences: true }).forEach((o) => o.dispose()));
    const [hseq] = lstm(engine, x, { kernel: W, recurrentKernel: R, bias: b }, { units: U, returnSequences: true });
    time('lstm grad', () => recurrentGrad(engine, 'lstm', { x, kernel: W, recurrentKernel: R, bias: b, hseq: hseq!, dy }, { units: U, returnSequences: true }).forEach((o) => o.dispose()));
    hseq!.dispose();
  }
  engine.dispose();
});
