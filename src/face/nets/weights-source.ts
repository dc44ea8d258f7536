// Where a face network's weights come from: given NamedWeights, a manifest path or URL, a folder holding face-api's
// `<model>-weights_manifest.json`, or (Node, nothing given) the model/ folder of an installed @vladmandic/face-api.
// Node-only loaders are imported lazily through a variable specifier, so browser bundles never pull in `fs`.
import { InvalidArgumentError, UnsupportedError } from '../../runtime/errors.js';
import { loadWeightsFromUrl, type LoadWeightsUrlOptions } from '../../nn/weights/url.js';
import { NamedWeights } from '../../nn/weights/named.js';

export interface ModelSource {
  /** Weights already loaded (parseWeights / loadWeightsFromUrl / loadWeightsFromFile). */
  weights?: NamedWeights;
  /**
   * A weights manifest (`...-weights_manifest.json` or a model.json), or a folder / URL prefix holding face-api's
   * manifest for this model. A file path in Node, a URL in browsers (or in Node when it has a scheme).
   */
  modelPath?: string;
  /** fetch for URLs (default globalThis.fetch). */
  fetch?: LoadWeightsUrlOptions['fetch'];
}

const isNode = (): boolean => typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';
const hasScheme = (p: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(p) && !/^file:\/\//i.test(p);

/** Imports a Node-only module of ours without letting bundlers follow it. */
async function nodeModule<T>(spec: string): Promise<T> {
  return (await import(/* @vite-ignore */ spec)) as T;
}

/** Resolves `source` to NamedWeights for face-api model `model` (e.g. 'face_recognition_model'). */
export async function loadModelWeights(where: string, model: string, source: ModelSource = {}): Promise<NamedWeights> {
  if (source === null || typeof source !== 'object') throw new InvalidArgumentError(`${where}: options must be an object`);
  const { weights, modelPath } = source;
  if (weights !== undefined) {
    if (!(weights instanceof NamedWeights)) {
      throw new InvalidArgumentError(`${where}: weights must be NamedWeights (from parseWeights, loadWeightsFromUrl or loadWeightsFromFile)`);
    }
    if (modelPath !== undefined) throw new InvalidArgumentError(`${where}: give weights or modelPath, not both`);
    return weights;
  }
  let manifest: string;
  if (modelPath === undefined) {
    if (!isNode()) throw new UnsupportedError(`${where}: no weights given; pass { modelPath: '<url of ${model}-weights_manifest.json>' } or { weights }`);
    const files = await nodeModule<typeof import('../model-files-node.js')>('../model-files-node.js');
    manifest = files.faceApiManifest(model);
  } else {
    if (typeof modelPath !== 'string' || modelPath === '') {
      throw new InvalidArgumentError(`${where}: modelPath must be a non-empty string, got ${JSON.stringify(modelPath)}`);
    }
    manifest = /\.json$/i.test(modelPath) ? modelPath : `${modelPath.replace(/[\\/]+$/, '')}/${model}-weights_manifest.json`;
  }
  if (hasScheme(manifest) || !isNode()) return loadWeightsFromUrl(manifest, { fetch: source.fetch });
  const node = await nodeModule<typeof import('../../nn/weights/node.js')>('../../nn/weights/node.js');
  return node.loadWeightsFromFile(manifest.replace(/^file:\/\//i, ''));
}
