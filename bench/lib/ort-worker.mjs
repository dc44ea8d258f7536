// One onnxruntime-web instance in a worker thread (see ortNetRunner in ./net-runners.mjs). ORT's wasm module reads
// ort.env.wasm.numThreads once, when it initialises, so 1 and 2 threads cannot share a module instance; a worker
// thread has its own module graph, so each thread count gets its own ORT in the same process and the same run.
// With numThreads > 1 ORT starts its pthread pool from here (Node worker_threads; offline, files from dist/).
//
// Messages: { id, type: 'init' | 'prepare' | 'time' | 'timeMany' | 'output' | 'dispose', ... } -> { id, result } | { id, error }.
// 'time' runs the session once and returns the time measured here (ms), so the message hop is not in the sample.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { parentPort, workerData } from 'node:worker_threads';

const require = createRequire(import.meta.url);
let ort;

/** OS threads of this process (Linux), to show ORT's pthread pool exists; null elsewhere. */
const osThreads = () => {
  try {
    return fs.readdirSync('/proc/self/task').length;
  } catch {
    return null;
  }
};

/** A one-node model (Identity), to make ORT initialise its wasm module (and thread pool) during init. */
function identityModel() {
  const { onnx } = onnxProto;
  const vi = { name: 'X', type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimValue: 1 }] } } } };
  const graph = { name: 'probe', node: [{ opType: 'Identity', input: ['X'], output: ['Y'] }], input: [vi], output: [{ ...vi, name: 'Y' }] };
  return onnx.ModelProto.encode(onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 17 }], graph })).finish();
}
const sessions = new Map();

const handlers = {
  async init() {
    ort = await import('onnxruntime-web');
    ort.env.wasm.numThreads = workerData.threads;
    ort.env.wasm.wasmPaths = path.join(path.dirname(require.resolve('onnxruntime-web')), path.sep);
    ort.env.logLevel = 'error';
    const before = osThreads();
    await (await ort.InferenceSession.create(identityModel(), { executionProviders: ['wasm'] })).release();
    const after = osThreads();
    const pool = before === null ? '' : `; ORT started ${after - before} OS thread(s)`;
    return `onnxruntime-web ${ort.env.versions?.web ?? ''} wasm EP (numThreads ${ort.env.wasm.numThreads}, simd), in a worker thread${pool}`;
  },
  async prepare({ key, bytes, input, dims }) {
    const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
    sessions.set(key, { session, feeds: { X: new ort.Tensor('float32', input, dims) } });
  },
  async time({ key }) {
    const { session, feeds } = sessions.get(key);
    const t0 = performance.now();
    const { Y } = await session.run(feeds);
    const ms = performance.now() - t0;
    Y.dispose();
    return ms;
  },
  // n runs back to back, total ms measured here: one sample of a cycle (as benchmark.js times), for sub-ms sessions
  // where a message hop per run would be a large share of the time.
  async timeMany({ key, n }) {
    const { session, feeds } = sessions.get(key);
    const t0 = performance.now();
    for (let i = 0; i < n; i++) (await session.run(feeds)).Y.dispose();
    return performance.now() - t0;
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
