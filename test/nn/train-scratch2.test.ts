import { it } from 'vitest';
import { createEngine } from '../../src/index.node.js';
import { lstm } from '../../src/ops/recurrent/index.js';
import { recurrentGrad } from '../../src/ops/recurrent-grad/index.js';
import { dense, matmulOp } from '../../src/ops/matmul/index.js';
import { seededUniform } from '../support/random.js';

it('profile wasm', async () => {
  const engine = await createEngine({ backend: 'wasm', log: null });
  const B = 32, T = 10, F = 128, U = 64;
  const t = (shape: number[], seed: number) => engine.tensor(seededUniform(seed, shape.reduce((a, b) => a * b, 1), -0.3, 0.3), shape);
  const x = t([B, T, F], 1), W = t([F, 4 * U], 2), R = t([U, 4 * U], 3), b = t([4 * U], 4), dy = t([B, T, U], 5);
  const time = async (name: string, fn: () => unknown, n = 20) => {
    fn();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn();
    console.log(name, ((performance.now() - t0) / n).toFixed(2), 'ms');
  };
  await time('lstm fwd seq', () => lstm(engine, x, { kernel: W, recurrentKernel: R, bias: b }, { units: U, returnSequences: true }).forEach((o) => o.dispose()));
  const [hseq] = lstm(engine, x, { kernel: W, recurrentKernel: R, bias: b }, { units: U, returnSequences: true });
  await time('lstm grad', () => recurrentGrad(engine, 'lstm', { x, kernel: W, recurrentKernel: R, bias: b, hseq: hseq!, dy }, { units: U, returnSequences: true }).forEach((o) => o.dispose()));
  await time('lstm grad no dx', () => recurrentGrad(engine, 'lstm', { x, kernel: W, recurrentKernel: R, bias: b, hseq: hseq!, dy }, { units: U, returnSequences: true, inputGrad: false }).forEach((o) => o.dispose()));
  const x2 = t([B * T, F], 7);
  await time('gemm 320x128x256', () => dense(engine, x2, W).dispose());
  await time('gemm TA 128x320x256', () => engine.run1(matmulOp, [x2, t([B * T, 4 * U], 9)], { transposeA: true }).dispose());
  engine.dispose();
});
