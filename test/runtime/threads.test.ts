// WASM threads: every spec case gives bit-identical results with 1 and 2 threads (kernels split work into
// independent ranges, never reorder a sum), and the pool starts, runs and stops cleanly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conv2d, createEngine, matmul, type Engine, type Tensor } from '../../src/index.node.js';
import { seededUniform } from '../support/random.js';
import { allCases } from '../conformance/cases/index.js';
import { runCase } from '../conformance/harness-core.js';

let one: Engine;
let two: Engine;

beforeAll(async () => {
  one = await createEngine({ backend: 'wasm', threads: 1, log: null });
  two = await createEngine({ backend: 'wasm', threads: 2, log: null });
});
afterAll(() => {
  one.dispose();
  two.dispose();
});

describe('wasm threads', () => {
  it('engines report their thread counts', () => {
    expect(one.chosen).toMatch(/1 thread\b/);
    expect(two.chosen).toMatch(/2 threads/);
  });

  it('rejects a bad thread count', async () => {
    await expect(createEngine({ backend: 'wasm', threads: 0 })).rejects.toThrow(/threads must be/);
    await expect(createEngine({ backend: 'wasm', threads: 1.5 })).rejects.toThrow(/threads must be/);
  });

  it.each(allCases.map((c) => [`${c.op} / ${c.name}`, c] as const))('%s: 2 threads == 1 thread, bit for bit', async (_, c) => {
    const a = runCase(one, c);
    const b = runCase(two, c);
    try {
      for (let k = 0; k < a.outputs.length; k++) {
        const x = await a.outputs[k]!.data();
        const y = await b.outputs[k]!.data();
        expect(y.length).toBe(x.length);
        let diff = -1;
        for (let i = 0; i < x.length; i++) {
          if (!Object.is(x[i], y[i]) && !(Number.isNaN(x[i]) && Number.isNaN(y[i]))) {
            diff = i;
            break;
          }
        }
        expect(diff, diff >= 0 ? `output ${k}[${diff}]: ${x[diff]} vs ${y[diff]}` : '').toBe(-1);
      }
    } finally {
      [...a.inputs, ...a.outputs, ...b.inputs, ...b.outputs].forEach((t) => t?.dispose());
    }
  });

  // Spec cases are small and run in one call; these are big enough to be split into many chunks that the two
  // threads claim as they go, including row ranges cut mid-image, a 1x1 GEMM with a pixel tail and depthwise.
  const big: [string, number[], number[], Parameters<typeof conv2d>[3]][] = [
    ['conv 3x3 16->24 @40x40 + relu', [1, 40, 40, 16], [3, 3, 16, 24], { padding: 'same', activation: 'relu' }],
    ['conv 3x3 stride 2 32->48 @64x64', [2, 64, 64, 32], [3, 3, 32, 48], { padding: 'same', strides: 2 }],
    ['conv 1x1 64->64 @37x41 (GEMM, pixel tail)', [1, 37, 41, 64], [1, 1, 64, 64], {}],
    ['depthwise 3x3 @104x104x32', [1, 104, 104, 32], [3, 3, 1, 32], { padding: 'same', groups: 32 }],
  ];
  it.each(big)('%s: chunked over 2 threads == 1 thread, bit for bit', async (_, xs, ws, attrs) => {
    const x = seededUniform(11, xs.reduce((a, b) => a * b, 1));
    const w = seededUniform(12, ws.reduce((a, b) => a * b, 1));
    const outs: Float32Array[] = [];
    const calls: number[] = [];
    for (const e of [one, two]) {
      const t: Tensor[] = [e.tensor(x, xs), e.tensor(w, ws)];
      conv2d(e, t[0]!, t[1]!, attrs).dispose(); // packs the filter once
      const before = e.stats().submits;
      const y = conv2d(e, t[0]!, t[1]!, attrs);
      calls.push(e.stats().submits - before);
      outs.push(await y.data());
      [...t, y].forEach((v) => v.dispose());
    }
    expect(calls[0]).toBe(1);
    expect(calls[1]).toBeGreaterThanOrEqual(4); // really split: several chunks for the two threads
    expect(outs[1]!.length).toBe(outs[0]!.length);
    expect(outs[1]!.every((v, i) => Object.is(v, outs[0]![i]))).toBe(true);
  });

  it('repeated threaded calls stay bit-identical (no chunk lost or run twice across jobs)', async () => {
    const a = seededUniform(21, 256 * 96);
    const b = seededUniform(22, 96 * 130);
    const x = seededUniform(23, 1 * 48 * 48 * 16);
    const w = seededUniform(24, 3 * 3 * 16 * 16);
    const runs = async (e: Engine) => {
      const t = [e.tensor(a, [256, 96]), e.tensor(b, [96, 130]), e.tensor(x, [1, 48, 48, 16]), e.tensor(w, [3, 3, 16, 16])];
      const out: Float32Array[] = [];
      for (let r = 0; r < 10; r++) {
        // Back to back: the worker is still spinning from the previous job when the next one is published.
        const m = matmul(e, t[0]!, t[1]!);
        const c = conv2d(e, t[2]!, t[3]!, { padding: 'same' });
        out.push(await m.data(), await c.data());
        m.dispose();
        c.dispose();
      }
      t.forEach((v) => v.dispose());
      return out;
    };
    const want = await runs(one);
    const got = await runs(two);
    got.forEach((o, i) => expect(o.every((v, j) => Object.is(v, want[i]![j])), `run ${i}`).toBe(true));
  });
});
