// face-api (@vladmandic/face-api, node-wasm build) as a reference in tests: its bundle requires
// '@tensorflow/tfjs' (not installed: the umbrella package pulls tfjs-node); tfjs-core carries everything
// face-api's nets use, once the chained tensor methods (t.as3D(), t.toFloat()...) are put back.
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Any = any;

const root = resolve(__dirname, '../..');
/** face-api's pretrained weights (tfjs manifests + shards). */
export const FACE_API_MODELS = join(root, 'node_modules/@vladmandic/face-api/model');

/** Loads face-api on the tfjs wasm backend with the named nets (keys of faceapi.nets) loaded from disk. */
export async function loadFaceApi(nets: readonly string[]): Promise<Any> {
  const req = createRequire(import.meta.url);
  const Module = req('node:module');
  const orig = Module._resolveFilename;
  Module._resolveFilename = function (this: unknown, r: string, ...rest: unknown[]) {
    return orig.call(this, r === '@tensorflow/tfjs' ? '@tensorflow/tfjs-core' : r, ...rest);
  };
  const faceapi = req(join(root, 'node_modules/@vladmandic/face-api/dist/face-api.node-wasm.js'));
  Module._resolveFilename = orig;
  const tf = faceapi.tf;
  const P = tf.Tensor.prototype;
  for (const k of Object.keys(tf)) if (typeof tf[k] === 'function' && !(k in P)) P[k] = function (this: Any, ...a: Any[]) { return tf[k](this, ...a); };
  for (const [k, r] of [['as1D', 1], ['as2D', 2], ['as3D', 3], ['as4D', 4]] as const) {
    P[k] = function (this: Any, ...s: number[]) { return tf.reshape(this, r === 1 ? [this.size] : s); };
  }
  req(join(root, 'node_modules/@tensorflow/tfjs-backend-wasm')).setWasmPaths(join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist/'));
  await tf.setBackend('wasm');
  await tf.ready();
  for (const n of nets) await faceapi.nets[n].loadFromDisk(FACE_API_MODELS);
  return faceapi;
}
