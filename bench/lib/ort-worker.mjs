// One onnxruntime-web instance in a worker thread (see ortNetRunner in ./net-runners.mjs). ORT's wasm module reads
// ort.env.wasm.numThreads once, when it initialises, so 1 and 2 threads cannot share a module instance; a worker
// thread has its own module graph, so each thread count gets its own ORT in the same process and the same run.
// With numThreads > 1 ORT starts its pthread pool from here (Node worker_threads; offline, files from dist/).
//
// Messages: { id, type: 'init' | 'prepare' | 'time' | 'output' | 'dispose', ... } -> { id, result } | { id, error }.
// 'time' runs the session once and returns the time measured here (ms), so the message hop is not in the sample.
import { createRequire } from 'node:module';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';

const require = createRequire(import.meta.url);
let ort;
const sessions = new Map();

const handlers = {
  async init() {
    ort = await import('onnxruntime-web');
    ort.env.wasm.numThreads = workerData.threads;
    ort.env.wasm.wasmPaths = path.join(path.dirname(require.resolve('onnxruntime-web')), path.sep);
    ort.env.logLevel = 'error';
    return `onnxruntime-web ${ort.env.versions?.web ?? ''} wasm EP (numThreads ${workerData.threads}, simd), in a worker thread`;
  },
  async prepare({ key, bytes, input, dims }) {
    const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
    // After the first run ORT has its pthread pool up (numThreads > 1) or it fell back to one thread with a warning.
    sessions.set(key, { session, feeds: { X: new ort.Tensor('float32', input, dims) } });
    return ort.env.wasm.numThreads;
  },
  async time({ key }) {
    const { session, feeds } = sessions.get(key);
    const t0 = performance.now();
    const { Y } = await session.run(feeds);
    const ms = performance.now() - t0;
    Y.dispose();
    return ms;
  },
  async output({ key }) {
    const { session, feeds } = sessions.get(key);
    const { Y } = await session.run(feeds);
    const out = Float32Array.from(Y.data);
    Y.dispose();
    return out;
  },
  async dispose({ key }) {
    await sessions.get(key)?.session.release();
    sessions.delete(key);
  },
};

parentPort.on('message', async (m) => {
  try {
    parentPort.postMessage({ id: m.id, result: await handlers[m.type](m) });
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: String(e?.stack ?? e) });
  }
});
