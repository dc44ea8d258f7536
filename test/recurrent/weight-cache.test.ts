// The wasm recurrent launcher packs W and R once per weight storage (WasmBackend.derived) instead of per call:
// repeated calls reuse the packed copies, an in-place optimiser step on a weight drops them (predictions follow
// the new values, as on the f64 reference), and freeing the weight frees them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine, type Tensor } from '../../src/index.node.js';
import { gru, lstm, simpleRnn } from '../../src/ops/recurrent/index.js';
import { sgdUpdate } from '../../src/ops/optimizer-grad/index.js';
import { seededUniform } from '../support/random.js';

let ref: Engine;
let wasm: Engine;
beforeAll(async () => {
  ref = await createEngine({ backend: 'reference', log: null });
  wasm = await createEngine({ backend: 'wasm', log: null });
});
afterAll(() => {
  ref.dispose();
  wasm.dispose();
});

const OPS = { lstm, gru, simpleRnn } as const;
const GATES = { lstm: 4, gru: 3, simpleRnn: 1 } as const;

async function maxDiff(a: Tensor, b: Tensor): Promise<number> {
  const [x, y] = await Promise.all([a.data(), b.data()]);
  return x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i]!)), 0);
}

describe('packed weights are cached per weight and dropped when it changes', () => {
  for (const [cell, u] of [['lstm', 8], ['gru', 12], ['simpleRnn', 16], ['lstm', 6]] as const) {
    it(`${cell}, ${u} units`, async () => {
      const [B, T, F] = [5, 4, 7];
      const G = GATES[cell];
      const data = { x: seededUniform(1, B * T * F), W: seededUniform(2, F * G * u, -0.5, 0.5), R: seededUniform(3, u * G * u, -0.5, 0.5), g: seededUniform(4, u * G * u) };
      const make = (e: Engine) => ({
        x: e.tensor(data.x, [B, T, F]),
        kernel: e.tensor(data.W, [F, G * u]),
        recurrentKernel: e.tensor(data.R, [u, G * u]),
        grad: e.tensor(data.g, [u, G * u]),
      });
      const [r, w] = [make(ref), make(wasm)];
      const run = (e: Engine, t: ReturnType<typeof make>) => OPS[cell](e, t.x, { kernel: t.kernel, recurrentKernel: t.recurrentKernel }, { units: u, returnSequences: true })[0]!;
      const live0 = wasm.backend.stats().allocations;
      const y1 = run(wasm, w);
      const live1 = wasm.backend.stats().allocations;
      // Packed R (and W when the units fill whole blocks) stay allocated between calls, and are reused.
      expect(live1 - live0).toBeGreaterThanOrEqual(2);
      const y2 = run(wasm, w);
      expect(wasm.backend.stats().allocations - live1).toBe(1);
      expect(await maxDiff(y1, y2)).toBe(0);
      // An SGD step in place on R (and on the reference's R): the next call packs the new values.
      for (const [e, t] of [[ref, r], [wasm, w]] as const) sgdUpdate(e, t.recurrentKernel, t.grad, { learningRate: 0.3 });
      const want = run(ref, r);
      const y3 = run(wasm, w);
      expect(await maxDiff(y3, y1)).toBeGreaterThan(1e-3);
      expect(await maxDiff(y3, want)).toBeLessThan(2e-5);
      [y1, y2, y3, want, ...Object.values(r)].forEach((t) => t.dispose());
      // Freeing the weights frees their packed copies.
      Object.values(w).forEach((t) => t.dispose());
      expect(wasm.backend.stats().allocations).toBe(live0 - 4);
    });
  }
});
