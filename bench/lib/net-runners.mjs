// Runners of the network benchmark (bench/networks.mjs), with the runner / case contract of ./runner.mjs:
// - oursNetRunner: facegpu's networks (dist/) on a wasm engine at 1 or N threads, or on the webgpu engine;
// - faceApiRunner: @vladmandic/face-api's networks on tfjs-backend-wasm / -webgpu, set up by ./tfjs.mjs's runner;
// - ortNetRunner: ONNX graphs of the same weights (./onnx-nets.mjs) on onnxruntime-web's wasm EP, one ORT instance
//   per thread count, each in its own worker thread (./ort-worker.mjs).
// A case's run() may resolve to the time it measured itself (ORT: measured in the worker, without the message hop).
// output() resolves to a Float32Array in our layout (NHWC) or, for detect cases, to rows [x, y, w, h, score, ...].
import { createRequire } from 'node:module';
import { startOrtWorker } from './ort-worker-client.mjs';
import { faceRecognitionOnnx, tinyFaceDetectorOnnx } from './onnx-nets.mjs';
import { FACE_API_MODELS, MTCNN_DIR } from './net-data.mjs';
import { readOnce, repeatThenRead, Skip } from './runner.mjs';
import { nchwToNhwc, nhwcToNchw } from './shapes.mjs';
import { tfjsRunner } from './tfjs.mjs';

const require = createRequire(import.meta.url);
export const DIST = new URL('../../dist/src/index.node.js', import.meta.url);
const TINY_SIZE = 416;

/** Rows [x, y, w, h, score, (landmark x, y)...] of detections, for the output check. */
const rows = (dets) =>
  dets.map((d) => [d.box.x, d.box.y, d.box.width, d.box.height, d.score, ...(d.landmarks ?? []).flatMap((p) => [p.x, p.y])]);

/** A case from an async call that returns plain JS results (detect): the call is the timed iteration. */
function callCase(call, toRows, dispose = () => {}) {
  return { run: async () => void (await call()), output: async () => toRows(await call()), dispose };
}

/**
 * facegpu. backend 'wasm' (threads: 1, 2...; wasmVariant pinned, default 'simd': the instruction set of the peers) or
 * 'webgpu' (no wasm fallback: a webgpu number must come from the GPU). Models are loaded on first use and kept.
 */
export function oursNetRunner({ backend, threads = 1, wasmVariant = 'simd' }) {
  let fg;
  let engine;
  const models = new Map();
  const model = async (key, load) => {
    if (!models.has(key)) models.set(key, await load());
    return models.get(key);
  };
  return {
    id: backend === 'webgpu' ? 'ours-webgpu' : `ours-wasm-${threads}t`,
    label: backend === 'webgpu' ? 'facegpu webgpu' : `facegpu wasm (${wasmVariant}), ${threads} thread${threads > 1 ? 's' : ''}`,
    kind: backend,
    repeat: 1,
    async init() {
      fg = await import(DIST.href);
      const options = { backend, log: null };
      if (backend === 'webgpu') options.fallbackToWasm = false;
      else Object.assign(options, { threads, wasmVariant });
      try {
        engine = await fg.createEngine(options);
      } catch (e) {
        if (e instanceof fg.UnsupportedError) throw new Skip(e.message);
        throw e;
      }
      return engine.chosen;
    },
    async prepare(net, data) {
      const forward = (m, x, shape) => {
        const t = engine.tensor(x, shape);
        const once = () => m.forward(t);
        return { run: repeatThenRead(once, 1), output: readOnce(once), dispose: () => t.dispose() };
      };
      switch (net.kind) {
        case 'tiny-forward':
          return forward(await model('tiny', () => fg.TinyFaceDetector.load(engine)), data.tiny416, [1, TINY_SIZE, TINY_SIZE, 3]);
        case 'tiny-detect': {
          const det = await model('tiny', () => fg.TinyFaceDetector.load(engine));
          return callCase(() => det.detect(data.image, { inputSize: TINY_SIZE }), rows);
        }
        case 'recognition': {
          // inputDivisor 255: @vladmandic/face-api's normalisation, so the outputs compare (the work is the same).
          const m = await model('recognition', () => fg.FaceRecognitionNet.load(engine, { inputDivisor: 255 }));
          return forward(m, data.face150, [1, 150, 150, 3]);
        }
        case 'landmarks':
          return forward(await model('landmarks', () => fg.FaceLandmarkNet.load(engine)), data.face112, [1, 112, 112, 3]);
        case 'mtcnn': {
          const m = await model('mtcnn', () => fg.Mtcnn.load(engine, { modelPath: MTCNN_DIR }));
          return callCase(() => m.detect(data.image), rows);
        }
        default:
          throw new Skip(`no ${net.kind} here`);
      }
    },
    async close() {
      for (const m of models.values()) m.dispose();
      engine?.dispose();
    },
  };
}

/**
 * @vladmandic/face-api's node-wasm bundle, on the tfjs-core instance ./tfjs.mjs set up. The bundle requires
 * '@tensorflow/tfjs' (the umbrella package, not installed: it pulls tfjs-node); tfjs-core has every op its nets use,
 * once the chained tensor methods (t.div(255), t.as3D()...) the umbrella package registers are put back.
 */
let faceApi;
function loadFaceApi() {
  if (faceApi) return faceApi;
  const Module = require('node:module');
  const orig = Module._resolveFilename;
  Module._resolveFilename = function (r, ...rest) {
    return orig.call(this, r === '@tensorflow/tfjs' ? '@tensorflow/tfjs-core' : r, ...rest);
  };
  try {
    faceApi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');
  } finally {
    Module._resolveFilename = orig;
  }
  const tf = faceApi.tf;
  const P = tf.Tensor.prototype;
  for (const k of Object.keys(tf)) {
    if (typeof tf[k] === 'function' && !(k in P)) P[k] = function (...a) { return tf[k](this, ...a); };
  }
  for (const r of [1, 2, 3, 4]) P[`as${r}D`] = function (...s) { return tf.reshape(this, r === 1 ? [this.size] : s); };
  return faceApi;
}

/**
 * face-api on tfjs backend 'wasm' | 'webgpu'. Each backend gets its own net instances, loaded while that backend is
 * active: tfjs moves a tensor's data to whichever backend uses it, so shared weights would migrate (inside the
 * timing) every time the bench switches backends.
 */
export function faceApiRunner(backend) {
  const tfjs = tfjsRunner(backend, 1);
  let fa;
  let tf;
  const models = new Map();
  const model = async (key, Cls) => {
    if (!models.has(key)) {
      const m = new Cls();
      await m.loadFromDisk(FACE_API_MODELS);
      models.set(key, m);
    }
    return models.get(key);
  };
  return {
    id: `faceapi-${backend}`,
    label: `@vladmandic/face-api on tfjs-backend-${backend}`,
    kind: backend,
    repeat: 1,
    async init() {
      const info = await tfjs.init();
      fa = loadFaceApi();
      tf = fa.tf;
      return `face-api ${fa.version?.faceapi ?? fa.version ?? ''} on ${info}`.replace(/\s+/g, ' ');
    },
    activate: () => tfjs.activate(),
    async prepare(net, data) {
      // forwardInput on a prepared NetInput: face-api's packing (cast, stack), normalisation and the net, as its
      // forward() runs them, minus the await of toNetInput.
      const forward = async (m, x, size, args = []) => {
        const t = tf.tensor4d(x, [1, size, size, 3]);
        const input = await fa.toNetInput(t);
        const once = () => m.forwardInput(input, ...args);
        return { run: repeatThenRead(once, 1), output: readOnce(once), dispose: () => t.dispose() };
      };
      switch (net.kind) {
        case 'tiny-forward':
          return forward(await model('tiny', fa.TinyFaceDetector), data.tiny416, TINY_SIZE, [TINY_SIZE]);
        case 'tiny-detect': {
          const m = await model('tiny', fa.TinyFaceDetector);
          const options = new fa.TinyFaceDetectorOptions({ inputSize: TINY_SIZE, scoreThreshold: 0.5 });
          const { width, height } = data.image;
          // The image reaches tfjs the way face-api's Node examples pass it: an int32 RGB tensor made per call.
          return callCase(async () => {
            const t = tf.tensor3d(data.rgbInt32, [height, width, 3], 'int32');
            try {
              return await m.locateFaces(t, options);
            } finally {
              t.dispose();
            }
          }, rows);
        }
        case 'recognition':
          return forward(await model('recognition', fa.FaceRecognitionNet), data.face150, 150);
        case 'landmarks':
          return forward(await model('landmarks', fa.FaceLandmark68Net), data.face112, 112);
        default:
          throw new Skip(`@vladmandic/face-api has no ${net.kind === 'mtcnn' ? 'MTCNN' : net.kind}`);
      }
    },
    async close() {
      for (const m of models.values()) m.dispose();
      await tfjs.close();
    },
  };
}

/** onnxruntime-web wasm EP at `threads` threads, in a worker thread of its own (see ./ort-worker.mjs). */
export function ortNetRunner(threads, { meanRgb }) {
  let ort;
  const call = (type, args, transfer) => ort.call(type, args, transfer);
  let key = 0;
  return {
    id: `ort-wasm-${threads}t`,
    label: `onnxruntime-web wasm, ${threads} thread${threads > 1 ? 's' : ''}`,
    kind: 'wasm',
    repeat: 1,
    async init() {
      ort = startOrtWorker(threads);
      return call('init');
    },
    async prepare(net, data) {
      let g;
      let input;
      let size;
      if (net.kind === 'tiny-forward') {
        size = TINY_SIZE;
        g = tinyFaceDetectorOnnx(data.weights.tiny, { inputSize: size, meanRgb: meanRgb.tiny });
        input = nhwcToNchw(data.tiny416, [1, size, size, 3]);
      } else if (net.kind === 'recognition') {
        size = 150;
        g = faceRecognitionOnnx(data.weights.recognition, { meanRgb: meanRgb.face, divisor: 255 });
        input = nhwcToNchw(data.face150, [1, size, size, 3]);
      } else {
        throw new Skip('no ONNX graph for it (built: TinyFaceDetector and FaceRecognitionNet forward)');
      }
      const k = key++;
      await call('prepare', { key: k, bytes: g.bytes, input, dims: [1, 3, size, size] });
      return {
        run: () => call('time', { key: k }),
        // NCHW -> NHWC (a no-op for the [1, 128] descriptor).
        output: async () => nchwToNhwc(await call('output', { key: k }), g.outputNhwc),
        dispose: () => call('dispose', { key: k }),
      };
    },
    async close() {
      await ort?.terminate();
    },
  };
}
