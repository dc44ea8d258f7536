// Initial states in predict, and training through a Masking layer. Initial-state predictions match tfjs-layers'
// layer.apply(x, { initialState }); masked training gradients match central finite differences of the f64
// reference's predictions (which also ties the packed masked-training path to the masked inference op) and
// tf.variableGrads on wasm and webgpu.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/index.node.js';
import { InvalidArgumentError, UnsupportedError } from '../../src/runtime/errors.js';
import { layers, optimizers, sequential, type Layer, type Sequential } from '../../src/nn/index.js';
import { loadModelFromArtifacts } from '../../src/nn/keras-loader.js';
import { readF64 } from '../support/engines.js';
import { randomizeWeights, saveArtifacts, seeded, tf, tfl, tfReady } from './layers-tfjs-support.js';

let ref: Engine;
const engines: { name: string; engine: Engine }[] = [];

beforeAll(async () => {
  await tfReady();
  ref = await createEngine({ backend: 'reference', log: null });
  engines.push({ name: 'wasm', engine: await createEngine({ backend: 'wasm', log: null }) });
  engines.push({ name: 'webgpu', engine: await createEngine({ backend: 'webgpu', log: null }) });
});

afterAll(() => {
  ref.dispose();
  engines.forEach((e) => e.engine.dispose());
});

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

function oneHot(rows: number, C: number, seed: number): Float32Array {
  const y = new Float32Array(rows * C);
  const r = seeded(seed, rows, 0, C);
  for (let i = 0; i < rows; i++) y[i * C + Math.floor(r[i]!)] = 1;
  return y;
}

describe('predict with initial states matches tfjs-layers layer.apply(x, { initialState })', () => {
  const [B, T, F, U] = [3, 5, 4, 6];
  const x = seeded(1, B * T * F);
  const st = (seed: number) => seeded(seed, B * U, -0.8, 0.8);
  const cases: [string, () => tfl.layers.Layer, () => Layer, number][] = [
    ['LSTM, sequences', () => tfl.layers.lstm({ units: U, returnSequences: true, recurrentActivation: 'sigmoid' }), () => layers.lstm({ units: U, returnSequences: true, name: 'rnn' }), 2],
    ['LSTM, go_backwards, last', () => tfl.layers.lstm({ units: U, goBackwards: true, recurrentActivation: 'sigmoid' }), () => layers.lstm({ units: U, goBackwards: true, name: 'rnn' }), 2],
    ['GRU (reset_after=false), sequences', () => tfl.layers.gru({ units: U, returnSequences: true, recurrentActivation: 'sigmoid' }), () => layers.gru({ units: U, returnSequences: true, resetAfter: false, name: 'rnn' }), 1],
    ['SimpleRNN, last', () => tfl.layers.simpleRNN({ units: U }), () => layers.simpleRnn({ units: U, name: 'rnn' }), 1],
    [
      'Bidirectional LSTM concat, sequences',
      () => tfl.layers.bidirectional({ layer: tfl.layers.lstm({ units: U, returnSequences: true, recurrentActivation: 'sigmoid' }) as never }),
      () => layers.bidirectional({ layer: layers.lstm({ units: U, returnSequences: true }), name: 'rnn' }),
      4,
    ],
  ];
  for (const [label, theirs, mine, nStates] of cases) {
    it(label, async () => {
      const l = theirs();
      const states = Array.from({ length: nStates }, (_, i) => st(10 + i));
      // Seeded weights (tfjs's initialisers are unseeded: with some draws the states barely reach the last output).
      l.apply(tf.tensor(x, [B, T, F]));
      l.setWeights(l.getWeights().map((w, i) => tf.tensor(seeded(30 + i, w.size, -0.5, 0.5), w.shape)));
      const want = (l.apply(tf.tensor(x, [B, T, F]), { initialState: states.map((s) => tf.tensor(s, [B, U])) }) as tf.Tensor).dataSync();
      const weights = l.getWeights().map((w) => w.dataSync() as Float32Array);
      // Without initial states the outputs differ: the states are really used.
      const zeros = (l.apply(tf.tensor(x, [B, T, F])) as tf.Tensor).dataSync();
      expect(maxDiff(want, zeros)).toBeGreaterThan(1e-2);
      for (const { name, engine } of [{ name: 'reference', engine: ref }, ...engines]) {
        const m = sequential([mine()], { engine, inputShape: [T, F], seed: 1 });
        m.setWeights(weights);
        const y = m.predict({ data: x, shape: [B, T, F] }, { initialState: { rnn: states.map((s) => ({ data: s, shape: [B, U] })) } });
        expect(maxDiff(await y.data(), want), name).toBeLessThan(1e-5);
        y.dispose();
        // Tensors work too, and other calls are unaffected.
        const t = states.map((s) => engine.tensor(s, [B, U]));
        const y2 = m.predict({ data: x, shape: [B, T, F] }, { initialState: { rnn: t } });
        expect(maxDiff(await y2.data(), want), name).toBeLessThan(1e-5);
        const y3 = m.predict({ data: x, shape: [B, T, F] });
        expect(maxDiff(await y3.data(), zeros), name).toBeLessThan(1e-5);
        [y2, y3, ...t].forEach((v) => v.dispose());
        m.dispose();
      }
    });
  }

  it('bad initial states get typed errors', () => {
    const m = sequential([layers.lstm({ units: U, name: 'rnn' }), layers.dense({ units: 2, name: 'out' })], { engine: engines[0]!.engine, inputShape: [T, F], seed: 1 });
    const h = { data: st(1), shape: [B, U] };
    const xs = { data: x, shape: [B, T, F] };
    expect(() => m.predict(xs, { initialState: { nope: [h] } })).toThrow(/not in the model/);
    expect(() => m.predict(xs, { initialState: { out: [h] } })).toThrow(/for recurrent layers/);
    expect(() => m.predict(xs, { initialState: { rnn: [{ data: st(1).subarray(0, U), shape: [1, U] }] } })).toThrow(InvalidArgumentError);
    expect(() => m.predict(xs, { initialState: { rnn: [h, h, h] } })).toThrow(/takes 2 initial states \(\[h, c\]\), got 3/);
    expect(() => m.predict(xs, { initialState: { rnn: [{ data: new Float32Array(B * U).fill(NaN), shape: [B, U] }] } })).toThrow(InvalidArgumentError);
    expect(() => m.predict(xs, { initialStates: {} } as never)).toThrow(/unknown option 'initialStates'/);
    m.dispose();
  });
});

/** x [B, T, F] with whole steps set to 0 (masked): trailing, leading, in the middle, none, and all steps. */
function maskedX(B: number, T: number, F: number, seed: number): Float32Array {
  const x = seeded(seed, B * T * F);
  const masked = (b: number, t: number) => [t >= T - 2, t < 2, t === 1 || t === 3, false, true][b % 5]!;
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) if (masked(b, t)) x.fill(0, (b * T + t) * F, (b * T + t + 1) * F);
  return x;
}

/** Mean categorical cross-entropy of the f64 reference's predictions. */
function refLoss(m: Sequential, x: Float32Array, shape: number[], y: Float32Array): number {
  const p = m.predict({ data: x, shape });
  const v = readF64(ref, p);
  p.dispose();
  const C = y.length / shape[0]!;
  let L = 0;
  for (let i = 0; i < v.length; i++) if (y[i]) L -= Math.log(v[i]!);
  return L / (v.length / C);
}

describe('masked training gradients vs central finite differences (f64 reference)', () => {
  const cases: [string, () => Layer[]][] = [
    ['Masking -> LSTM(rs) -> GRU(go_backwards) -> Dense(softmax)', () => [layers.masking({ maskValue: 0 }), layers.lstm({ units: 3, returnSequences: true }), layers.gru({ units: 3, goBackwards: true }), layers.dense({ units: 3, activation: 'softmax' })]],
    [
      'Masking -> Bidirectional(LSTM rs, concat) -> Bidirectional(SimpleRNN, ave) -> Dense(softmax)',
      () => [layers.masking(), layers.bidirectional({ layer: layers.lstm({ units: 3, returnSequences: true }) }), layers.bidirectional({ layer: layers.simpleRnn({ units: 2 }), mergeMode: 'ave' }), layers.dense({ units: 3, activation: 'softmax' })],
    ],
    ['Masking -> GRU(rs, reset_after=false, go_backwards) -> SimpleRNN -> Dense(softmax)', () => [layers.masking(), layers.gru({ units: 3, returnSequences: true, resetAfter: false, goBackwards: true }), layers.simpleRnn({ units: 3 }), layers.dense({ units: 3, activation: 'softmax' })]],
  ];
  for (const [label, make] of cases) {
    it(label, async () => {
      const [B, T, F, C] = [5, 5, 3, 3];
      const m = sequential(make(), { engine: ref, inputShape: [T, F], seed: 3 });
      m.setWeights((await m.getWeights()).map((w, i) => seeded(40 + i, w.length, -0.6, 0.6)));
      m.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
      const x = maskedX(B, T, F, 41);
      const y = oneHot(B, C, 42);
      const got = await m.gradients({ data: x, shape: [B, T, F] }, { data: y, shape: [B, C] });
      const values = await m.getWeights();
      const eps = 1e-3;
      got.forEach(({ name, grad }, k) => {
        const w = values[k]!;
        let worst = 0;
        const scale = Math.max(...grad.map(Math.abs));
        expect(scale, name).toBeGreaterThan(1e-5);
        for (let i = 0; i < w.length; i++) {
          const v = w[i]!;
          w[i] = v + eps;
          m.setWeights(values);
          const lp = refLoss(m, x, [B, T, F], y);
          w[i] = v - eps;
          m.setWeights(values);
          const lm = refLoss(m, x, [B, T, F], y);
          w[i] = v;
          const fd = (lp - lm) / (Math.fround(v + eps) - Math.fround(v - eps));
          worst = Math.max(worst, Math.abs(fd - grad[i]!));
        }
        m.setWeights(values);
        expect(worst, `${name} (max |grad| ${scale.toExponential(2)})`).toBeLessThan(2e-6 + 1e-4 * scale);
      });
      m.dispose();
    });
  }
});

describe('masked training gradients match tfjs-layers (tf.variableGrads)', () => {
  it('Masking -> LSTM(rs) -> GRU(go_backwards) -> Dense(softmax), on wasm and webgpu', async () => {
    const [B, T, F, C] = [10, 6, 4, 3];
    const m = tfl.sequential({
      layers: [
        tfl.layers.masking({ maskValue: 0, inputShape: [T, F] }),
        tfl.layers.lstm({ units: 5, returnSequences: true, recurrentActivation: 'sigmoid' }),
        tfl.layers.gru({ units: 4, goBackwards: true, recurrentActivation: 'sigmoid' }),
        tfl.layers.dense({ units: C, activation: 'softmax' }),
      ],
    });
    randomizeWeights(m, 51, 0.5);
    const x = maskedX(B, T, F, 52);
    const y = oneHot(B, C, 53);
    const vars = m.trainableWeights.map((w) => (w as unknown as { read(): tf.Variable }).read());
    const { value, grads } = tf.variableGrads(() => {
      const p = m.apply(tf.tensor(x, [B, T, F])) as tf.Tensor;
      return tf.mean(tf.neg(tf.sum(tf.mul(tf.tensor(y, [B, C]), tf.log(p)), -1))) as tf.Scalar;
    }, vars);
    value.dispose();
    const want = vars.map((v) => grads[v.name]!.dataSync());
    const saved = await saveArtifacts(m);
    for (const { name, engine } of engines) {
      const ours = loadModelFromArtifacts(saved, { engine });
      ours.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
      const got = await ours.gradients({ data: x, shape: [B, T, F] }, { data: y, shape: [B, C] });
      expect(got.length).toBe(want.length);
      got.forEach(({ name: w, grad }, i) => {
        const scale = Math.max(...Array.from(want[i]!, Math.abs));
        expect(maxDiff(grad, want[i]!), `${name} ${w}`).toBeLessThanOrEqual(1e-6 + 2e-4 * scale);
      });
      ours.dispose();
    }
  });
});

describe('training through Masking', () => {
  it('fit learns a task carried by the unmasked steps (variable-length sequences)', async () => {
    const [N, T, F] = [64, 6, 2];
    const x = new Float32Array(N * T * F);
    const labels = new Float32Array(N);
    const r = seeded(61, N * T * F + N);
    for (let n = 0; n < N; n++) {
      const len = 2 + (n % (T - 1));
      labels[n] = n % 2;
      // Class 1: the first feature rises over the valid steps; class 0: it falls. Padding (zeros) after them.
      for (let t = 0; t < len; t++) {
        const v = (labels[n] ? t : len - t) / len + 0.2 * r[n * T * F + t * F]!;
        x[(n * T + t) * F] = v + 0.1;
        x[(n * T + t) * F + 1] = 0.5 + 0.1 * r[n * T * F + t * F + 1]!;
      }
    }
    const m = sequential([layers.masking(), layers.lstm({ units: 8 }), layers.dense({ units: 2, activation: 'softmax' })], { engine: engines[0]!.engine, inputShape: [T, F], seed: 5 });
    m.compile({ optimizer: optimizers.adam({ learningRate: 0.05 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const h = await m.fit({ data: x, shape: [N, T, F] }, { data: labels, shape: [N] }, { epochs: 30, batchSize: 16, seed: 1 });
    expect(h.history.acc!.at(-1)!).toBeGreaterThan(0.9);
    m.dispose();
  });

  it('refuses what it cannot train with typed errors', async () => {
    const { engine } = engines[0]!;
    const [B, T, F] = [2, 3, 2];
    const x = { data: maskedX(B, T, F, 71), shape: [B, T, F] };
    const m1 = sequential([layers.dropout({ rate: 0.1 }), layers.masking(), layers.lstm({ units: 2 }), layers.dense({ units: 2, activation: 'softmax' })], { engine, inputShape: [T, F], seed: 1 });
    m1.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    await expect(m1.fit(x, { data: new Float32Array([0, 1]), shape: [B] })).rejects.toThrow(UnsupportedError);
    await expect(m1.fit(x, { data: new Float32Array([0, 1]), shape: [B] })).rejects.toThrow(/needs it first/);
    const m2 = sequential([layers.masking(), layers.lstm({ units: 2, returnSequences: true }), layers.timeDistributed({ layer: layers.dense({ units: 2, activation: 'softmax' }) })], { engine, inputShape: [T, F], seed: 1 });
    m2.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    await expect(m2.fit(x, { data: new Float32Array(B * T), shape: [B, T] })).rejects.toThrow(/reaches the loss/);
    [m1, m2].forEach((m) => m.dispose());
  });
});
