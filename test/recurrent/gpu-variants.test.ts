// The webgpu recurrence has two variants (T step dispatches, or one persistent dispatch with h in workgroup
// memory, the recurrent kernel there too when it fits) and a register block of 1..4 batch rows; the conformance
// suite sees only the one 'auto' picks per shape. This runs every recurrent case on each forced variant.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recurrentGpuTuning } from '../../src/ops/recurrent/webgpu.js';
import { recurrentCases } from '../conformance/cases/recurrent.cases.js';
import { checkCase, referenceOutputs } from '../conformance/harness-core.js';
import { createEngine } from '../../src/index.node.js';
import type { Engine } from '../../src/runtime/engine.js';

let ref: Engine;
let gpu: Engine;
beforeAll(async () => {
  ref = await createEngine({ backend: 'reference', log: null });
  gpu = await createEngine({ backend: 'webgpu', log: null });
});
afterAll(() => {
  recurrentGpuTuning.mode = 'auto';
  recurrentGpuTuning.rows = 0;
  ref?.dispose();
  gpu?.dispose();
});

const variants = [
  { mode: 'steps', rows: 1 },
  { mode: 'steps', rows: 3 },
  { mode: 'steps', rows: 4 },
  { mode: 'persist', rows: 1 },
  { mode: 'persist', rows: 2 },
  { mode: 'persist', rows: 4 },
] as const;

const wants = new Map<string, Float64Array[]>();
const want = (c: (typeof recurrentCases)[number]) => {
  const key = `${c.op} / ${c.name}`;
  if (!wants.has(key)) wants.set(key, referenceOutputs(ref, c));
  return wants.get(key)!;
};

describe.each(variants)('webgpu recurrence, $mode, $rows batch rows per invocation', (v) => {
  it.each(recurrentCases.map((c) => [`${c.op} / ${c.name}`, c] as const))('%s', async (_, c) => {
    const expected = want(c);
    recurrentGpuTuning.mode = v.mode;
    recurrentGpuTuning.rows = v.rows;
    try {
      expect(await checkCase({ name: 'webgpu', engine: gpu }, c, expected, 'node')).toBeNull();
    } finally {
      recurrentGpuTuning.mode = 'auto';
      recurrentGpuTuning.rows = 0;
    }
  });
});
