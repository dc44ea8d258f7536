// Bidirectional: tfjs-layers models (LSTM / GRU / SimpleRNN, every merge mode, go_backwards inside) saved by
// tfjs and loaded by our Keras loader predict as tfjs does, and their gradients match tf.variableGrads, on wasm
// and webgpu; our own bidirectional models save a topology tfjs-layers loads back; bad input gets typed errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/index.node.js';
import { InvalidArgumentError, InvalidModelFileError } from '../../src/runtime/errors.js';
import { layers, optimizers, sequential } from '../../src/nn/index.js';
import { loadModelFromArtifacts } from '../../src/nn/keras-loader.js';
import { randomizeWeights, saveArtifacts, seeded, tf, tfl, tfReady } from './layers-tfjs-support.js';

const engines: { name: string; engine: Engine }[] = [];

beforeAll(async () => {
  await tfReady();
  engines.push({ name: 'wasm', engine: await createEngine({ backend: 'wasm', log: null }) });
  engines.push({ name: 'webgpu', engine: await createEngine({ backend: 'webgpu', log: null }) });
});

afterAll(() => engines.forEach((e) => e.engine.dispose()));

type Merge = 'concat' | 'sum' | 'mul' | 'ave';
type Cell = 'lstm' | 'gru' | 'simpleRNN';

function rnn(cell: Cell, o: Record<string, unknown>) {
  if (cell === 'simpleRNN') return tfl.layers.simpleRNN(o as never);
  return tfl.layers[cell]({ recurrentActivation: 'sigmoid', ...o } as never);
}

function oneHot(rows: number, C: number, seed: number): Float32Array {
  const y = new Float32Array(rows * C);
  const r = seeded(seed, rows, 0, C);
  for (let i = 0; i < rows; i++) y[i * C + Math.floor(r[i]!)] = 1;
  return y;
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

describe('Bidirectional predict matches tfjs-layers (model.json saved by tfjs, our loader)', () => {
  const cases: [string, Cell, Merge, boolean, boolean][] = [
    ['LSTM concat, sequences', 'lstm', 'concat', true, false],
    ['LSTM sum, last', 'lstm', 'sum', false, false],
    ['LSTM mul, sequences, go_backwards inside', 'lstm', 'mul', true, true],
    ['GRU ave, sequences', 'gru', 'ave', true, false],
    ['GRU concat, last, go_backwards inside', 'gru', 'concat', false, true],
    ['SimpleRNN sum, sequences', 'simpleRNN', 'sum', true, false],
  ];
  for (const [label, cell, mergeMode, returnSequences, goBackwards] of cases) {
    it(label, async () => {
      const [B, T, F, U] = [3, 6, 5, 7];
      const m = tfl.sequential({
        layers: [
          tfl.layers.bidirectional({ layer: rnn(cell, { units: U, returnSequences, goBackwards }) as never, mergeMode, inputShape: [T, F] }),
          ...(returnSequences ? [tfl.layers.timeDistributed({ layer: tfl.layers.dense({ units: 4 }) })] : [tfl.layers.dense({ units: 4 })]),
        ],
      });
      randomizeWeights(m, 11, 0.5);
      const x = seeded(12, B * T * F);
      const want = (m.predict(tf.tensor(x, [B, T, F])) as tf.Tensor).dataSync();
      const saved = await saveArtifacts(m);
      for (const { name, engine } of engines) {
        const ours = loadModelFromArtifacts(saved, { engine });
        expect(ours.layers[0]!.className).toBe('Bidirectional');
        const y = ours.predict({ data: x, shape: [B, T, F] });
        expect(y.shape).toEqual(returnSequences ? [B, T, 4] : [B, 4]);
        expect(maxDiff(await y.data(), want), `${name}`).toBeLessThan(1e-4);
        y.dispose();
        ours.dispose();
      }
    });
  }
});

/** Mean categorical cross-entropy gradients of a tfjs model, in trainable-weight order. */
function tfjsGrads(model: tfl.LayersModel, x: Float32Array, xShape: number[], y: Float32Array, yShape: number[]): Float32Array[] {
  const vars = model.trainableWeights.map((w) => (w as unknown as { read(): tf.Variable }).read());
  const { value, grads } = tf.variableGrads(() => {
    const p = model.apply(tf.tensor(x, xShape)) as tf.Tensor;
    return tf.mean(tf.neg(tf.sum(tf.mul(tf.tensor(y, yShape), tf.log(p)), -1))) as tf.Scalar;
  }, vars);
  value.dispose();
  return vars.map((v) => grads[v.name]!.dataSync() as Float32Array);
}

describe('Bidirectional gradients match tfjs-layers (tf.variableGrads, same weights)', () => {
  const cases: [string, Cell, Merge, Cell, Merge][] = [
    ['Bi-LSTM(rs, concat) -> Bi-GRU(sum) -> Dense(softmax)', 'lstm', 'concat', 'gru', 'sum'],
    ['Bi-GRU(rs, mul) -> Bi-LSTM(ave) -> Dense(softmax)', 'gru', 'mul', 'lstm', 'ave'],
    ['Bi-SimpleRNN(rs, ave) -> Bi-SimpleRNN(concat) -> Dense(softmax)', 'simpleRNN', 'ave', 'simpleRNN', 'concat'],
  ];
  for (const [label, c1, m1, c2, m2] of cases) {
    it(label, async () => {
      const [B, T, F, C] = [4, 5, 6, 3];
      const m = tfl.sequential({
        layers: [
          tfl.layers.bidirectional({ layer: rnn(c1, { units: 5, returnSequences: true }) as never, mergeMode: m1, inputShape: [T, F] }),
          tfl.layers.bidirectional({ layer: rnn(c2, { units: 4, goBackwards: c2 === 'lstm' }) as never, mergeMode: m2 }),
          tfl.layers.dense({ units: C, activation: 'softmax' }),
        ],
      });
      randomizeWeights(m, 21, 0.45);
      const x = seeded(22, B * T * F);
      const y = oneHot(B, C, 23);
      const want = tfjsGrads(m, x, [B, T, F], y, [B, C]);
      const saved = await saveArtifacts(m);
      for (const { name, engine } of engines) {
        const ours = loadModelFromArtifacts(saved, { engine });
        ours.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
        const got = await ours.gradients({ data: x, shape: [B, T, F] }, { data: y, shape: [B, C] });
        expect(got.length).toBe(want.length);
        expect(got.map((g) => g.name)).toEqual(saved.weightSpecs.slice(0, got.length).map((s) => s.name));
        got.forEach(({ name: w, grad }, i) => {
          const scale = Math.max(...want[i]!.map(Math.abs));
          expect(scale, w).toBeGreaterThan(1e-4);
          expect(maxDiff(grad, want[i]!), `${name} ${w}`).toBeLessThanOrEqual(1e-6 + 2e-4 * scale);
        });
        ours.dispose();
      }
    });
  }
});

describe('our bidirectional models', () => {
  it('save a topology tfjs-layers loads, with the same predictions; fit lowers the loss', async () => {
    const [B, T, F] = [6, 4, 3];
    const { engine } = engines[0]!;
    const ours = sequential([layers.bidirectional({ layer: layers.lstm({ units: 4, returnSequences: true }), mergeMode: 'sum' }), layers.bidirectional({ layer: layers.gru({ units: 3, resetAfter: false }) }), layers.dense({ units: 2, activation: 'softmax' })], { engine, inputShape: [T, F], seed: 7 });
    expect(ours.weights.map((w) => w.name).slice(0, 4)).toEqual([
      `${ours.layers[0]!.name}/forward_${(ours.layers[0] as never as { innerName: string }).innerName}/kernel`,
      `${ours.layers[0]!.name}/forward_${(ours.layers[0] as never as { innerName: string }).innerName}/recurrent_kernel`,
      `${ours.layers[0]!.name}/forward_${(ours.layers[0] as never as { innerName: string }).innerName}/bias`,
      `${ours.layers[0]!.name}/backward_${(ours.layers[0] as never as { innerName: string }).innerName}/kernel`,
    ]);
    expect(ours.outputShape).toEqual([2]);
    const x = seeded(31, B * T * F);
    const mine = await ours.predict({ data: x, shape: [B, T, F] }).data();
    const art = await ours.save();
    const theirs = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: art.modelTopology, weightSpecs: art.weightSpecs, weightData: art.weightData }));
    const want = (theirs.predict(tf.tensor(x, [B, T, F])) as tf.Tensor).dataSync();
    expect(maxDiff(mine, want)).toBeLessThan(1e-5);

    ours.compile({ optimizer: optimizers.adam({ learningRate: 0.05 }), loss: 'sparseCategoricalCrossentropy' });
    const labels = Float32Array.from({ length: B }, (_, i) => i % 2);
    const h = await ours.fit({ data: x, shape: [B, T, F] }, { data: labels, shape: [B] }, { epochs: 20, batchSize: 6, shuffle: false });
    expect(h.history.loss.at(-1)!).toBeLessThan(h.history.loss[0]! * 0.5);
    ours.dispose();
  });

  it('bad input gets typed errors', async () => {
    const { engine } = engines[0]!;
    expect(() => layers.bidirectional({ layer: layers.dense({ units: 3 }) as never })).toThrow(InvalidArgumentError);
    expect(() => layers.bidirectional({ layer: layers.lstm({ units: 3 }), mergeMode: 'max' as never })).toThrow(/mergeMode must be one of concat, sum, mul, ave/);
    const inner = layers.lstm({ units: 3 });
    const m = sequential([inner], { engine, inputShape: [2, 2], seed: 1 });
    expect(() => layers.bidirectional({ layer: inner })).toThrow(/already built/);
    m.dispose();
    const topo = (cls: string, merge: unknown) => ({ class_name: 'Sequential', config: { layers: [{ class_name: 'Bidirectional', config: { name: 'bi', merge_mode: merge, batch_input_shape: [null, 3, 2], layer: { class_name: cls, config: { name: 'd', units: 2 } } } }] } });
    const none = { weightSpecs: [], weightData: new ArrayBuffer(0) };
    expect(() => loadModelFromArtifacts({ modelTopology: topo('Dense', 'concat'), ...none }, { engine })).toThrow(InvalidModelFileError);
    expect(() => loadModelFromArtifacts({ modelTopology: topo('Dense', 'concat'), ...none }, { engine })).toThrow(/Bidirectional\(Dense\) is not supported/);
    expect(() => loadModelFromArtifacts({ modelTopology: topo('LSTM', null), ...none }, { engine })).toThrow(/merge_mode null is not supported/);
  });
});
