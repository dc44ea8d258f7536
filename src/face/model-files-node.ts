// Node-only: where the pretrained face-api weights live when `@vladmandic/face-api` is installed (its model/
// folder: tfjs manifests + shards, MIT). Browser users pass a URL instead.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { UnsupportedError } from '../runtime/errors.js';

export function faceApiModelDir(): string {
  try {
    const req = createRequire(import.meta.url);
    return join(dirname(req.resolve('@vladmandic/face-api/package.json')), 'model');
  } catch {
    throw new UnsupportedError(
      "pretrained weights: '@vladmandic/face-api' is not installed; install it (its model/ folder holds the weights) or pass a modelPath",
    );
  }
}

/** The manifest path of one face-api model, e.g. 'tiny_face_detector_model'. */
export function faceApiManifest(model: string, dir = faceApiModelDir()): string {
  return join(dir, `${model}-weights_manifest.json`);
}
