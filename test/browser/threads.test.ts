// WASM threads in Chromium: the page is crossOriginIsolated (COOP/COEP from the test server), so the wasm backend
// runs Web Workers on shared memory; results match one thread bit for bit.
import { expect, it } from 'vitest';
import { conv2d, createEngine, matmul } from '../../src/index.js';
import { seededUniform } from '../support/random.js';

it('runs wasm on 2 threads with the same results as 1', async () => {
  expect(crossOriginIsolated).toBe(true);
  const one = await createEngine({ backend: 'wasm', threads: 1, log: null });
  const two = await createEngine({ backend: 'wasm', threads: 2, log: null });
  expect(two.chosen).toMatch(/2 threads/);
  const x = seededUniform(1, 1 * 20 * 20 * 16);
  const w = seededUniform(2, 3 * 3 * 16 * 24);
  const a = seededUniform(3, 33 * 40);
  const b = seededUniform(4, 40 * 20);
  const results = [];
  for (const e of [one, two]) {
    const c = conv2d(e, e.tensor(x, [1, 20, 20, 16]), e.tensor(w, [3, 3, 16, 24]), { padding: 'same', activation: 'relu' });
    const m = matmul(e, e.tensor(a, [33, 40]), e.tensor(b, [40, 20]));
    results.push([await c.data(), await m.data()]);
  }
  expect(Array.from(results[1]![0]!)).toEqual(Array.from(results[0]![0]!));
  expect(Array.from(results[1]![1]!)).toEqual(Array.from(results[0]![1]!));
  one.dispose();
  two.dispose();
});
