import { it } from 'vitest';
import { createEngine, conv2d } from '../../src/index.node.js';
it('conv', async () => {
  for (const backend of ['wasm', 'webgpu'] as const) {
    const e = await createEngine({ backend, log: null });
    for (const [h, cin, k, s, cout] of [[150, 3, 7, 2, 32], [150, 4, 7, 2, 32], [112, 3, 3, 2, 32], [112, 4, 3, 2, 32]]) {
      const x = e.tensor(new Float32Array(h * h * cin).fill(1), [1, h, h, cin]);
      const f = e.tensor(new Float32Array(k * k * cin * cout).fill(0.1), [k, k, cin, cout]);
      const b = e.tensor(new Float32Array(cout), [cout]);
      const run = async () => { const y = conv2d(e, x, f, { strides: s, padding: 'valid', activation: 'relu' }, { bias: b, bnScale: b, bnShift: b }); await y.data(); y.dispose(); };
      await run();
      const ms: number[] = [];
      for (let i = 0; i < 9; i++) { const t0 = performance.now(); await run(); ms.push(performance.now() - t0); }
      ms.sort((a, b) => a - b);
      console.log(backend, `${h}x${h}x${cin} k${k} s${s} -> ${cout}`, 'median', ms[4].toFixed(2), 'min', ms[0].toFixed(2));
    }
    e.dispose();
  }
}, 600_000);
