import { it } from 'vitest';
import { createEngine } from '../../src/index.node.js';
import { lstmOp, gruOp, simpleRnnOp } from '../../src/ops/recurrent/index.js';
import { recurrentGpuTuning } from '../../src/ops/recurrent/webgpu.js';
import { seededUniform } from '../support/random.js';

const B = Number(process.env.B ?? 32), T = Number(process.env.T ?? 10), F = Number(process.env.F ?? 128), U = Number(process.env.U ?? 64);
async function time(backend: any, op: any, G: number, attrs: any, label: string, extra: any = {}) {
  const e = await createEngine({ backend, log: null, ...extra });
  const x = e.tensor(seededUniform(1, B * T * F, -1, 1), [B, T, F]);
  const k = e.tensor(seededUniform(2, F * G * U, -0.1, 0.1), [F, G * U]);
  const r = e.tensor(seededUniform(3, U * G * U, -0.1, 0.1), [U, G * U]);
  const bias = e.tensor(seededUniform(4, G * U * (attrs.resetAfter === false || op !== gruOp ? 1 : 2), -0.1, 0.1), op === gruOp && attrs.resetAfter !== false ? [2, G * U] : [G * U]);
  const ins = [x, k, r, bias];
  const ts: number[] = [];
  const c0 = process.cpuUsage();
  for (let i = 0; i < 25; i++) {
    const t0 = performance.now();
    const outs = e.run(op, ins, { units: U, ...attrs });
    await outs[0]!.data();
    ts.push(performance.now() - t0);
    outs.forEach((o) => o.dispose());
  }
  const cu = process.cpuUsage(c0);
  ts.sort((a, b) => a - b);
  console.log(`${label}: median ${ts[12]!.toFixed(2)} ms, min ${ts[0]!.toFixed(2)} ms, cpu ${((cu.user + cu.system) / 1000 / 25).toFixed(2)} ms`);
  e.dispose();
}
it('perf', async () => {
  console.log(`B=${B} T=${T} F=${F} U=${U}`);
  await time('wasm', lstmOp, 4, {}, 'lstm wasm relaxed');
  await time('wasm', lstmOp, 4, {}, 'lstm wasm simd', { wasmVariant: 'simd' });
  await time('wasm', lstmOp, 4, { returnSequences: true }, 'lstm wasm seq');
  await time('wasm', gruOp, 3, {}, 'gru wasm');
  await time('wasm', gruOp, 3, { resetAfter: false }, 'gru-rb wasm');
  await time('wasm', simpleRnnOp, 1, {}, 'rnn wasm');
  for (const [mode, rows] of (process.env.MODES ?? 'auto:0,persist:4,steps:4,rowwise:1').split(',').map((s) => s.split(':'))) {
    recurrentGpuTuning.mode = mode as any; recurrentGpuTuning.rows = Number(rows);
    await time('webgpu', lstmOp, 4, {}, `lstm webgpu ${mode} BR=${rows}`);
  }
  recurrentGpuTuning.mode = 'auto'; recurrentGpuTuning.rows = 0;
  await time('webgpu', gruOp, 3, {}, 'gru webgpu auto');
  await time('webgpu', gruOp, 3, { resetAfter: false }, 'gru-rb webgpu auto');
  await time('webgpu', simpleRnnOp, 1, {}, 'rnn webgpu auto');
}, 600000);
