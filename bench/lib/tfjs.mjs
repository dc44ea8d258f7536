// TensorFlow.js peers: tfjs-backend-wasm (XNNPACK, SIMD; single-threaded here: Node offers no
// cross-origin-isolated SharedArrayBuffer workers to it) and tfjs-backend-webgpu on Dawn (npm `webgpu`).
import { createRequire } from 'node:module';
import path from 'node:path';
import { readOnce, repeatThenRead } from './runner.mjs';

const require = createRequire(import.meta.url);

/** tfjs-backend-webgpu looks for navigator.gpu: give it Dawn, plus Dawn's GPU* constants as globals. */
async function installDawnNavigator() {
  if (globalThis.navigator?.gpu) return;
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  // Node >= 21 has a read-only navigator getter; defineProperty replaces it either way.
  Object.defineProperty(globalThis, 'navigator', { value: { gpu: create([]) }, configurable: true, writable: true });
}

function opFor(tf, shape, d) {
  switch (shape.kind) {
    case 'conv2d': {
      const x = tf.tensor(d.x, d.xShape);
      if (shape.groups === 1) {
        const f = tf.tensor(d.filter, d.filterShape);
        return { inputs: [x, f], once: () => tf.conv2d(x, f, 1, 'same') };
      }
      // Depthwise: our HWIO [k, k, 1, c] and tfjs [k, k, c, 1] are the same bytes.
      const f = tf.tensor(d.filter, [shape.k, shape.k, shape.cin, shape.cout / shape.cin]);
      return { inputs: [x, f], once: () => tf.depthwiseConv2d(x, f, 1, 'same') };
    }
    case 'matmul': {
      const a = tf.tensor(d.a, d.aShape);
      const b = tf.tensor(d.b, d.bShape);
      return { inputs: [a, b], once: () => tf.matMul(a, b) };
    }
    case 'add': {
      const a = tf.tensor(d.a, shape.shape);
      const b = tf.tensor(d.b, shape.shape);
      return { inputs: [a, b], once: () => tf.add(a, b) };
    }
    case 'relu': {
      const a = tf.tensor(d.a, shape.shape);
      return { inputs: [a], once: () => tf.relu(a) };
    }
    default:
      throw new Error(`unknown shape kind ${shape.kind}`);
  }
}

/** backend: 'wasm' | 'webgpu'. */
export function tfjsRunner(backend, repeat) {
  let tf;
  return {
    id: `tfjs-${backend}`,
    label: `tfjs-backend-${backend}`,
    kind: backend,
    repeat,
    async init() {
      tf = await import('@tensorflow/tfjs-core');
      if (backend === 'wasm') {
        const wasm = await import('@tensorflow/tfjs-backend-wasm');
        // A file path prefix works offline in Node (the backend reads the .wasm with fs).
        const dir = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
        wasm.setWasmPaths(dir);
      } else {
        await installDawnNavigator();
        await import('@tensorflow/tfjs-backend-webgpu');
      }
      if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') failed`);
      await tf.ready();
      if (backend === 'wasm') {
        const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
        const threads = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT');
        return `tfjs ${tf.version_core} wasm (simd ${simd}, threads ${threads})`;
      }
      const info = tf.backend().adapterInfo ?? {};
      return `tfjs ${tf.version_core} webgpu (${info.vendor ?? '?'} ${info.architecture ?? '?'})`;
    },
    /** tfjs has one global backend: switch to ours before each shape (both backends stay initialised). */
    async activate() {
      if (tf.getBackend() !== backend && !(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') failed`);
    },
    async prepare(shape, data) {
      const { inputs, once } = opFor(tf, shape, data);
      return {
        run: repeatThenRead(once, repeat),
        output: readOnce(once),
        dispose: () => inputs.forEach((t) => t.dispose()),
      };
    },
    async close() {
      if (tf && tf.findBackend(backend)) tf.removeBackend(backend);
    },
  };
}
