// Layers API: models built with layers.* predict on wasm and webgpu like the f64 reference engine (same seeded
// weights); every input form gives the same answer; bad inputs and options are typed errors; initialisers
// follow Keras.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/index.node.js';
import { InvalidArgumentError, UnsupportedError } from '../../src/runtime/errors.js';
import { initialize, layers, Rng, sequential, type Layer, type Sequential } from '../../src/nn/index.js';
import { seeded } from './layers-tfjs-support.js';

let ref: Engine;
const engines: { name: string; engine: Engine }[] = [];

beforeAll(async () => {
  ref = await createEngine({ backend: 'reference', log: null });
  engines.push({ name: 'wasm', engine: await createEngine({ backend: 'wasm', log: null }) });
  engines.push({ name: 'webgpu', engine: await createEngine({ backend: 'webgpu', log: null }) });
});

afterAll(() => {
  ref.dispose();
  engines.forEach((e) => e.engine.dispose());
});

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Builds the same model (same seed) on the reference engine and each backend; compares predictions. */
async function matchesReference(make: () => Layer[], inputShape: (number | null)[], xShape: number[], x = seeded(7, xShape.reduce((a, b) => a * b, 1))): Promise<void> {
  const m0 = sequential(make(), { engine: ref, inputShape, seed: 123 });
  const y0 = m0.predict(x, xShape);
  const want = await y0.data();
  for (const { name, engine } of engines) {
    const m = sequential(make(), { engine, inputShape, seed: 123 });
    const y = m.predict(x, xShape);
    expect(y.shape).toEqual(y0.shape);
    expect(maxDiff(await y.data(), want), name).toBeLessThan(1e-4);
    y.dispose();
    m.dispose();
  }
  y0.dispose();
  m0.dispose();
}

describe('predict matches the f64 reference engine', () => {
  it('the seed model: LSTM(64, rs) -> LSTM(64) -> Dense(5, softmax), batch 32 and batch 1', async () => {
    const make = () => [layers.lstm({ units: 64, returnSequences: true }), layers.lstm({ units: 64 }), layers.dense({ units: 5, activation: 'softmax' })];
    await matchesReference(make, [10, 128], [32, 10, 128]);
    await matchesReference(make, [10, 128], [1, 10, 128]);
  });

  it('GRU (resetAfter true and false), go_backwards, hard_sigmoid', async () => {
    await matchesReference(() => [layers.gru({ units: 9, returnSequences: true }), layers.gru({ units: 7, resetAfter: false, goBackwards: true, recurrentActivation: 'hard_sigmoid' }), layers.dense({ units: 3, activation: 'softmax' })], [6, 5], [4, 6, 5]);
  });

  it('SimpleRNN -> Dropout (identity) -> TimeDistributed(Dense relu)', async () => {
    await matchesReference(() => [layers.simpleRnn({ units: 6, returnSequences: true }), layers.dropout({ rate: 0.5 }), layers.timeDistributed({ layer: layers.dense({ units: 4, activation: 'relu' }) })], [5, 3], [2, 5, 3]);
  });

  it('Masking -> LSTM over padded sequences (T unknown)', async () => {
    const x = seeded(9, 3 * 8 * 4);
    x.fill(0, (0 * 8 + 5) * 4, 8 * 4); // sample 0: 5 steps then padding
    x.fill(-1, (2 * 8 + 3) * 4, (2 * 8 + 4) * 4); // not the mask value: kept
    await matchesReference(() => [layers.masking({ maskValue: 0 }), layers.lstm({ units: 5 }), layers.dense({ units: 2, activation: 'sigmoid' })], [null, 4], [3, 8, 4], x);
  });

  it('Dense-only model on rank-2 inputs', async () => {
    await matchesReference(() => [layers.dense({ units: 8, activation: 'tanh' }), layers.dense({ units: 3, activation: 'softmax', useBias: false })], [6], [5, 6]);
  });
});

describe('inputs', () => {
  it('Tensor, Float32Array + shape, { data, shape } and nested arrays agree', async () => {
    const { engine } = engines[0]!;
    const m = sequential([layers.lstm({ units: 4, inputShape: [3, 2] }), layers.dense({ units: 2, activation: 'softmax' })], { engine, seed: 5 });
    const x = seeded(3, 2 * 3 * 2);
    const nested = [0, 1].map((b) => [0, 1, 2].map((t) => [0, 1].map((f) => x[(b * 3 + t) * 2 + f]!)));
    const t = engine.tensor(x, [2, 3, 2]);
    const outs = [m.predict(t), m.predict(x, [2, 3, 2]), m.predict({ data: x, shape: [2, 3, 2] }), m.predict(nested)];
    const vals = await Promise.all(outs.map((o) => o.data()));
    for (const v of vals.slice(1)) expect(maxDiff(v, vals[0]!)).toBe(0);
    expect(t.disposed).toBe(false);
    [t, ...outs].forEach((o) => o.dispose());
    m.dispose();
  });

  it('bad inputs are InvalidArgumentErrors naming the problem', () => {
    const { engine } = engines[0]!;
    const m = sequential([layers.lstm({ units: 4 }), layers.dense({ units: 2, activation: 'softmax' })], { engine, inputShape: [null, 3], seed: 5 });
    const check = (fn: () => unknown, msg: RegExp) => {
      expect(fn).toThrow(InvalidArgumentError);
      expect(fn).toThrow(msg);
    };
    const ragged = [
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      [[1, 2, 3]],
    ];
    check(() => m.predict(ragged), /x is ragged: sample 1 has shape \[1, 3\] but sample 0 has \[2, 3\]/);
    check(() => m.predict([[[1, 2], [3]]] as never), /ragged/);
    check(() => m.predict(new Float32Array(0), [2, 0, 3]), /T = 0 steps/);
    check(() => m.predict(new Float32Array(8), [2, 2, 2]), /expects 3 features, got x of shape \[2, 2, 2\]/);
    check(() => m.predict(new Float32Array(6), [6]), /x must be rank 3/);
    const nan = new Float32Array(2 * 4 * 3);
    nan[(1 * 4 + 2) * 3 + 1] = NaN;
    check(() => m.predict(nan, [2, 4, 3]), /x holds NaN at sample 1, step 2, feature 1/);
    const inf = [[[1, 2, Infinity]]];
    check(() => m.predict(inf), /Infinity at sample 0, step 0, feature 2/);
    check(() => m.predict(new Float32Array(5), [2, 1, 3]), /has 5 values but shape \[2, 1, 3\] needs 6/);
    check(() => m.predict(new Float32Array(6)), /pass its shape too/);
    check(() => m.predict([[['a', 1, 2]]] as never), /not a number/);
    check(() => m.predict(new Float32Array(0), [0, 2, 3]), /empty batch/);
    const t = engine.tensor(new Float32Array(2 * 3 * 5), [2, 3, 5]);
    check(() => m.predict(t), /expects 3 features/);
    t.dispose();
    check(() => m.predict(t), /was disposed/);
    m.dispose();
    check(() => m.predict(new Float32Array(3), [1, 1, 3]), /disposed/);
  });

  it('a fixed T in inputShape is checked', () => {
    const { engine } = engines[0]!;
    const m = sequential([layers.lstm({ units: 2, inputShape: [4, 3] })], { engine, seed: 1 });
    expect(() => m.predict(new Float32Array(15), [1, 5, 3])).toThrow(/expects 4 steps/);
    m.dispose();
  });
});

describe('options are validated', () => {
  const engine = () => engines[0]!.engine;
  const invalid = (fn: () => unknown, msg: RegExp) => {
    expect(fn).toThrow(InvalidArgumentError);
    expect(fn).toThrow(msg);
  };

  it('layer options', () => {
    invalid(() => layers.lstm({ units: 4, returnSequence: true } as never), /lstm: unknown option 'returnSequence'/);
    invalid(() => layers.lstm({ units: 0 }), /units must be an integer >= 1, got 0/);
    invalid(() => layers.lstm({ units: 4.5 }), /units must be an integer/);
    invalid(() => layers.gru({ units: 4, unitForgetBias: true } as never), /unknown option 'unitForgetBias'/);
    invalid(() => layers.simpleRnn({ units: 4, resetAfter: true } as never), /unknown option 'resetAfter'/);
    invalid(() => layers.lstm({ units: 4, activation: 'gelu' } as never), /activation must be one of/);
    invalid(() => layers.lstm({ units: 4, kernelInitializer: 'he_magic' } as never), /unknown initializer "he_magic"/);
    invalid(() => layers.dense({ units: 3, activation: 'elu' } as never), /activation must be one of/);
    invalid(() => layers.dense({ units: NaN }), /units must be an integer/);
    invalid(() => layers.dropout({ rate: 1.5 }), /rate must be a finite number in \[0/);
    invalid(() => layers.dropout({} as never), /needs a rate|rate must be/);
    invalid(() => layers.lstm({ units: 2, inputShape: [0, 3] }), /bad size 0/);
    invalid(() => layers.timeDistributed({ layer: layers.lstm({ units: 2 }) as never }), /wraps a Dense layer/);
  });

  it('model options', () => {
    invalid(() => sequential([layers.dense({ units: 2 })], {} as never), /needs \{ engine \}/);
    invalid(() => sequential([], { engine: engine() }), /non-empty array of layers/);
    invalid(() => sequential([{} as never], { engine: engine() }), /layer 0 is not a layer/);
    invalid(() => sequential([layers.dense({ units: 2, name: 'a' }), layers.dense({ units: 2, name: 'a' })], { engine: engine() }), /two layers are named 'a'/);
    invalid(() => sequential([layers.dense({ units: 2 })], { engine: engine(), batchSize: 3 } as never), /unknown option 'batchSize'/);
    invalid(() => sequential([layers.dense({ units: 2 }), layers.dense({ units: 2, inputShape: [3] })], { engine: engine() }), /only the first layer takes inputShape/);
    invalid(() => sequential([layers.lstm({ units: 2 })], { engine: engine(), inputShape: [5] }), /expects input \[T, features\]/);
  });

  it('compile and fit options', async () => {
    const m = sequential([layers.lstm({ units: 2 }), layers.dense({ units: 2, activation: 'softmax' })], { engine: engine(), inputShape: [3, 2], seed: 1 });
    const x = new Float32Array(4 * 3 * 2);
    const y = new Float32Array([1, 0, 0, 1, 1, 0, 0, 1]);
    await expect(m.fit({ data: x, shape: [4, 3, 2] }, { data: y, shape: [4, 2] })).rejects.toThrow(/call compile/);
    expect(() => m.compile({ optimizer: 'adam', loss: 'meanSquaredError' as never })).toThrow(UnsupportedError);
    expect(() => m.compile({ optimizer: 'rmsprop' as never, loss: 'categoricalCrossentropy' })).toThrow(/optimizer must be 'adam', 'sgd'/);
    expect(() => m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['auc'] })).toThrow(UnsupportedError);
    m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    await expect(m.fit({ data: x, shape: [4, 3, 2] }, { data: y, shape: [4, 2] }, { epoch: 2 } as never)).rejects.toThrow(/fit: unknown option 'epoch'/);
    await expect(m.fit({ data: x, shape: [4, 3, 2] }, { data: y, shape: [4, 2] }, { batchSize: 0 })).rejects.toThrow(/batchSize must be an integer >= 1/);
    await expect(m.fit({ data: x, shape: [4, 3, 2] }, { data: y, shape: [4, 2] }, { validationSplit: 1 })).rejects.toThrow(/validationSplit must be in \[0, 1\)/);
    await expect(m.fit({ data: x, shape: [4, 3, 2] }, { data: y.subarray(0, 6), shape: [3, 2] })).rejects.toThrow(/y has 3 samples but x has 4/);
    await expect(m.fit({ data: x, shape: [4, 3, 2] }, { data: new Float32Array(12), shape: [4, 3] })).rejects.toThrow(/y must be \[4, 2\]/);
    const noSoftmax = sequential([layers.lstm({ units: 2 }), layers.dense({ units: 2 })], { engine: engine(), inputShape: [3, 2], seed: 1 });
    expect(() => noSoftmax.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' })).toThrow(/end in a Dense .* with activation 'softmax'/);
    // Masking trains only as the first layer (its mask comes from the host batch; test/nn/layers-state-mask).
    const masked = sequential([layers.dropout({ rate: 0.1 }), layers.masking(), layers.lstm({ units: 2 }), layers.dense({ units: 2, activation: 'softmax' })], { engine: engine(), inputShape: [3, 2], seed: 1 });
    masked.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    await expect(masked.fit({ data: x, shape: [4, 3, 2] }, { data: y, shape: [4, 2] })).rejects.toThrow(UnsupportedError);
    [m, noSoftmax, masked].forEach((k) => k.dispose());
  });
});

describe('initialisers (Keras algorithms, seeded)', () => {
  it('glorot_uniform stays within its limit; orthogonal recurrent kernels have orthonormal rows; unit_forget_bias', async () => {
    const { engine } = engines[0]!;
    const m = sequential([layers.lstm({ units: 16 })], { engine, inputShape: [3, 40], seed: 9 });
    const [k, r, b] = await m.getWeights();
    const limit = Math.sqrt(6 / (40 + 64));
    expect(Math.max(...k!.map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.max(...k!.map(Math.abs))).toBeGreaterThan(0.9 * limit);
    // R [16, 64]: rows orthonormal (Keras transposes Q of the tall [64, 16] matrix).
    for (let i = 0; i < 16; i++) {
      for (let j = 0; j < 16; j++) {
        let d = 0;
        for (let c = 0; c < 64; c++) d += r![i * 64 + c]! * r![j * 64 + c]!;
        expect(Math.abs(d - (i === j ? 1 : 0))).toBeLessThan(1e-5);
      }
    }
    expect([...b!.subarray(0, 16)].every((v) => v === 0)).toBe(true);
    expect([...b!.subarray(16, 32)].every((v) => v === 1)).toBe(true);
    expect([...b!.subarray(32)].every((v) => v === 0)).toBe(true);
    m.dispose();
  });

  it('the same seed gives the same weights; another seed different ones', async () => {
    const { engine } = engines[0]!;
    const mk = (seed: number) => sequential([layers.gru({ units: 4 }), layers.dense({ units: 2 })], { engine, inputShape: [2, 3], seed });
    const [a, b, c] = [mk(1), mk(1), mk(2)];
    const [wa, wb, wc] = await Promise.all([a.getWeights(), b.getWeights(), c.getWeights()]);
    wa.forEach((w, i) => expect(maxDiff(w, wb[i]!)).toBe(0));
    expect(maxDiff(wa[0]!, wc[0]!)).toBeGreaterThan(0);
    // GRU resetAfter: bias [2, 3u].
    expect(a.weights.map((w) => w.shape)).toEqual([[3, 12], [4, 12], [2, 12], [4, 2], [2]]);
    [a, b, c].forEach((m) => m.dispose());
  });

  it('square orthogonal matrices are orthogonal both ways; gain scales', () => {
    const q = initialize({ name: 'orthogonal', gain: 2 }, [8, 8], new Rng(3));
    for (let i = 0; i < 8; i++) {
      for (let j = 0; j < 8; j++) {
        let rows = 0;
        let cols = 0;
        for (let c = 0; c < 8; c++) {
          rows += q[i * 8 + c]! * q[j * 8 + c]!;
          cols += q[c * 8 + i]! * q[c * 8 + j]!;
        }
        expect(Math.abs(rows - (i === j ? 4 : 0))).toBeLessThan(1e-5);
        expect(Math.abs(cols - (i === j ? 4 : 0))).toBeLessThan(1e-5);
      }
    }
  });
});

describe('model info', () => {
  it('summary and toJSON name every layer; weights are named like Keras', () => {
    const { engine } = engines[0]!;
    const m: Sequential = sequential([layers.lstm({ units: 8, returnSequences: true, name: 'enc' }), layers.lstm({ units: 8, name: 'enc2' }), layers.dense({ units: 5, activation: 'softmax', name: 'out' })], { engine, inputShape: [10, 128], seed: 1 });
    const s = m.summary();
    expect(s).toMatch(/enc \(LSTM\)\s+\[null, 10, 8\]\s+4384/);
    expect(s).toMatch(/out \(Dense\)\s+\[null, 5\]\s+45/);
    expect(m.weights.map((w) => w.name)).toEqual(['enc/kernel', 'enc/recurrent_kernel', 'enc/bias', 'enc2/kernel', 'enc2/recurrent_kernel', 'enc2/bias', 'out/kernel', 'out/bias']);
    const j = m.toJSON() as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
    expect(j.config.layers.map((l) => l.class_name)).toEqual(['LSTM', 'LSTM', 'Dense']);
    expect(j.config.layers[0]!.config.batch_input_shape).toEqual([null, 10, 128]);
    m.dispose();
  });
});
