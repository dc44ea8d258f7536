// The head's backward pass as composed in JointDetector (conv / transposed-conv / leaky backward, the concat
// bridges' channel slices, the sums where branches meet, the MultiBox loss of every head) against central finite
// differences of its own forward loss, on the reference backend and on wasm, for both architectures.
import { describe, expect, it } from 'vitest';
import '../../src/index.node.js';
import { createEngine } from '../../src/runtime/engine.js';
import { Rng } from '../../src/nn/rng.js';
import { JointDetector } from '../../src/detector/model.js';
import type { TrunkFeatures } from '../../src/detector/trunk.js';

function problem(seed: number) {
  const rng = new Rng(seed);
  const n = 2;
  const rand = (k: number) => Float32Array.from({ length: n * k }, () => Math.max(0, rng.normal()));
  const features: TrunkFeatures = { n, c256: rand(6400), c128: rand(15488), c64: rand(23104) };
  // One face per image, plus a small one (the 19x19 head's business) in image 1.
  const boxes = [
    [{ x: 0.2, y: 0.25, w: 0.3, h: 0.35, cls: 1 }],
    [
      { x: 0.55, y: 0.1, w: 0.35, h: 0.4, cls: 0 },
      { x: 0.1, y: 0.7, w: 0.1, h: 0.12, cls: 2 },
    ],
  ];
  return { features, boxes };
}

describe.each(['reference', 'wasm'] as const)('JointDetector gradients = finite differences (%s)', (backend) => {
  it.each(['single', 'multi'] as const)('%s head', async (arch) => {
    const e = await createEngine({ backend, log: null });
    const data = problem(3);
    const det = JointDetector.create(e, { arch, classes: ['a', 'b', 'c'], anchors: [[0.1, 0.12], [0.3, 0.35], [0.5, 0.5]], hidden: 8, embed: 8, decoder: [8, 4] }, 9);
    try {
      const { grads } = await det.gradients(data, [0, 1]);
      const rng = new Rng(1);
      // The loss comes back as f32 (about 1e-6 relative): h = 1e-3 keeps that noise near 1e-3 of a slope.
      const h = 1e-3;
      let checked = 0;
      let kinks = 0;
      const params = [...det.layers.values()].flatMap((l) => [
        { l, key: 'w' as const },
        { l, key: 'b' as const },
      ]);
      for (const [pi, { l, key }] of params.entries()) {
        const t = l[key];
        const base = await t.data();
        const picks = [...new Set(Array.from({ length: key === 'w' ? 4 : 2 }, () => Math.floor(rng.next() * base.length)))];
        for (const i of picks) {
          const lossAt = async (v: number) => {
            const w = Float32Array.from(base);
            w[i] = v;
            const old = l[key];
            l[key] = e.tensor(w, [...old.shape]);
            old.dispose();
            return (await det.gradients(data, [0, 1], false)).loss;
          };
          // One-sided slopes on both sides: where a leaky-ReLU or smooth-L1 kink lies within h they differ, and
          // the analytic gradient (a one-sided derivative at the point itself) must lie between them.
          const up = await lossAt(base[i]! + h);
          const down = await lossAt(base[i]! - h);
          const mid = await lossAt(base[i]!);
          const right = (up - mid) / h;
          const left = (mid - down) / h;
          const ana = grads[pi]![i]!;
          const tol = 0.03 * Math.max(Math.abs(left), Math.abs(right), Math.abs(ana)) + 5e-3;
          if (ana < Math.min(left, right) - tol || ana > Math.max(left, right) + tol) {
            throw new Error(`${l.spec.name}/${key}[${i}]: analytic ${ana}, one-sided numeric ${left} / ${right}`);
          }
          if (Math.abs(left - right) > tol) kinks++;
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(arch === 'multi' ? 40 : 12);
      // Kinks are the exception: most entries are checked against a plain (two-sided) derivative.
      expect(kinks).toBeLessThan(0.15 * checked);
    } finally {
      det.dispose();
      e.dispose();
    }
  }, 120_000);
});
