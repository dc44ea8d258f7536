// Training on device: optimiser kernels against the f64 reference; every trainable weight's gradient against
// tfjs-layers (tf.variableGrads, same weights and inputs) on wasm and webgpu; fit / evaluate / save / load
// behaviour; recovery from a device loss mid-fit.
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine, type Tensor } from '../../src/index.node.js';
import type { WebGpuBackend } from '../../src/runtime/backends/webgpu.js';
import { adamUpdate, sgdUpdate, sumSquares } from '../../src/ops/optimizer-grad/index.js';
import { layers, optimizers, sequential, type Sequential } from '../../src/nn/index.js';
import { loadModelFromArtifacts } from '../../src/nn/keras-loader.js';
import { loadModelFromFile, saveModel } from '../../src/nn/io-node.js';
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

function oneHot(n: number, C: number, seed: number): Float32Array {
  const y = new Float32Array(n * C);
  const r = seeded(seed, n, 0, C);
  for (let i = 0; i < n; i++) y[i * C + Math.floor(r[i]!)] = 1;
  return y;
}

describe('optimiser kernels update in place like the f64 reference', () => {
  const n = 1037;
  async function run(engine: Engine, kind: 'adam' | 'adamClip' | 'sgd' | 'momentum' | 'nesterov'): Promise<Float32Array[]> {
    const p = engine.tensor(seeded(1, n), [n]);
    const slots = [engine.tensor(new Float32Array(n), [n]), engine.tensor(new Float32Array(n), [n])];
    for (let step = 1; step <= 3; step++) {
      const g = engine.tensor(seeded(10 + step, n, -2, 2), [n]);
      if (kind === 'adam') adamUpdate(engine, p, g, slots[0]!, slots[1]!, { step, learningRate: 0.01 });
      else if (kind === 'adamClip') {
        const ns = engine.tensor([0], [1]);
        sumSquares(engine, g, ns).dispose();
        adamUpdate(engine, p, g, slots[0]!, slots[1]!, { step, learningRate: 0.01, clipNorm: 3 }, ns);
        ns.dispose();
      } else if (kind === 'sgd') sgdUpdate(engine, p, g, { learningRate: 0.1 });
      else sgdUpdate(engine, p, g, { learningRate: 0.1, momentum: 0.9, nesterov: kind === 'nesterov' }, slots[0]);
      g.dispose();
    }
    const out = await Promise.all([p, ...slots].map((t) => t.data()));
    [p, ...slots].forEach((t) => t.dispose());
    return out;
  }
  for (const kind of ['adam', 'adamClip', 'sgd', 'momentum', 'nesterov'] as const) {
    it(kind, async () => {
      const want = await run(ref, kind);
      for (const { name, engine } of engines) {
        const got = await run(engine, kind);
        got.forEach((g, k) => g.forEach((v, i) => expect(Math.abs(v - want[k]![i]!), `${name} tensor ${k} [${i}]`).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(want[k]![i]!))));
      }
    });
  }
});

/** tfjs gradients of the mean categorical cross-entropy of `model` on (x, y), keyed by weight order. */
function tfjsGrads(model: tfl.LayersModel, x: Float32Array, xShape: number[], y: Float32Array, yShape: number[]): Float32Array[] {
  const vars = model.trainableWeights.map((w) => (w as unknown as { read(): tf.Variable }).read());
  const { value, grads } = tf.variableGrads(() => {
    const p = model.apply(tf.tensor(x, xShape)) as tf.Tensor;
    return tf.mean(tf.neg(tf.sum(tf.mul(tf.tensor(y, yShape), tf.log(p)), -1))) as tf.Scalar;
  }, vars);
  value.dispose();
  return vars.map((v) => grads[v.name]!.dataSync() as Float32Array);
}

async function compareGrads(model: tfl.LayersModel, xShape: number[], yShape: number[], seed: number): Promise<void> {
  randomizeWeights(model, seed, 0.4);
  const x = seeded(seed + 100, xShape.reduce((a, b) => a * b, 1));
  const rows = yShape.slice(0, -1).reduce((a, b) => a * b, 1);
  const y = oneHot(rows, yShape.at(-1)!, seed + 200);
  const want = tfjsGrads(model, x, xShape, y, yShape);
  const saved = await saveArtifacts(model);
  for (const { name, engine } of engines) {
    const ours = loadModelFromArtifacts(saved, { engine });
    ours.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    const got = await ours.gradients({ data: x, shape: xShape }, { data: y, shape: yShape });
    expect(got.length).toBe(want.length);
    got.forEach(({ name: w, grad }, i) => {
      const scale = Math.max(...want[i]!.map(Math.abs));
      let worst = 0;
      grad.forEach((v, k) => (worst = Math.max(worst, Math.abs(v - want[i]![k]!))));
      expect(worst, `${name} ${w} (max |grad| ${scale.toExponential(2)})`).toBeLessThanOrEqual(1e-6 + 2e-4 * scale);
    });
    ours.dispose();
  }
}

describe('gradients of every trainable weight match tfjs-layers (tf.variableGrads)', () => {
  it('LSTM(rs, sigmoid) -> LSTM(hard_sigmoid, go_backwards) -> Dense(softmax)', async () => {
    const m = tfl.sequential({
      layers: [
        tfl.layers.lstm({ units: 8, returnSequences: true, recurrentActivation: 'sigmoid', inputShape: [6, 10] }),
        tfl.layers.lstm({ units: 7, goBackwards: true }),
        tfl.layers.dense({ units: 4, activation: 'softmax' }),
      ],
    });
    await compareGrads(m, [5, 6, 10], [5, 4], 1);
  });

  it('GRU(rs) -> GRU (reset_after=false, as tfjs) -> Dense(tanh) -> Dense(softmax)', async () => {
    const m = tfl.sequential({
      layers: [
        tfl.layers.gru({ units: 9, returnSequences: true, recurrentActivation: 'sigmoid', inputShape: [5, 6] }),
        tfl.layers.gru({ units: 6 }),
        tfl.layers.dense({ units: 8, activation: 'tanh' }),
        tfl.layers.dense({ units: 3, activation: 'softmax' }),
      ],
    });
    await compareGrads(m, [7, 5, 6], [7, 3], 2);
  });

  it('SimpleRNN(rs) -> TimeDistributed(Dense(relu)) -> TimeDistributed(Dense(softmax))', async () => {
    const m = tfl.sequential({
      layers: [
        tfl.layers.simpleRNN({ units: 6, returnSequences: true, inputShape: [4, 5] }),
        tfl.layers.timeDistributed({ layer: tfl.layers.dense({ units: 5, activation: 'relu' }) }),
        tfl.layers.timeDistributed({ layer: tfl.layers.dense({ units: 3, activation: 'softmax' }) }),
      ],
    });
    await compareGrads(m, [3, 4, 5], [3, 4, 3], 3);
  });

  it('the seed shapes: LSTM(64, rs) -> LSTM(64) -> Dense(5, softmax), batch 32', async () => {
    const m = tfl.sequential({
      layers: [
        tfl.layers.lstm({ units: 64, returnSequences: true, recurrentActivation: 'sigmoid', inputShape: [10, 128] }),
        tfl.layers.lstm({ units: 64, recurrentActivation: 'sigmoid' }),
        tfl.layers.dense({ units: 5, activation: 'softmax' }),
      ],
    });
    await compareGrads(m, [32, 10, 128], [32, 5], 4);
  });

  it('GRU reset_after=true (Keras 2 default; not in tfjs-layers) against a GRU written in tfjs-core ops', async () => {
    const [B, T, F, U, C] = [4, 5, 6, 5, 3];
    const { engine: e0 } = engines[0]!;
    const x = seeded(71, B * T * F);
    const y = oneHot(B, C, 72);
    for (const { name, engine } of engines) {
      const m = sequential([layers.gru({ units: U, resetAfter: true }), layers.dense({ units: C, activation: 'softmax' })], { engine, inputShape: [T, F], seed: 5 });
      m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
      const [W, R, b, K, kb] = await m.getWeights();
      const got = await m.gradients({ data: x, shape: [B, T, F] }, { data: y, shape: [B, C] });
      const vars = [tf.variable(tf.tensor(W!, [F, 3 * U])), tf.variable(tf.tensor(R!, [U, 3 * U])), tf.variable(tf.tensor(b!, [2, 3 * U])), tf.variable(tf.tensor(K!, [U, C])), tf.variable(tf.tensor(kb!, [C]))];
      const { grads } = tf.variableGrads(() => {
        const [Wv, Rv, bv, Kv, kbv] = vars;
        const [bIn, bRec] = tf.split(bv!, 2, 0).map((t) => tf.reshape(t, [3 * U]));
        const xt = tf.tensor(x, [B, T, F]);
        let h: tf.Tensor = tf.zeros([B, U]);
        for (let t = 0; t < T; t++) {
          const xs = tf.add(tf.matMul(tf.reshape(tf.slice(xt, [0, t, 0], [B, 1, F]), [B, F]), Wv!), bIn!);
          const hs = tf.add(tf.matMul(h, Rv!), bRec!);
          const [xz, xr, xh] = tf.split(xs, 3, 1);
          const [hz, hr, hh] = tf.split(hs, 3, 1);
          const z = tf.sigmoid(tf.add(xz!, hz!));
          const r = tf.sigmoid(tf.add(xr!, hr!));
          h = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), tf.tanh(tf.add(xh!, tf.mul(r, hh!)))));
        }
        const p = tf.softmax(tf.add(tf.matMul(h, Kv!), kbv!));
        return tf.mean(tf.neg(tf.sum(tf.mul(tf.tensor(y, [B, C]), tf.log(p)), -1))) as tf.Scalar;
      }, vars);
      vars.forEach((v, i) => {
        const want = grads[v.name]!.dataSync();
        const scale = Math.max(...Array.from(want, Math.abs));
        let worst = 0;
        got[i]!.grad.forEach((g, k) => (worst = Math.max(worst, Math.abs(g - want[k]!))));
        expect(worst, `${name} ${got[i]!.name}`).toBeLessThanOrEqual(1e-6 + 2e-4 * scale);
      });
      vars.forEach((v) => v.dispose());
      m.dispose();
    }
    expect(e0.backendName).toBe('wasm');
  });
});

function tinyData(n: number, T: number, F: number, C: number, seed: number) {
  const x = seeded(seed, n * T * F);
  const y = oneHot(n, C, seed + 1);
  return { x: { data: x, shape: [n, T, F] }, y: { data: y, shape: [n, C] }, labels: Float32Array.from({ length: n }, (_, i) => y.subarray(i * C, (i + 1) * C).indexOf(1)) };
}

function model(engine: Engine, seed = 3, resetAfter = true): Sequential {
  return sequential([layers.lstm({ units: 6, returnSequences: true }), layers.dropout({ rate: 0.2 }), layers.gru({ units: 5, resetAfter }), layers.dense({ units: 3, activation: 'softmax' })], { engine, inputShape: [4, 3], seed });
}

describe('fit, evaluate', () => {
  it('history, callbacks, determinism, and evaluate agree', async () => {
    const { engine } = engines[0]!;
    const d = tinyData(50, 4, 3, 3, 11);
    const runs: number[][] = [];
    for (let k = 0; k < 2; k++) {
      const m = model(engine);
      m.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      const seen: number[] = [];
      const h = await m.fit(d.x, d.y, { epochs: 3, batchSize: 8, validationSplit: 0.2, seed: 4, onEpochEnd: async (e, logs) => void seen.push(e, logs.loss) });
      expect(h.epoch).toEqual([0, 1, 2]);
      expect(Object.keys(h.history).sort()).toEqual(['acc', 'loss', 'val_acc', 'val_loss']);
      expect(seen.filter((_, i) => i % 2 === 0)).toEqual([0, 1, 2]);
      runs.push(h.history.loss);
      // validationSplit holds out the last 20% (10 samples): evaluate on them matches the last val numbers.
      const ev = await m.evaluate({ data: d.x.data.subarray(40 * 12), shape: [10, 4, 3] }, { data: d.y.data.subarray(40 * 3), shape: [10, 3] }, { batchSize: 8 });
      expect(ev.loss).toBeCloseTo(h.history.val_loss!.at(-1)!, 5);
      expect(ev.acc).toBeCloseTo(h.history.val_acc!.at(-1)!, 5);
      m.dispose();
    }
    expect(runs[0]).toEqual(runs[1]);
  });

  it('sparse labels train exactly like one-hot labels', async () => {
    const { engine } = engines[0]!;
    const d = tinyData(24, 4, 3, 3, 21);
    const losses: number[][] = [];
    for (const sparse of [false, true]) {
      const m = model(engine);
      m.compile({ optimizer: 'sgd', loss: sparse ? 'sparseCategoricalCrossentropy' : 'categoricalCrossentropy' });
      const h = await m.fit(d.x, sparse ? { data: d.labels, shape: [24] } : d.y, { epochs: 2, batchSize: 6, seed: 1 });
      losses.push(h.history.loss);
      m.dispose();
    }
    expect(losses[1]).toEqual(losses[0]);
  });

  it('clipping by global norm bounds the step; SGD with momentum learns', async () => {
    const { engine } = engines[1]!;
    const d = tinyData(16, 4, 3, 3, 31);
    const m = sequential([layers.lstm({ units: 6 }), layers.dense({ units: 3, activation: 'softmax' })], { engine, inputShape: [4, 3], seed: 2 });
    m.compile({ optimizer: optimizers.sgd({ learningRate: 1, clipNorm: 1e-3 }), loss: 'categoricalCrossentropy' });
    const before = await m.getWeights();
    await m.fit(d.x, d.y, { epochs: 1, batchSize: 16 });
    const after = await m.getWeights();
    let sq = 0;
    before.forEach((w, i) => w.forEach((v, k) => (sq += (v - after[i]![k]!) ** 2)));
    expect(Math.sqrt(sq)).toBeLessThan(1.0001e-3);
    expect(Math.sqrt(sq)).toBeGreaterThan(0.99e-3);
    m.compile({ optimizer: optimizers.sgd({ learningRate: 0.5, momentum: 0.9 }), loss: 'categoricalCrossentropy', metrics: ['acc'] });
    const h = await m.fit(d.x, d.y, { epochs: 30, batchSize: 16 });
    expect(h.history.loss.at(-1)!).toBeLessThan(h.history.loss[0]! * 0.5);
    m.dispose();
  });

  it('keeps training on wasm when the GPU device is lost mid-fit', async () => {
    const engine = await createEngine({ backend: 'webgpu', log: null });
    const d = tinyData(40, 4, 3, 3, 41);
    const m = model(engine, 4);
    m.compile({ optimizer: optimizers.adam({ learningRate: 0.02 }), loss: 'categoricalCrossentropy' });
    const h = await m.fit(d.x, d.y, {
      epochs: 4,
      batchSize: 8,
      onEpochEnd: (e) => {
        if (e === 1) (engine.backend as WebGpuBackend).device.destroy();
      },
    });
    expect(engine.backendName).toBe('wasm');
    expect(h.epoch).toEqual([0, 1, 2, 3]);
    expect(h.history.loss.at(-1)!).toBeLessThan(h.history.loss[0]!);
    const p = m.predict(d.x);
    expect((await p.data()).every(Number.isFinite)).toBe(true);
    p.dispose();
    m.dispose();
    engine.dispose();
  });
});

describe('save and load', () => {
  it('saveModel writes model.json + shard atomically; loadModelFromFile predicts the same; fit continues', async () => {
    for (const { name, engine } of engines) {
      const d = tinyData(12, 4, 3, 3, 51);
      const m = model(engine, 6);
      m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
      await m.fit(d.x, d.y, { epochs: 1, batchSize: 4 });
      const dir = mkdtempSync(join(tmpdir(), 'facegpu-save-'));
      const path = join(dir, 'model.json');
      await saveModel(m, path);
      await saveModel(m, path); // overwriting keeps a complete pair
      expect(readdirSync(dir).sort()).toEqual(['model.json', 'model.weights.bin']);
      const back = await loadModelFromFile(path, { engine });
      const [a, b] = [m.predict(d.x), back.predict(d.x)];
      const [va, vb] = await Promise.all([a.data(), b.data()]);
      expect(Math.max(...va.map((v, i) => Math.abs(v - vb[i]!))), name).toBe(0);
      back.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
      await back.fit(d.x, d.y, { epochs: 1, batchSize: 4 });
      [a, b].forEach((t: Tensor) => t.dispose());
      m.dispose();
      back.dispose();
      expect(existsSync(path)).toBe(true);
    }
  });

  it('saveWeights / loadWeights round-trip through ArrayBuffers; tfjs-layers loads our model', async () => {
    const { engine } = engines[0]!;
    const d = tinyData(6, 4, 3, 3, 61);
    // GRU reset_after=false: the variant tfjs-layers can build.
    const m = model(engine, 7, false);
    const w = await m.saveWeights();
    expect(w.weightData).toBeInstanceOf(ArrayBuffer);
    const other = model(engine, 8, false);
    other.loadWeights(w);
    const [a, b] = [m.predict(d.x), other.predict(d.x)];
    const va = await a.data();
    expect(Array.from(await b.data())).toEqual(Array.from(va));
    expect(() => other.loadWeights({ weightSpecs: w.weightSpecs, weightData: w.weightData.slice(0, 40) })).toThrow(/too few/);
    // tfjs-layers reads what save() writes.
    const art = await m.save();
    const t = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: art.modelTopology, weightSpecs: art.weightSpecs, weightData: art.weightData }));
    const tv = (t.predict(tf.tensor(d.x.data, d.x.shape)) as tf.Tensor).dataSync();
    expect(Math.max(...Array.from(tv, (v, i) => Math.abs(v - va[i]!)))).toBeLessThan(1e-5);
    [a, b].forEach((x) => x.dispose());
    m.dispose();
    other.dispose();
  });
});
