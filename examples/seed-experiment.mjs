// The seed experiment on facegpu's Layers API: 1000 sequences of T=10 frames x 128 features, 5 classes;
// LSTM(64, return_sequences) -> LSTM(64) -> Dense(5, softmax), Adam, categorical cross-entropy, 10 epochs;
// 70/30 train/test split, then 20% of the training part for validation. Run on random data (as the seed does:
// accuracy stays at chance) and on a learnable task where the class is encoded only in the temporal pattern
// (must exceed 90% validation accuracy). The same with GRU. Both backends.
//
//   npm run example:seed                       (builds, then runs everything)
//   node examples/seed-experiment.mjs --backend wasm --cell lstm --task temporal --epochs 10
//
// runSeedExperiment(lib, options) takes the facegpu module, so the test runs a smaller version on the sources.
import { pathToFileURL } from 'node:url';

/** Seeded uniform [0, 1) (mulberry32) and normal (Box-Muller) numbers. */
function rng(seed) {
  let s = seed >>> 0 || 1;
  let spare = null;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => {
    if (spare !== null) {
      const v = spare;
      spare = null;
      return v;
    }
    const u = next() || 1e-12;
    const v = next();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  return { next, normal };
}

/** The seed's data: uniform random frames, random labels. Nothing to learn. */
export function randomTask(n, steps, features, classes, seed) {
  const r = rng(seed);
  const x = new Float32Array(n * steps * features);
  for (let i = 0; i < x.length; i++) x[i] = r.next();
  const y = new Float32Array(n * classes);
  for (let i = 0; i < n; i++) y[i * classes + Math.floor(r.next() * classes)] = 1;
  return { x, y, n, steps, features, classes };
}

/**
 * The class lives in time only: frames are noise plus a sinusoid over the sequence along one fixed direction,
 * its phase set by the class (every class has the same mean frame, so a model must read the order).
 */
export function temporalTask(n, steps, features, classes, seed, noise = 1) {
  const r = rng(seed);
  const dir = new Float32Array(features);
  for (let f = 0; f < features; f++) dir[f] = r.normal();
  const x = new Float32Array(n * steps * features);
  const y = new Float32Array(n * classes);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(r.next() * classes);
    y[i * classes + c] = 1;
    const phase = (2 * Math.PI * c) / classes + (r.next() - 0.5) * 0.4;
    const amp = 0.6 + 0.8 * r.next();
    for (let t = 0; t < steps; t++) {
      const a = amp * Math.sin((2 * Math.PI * t) / steps + phase);
      for (let f = 0; f < features; f++) x[(i * steps + t) * features + f] = a * dir[f] + noise * r.normal();
    }
  }
  return { x, y, n, steps, features, classes };
}

/**
 * Builds, trains and evaluates one configuration. lib: the facegpu module. Returns accuracies, losses and the
 * mean epoch time (ms).
 */
export async function runSeedExperiment(lib, options = {}) {
  const {
    backend = 'wasm',
    cell = 'lstm',
    task = 'temporal',
    samples = 1000,
    steps = 10,
    features = 128,
    classes = 5,
    units = 64,
    epochs = 10,
    batchSize = 32,
    seed = 7,
    learningRate = 0.001,
    verbose = 0,
    engine: given,
  } = options;
  const engine = given ?? (await lib.createEngine({ backend, log: null }));
  try {
    const data = (task === 'random' ? randomTask : temporalTask)(samples, steps, features, classes, seed);
    const nFit = Math.round(samples * 0.7);
    const row = steps * features;
    const xFit = { data: data.x.subarray(0, nFit * row), shape: [nFit, steps, features] };
    const yFit = { data: data.y.subarray(0, nFit * classes), shape: [nFit, classes] };
    const xTest = { data: data.x.subarray(nFit * row), shape: [samples - nFit, steps, features] };
    const yTest = { data: data.y.subarray(nFit * classes), shape: [samples - nFit, classes] };
    const rnn = cell === 'gru' ? lib.layers.gru : lib.layers.lstm;
    const model = lib.sequential([rnn({ units, returnSequences: true }), rnn({ units }), lib.layers.dense({ units: classes, activation: 'softmax' })], {
      engine,
      inputShape: [steps, features],
      seed,
    });
    model.compile({ optimizer: lib.optimizers.adam({ learningRate }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const history = await model.fit(xFit, yFit, { epochs, batchSize, validationSplit: 0.2, shuffle: true, seed, verbose });
    const test = await model.evaluate(xTest, yTest, { batchSize });
    const h = history.history;
    // The first epoch pays for pipeline compilation (WebGPU) and warm-up: report the mean of the rest too.
    const times = history.epochTimeMs;
    const steady = times.length > 1 ? times.slice(1) : times;
    model.dispose();
    return {
      backend: engine.backendName,
      cell,
      task,
      trainAcc: h.acc.at(-1),
      valAcc: h.val_acc.at(-1),
      bestValAcc: Math.max(...h.val_acc),
      testAcc: test.acc,
      loss: h.loss.at(-1),
      valLoss: h.val_loss.at(-1),
      firstEpochMs: times[0],
      epochMs: steady.reduce((a, b) => a + b, 0) / steady.length,
      history: h,
    };
  } finally {
    if (!given) engine.dispose();
  }
}

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}

async function main() {
  const lib = await import('../dist/src/index.node.js');
  const backends = arg('backend', 'wasm,webgpu').split(',');
  const cells = arg('cell', 'lstm,gru').split(',');
  const tasks = arg('task', 'random,temporal').split(',');
  const epochs = Number(arg('epochs', '10'));
  const rows = [];
  for (const backend of backends) {
    for (const cell of cells) {
      for (const task of tasks) {
        const r = await runSeedExperiment(lib, { backend, cell, task, epochs, verbose: process.argv.includes('--verbose') ? 1 : 0 });
        rows.push(r);
        console.log(
          `${r.backend.padEnd(7)} ${cell.padEnd(5)} ${task.padEnd(9)} train acc ${r.trainAcc.toFixed(3)}  val acc ${r.valAcc.toFixed(3)}  ` +
            `test acc ${r.testAcc.toFixed(3)}  loss ${r.loss.toFixed(3)}  epoch ${r.epochMs.toFixed(0)} ms (first ${r.firstEpochMs.toFixed(0)} ms)`,
        );
      }
    }
  }
  const failed = rows.filter((r) => r.task === 'temporal' && r.valAcc <= 0.9);
  if (failed.length) {
    console.error(`learnable task below 90% validation accuracy: ${failed.map((r) => `${r.backend}/${r.cell}`).join(', ')}`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
