import { it } from 'vitest';
import { createEngine, conv2d, matmul } from '../../src/index.node.js';
it('mm', async () => {
  const e = await createEngine({ backend: 'webgpu', log: null });
  const bench = async (label: string, f: () => any) => {
    const run = async () => { const y = f(); await y.data(); y.dispose(); };
    await run(); const ms: number[] = [];
    for (let i = 0; i < 7; i++) { const t0 = performance.now(); await run(); ms.push(performance.now() - t0); }
    ms.sort((a, b) => a - b);
    console.log(label, 'median', ms[3].toFixed(2), 'min', ms[0].toFixed(2));
  };
  const a = e.tensor(new Float32Array(16 * 2304).fill(1), [16, 2304]);
  const b = e.tensor(new Float32Array(2304 * 256).fill(0.1), [2304, 256]);
  await bench('matmul 16x2304x256', () => matmul(e, a, b));
  const x = e.tensor(new Float32Array(16 * 256).fill(1), [1, 4, 4, 256]);
  const f = e.tensor(new Float32Array(9 * 256 * 256).fill(0.1), [3, 3, 256, 256]);
  const f1 = e.tensor(new Float32Array(256 * 256).fill(0.1), [1, 1, 256, 256]);
  await bench('conv 4x4x256 k3', () => conv2d(e, x, f, { padding: 'same' }));
  await bench('conv 4x4x256 k1', () => conv2d(e, x, f1, {}));
  const x8 = e.tensor(new Float32Array(4 * 16 * 256).fill(1), [4, 4, 4, 256]);
  await bench('conv 4x(4x4x256) k3', () => conv2d(e, x8, f, { padding: 'same' }));
  const a2 = e.tensor(new Float32Array(64 * 2304).fill(1), [64, 2304]);
  await bench('matmul 64x2304x256', () => matmul(e, a2, b));
  e.dispose();
}, 900_000);
