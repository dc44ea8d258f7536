// ONNX LSTM / GRU / RNN node tests (onnx/backend/test/data/node: test_lstm_*, test_gru_*, test_rnn_*,
// test_simple_rnn_*) through src/ops/recurrent/onnx-layout.ts onto the lstm / gru / simpleRnn ops, on every
// backend (the f64 reference included), against ONNX's expected outputs with the spec suite's tolerance.
// Also checks the helper's typed errors for what it does not map.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opRegistry } from '../../src/ops/registry.js';
import { onnxRecurrentToKeras, type HostArray, type OnnxRecurrentOp } from '../../src/ops/recurrent/onnx-layout.js';
import { InvalidModelFileError, UnsupportedError } from '../../src/runtime/errors.js';
import type { Tensor } from '../../src/runtime/tensor.js';
import { DEFAULT_ATOL, DEFAULT_RTOL } from '../conformance/harness-core.js';
import { loadModel, loadTestData, type HostTensor } from '../onnx/loader.js';
import { compare, describeMismatch } from '../support/compare.js';
import { allEngines, type NamedEngine } from '../support/engines.js';

const DATA_DIR = process.env.ONNX_NODE_TESTS ?? '/work/shared/data/onnx-node-tests';
const CASES = existsSync(DATA_DIR) ? readdirSync(DATA_DIR).filter((n) => /^test_(lstm|gru|rnn|simple_rnn)_/.test(n)).sort() : [];
const BACKENDS = ['reference', 'wasm-simd', 'wasm-relaxed', 'webgpu'];

let engines: NamedEngine[] = [];
beforeAll(async () => {
  engines = await allEngines();
});
afterAll(() => engines.forEach((e) => e.engine.dispose()));

interface Prepared {
  opType: OnnxRecurrentOp;
  attrs: Map<string, unknown>;
  sets: { name: string; inputs: (HostTensor | undefined)[]; want: (HostTensor | undefined)[] }[];
  wants: { Y: boolean; Y_h: boolean; Y_c: boolean };
}

function prepare(name: string): Prepared {
  const dir = join(DATA_DIR, name);
  const model = loadModel(join(dir, 'model.onnx'));
  expect(model.nodes.length).toBe(1);
  const node = model.nodes[0]!;
  const outs = node.outputs;
  const wants = { Y: !!outs[0], Y_h: !!outs[1], Y_c: !!outs[2] };
  const sets = loadTestData(dir).map((s) => {
    const byName = new Map<string, HostTensor>(model.initializers);
    model.inputs.forEach((n, k) => byName.set(n, s.inputs[k]!));
    return {
      name: s.name,
      inputs: node.inputs.map((n) => (n ? byName.get(n) : undefined)),
      // ONNX outputs in node order (Y, Y_h, Y_c); the graph may list them in another order
      want: outs.map((n) => (n ? s.outputs[model.outputs.indexOf(n)] : undefined)),
    };
  });
  return { opType: node.opType as OnnxRecurrentOp, attrs: node.attrs, sets, wants };
}

describe('ONNX recurrent node tests', () => {
  it(`finds the LSTM / GRU / RNN cases in ${DATA_DIR}`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(12);
  });

  describe.each(CASES)('%s', (name) => {
    let prep: Prepared;
    beforeAll(() => {
      prep = prepare(name);
    });

    it.each(BACKENDS)('%s matches the ONNX expected outputs', async (backend) => {
      const { engine } = engines.find((e) => e.name === backend)!;
      for (const s of prep.sets) {
        const plan = onnxRecurrentToKeras(prep.opType, prep.attrs, s.inputs, prep.wants);
        const tensors: (Tensor | undefined)[] = plan.inputs.map((a) => a && engine.tensor(Float32Array.from(a.values), a.dims));
        const outs = engine.run(opRegistry[plan.op]!, tensors, plan.attrs);
        try {
          const ours: HostArray[] = [];
          for (const t of outs) ours.push({ dims: [...t.shape], values: await t.data() });
          const got = plan.outputs(ours);
          s.want.forEach((w, k) => {
            if (!w) return;
            expect(got[k]!.dims, `${s.name} output ${k} shape`).toEqual(w.dims);
            const m = compare(got[k]!.values, w.values, DEFAULT_RTOL, DEFAULT_ATOL);
            expect(m && `${s.name} output ${k}: ${describeMismatch(m)}`).toBeNull();
          });
        } finally {
          [...tensors, ...outs].forEach((t) => t?.dispose());
        }
      }
    });
  });
});

describe('onnxRecurrentToKeras', () => {
  const X: HostArray = { dims: [2, 1, 3], values: new Float32Array(6) };
  const W: HostArray = { dims: [1, 8, 3], values: new Float32Array(24) };
  const R: HostArray = { dims: [1, 8, 2], values: new Float32Array(16) };

  it('reorders LSTM gates i, o, f, c into Keras i, f, c, o and sums Wb + Rb', () => {
    // W[0, g*u + j, f] = 100 g + 10 j + f: the Keras kernel column of gate k, unit j must hold ONNX gate order[k].
    const w = new Float32Array(24);
    for (let g = 0; g < 4; g++) for (let j = 0; j < 2; j++) for (let f = 0; f < 3; f++) w[(g * 2 + j) * 3 + f] = 100 * g + 10 * j + f;
    const b = Float32Array.from({ length: 16 }, (_, i) => (i < 8 ? i : 1000));
    const plan = onnxRecurrentToKeras('LSTM', new Map(), [X, { dims: [1, 8, 3], values: w }, R, { dims: [1, 16], values: b }]);
    const kernel = plan.inputs[1]!;
    expect(kernel.dims).toEqual([3, 8]);
    const onnxGate = [0, 2, 3, 1];
    for (let k = 0; k < 4; k++) for (let j = 0; j < 2; j++) for (let f = 0; f < 3; f++) expect(kernel.values[f * 8 + k * 2 + j]).toBe(100 * onnxGate[k]! + 10 * j + f);
    expect(Array.from(plan.inputs[3]!.values)).toEqual([0, 1, 4, 5, 6, 7, 2, 3].map((v) => v + 1000));
    expect(plan.attrs).toMatchObject({ units: 2, timeMajor: true, recurrentActivation: 'sigmoid', activation: 'tanh' });
  });

  it('maps direction reverse to goBackwards + alignBackwards and bidirectional to a concat merge', () => {
    expect(onnxRecurrentToKeras('LSTM', new Map([['direction', 'reverse']]), [X, W, R]).attrs).toMatchObject({ goBackwards: true, alignBackwards: true });
    const W2 = { dims: [2, 8, 3], values: new Float32Array(48) };
    const R2 = { dims: [2, 8, 2], values: new Float32Array(32) };
    const plan = onnxRecurrentToKeras('LSTM', new Map([['direction', 'bidirectional']]), [X, W2, R2]);
    expect(plan.attrs.bidirectional).toBe('concat');
    expect(plan.inputs[8]!.dims).toEqual([3, 8]);
  });

  // The node-test set has no bidirectional case: check Y / Y_h / Y_c of a bidirectional LSTM (both layouts, with
  // sequence lengths) against a forward and a reverse run of the same weights, direction by direction.
  it.each([0, 1])('lays out bidirectional outputs as ONNX does (layout %i)', async (layout) => {
    const { engine } = engines.find((e) => e.name === 'reference')!;
    const [T, B, F, u] = [4, 3, 2, 3];
    const rand = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 7.1 + i * 1.3) * 0.8);
    const Xv: HostArray = { dims: layout === 0 ? [T, B, F] : [B, T, F], values: rand(T * B * F, 1) };
    const Wb: HostArray = { dims: [2, 4 * u, F], values: rand(2 * 4 * u * F, 2) };
    const Rb: HostArray = { dims: [2, 4 * u, u], values: rand(2 * 4 * u * u, 3) };
    const Bb: HostArray = { dims: [2, 8 * u], values: rand(2 * 8 * u, 4) };
    const lens: HostArray = { dims: [B], values: [4, 2, 3] };
    const h0: HostArray = { dims: layout === 0 ? [2, B, u] : [B, 2, u], values: rand(2 * B * u, 5) };
    const onnxRun = async (direction: string, d: number | null) => {
      // One direction's slice of the bidirectional weights (d), or all of them (null).
      const pick = (a: HostArray, nd: number): HostArray => {
        if (d === null) return a;
        const per = a.values.length / nd;
        return { dims: [1, ...a.dims.slice(1)], values: Array.from(a.values).slice(d * per, (d + 1) * per) };
      };
      // initial_h [dirs, B, u] (layout 0) or [B, dirs, u] (layout 1): direction d's slice
      const hIn: HostArray =
        d === null
          ? h0
          : { dims: layout === 0 ? [1, B, u] : [B, 1, u], values: Array.from({ length: B * u }, (_, i) => h0.values[(layout === 0 ? d * B + Math.floor(i / u) : Math.floor(i / u) * 2 + d) * u + (i % u)]!) };
      const plan = onnxRecurrentToKeras('LSTM', new Map<string, unknown>([['direction', direction], ['layout', layout], ['hidden_size', u]]), [Xv, pick(Wb, 2), pick(Rb, 2), pick(Bb, 2), lens, hIn]);
      const ts = plan.inputs.map((a) => a && engine.tensor(Float32Array.from(a.values), a.dims));
      const outs = engine.run(opRegistry[plan.op]!, ts, plan.attrs);
      const ours: HostArray[] = [];
      for (const t of outs) ours.push({ dims: [...t.shape], values: await t.data() });
      [...ts, ...outs].forEach((t) => t?.dispose());
      return plan.outputs(ours);
    };
    const [Y, Yh, Yc] = await onnxRun('bidirectional', null);
    const [Yf, Yhf, Ycf] = await onnxRun('forward', 0);
    const [Yr, Yhr, Ycr] = await onnxRun('reverse', 1);
    // Y: layout 0 [T, dirs, B, u], layout 1 [B, T, dirs, u]; states: [dirs, B, u] / [B, dirs, u].
    const yAt = (y: HostArray, nd: number, t: number, d: number, b: number, j: number) =>
      y.values[(layout === 0 ? ((t * nd + d) * B + b) : ((b * T + t) * nd + d)) * u + j]!;
    const sAt = (s: HostArray, nd: number, d: number, b: number, j: number) => s.values[(layout === 0 ? d * B + b : b * nd + d) * u + j]!;
    expect(Y!.dims).toEqual(layout === 0 ? [T, 2, B, u] : [B, T, 2, u]);
    expect(Yh!.dims).toEqual(layout === 0 ? [2, B, u] : [B, 2, u]);
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < u; j++) {
        for (let t = 0; t < T; t++) {
          expect(yAt(Y!, 2, t, 0, b, j)).toBeCloseTo(yAt(Yf!, 1, t, 0, b, j), 6);
          expect(yAt(Y!, 2, t, 1, b, j)).toBeCloseTo(yAt(Yr!, 1, t, 0, b, j), 6);
          if (t >= lens.values[b]!) expect(yAt(Y!, 2, t, 1, b, j)).toBe(0);
        }
        expect(sAt(Yh!, 2, 0, b, j)).toBeCloseTo(sAt(Yhf!, 1, 0, b, j), 6);
        expect(sAt(Yh!, 2, 1, b, j)).toBeCloseTo(sAt(Yhr!, 1, 0, b, j), 6);
        expect(sAt(Yc!, 2, 1, b, j)).toBeCloseTo(sAt(Ycr!, 1, 0, b, j), 6);
        expect(sAt(Yc!, 2, 0, b, j)).toBeCloseTo(sAt(Ycf!, 1, 0, b, j), 6);
      }
    }
  });

  it('keeps GRU linear_before_reset=1 biases apart (Keras resetAfter)', () => {
    const Wg = { dims: [1, 6, 3], values: new Float32Array(18) };
    const Rg = { dims: [1, 6, 2], values: new Float32Array(12) };
    const b = Float32Array.from({ length: 12 }, (_, i) => i);
    const plan = onnxRecurrentToKeras('GRU', new Map([['linear_before_reset', 1]]), [X, Wg, Rg, { dims: [1, 12], values: b }]);
    expect(plan.attrs.resetAfter).toBe(true);
    expect(plan.inputs[3]!.dims).toEqual([2, 6]);
    expect(Array.from(plan.inputs[3]!.values)).toEqual(Array.from(b));
  });

  it('maps HardSigmoid 0.2 / 0.5 and rejects what it cannot express with typed errors', () => {
    const hs = new Map<string, unknown>([['activations', ['HardSigmoid', 'Tanh', 'Tanh']]]);
    expect(onnxRecurrentToKeras('LSTM', hs, [X, W, R]).attrs.recurrentActivation).toBe('hard_sigmoid');
    const cases: [Map<string, unknown>, RegExp, typeof UnsupportedError][] = [
      [new Map([['clip', 3]]), /ONNX LSTM: clip/, UnsupportedError],
      [new Map([['input_forget', 1]]), /input_forget=1/, UnsupportedError],
      [new Map([['activations', ['HardSigmoid', 'Tanh', 'Tanh']], ['activation_alpha', [0.3]]]), /HardSigmoid with alpha 0.3/, UnsupportedError],
      [new Map([['activations', ['Sigmoid', 'Tanh', 'Relu']]]), /cell activations g=Tanh and h=Relu differ/, UnsupportedError],
      [new Map([['activations', ['Sigmoid', 'Elu', 'Elu']]]), /activation Elu/, UnsupportedError],
      [new Map([['foo', 1]]), /attribute 'foo'/, UnsupportedError],
      [new Map([['hidden_size', 3]]), /hidden_size 3 does not match W/, InvalidModelFileError],
      [new Map([['layout', 2]]), /layout must be 0 or 1/, InvalidModelFileError],
    ];
    for (const [attrs, msg, cls] of cases) {
      expect(() => onnxRecurrentToKeras('LSTM', attrs, [X, W, R])).toThrow(cls);
      expect(() => onnxRecurrentToKeras('LSTM', attrs, [X, W, R])).toThrow(msg);
    }
    expect(() => onnxRecurrentToKeras('LSTM', new Map(), [X, { dims: [1, 8, 4], values: new Float32Array(32) }, R])).toThrow(/W must be \[1, 4 \* hidden, 3\]/);
  });
});
