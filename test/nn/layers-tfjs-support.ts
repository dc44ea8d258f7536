// tfjs-layers as the reference in the Layers API tests (never imported by src/): tfjs-core on its CPU backend,
// with the chained tensor methods tfjs-layers calls (x.flatten(), ...) that the umbrella @tensorflow/tfjs
// package would register, and an IOHandler that captures a saved model as model.json + weights.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';

export { tf, tfl };

let ready: Promise<void> | null = null;

/** Registers chained ops on tf.Tensor and selects the CPU backend (once per process). */
export function tfReady(): Promise<void> {
  if (ready) return ready;
  const P = tf.Tensor.prototype as unknown as Record<string, unknown>;
  for (const [k, f] of Object.entries(tf)) {
    if (typeof f === 'function' && /^[a-z]/.test(k) && !(k in P)) {
      P[k] = function (this: tf.Tensor, ...a: unknown[]) {
        return (f as (...x: unknown[]) => unknown)(this, ...a);
      };
    }
  }
  const reshape = (t: tf.Tensor, s: number[]) => tf.reshape(t, s);
  Object.assign(P, {
    flatten(this: tf.Tensor) {
      return reshape(this, [this.size]);
    },
    asScalar(this: tf.Tensor) {
      return reshape(this, []);
    },
    as1D(this: tf.Tensor) {
      return reshape(this, [this.size]);
    },
    as2D(this: tf.Tensor, a: number, b: number) {
      return reshape(this, [a, b]);
    },
    as3D(this: tf.Tensor, a: number, b: number, c: number) {
      return reshape(this, [a, b, c]);
    },
    as4D(this: tf.Tensor, a: number, b: number, c: number, d: number) {
      return reshape(this, [a, b, c, d]);
    },
    asType(this: tf.Tensor, d: tf.DataType) {
      return tf.cast(this, d);
    },
    toFloat(this: tf.Tensor) {
      return tf.cast(this, 'float32');
    },
    toInt(this: tf.Tensor) {
      return tf.cast(this, 'int32');
    },
    toBool(this: tf.Tensor) {
      return tf.cast(this, 'bool');
    },
    reshapeAs(this: tf.Tensor, x: tf.Tensor) {
      return reshape(this, x.shape);
    },
  });
  ready = tf.setBackend('cpu').then(() => undefined);
  return ready;
}

export interface Saved {
  modelTopology: Record<string, unknown>;
  weightSpecs: { name: string; shape: number[]; dtype: 'float32' }[];
  weightData: ArrayBuffer;
}

/** model.save through a custom IOHandler: the artifacts tfjs would write. */
export async function saveArtifacts(model: tfl.LayersModel): Promise<Saved> {
  let saved: Saved | null = null;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      saved = a as unknown as Saved;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return saved!;
}

/** Writes artifacts as tfjs files (model.json + one shard) into a fresh temp dir; returns model.json's path. */
export function writeModelFiles(a: Saved, name = 'model'): string {
  const dir = mkdtempSync(join(tmpdir(), 'facegpu-keras-'));
  writeFileSync(join(dir, `${name}.weights.bin`), new Uint8Array(a.weightData));
  const json = { format: 'layers-model', generatedBy: 'test', convertedBy: null, modelTopology: a.modelTopology, weightsManifest: [{ paths: [`${name}.weights.bin`], weights: a.weightSpecs }] };
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(json));
  return path;
}

/** Seeded data for tfjs and our engines alike. */
export function seeded(seed: number, n: number, lo = -1, hi = 1): Float32Array {
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

/** Sets every weight of a tfjs model to seeded values in [-s, s]. */
export function randomizeWeights(model: tfl.LayersModel, seed: number, s = 0.5): void {
  model.setWeights(model.getWeights().map((w, i) => tf.tensor(seeded(seed + i, w.size, -s, s), w.shape)));
}
