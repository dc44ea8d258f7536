import { it } from 'vitest';
import { createEngine, conv2d, add, activation } from '../../src/index.node.js';
it('conv', async () => {
  for (const backend of (process.env.BK ?? 'webgpu').split(',') as any[]) {
    const e = await createEngine({ backend, log: null });
    let total = 0;
    // [h, cin, k, s, cout, pad, count]
    const layers: [number, number, number, number, number, 'same' | 'valid', number][] = [
      [150, 3, 7, 2, 32, 'valid', 1], [35, 32, 3, 1, 32, 'same', 6], [35, 32, 3, 2, 64, 'valid', 1], [17, 64, 3, 1, 64, 'same', 7],
      [17, 64, 3, 2, 128, 'valid', 1], [8, 128, 3, 1, 128, 'same', 5], [8, 128, 3, 2, 256, 'valid', 1], [3, 256, 3, 1, 256, 'same', 1],
      [4, 256, 3, 1, 256, 'same', 4], [4, 256, 3, 2, 256, 'valid', 1], [1, 256, 3, 1, 256, 'same', 1]];
    for (const [h, cin, k, s, cout, pad, count] of layers) {
      const x = e.tensor(new Float32Array(h * h * cin).fill(1), [1, h, h, cin]);
      const f = e.tensor(new Float32Array(k * k * cin * cout).fill(0.1), [k, k, cin, cout]);
      const b = e.tensor(new Float32Array(cout), [cout]);
      const run = async () => { const y = conv2d(e, x, f, { strides: s, padding: pad, activation: 'relu' }, { bias: b, bnScale: b, bnShift: b }); await y.data(); y.dispose(); };
      await run();
      const ms: number[] = [];
      for (let i = 0; i < 7; i++) { const t0 = performance.now(); await run(); ms.push(performance.now() - t0); }
      ms.sort((a, b) => a - b);
      total += ms[0] * count;
      console.log(backend, `${h}x${h}x${cin} k${k} s${s} ${pad} -> ${cout} x${count}`, 'median', ms[3].toFixed(2), 'min', ms[0].toFixed(2));
      x.dispose(); f.dispose(); b.dispose();
    }
    // elementwise
    const a = e.tensor(new Float32Array(35 * 35 * 32).fill(1), [1, 35, 35, 32]);
    const run = async () => { const y = add(e, a, a); const z = activation(e, y, { activation: 'relu' }); y.dispose(); await z.data(); z.dispose(); };
    await run(); const ms: number[] = [];
    for (let i = 0; i < 7; i++) { const t0 = performance.now(); await run(); ms.push(performance.now() - t0); }
    ms.sort((a, b) => a - b);
    console.log(backend, 'add+relu 35x35x32 min', ms[0].toFixed(2), 'sum of conv mins', total.toFixed(1));
    e.dispose();
  }
}, 900_000);
