// Keras / tfjs-layers model.json loading: models built and saved by tfjs-layers inside the test (custom
// IOHandler -> model.json + weights files), loaded by loadModelFromFile / loadModelFromArtifacts, predictions
// matching tfjs within 1e-4 on wasm and webgpu. GRU reset_after=true (which tfjs-layers 4.22 cannot build) comes
// as a Keras 2 style model.json written here, checked against a GRU written out in tfjs-core ops.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/index.node.js';
import { InvalidModelFileError } from '../../src/runtime/errors.js';
import { readFile } from 'node:fs/promises';
import { loadModel, loadModelFromArtifacts } from '../../src/nn/keras-loader.js';
import { loadModelFromFile } from '../../src/nn/io-node.js';
import { randomizeWeights, saveArtifacts, seeded, tf, tfl, tfReady, writeModelFiles, type Saved } from './layers-tfjs-support.js';

const engines: { name: string; engine: Engine }[] = [];

beforeAll(async () => {
  await tfReady();
  engines.push({ name: 'wasm', engine: await createEngine({ backend: 'wasm', log: null }) });
  engines.push({ name: 'webgpu', engine: await createEngine({ backend: 'webgpu', log: null }) });
});

afterAll(() => engines.forEach((e) => e.engine.dispose()));

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Saves a tfjs model, loads it from files with ours on each backend, compares predictions on x. */
async function roundTrip(model: tfl.LayersModel, xShape: number[], x: Float32Array): Promise<void> {
  const want = (await (model.predict(tf.tensor(x, xShape)) as tf.Tensor).data()) as Float32Array;
  const saved = await saveArtifacts(model);
  const path = writeModelFiles(saved);
  for (const { name, engine } of engines) {
    const ours = await loadModelFromFile(path, { engine });
    const y = ours.predict(x, xShape);
    const got = await y.data();
    y.dispose();
    expect(maxDiff(got, want), `${name}`).toBeLessThan(1e-4);
    // The same through in-memory artifacts.
    const again = loadModelFromArtifacts(saved, { engine });
    const y2 = again.predict(x, xShape);
    expect(maxDiff(await y2.data(), want), `${name} (artifacts)`).toBeLessThan(1e-4);
    y2.dispose();
    ours.dispose();
    again.dispose();
  }
}

describe('tfjs-layers models load and predict like tfjs (1e-4)', () => {
  it('LSTM(rs) -> LSTM -> Dense(softmax), tfjs defaults (hard_sigmoid gates)', async () => {
    const m = tfl.sequential({
      layers: [tfl.layers.lstm({ units: 8, returnSequences: true, inputShape: [7, 12] }), tfl.layers.lstm({ units: 6 }), tfl.layers.dense({ units: 5, activation: 'softmax' })],
    });
    randomizeWeights(m, 10);
    await roundTrip(m, [4, 7, 12], seeded(1, 4 * 7 * 12));
  });

  it('LSTM sigmoid gates, go_backwards, no bias -> Dense(relu)', async () => {
    const m = tfl.sequential({
      layers: [tfl.layers.lstm({ units: 9, recurrentActivation: 'sigmoid', goBackwards: true, useBias: false, inputShape: [5, 3] }), tfl.layers.dense({ units: 4, activation: 'relu' })],
    });
    randomizeWeights(m, 20);
    await roundTrip(m, [3, 5, 3], seeded(2, 3 * 5 * 3));
  });

  it('GRU (reset_after=false, the tfjs GRU) stacked -> Dense(softmax)', async () => {
    const m = tfl.sequential({
      layers: [
        tfl.layers.gru({ units: 7, returnSequences: true, recurrentActivation: 'sigmoid', inputShape: [6, 10] }),
        tfl.layers.gru({ units: 5 }),
        tfl.layers.dense({ units: 3, activation: 'softmax' }),
      ],
    });
    randomizeWeights(m, 30);
    await roundTrip(m, [5, 6, 10], seeded(3, 5 * 6 * 10));
  });

  it('SimpleRNN(rs) -> Dropout -> TimeDistributed(Dense tanh)', async () => {
    const m = tfl.sequential({
      layers: [
        tfl.layers.simpleRNN({ units: 6, returnSequences: true, inputShape: [4, 5] }),
        tfl.layers.dropout({ rate: 0.3 }),
        tfl.layers.timeDistributed({ layer: tfl.layers.dense({ units: 4, activation: 'tanh' }) }),
      ],
    });
    randomizeWeights(m, 40);
    await roundTrip(m, [2, 4, 5], seeded(4, 2 * 4 * 5));
  });

  it('Masking -> LSTM(rs) -> LSTM -> Dense(softmax) with padded sequences', async () => {
    const m = tfl.sequential({
      layers: [
        tfl.layers.masking({ maskValue: 0, inputShape: [6, 4] }),
        tfl.layers.lstm({ units: 5, returnSequences: true }),
        tfl.layers.lstm({ units: 4 }),
        tfl.layers.dense({ units: 3, activation: 'softmax' }),
      ],
    });
    randomizeWeights(m, 50);
    const x = seeded(5, 3 * 6 * 4);
    // Sample 0 padded after 4 steps, sample 1 masked at step 2, sample 2 whole.
    for (const [b, t] of [[0, 4], [0, 5], [1, 2]] as const) x.fill(0, (b * 6 + t) * 4, (b * 6 + t + 1) * 4);
    await roundTrip(m, [3, 6, 4], x);
  });
});

/** A Keras 2 (Python) style model.json for GRU(reset_after=True) -> Dense(softmax), weights named like h5 files. */
function kerasGruArtifacts(F: number, U: number, C: number): { saved: Saved; W: Float32Array; R: Float32Array; b: Float32Array; K: Float32Array; kb: Float32Array } {
  const W = seeded(61, F * 3 * U, -0.5, 0.5);
  const R = seeded(62, U * 3 * U, -0.5, 0.5);
  const b = seeded(63, 2 * 3 * U, -0.5, 0.5);
  const K = seeded(64, U * C, -0.5, 0.5);
  const kb = seeded(65, C, -0.5, 0.5);
  const topology = {
    keras_version: '2.15.0',
    backend: 'tensorflow',
    model_config: {
      class_name: 'Sequential',
      config: {
        name: 'sequential',
        layers: [
          { class_name: 'InputLayer', config: { batch_input_shape: [null, null, F], dtype: 'float32', sparse: false, ragged: false, name: 'gru_input' } },
          {
            class_name: 'GRU',
            config: {
              name: 'gru',
              trainable: true,
              dtype: 'float32',
              return_sequences: false,
              return_state: false,
              go_backwards: false,
              stateful: false,
              unroll: false,
              time_major: false,
              units: U,
              activation: 'tanh',
              recurrent_activation: 'sigmoid',
              use_bias: true,
              kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
              recurrent_initializer: { class_name: 'Orthogonal', config: { gain: 1.0, seed: null } },
              bias_initializer: { class_name: 'Zeros', config: {} },
              kernel_regularizer: null,
              dropout: 0.0,
              recurrent_dropout: 0.0,
              implementation: 2,
              reset_after: true,
            },
          },
          { class_name: 'Dense', config: { name: 'dense', trainable: true, dtype: 'float32', units: C, activation: 'softmax', use_bias: true } },
        ],
      },
    },
  };
  const specs = [
    { name: 'gru/gru_cell/kernel', shape: [F, 3 * U], dtype: 'float32' as const },
    { name: 'gru/gru_cell/recurrent_kernel', shape: [U, 3 * U], dtype: 'float32' as const },
    { name: 'gru/gru_cell/bias', shape: [2, 3 * U], dtype: 'float32' as const },
    { name: 'dense/kernel', shape: [U, C], dtype: 'float32' as const },
    { name: 'dense/bias', shape: [C], dtype: 'float32' as const },
  ];
  const all = new Float32Array(W.length + R.length + b.length + K.length + kb.length);
  let o = 0;
  for (const a of [W, R, b, K, kb]) {
    all.set(a, o);
    o += a.length;
  }
  return { saved: { modelTopology: topology, weightSpecs: specs, weightData: all.buffer }, W, R, b, K, kb };
}

describe('Keras 2 GRU reset_after=True model.json', () => {
  it('matches a GRU written out in tfjs-core ops (1e-4) on both backends', async () => {
    const [B, T, F, U, C] = [3, 5, 6, 4, 3];
    const { saved, W, R, b, K, kb } = kerasGruArtifacts(F, U, C);
    const x = seeded(66, B * T * F);
    // Keras GRUCell (reset_after): xz xr xh = x W + b_in; rz rr rh = h R + b_rec; hh = tanh(xh + r * rh).
    const want = tf.tidy(() => {
      const Wt = tf.tensor(W, [F, 3 * U]);
      const Rt = tf.tensor(R, [U, 3 * U]);
      const bIn = tf.tensor(b.subarray(0, 3 * U), [3 * U]);
      const bRec = tf.tensor(b.subarray(3 * U), [3 * U]);
      const xt = tf.tensor(x, [B, T, F]);
      let h = tf.zeros([B, U]);
      for (let t = 0; t < T; t++) {
        const xs = tf.add(tf.matMul(tf.reshape(tf.slice(xt, [0, t, 0], [B, 1, F]), [B, F]), Wt), bIn);
        const hs = tf.add(tf.matMul(h, Rt), bRec);
        const [xz, xr, xh] = tf.split(xs, 3, 1);
        const [hz, hr, hh] = tf.split(hs, 3, 1);
        const z = tf.sigmoid(tf.add(xz!, hz!));
        const r = tf.sigmoid(tf.add(xr!, hr!));
        const cand = tf.tanh(tf.add(xh!, tf.mul(r, hh!)));
        h = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), cand));
      }
      return tf.softmax(tf.add(tf.matMul(h, tf.tensor(K, [U, C])), tf.tensor(kb, [C])));
    });
    const wantData = (await want.data()) as Float32Array;
    const path = writeModelFiles(saved, 'keras-gru');
    for (const { name, engine } of engines) {
      const m = await loadModelFromFile(path, { engine });
      const y = m.predict(x, [B, T, F]);
      expect(maxDiff(await y.data(), wantData), name).toBeLessThan(1e-4);
      y.dispose();
      m.dispose();
    }
  });
});

describe('loadModel over fetch', () => {
  it('fetches model.json and its shard (any fetch: here one that reads files)', async () => {
    const m = tfl.sequential({ layers: [tfl.layers.lstm({ units: 3, inputShape: [2, 4] }), tfl.layers.dense({ units: 2, activation: 'softmax' })] });
    randomizeWeights(m, 70);
    const x = seeded(71, 2 * 2 * 4);
    const want = (m.predict(tf.tensor(x, [2, 2, 4])) as tf.Tensor).dataSync();
    const path = writeModelFiles(await saveArtifacts(m));
    const fetched: string[] = [];
    const fileFetch = async (url: string) => {
      fetched.push(url);
      const bytes = await readFile(url);
      return new Response(bytes, { status: 200 });
    };
    const ours = await loadModel(path, { engine: engines[0]!.engine, fetch: fileFetch as never });
    const y = ours.predict(x, [2, 2, 4]);
    expect(maxDiff(await y.data(), want)).toBeLessThan(1e-4);
    expect(fetched.some((u) => u.endsWith('model.weights.bin'))).toBe(true);
    y.dispose();
    ours.dispose();
    await expect(loadModel('/nonexistent/model.json', { engine: engines[0]!.engine, fetch: fileFetch as never })).rejects.toThrow(InvalidModelFileError);
  });
});

describe('model.json problems are InvalidModelFileErrors', () => {
  const engine = () => engines[0]!.engine;
  const base = () => kerasGruArtifacts(4, 3, 2).saved;
  const layersOf = (s: Saved) => ((s.modelTopology.model_config as Record<string, unknown>).config as Record<string, unknown>).layers as Record<string, unknown>[];

  it('unknown layer', () => {
    const s = base();
    layersOf(s).splice(2, 0, { class_name: 'Conv1D', config: { name: 'conv1d', filters: 3 } });
    expect(() => loadModelFromArtifacts(s, { engine: engine() })).toThrow(InvalidModelFileError);
    expect(() => loadModelFromArtifacts(s, { engine: engine() })).toThrow(/layer 'conv1d' is a Conv1D, which is not supported/);
  });

  it('unsupported configs: return_state, stateful, Dense activation', () => {
    for (const [patch, msg] of [
      [(l: Record<string, unknown>[]) => ((l[1]!.config as Record<string, unknown>).return_state = true), /return_state is not supported/],
      [(l: Record<string, unknown>[]) => ((l[1]!.config as Record<string, unknown>).stateful = true), /stateful RNNs are not supported/],
      [(l: Record<string, unknown>[]) => ((l[2]!.config as Record<string, unknown>).activation = 'elu'), /activation "elu" is not supported for Dense/],
      [(l: Record<string, unknown>[]) => ((l[1]!.config as Record<string, unknown>).activation = 'softsign'), /activation "softsign" is not supported/],
    ] as const) {
      const s = base();
      patch(layersOf(s));
      expect(() => loadModelFromArtifacts(s, { engine: engine() })).toThrow(msg);
    }
  });

  it('weights that do not fit', () => {
    const s = base();
    s.weightSpecs[1] = { ...s.weightSpecs[1]!, shape: [3, 8] };
    expect(() => loadModelFromArtifacts(s, { engine: engine() })).toThrow(InvalidModelFileError);
    const s2 = base();
    s2.weightSpecs.pop();
    expect(() => loadModelFromArtifacts(s2, { engine: engine() })).toThrow(InvalidModelFileError);
  });

  it('not a model / not a chain', () => {
    expect(() => loadModelFromArtifacts({ modelTopology: { class_name: 'Foo', config: {} }, weightSpecs: [], weightData: new ArrayBuffer(0) }, { engine: engine() })).toThrow(/unsupported model class "Foo"/);
    const functional = {
      class_name: 'Functional',
      config: {
        name: 'm',
        layers: [
          { class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, 3, 2] }, inbound_nodes: [] },
          { class_name: 'LSTM', config: { name: 'a', units: 2 }, inbound_nodes: [[['in', 0, 0, {}]]] },
          { class_name: 'Dense', config: { name: 'b', units: 2 }, inbound_nodes: [[['in', 0, 0, {}]]] },
        ],
      },
    };
    expect(() => loadModelFromArtifacts({ modelTopology: functional, weightSpecs: [], weightData: new ArrayBuffer(0) }, { engine: engine() })).toThrow(/not a plain chain/);
  });
});
