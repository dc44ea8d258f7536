// WASM threads: every spec case gives bit-identical results with 1 and 2 threads (kernels split work into
// independent ranges, never reorder a sum), and the pool starts, runs and stops cleanly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/index.node.js';
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
});
