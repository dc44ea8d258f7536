// Recurrent benchmark at the seed experiment's shapes: facegpu's Layers API (wasm, webgpu) against tfjs-layers on
// tfjs-backend-wasm and tfjs-backend-webgpu, and onnxruntime-web (wasm, 1 and 2 threads) running ONNX LSTM / GRU
// graphs of the same weights, all in one process and one run.
//   predict, batch 32 and batch 1: LSTM(64, rs) -> LSTM(64) -> Dense(5, softmax) on [b, 10, 128] (and GRU);
//   one fit epoch: 700 samples, batch 32, Adam, categorical cross-entropy (LSTM and GRU);
//   one LSTM cell step (T = 1, batch 32, from a non-zero state h0, c0) at hidden size 64, 256 and 1024.
// ours-wasm and ort-wasm run on 1 thread; ours-wasm-2t and ort-wasm-2t (ORT in a worker thread) on 2, for predict
// and the step (not fit). Ratios pair runners like for like: same backend, same thread count.
// The GRU is reset_after=false (the one tfjs-layers and ONNX's default share); gates are sigmoid everywhere.
// Usage: npm run bench:recurrent, or node bench/recurrent.mjs [--quick] [--runners=ours-wasm,tfjs-wasm,...]
//        [--cases=predict,fit,step] [--rounds=N] [--no-save] [--tag=name: save as recurrent-<date>-<name>, for a
//        partial run that must not replace the full one]. Runners: ours-wasm, ours-wasm-2t, ours-webgpu, tfjs-wasm,
//        tfjs-webgpu, ort-wasm, ort-wasm-2t, and ort-wasm-1t (named only). Needs the build (dist/). Measures only.
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import b from 'benny';
import onnxProto from 'onnx-proto';
import { writeAtomic } from './lib/report.mjs';
import { firstLine } from './lib/runner.mjs';
import { startOrtWorker } from './lib/ort-worker-client.mjs';

const require = createRequire(import.meta.url);
const started = performance.now();
const DIST = new URL('../dist/src/index.node.js', import.meta.url);

try {
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
} catch {}

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? true];
  }),
);
const KNOWN = ['quick', 'runners', 'cases', 'rounds', 'no-save', 'tag'];
for (const k of Object.keys(args)) {
  if (!KNOWN.includes(k)) {
    console.error(`bench: unknown option --${k} (known: ${KNOWN.map((x) => `--${x}`).join(', ')})`);
    process.exit(2);
  }
}
const quick = !!args.quick;
const rounds = Number(args.rounds ?? (quick ? 1 : 2));
const list = (v) => (typeof v === 'string' ? v.split(',').filter(Boolean) : undefined);
const wantRunners = list(args.runners);
const wantCases = list(args.cases);

const T = 10;
const F = 128;
const H = 64;
const C = 5;
const FIT_N = 700;

/** Seeded uniform numbers in [lo, hi) (mulberry32). */
function seeded(seed, n, lo = -1, hi = 1) {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = lo + (hi - lo) * (((t ^ (t >>> 14)) >>> 0) / 4294967296);
  }
  return out;
}

function oneHot(n, seed) {
  const y = new Float32Array(n * C);
  const r = seeded(seed, n, 0, C);
  for (let i = 0; i < n; i++) y[i * C + Math.floor(r[i])] = 1;
  return y;
}

/** The weights of one model, Keras layout, shared by every runner. */
function modelWeights(cell) {
  const G = cell === 'lstm' ? 4 : 3;
  const s = 0.2;
  return {
    cell,
    l1: { W: seeded(11, F * G * H, -s, s), R: seeded(12, H * G * H, -s, s), b: seeded(13, G * H, -s, s) },
    l2: { W: seeded(21, H * G * H, -s, s), R: seeded(22, H * G * H, -s, s), b: seeded(23, G * H, -s, s) },
    K: seeded(31, H * C, -0.5, 0.5),
    kb: seeded(32, C, -0.5, 0.5),
  };
}

const CASES = [
  ...['lstm', 'gru'].flatMap((cell) => [
    { id: `predict-${cell}-b32`, kind: 'predict', cell, batch: 32, label: `${cell.toUpperCase()} model predict, batch 32` },
    { id: `predict-${cell}-b1`, kind: 'predict', cell, batch: 1, label: `${cell.toUpperCase()} model predict, batch 1` },
  ]),
  { id: 'fit-lstm', kind: 'fit', cell: 'lstm', label: 'LSTM model, one fit epoch (700 samples, batch 32)' },
  { id: 'fit-gru', kind: 'fit', cell: 'gru', label: 'GRU model, one fit epoch (700 samples, batch 32)' },
  ...[64, 256, 1024].map((h) => ({ id: `step-lstm-h${h}`, kind: 'step', hidden: h, label: `one LSTM cell step, batch 32, hidden ${h}` })),
].filter((c) => !wantCases || wantCases.some((w) => c.id.includes(w)));

// ---------------------------------------------------------------------------------------------------- ours
function oursRunner(backend, threads = 1) {
  let fg;
  let engine;
  return {
    id: threads > 1 ? `ours-${backend}-${threads}t` : `ours-${backend}`,
    kind: backend,
    // Two threads are not like-for-like with ORT's one: a column of its own, for predict and the cell step.
    skip: (c) => threads > 1 && c.kind === 'fit',
    async init() {
      fg = await import(DIST.href);
      engine = await fg.createEngine(backend === 'webgpu' ? { backend, log: null, fallbackToWasm: false } : { backend, log: null, threads });
      return `facegpu ${engine.chosen}`;
    },
    async prepare(c) {
      if (c.kind === 'step') {
        const h = c.hidden;
        const t = (shape, seed) => engine.tensor(seeded(seed, shape.reduce((a, v) => a * v, 1), -0.1, 0.1), shape);
        const x = t([32, 1, h], 1);
        const w = { kernel: t([h, 4 * h], 2), recurrentKernel: t([h, 4 * h], 3), bias: t([4 * h], 4) };
        // A step from a non-zero state: from zeros the recurrent product is known to be zero (and skipped).
        const h0 = t([32, h], 5);
        const c0 = t([32, h], 6);
        const once = () => fg.lstm(engine, x, w, { units: h }, { initialState: [h0, c0] })[0];
        const all = [x, w.kernel, w.recurrentKernel, w.bias, h0, c0];
        return { run: async () => readDispose(once()), output: async () => readDispose(once()), dispose: () => all.forEach((v) => v.dispose()) };
      }
      const wts = modelWeights(c.cell);
      const rnn = (opts) => (c.cell === 'lstm' ? fg.layers.lstm(opts) : fg.layers.gru({ ...opts, resetAfter: false }));
      const model = fg.sequential([rnn({ units: H, returnSequences: true }), rnn({ units: H }), fg.layers.dense({ units: C, activation: 'softmax' })], { engine, inputShape: [T, F], seed: 1 });
      model.setWeights([wts.l1.W, wts.l1.R, wts.l1.b, wts.l2.W, wts.l2.R, wts.l2.b, wts.K, wts.kb]);
      if (c.kind === 'predict') {
        const x = engine.tensor(seeded(5, c.batch * T * F), [c.batch, T, F]);
        const once = () => model.predict(x);
        return { run: async () => readDispose(once()), output: async () => readDispose(once()), dispose: () => (x.dispose(), model.dispose()) };
      }
      const x = { data: seeded(6, FIT_N * T * F), shape: [FIT_N, T, F] };
      const y = { data: oneHot(FIT_N, 7), shape: [FIT_N, C] };
      model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      return { run: () => model.fit(x, y, { epochs: 1, batchSize: 32, shuffle: true }), output: async () => null, dispose: () => model.dispose() };
    },
    async close() {
      engine?.dispose();
    },
  };
}

async function readDispose(t) {
  try {
    return Float32Array.from(await t.data());
  } finally {
    t.dispose();
  }
}

// ---------------------------------------------------------------------------------------------------- tfjs
let tf;
let tfl;
async function loadTfjs() {
  if (tf) return;
  tf = await import('@tensorflow/tfjs-core');
  tfl = await import('@tensorflow/tfjs-layers');
  // The chained tensor methods tfjs-layers calls (the umbrella @tensorflow/tfjs package registers them).
  const P = tf.Tensor.prototype;
  for (const [k, f] of Object.entries(tf)) {
    if (typeof f === 'function' && /^[a-z]/.test(k) && !(k in P)) P[k] = function (...a) { return f(this, ...a); };
  }
  Object.assign(P, {
    flatten() { return tf.reshape(this, [this.size]); },
    asScalar() { return tf.reshape(this, []); },
    as1D() { return tf.reshape(this, [this.size]); },
    as2D(a, c) { return tf.reshape(this, [a, c]); },
    as3D(a, c, d) { return tf.reshape(this, [a, c, d]); },
    asType(d) { return tf.cast(this, d); },
    toFloat() { return tf.cast(this, 'float32'); },
    toInt() { return tf.cast(this, 'int32'); },
    toBool() { return tf.cast(this, 'bool'); },
    reshapeAs(x) { return tf.reshape(this, x.shape); },
  });
}

async function installDawnNavigator() {
  if (globalThis.navigator?.gpu) return;
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  Object.defineProperty(globalThis, 'navigator', { value: { gpu: create([]) }, configurable: true, writable: true });
}

function tfjsRunner(backend) {
  return {
    id: `tfjs-${backend}`,
    kind: backend,
    async init() {
      await loadTfjs();
      if (backend === 'wasm') {
        const wasm = await import('@tensorflow/tfjs-backend-wasm');
        wasm.setWasmPaths(path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep);
      } else {
        await installDawnNavigator();
        await import('@tensorflow/tfjs-backend-webgpu');
      }
      if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') failed`);
      await tf.ready();
      return `tfjs-layers ${tfl.version_layers} on tfjs-backend-${backend} ${tf.version_core}`;
    },
    async activate() {
      if (tf.getBackend() !== backend && !(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') failed`);
    },
    async prepare(c) {
      await this.activate();
      if (c.kind === 'step') {
        const h = c.hidden;
        // Weights are set right after: skip tfjs's orthogonal initialiser (a JS QR, minutes at hidden 1024).
        const l = tfl.layers.lstm({ units: h, recurrentActivation: 'sigmoid', recurrentInitializer: 'zeros' });
        const x = tf.tensor(seeded(1, 32 * h, -0.1, 0.1), [32, 1, h]);
        const st = [tf.tensor(seeded(5, 32 * h, -0.1, 0.1), [32, h]), tf.tensor(seeded(6, 32 * h, -0.1, 0.1), [32, h])];
        tf.dispose(l.apply(x, { initialState: st }));
        l.setWeights([tf.tensor(seeded(2, h * 4 * h, -0.1, 0.1), [h, 4 * h]), tf.tensor(seeded(3, h * 4 * h, -0.1, 0.1), [h, 4 * h]), tf.tensor(seeded(4, 4 * h, -0.1, 0.1), [4 * h])]);
        const once = () => l.apply(x, { initialState: st });
        return { run: async () => readDispose(once()), output: async () => readDispose(once()), dispose: () => (tf.dispose([x, ...st]), l.dispose()) };
      }
      const wts = modelWeights(c.cell);
      const rnn = (o) => (c.cell === 'lstm' ? tfl.layers.lstm({ ...o, recurrentActivation: 'sigmoid', recurrentInitializer: 'zeros' }) : tfl.layers.gru({ ...o, recurrentActivation: 'sigmoid', recurrentInitializer: 'zeros' }));
      const G = c.cell === 'lstm' ? 4 : 3;
      const m = tfl.sequential({ layers: [rnn({ units: H, returnSequences: true, inputShape: [T, F] }), rnn({ units: H }), tfl.layers.dense({ units: C, activation: 'softmax' })] });
      m.setWeights([
        tf.tensor(wts.l1.W, [F, G * H]),
        tf.tensor(wts.l1.R, [H, G * H]),
        tf.tensor(wts.l1.b, [G * H]),
        tf.tensor(wts.l2.W, [H, G * H]),
        tf.tensor(wts.l2.R, [H, G * H]),
        tf.tensor(wts.l2.b, [G * H]),
        tf.tensor(wts.K, [H, C]),
        tf.tensor(wts.kb, [C]),
      ]);
      if (c.kind === 'predict') {
        const x = tf.tensor(seeded(5, c.batch * T * F), [c.batch, T, F]);
        const once = () => m.predict(x);
        return { run: async () => readDispose(once()), output: async () => readDispose(once()), dispose: () => (x.dispose(), m.dispose()) };
      }
      const x = tf.tensor(seeded(6, FIT_N * T * F), [FIT_N, T, F]);
      const y = tf.tensor(oneHot(FIT_N, 7), [FIT_N, C]);
      m.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      return { run: () => m.fit(x, y, { epochs: 1, batchSize: 32, shuffle: true, verbose: 0 }), output: async () => null, dispose: () => (x.dispose(), y.dispose(), m.dispose()) };
    },
    async close() {},
  };
}

// ---------------------------------------------------------------------------------------------------- ORT
const { onnx } = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;
const { INT, INTS } = onnx.AttributeProto.AttributeType;
const vi = (name, dims) => ({ name, type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } });
const init = (name, dims, data) => ({ name, dims, dataType: FLOAT, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
const initI64 = (name, values) => {
  const a = BigInt64Array.from(values.map(BigInt));
  return { name, dims: [values.length], dataType: INT64, rawData: new Uint8Array(a.buffer) };
};

/** Keras [rows, G*H] (gate blocks in Keras order) -> ONNX [G*H, rows] in ONNX gate order. */
function toOnnxGates(w, rows, G, h, order) {
  const out = new Float32Array(G * h * rows);
  order.forEach((gk, go) => {
    for (let j = 0; j < h; j++) for (let r = 0; r < rows; r++) out[(go * h + j) * rows + r] = w[r * G * h + gk * h + j];
  });
  return out;
}
function onnxBias(b, G, h, order) {
  const out = new Float32Array(2 * G * h); // input bias, then a zero recurrent bias
  order.forEach((gk, go) => out.set(b.subarray(gk * h, (gk + 1) * h), go * h));
  return out;
}

/** An ONNX recurrent node over X [T, B, F] with its initializers. LSTM gates i o f c; GRU z r h. */
function rnnNode(cell, name, x, outputs, w, rows, h) {
  const G = cell === 'lstm' ? 4 : 3;
  const order = cell === 'lstm' ? [0, 3, 1, 2] : [0, 1, 2];
  const node = {
    opType: cell === 'lstm' ? 'LSTM' : 'GRU',
    input: [x, `${name}_W`, `${name}_R`, `${name}_B`],
    output: outputs,
    attribute: [{ name: 'hidden_size', type: INT, i: h }],
  };
  const inits = [
    init(`${name}_W`, [1, G * h, rows], toOnnxGates(w.W, rows, G, h, order)),
    init(`${name}_R`, [1, G * h, h], toOnnxGates(w.R, h, G, h, order)),
    init(`${name}_B`, [1, 2 * G * h], onnxBias(w.b, G, h, order)),
  ];
  return { node, inits };
}

function encode(nodes, inputs, outputs, inits) {
  const m = onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 17 }], producerName: 'facegpu-bench', graph: { name: 'rnn', node: nodes, input: inputs, output: outputs, initializer: inits } });
  return onnx.ModelProto.encode(m).finish();
}

/** X [B, T, F] -> Transpose -> RNN -> Squeeze -> RNN (last h) -> Squeeze -> MatMul + Add -> Softmax. */
function onnxModel(cell, batch) {
  const w = modelWeights(cell);
  const r1 = rnnNode(cell, 'l1', 'XT', ['Y1'], w.l1, F, H);
  const r2 = rnnNode(cell, 'l2', 'Y1s', ['', 'H2'], w.l2, H, H);
  const nodes = [
    { opType: 'Transpose', input: ['X'], output: ['XT'], attribute: [{ name: 'perm', type: INTS, ints: [1, 0, 2] }] },
    r1.node,
    { opType: 'Squeeze', input: ['Y1', 'ax1'], output: ['Y1s'] },
    r2.node,
    { opType: 'Squeeze', input: ['H2', 'ax0'], output: ['H2s'] },
    { opType: 'MatMul', input: ['H2s', 'K'], output: ['Z0'] },
    { opType: 'Add', input: ['Z0', 'kb'], output: ['Z'] },
    { opType: 'Softmax', input: ['Z'], output: ['Y'], attribute: [{ name: 'axis', type: INT, i: -1 }] },
  ];
  const inits = [...r1.inits, ...r2.inits, initI64('ax1', [1]), initI64('ax0', [0]), init('K', [H, C], w.K), init('kb', [C], w.kb)];
  return encode(nodes, [vi('X', [batch, T, F])], [vi('Y', [batch, C])], inits);
}

function onnxStep(h) {
  const w = { W: seeded(2, h * 4 * h, -0.1, 0.1), R: seeded(3, h * 4 * h, -0.1, 0.1), b: seeded(4, 4 * h, -0.1, 0.1) };
  const r = rnnNode('lstm', 'l', 'X', ['', 'Y'], w, h, h);
  // initial_h / initial_c (inputs 5 and 6; no sequence_lens) as the other runners' states.
  r.node.input.push('', 'H0', 'C0');
  r.inits.push(init('H0', [1, 32, h], seeded(5, 32 * h, -0.1, 0.1)), init('C0', [1, 32, h], seeded(6, 32 * h, -0.1, 0.1)));
  return encode([r.node], [vi('X', [1, 32, h])], [vi('Y', [1, 32, h])], r.inits);
}

/** The ONNX graph of a predict or step case and its input X (output Y). */
function onnxCase(c) {
  if (c.kind === 'step') return { bytes: onnxStep(c.hidden), input: seeded(1, 32 * c.hidden, -0.1, 0.1), dims: [1, 32, c.hidden] };
  return { bytes: onnxModel(c.cell, c.batch), input: seeded(5, c.batch * T * F), dims: [c.batch, T, F] };
}

function ortRunner() {
  let ort;
  return {
    id: 'ort-wasm',
    kind: 'wasm',
    async init() {
      ort = await import('onnxruntime-web');
      ort.env.wasm.numThreads = 1;
      ort.env.wasm.wasmPaths = path.join(path.dirname(require.resolve('onnxruntime-web')), path.sep);
      ort.env.logLevel = 'error';
      return `onnxruntime-web ${ort.env.versions?.web ?? ''} wasm EP (numThreads 1)`;
    },
    async prepare(c) {
      if (c.kind === 'fit') return null;
      const { bytes, input, dims } = onnxCase(c);
      const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
      const feeds = { X: new ort.Tensor('float32', input, dims) };
      const once = async () => {
        const { Y } = await session.run(feeds);
        const out = Float32Array.from(Y.data);
        Y.dispose();
        return out;
      };
      return { run: once, output: once, dispose: () => session.release() };
    },
    async close() {},
  };
}

/**
 * onnxruntime-web at `threads` threads in a worker thread of its own (./lib/ort-worker.mjs: ORT reads numThreads once
 * per module instance, so a second thread count needs a second module graph). Its cases are timed in the worker
 * (timeMany) so the message hop is not in the sample.
 */
function ortWorkerRunner(threads) {
  let ort;
  let nextKey = 0;
  const call = (type, a) => ort.call(type, a);
  return {
    id: `ort-wasm-${threads}t`,
    kind: 'wasm',
    skip: (c) => c.kind === 'fit',
    async init() {
      ort = startOrtWorker(threads);
      return call('init');
    },
    async prepare(c) {
      const key = nextKey++;
      await call('prepare', { key, ...onnxCase(c) });
      return {
        run: () => call('time', { key }),
        timeMany: (n) => call('timeMany', { key, n }),
        output: () => call('output', { key }),
        dispose: () => call('dispose', { key }),
      };
    },
    async close() {
      await ort?.terminate();
    },
  };
}

/**
 * benchmark.js's sampling for a case that times itself (timeMany(n) -> total ms of n calls): cycles of >= 50 ms
 * (benchmark.js's minTime), each sample one cycle's mean, until `maxTime` s and `minSamples`; the median sample.
 */
async function selfTimed(c, { minSamples, maxTime }) {
  let n = 1;
  let ms = await c.timeMany(n);
  while (ms < 50 && n < 1e6) {
    n = Math.max(n * 2, Math.ceil((n * 55) / Math.max(ms, 0.01)));
    ms = await c.timeMany(n);
  }
  const samples = [];
  const t0 = performance.now();
  while (samples.length < minSamples || performance.now() - t0 < maxTime * 1e3) samples.push((await c.timeMany(n)) / n);
  samples.sort((x, y) => x - y);
  const mid = samples.length >> 1;
  return { median: samples.length % 2 ? samples[mid] : (samples[mid - 1] + samples[mid]) / 2, samples: samples.length };
}

// ---------------------------------------------------------------------------------------------------- run
let runners = [oursRunner('wasm'), oursRunner('wasm', 2), oursRunner('webgpu'), tfjsRunner('wasm'), tfjsRunner('webgpu'), ortRunner(), ortWorkerRunner(2)];
// ORT at 1 thread timed in a worker too, on request only (--runners=...,ort-wasm-1t): checks that the in-worker
// timing agrees with ort-wasm's benny timing in this process.
if (wantRunners?.includes('ort-wasm-1t')) runners.splice(runners.length - 1, 0, ortWorkerRunner(1));
runners = runners.filter((r) => !wantRunners || wantRunners.includes(r.id));
const results = {};
for (const r of runners) {
  try {
    r.info = await r.init();
  } catch (e) {
    r.info = `init failed: ${firstLine(e)}`;
    r.failed = true;
  }
  console.log(`${r.id}: ${r.info}`);
}

function serialised(c) {
  let chain = Promise.resolve();
  return () =>
    (chain = chain.then(() => c.run()).catch((e) => {
      c.error ??= e;
    }));
}

for (const cs of CASES) {
  console.log(`\n${cs.label}`);
  const prepared = [];
  for (const r of runners.filter((x) => !x.failed && !x.skip?.(cs))) {
    try {
      await r.activate?.();
      const c = await r.prepare(cs);
      if (!c) continue;
      await c.run(); // warm-up: pipelines, pools, first-run allocations
      c.out = await c.output();
      c.runner = r;
      c.medians = [];
      prepared.push(c);
    } catch (e) {
      (results[cs.id] ??= {})[r.id] = { status: 'error', reason: firstLine(e) };
      console.log(`  ${r.id}: error: ${firstLine(e)}`);
    }
  }
  const base = prepared.find((c) => c.out)?.out;
  for (let round = 0; round < rounds; round++) {
    // Alternate the order each round: no runner always runs right after another's threads went idle.
    for (const c of round % 2 ? [...prepared].reverse() : prepared) {
      if (c.error) continue;
      await c.runner.activate?.();
      const slow = cs.kind === 'fit';
      const opts = { minSamples: slow ? (quick ? 2 : 3) : quick ? 3 : 5, maxTime: slow ? 0.1 : quick ? 0.3 : 1 };
      let median;
      let samples;
      if (c.timeMany) {
        try {
          ({ median, samples } = await selfTimed(c, opts));
        } catch (e) {
          c.error ??= e;
          continue;
        }
      } else {
        const summary = await b.suite(`${cs.id} ${c.runner.id}`, b.configure({ cases: opts }), b.add(c.runner.id, serialised(c)), b.cycle(() => {}));
        const res = summary.results[0];
        if (!res?.completed || c.error) {
          c.error ??= new Error('no samples');
          continue;
        }
        median = res.details.median * 1e3;
        samples = res.samples;
      }
      c.medians.push(median);
      const diff = round === 0 && base && c.out ? ` | max |diff| vs ${prepared.find((x) => x.out)?.runner.id}: ${Math.max(...c.out.map((v, i) => Math.abs(v - base[i]))).toExponential(1)}` : '';
      console.log(`  ${c.runner.id.padEnd(12)} ${median.toFixed(3)} ms (${samples} samples)${diff}`);
    }
  }
  for (const c of prepared) {
    let check = '';
    if (base && c.out) check = Math.max(...c.out.map((v, i) => Math.abs(v - base[i])));
    (results[cs.id] ??= {})[c.runner.id] = c.error ? { status: 'error', reason: firstLine(c.error) } : { status: 'ok', ms: Math.min(...c.medians), maxAbsDiffVsFirst: check };
    await c.dispose();
  }
}
for (const r of runners) await r.close().catch(() => {});

const ms = (cs, r) => (results[cs]?.[r]?.status === 'ok' ? results[cs][r].ms : null);
/** ours / peer time: below 1 ours takes less time (as the targets are stated: "<= 0.5x onnxruntime-web"). */
const ratio = (cs, ours, peer) => {
  const a = ms(cs, ours);
  const p = ms(cs, peer);
  return a && p ? a / p : null;
};
const ids = runners.map((r) => r.id);
// Like-for-like ratio columns (same backend, same thread count) whose two runners both ran.
const RATIOS = [['ours-wasm', 'tfjs-wasm'], ['ours-wasm', 'ort-wasm'], ['ours-wasm-2t', 'ort-wasm-2t'], ['ours-webgpu', 'tfjs-webgpu']].filter(([a, p]) => ids.includes(a) && ids.includes(p));
const lines = ['| case | ' + [...ids, ...RATIOS.map(([a, p]) => `${a} / ${p}`)].join(' | ') + ' |', '|' + ' --- |'.repeat(ids.length + RATIOS.length + 1)];
for (const cs of CASES) {
  const cell = (r) => {
    const x = results[cs.id]?.[r];
    if (!x) return 'n/a';
    return x.status === 'ok' ? x.ms.toFixed(x.ms < 1 ? 3 : 2) : 'error';
  };
  const f = (v) => (v ? `${v.toFixed(2)}x` : 'n/a');
  lines.push(`| ${cs.label} | ${[...ids.map(cell), ...RATIOS.map(([a, p]) => f(ratio(cs.id, a, p)))].join(' | ')} |`);
}
const table = lines.join('\n');
const NOTE = 'ratios ours / peer: below 1 ours takes less time';
console.log(`\nMedian ms per call (lowest of ${rounds} round(s)); ${NOTE}.\n\n${table}`);
// [name, ours / peer, the most it may be]
const targets = [
  ['fit epoch >= 10x faster than tfjs-wasm', ratio('fit-lstm', 'ours-wasm', 'tfjs-wasm'), 0.1],
  ['predict b32 <= 0.5x onnxruntime-web (wasm, 1 thread each)', ratio('predict-lstm-b32', 'ours-wasm', 'ort-wasm'), 0.5],
  ['predict b32 <= 0.5x onnxruntime-web (wasm, 2 threads each)', ratio('predict-lstm-b32', 'ours-wasm-2t', 'ort-wasm-2t'), 0.5],
  ['predict b32 >= 5x faster than tfjs-webgpu (webgpu)', ratio('predict-lstm-b32', 'ours-webgpu', 'tfjs-webgpu'), 0.2],
];
console.log('\nTargets (LSTM model):');
for (const [name, v, most] of targets) console.log(`  ${name}: ${v ? `${v.toFixed(2)}x` : 'n/a'} ${v && v <= most ? 'met' : 'not met'}`);
console.log(`\n${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; ${((performance.now() - started) / 1000).toFixed(0)} s`);

if (!args['no-save']) {
  const stamp = new Date().toISOString().slice(0, 10) + (typeof args.tag === 'string' ? `-${args.tag.replace(/[^\w-]/g, '')}` : '');
  const run = { date: new Date().toISOString(), runners: Object.fromEntries(runners.map((r) => [r.id, r.info])), loadavg: os.loadavg(), cpus: os.cpus().length, results };
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  writeAtomic(path.join(dir, `recurrent-${stamp}.json`), JSON.stringify(run, null, 1));
  writeAtomic(path.join(dir, `recurrent-${stamp}.md`), `# Recurrent benchmark, ${run.date}\n\n${Object.entries(run.runners).map(([k, v]) => `- ${k}: ${v}`).join('\n')}\n\nMedian ms per call, lowest of ${rounds} round(s); ${run.cpus} cores, load average at the end ${run.loadavg.map((l) => l.toFixed(1)).join(' ')}; ${NOTE}.\n\n${table}\n`);
  console.log(`saved bench/results/recurrent-${stamp}.{json,md}`);
}
process.exit(0);
