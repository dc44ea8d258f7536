import { it } from 'vitest';
import { createEngine } from '../../src/index.node.js';
import { lstmOp } from '../../src/ops/recurrent/index.js';
import { matmulOp } from '../../src/ops/matmul/index.js';
import { binaryOp } from '../../src/ops/binary/index.js';
import { recurrentGpuTuning } from '../../src/ops/recurrent/webgpu.js';
import { seededUniform } from '../support/random.js';
const B = 32, T = Number(process.env.T ?? 10), F = 128, U = 64, G = 4;
async function t(e: any, f: () => any, label: string) {
  for (let i = 0; i < 3; i++) { const o = f(); await o[0].data(); o.forEach((x: any) => x.dispose()); }
  const ts: number[] = [];
  const c0 = process.cpuUsage();
  for (let i = 0; i < 30; i++) { const t0 = performance.now(); const o = f(); await o[0].data(); ts.push(performance.now() - t0); o.forEach((x: any) => x.dispose()); }
  const cu = process.cpuUsage(c0);
  ts.sort((a, b) => a - b);
  console.log(`${label}: cpu ${((cu.user + cu.system) / 30000).toFixed(2)} min ${ts[0]!.toFixed(2)} p25 ${ts[7]!.toFixed(2)} med ${ts[15]!.toFixed(2)}`);
}
it('gpuprof', async () => {
  const e = await createEngine({ backend: 'webgpu', log: null });
  const x = e.tensor(seededUniform(1, B * T * F, -1, 1), [B * T, F]);
  const x3 = e.tensor(seededUniform(1, B * T * F, -1, 1), [B, T, F]);
  const k = e.tensor(seededUniform(2, F * G * U, -0.1, 0.1), [F, G * U]);
  const r = e.tensor(seededUniform(3, U * G * U, -0.1, 0.1), [U, G * U]);
  const b = e.tensor(seededUniform(4, G * U, -0.1, 0.1), [G * U]);
  const small = e.tensor([1, 2, 3, 4], [4]);
  await t(e, () => e.run(binaryOp, [small, small], { kind: 'add' }), 'tiny add (readback floor)');
  await t(e, () => e.run(matmulOp, [x, k, b], {}), 'gemm 320x128x256');
  for (const [mode, rows] of (process.env.MODES ?? 'persist:4,steps:4,steps:2,rowwise:1').split(',').map((s) => s.split(':'))) {
    recurrentGpuTuning.mode = mode as any; recurrentGpuTuning.rows = Number(rows);
    await t(e, () => e.run(lstmOp, [x3, k, r, b], { units: U }), `lstm ${mode} BR=${rows} T=${T}`);
  }
  e.dispose();
}, 600000);
