import { it } from 'vitest';
import { createEngine, conv2d, matmul } from '../../src/index.node.js';
it('mm', async () => {
  const e = await createEngine({ backend: 'webgpu', log: null });
  const x = e.tensor(new Float32Array(16 * 256).fill(1), [1, 4, 4, 256]);
  const onehot = new Float32Array(9 * 256 * 9);
  for (let t = 0; t < 9; t++) for (let ci = 0; ci < 256; ci++) onehot[t * 256 * 9 + ci * 9 + t] = 1;
  const fi = e.tensor(onehot, [3, 3, 1, 256 * 9]);
  const b = e.tensor(new Float32Array(2304 * 256).fill(0.1), [2304, 256]);
  const f = e.tensor(new Float32Array(9 * 256 * 256).fill(0.1), [3, 3, 256, 256]);
  const a = e.tensor(new Float32Array(16 * 2304).fill(1), [16, 2304]);
  const cases: [string, () => any][] = [
    ['conv 4x4x256 k3', () => conv2d(e, x, f, { padding: 'same' })],
    ['im2col', () => conv2d(e, x, fi, { padding: 'same', groups: 256 })],
    ['matmul 16x2304x256', () => matmul(e, a, b)],
    ['im2col+matmul', () => { const c = conv2d(e, x, fi, { padding: 'same', groups: 256 }); const y = matmul(e, c, b); c.dispose(); return y; }],
  ];
  const ms = cases.map(() => [] as number[]);
  for (let it = 0; it < 25; it++) for (const [i, [, f]] of cases.entries()) {
    const t0 = performance.now(); const y = f(); await y.data(); y.dispose(); ms[i].push(performance.now() - t0);
  }
  cases.forEach(([l], i) => { const m = ms[i].slice(1).sort((p, q) => p - q); console.log(l, 'min', m[0].toFixed(2), 'p25', m[6].toFixed(2), 'median', m[12].toFixed(2)); });
  e.dispose();
}, 900_000);
