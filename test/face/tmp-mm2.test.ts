import { it } from 'vitest';
import { createEngine, conv2d, matmul } from '../../src/index.node.js';
it('mm', async () => {
  for (const backend of ['webgpu', 'wasm'] as const) {
  const e = await createEngine({ backend, log: null });
  const bench = async (label: string, f: () => any) => {
    const run = async () => { const y = f(); await y.data(); y.dispose(); };
    await run(); const ms: number[] = [];
    for (let i = 0; i < 9; i++) { const t0 = performance.now(); await run(); ms.push(performance.now() - t0); }
    ms.sort((a, b) => a - b);
    console.log(backend, label, 'median', ms[4].toFixed(2), 'min', ms[0].toFixed(2));
  };
  const x = e.tensor(new Float32Array(16 * 256).fill(1), [1, 4, 4, 256]);
  const onehot = new Float32Array(9 * 256 * 9);
  // filter [3,3,1,256*9]: out channel ci*9+t = x[ci] at tap t
  for (let t = 0; t < 9; t++) for (let ci = 0; ci < 256; ci++) onehot[t * 256 * 9 + ci * 9 + t] = 1;
  const fi = e.tensor(onehot, [3, 3, 1, 256 * 9]);
  const b = e.tensor(new Float32Array(2304 * 256).fill(0.1), [2304, 256]);
  const f = e.tensor(new Float32Array(9 * 256 * 256).fill(0.1), [3, 3, 256, 256]);
  await bench('conv 4x4x256 k3', () => conv2d(e, x, f, { padding: 'same' }));
  await bench('im2col grouped conv', () => conv2d(e, x, fi, { padding: 'same', groups: 256 }));
  await bench('im2col + matmul', () => { const c = conv2d(e, x, fi, { padding: 'same', groups: 256 }); const y = matmul(e, c, b); c.dispose(); return y; });
  e.dispose();
  }
}, 900_000);
