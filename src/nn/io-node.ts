// Node only: models to and from files. Writes are atomic (temp file, fsync, rename, then the directory fsync):
// a crash mid-save leaves the previous files intact, never a torn model.
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InvalidArgumentError, InvalidModelFileError } from '../runtime/errors.js';
import { loadWeightsFromFile } from './weights/node.js';
import { loadModelFromArtifacts, type LoadModelOptions } from './keras-loader.js';
import type { Sequential } from './sequential.js';

/** Writes `data` to `path` atomically: `path.tmp-<pid>-<n>`, fsync, rename over `path`, fsync the directory. */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } catch (e) {
    await fh.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw e;
  }
  await fh.close();
  try {
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
  // The rename itself is durable once the directory entry is.
  const dir = await open(dirname(path), 'r').catch(() => null);
  if (dir) {
    await dir.sync().catch(() => {});
    await dir.close();
  }
}

/**
 * Saves topology and weights as tfjs-layers files: `path` (model.json, with a weightsManifest) and one shard
 * next to it (`<name>.weights.bin`). Loadable by loadModelFromFile and by tfjs-layers' loadLayersModel.
 */
export async function saveModel(model: Sequential, path: string): Promise<void> {
  if (typeof path !== 'string' || path === '') throw new InvalidArgumentError(`saveModel: path must be a non-empty string, got ${JSON.stringify(path)}`);
  const a = await model.save();
  const shard = `${basename(path).replace(/\.json$/i, '')}.weights.bin`;
  // Shard first: model.json only ever points at a complete shard.
  await writeFileAtomic(join(dirname(path), shard), new Uint8Array(a.weightData));
  const json = {
    format: a.format,
    generatedBy: a.generatedBy,
    convertedBy: null,
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths: [shard], weights: a.weightSpecs }],
  };
  await writeFileAtomic(path, JSON.stringify(json));
}

/** Loads a Keras / tfjs-layers model.json and its shards from the file system. */
export async function loadModelFromFile(path: string, options: LoadModelOptions): Promise<Sequential> {
  if (typeof path !== 'string' || path === '') throw new InvalidArgumentError(`loadModelFromFile: path must be a non-empty string, got ${JSON.stringify(path)}`);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new InvalidModelFileError(`model "${path}" cannot be read: ${(e as Error).message}`);
  }
  const weights = await loadWeightsFromFile(path);
  return loadModelFromArtifacts({ modelTopology: json, weights }, options);
}

/** Writes only the weights (saveWeights' specs + data) as `path` (manifest JSON) and `<name>.bin`, atomically. */
export async function saveWeightsToFile(model: Sequential, path: string): Promise<void> {
  const w = await model.saveWeights();
  const shard = `${basename(path).replace(/\.json$/i, '')}.bin`;
  await writeFileAtomic(join(dirname(path), shard), new Uint8Array(w.weightData));
  await writeFileAtomic(path, JSON.stringify([{ paths: [shard], weights: w.weightSpecs }]));
}

/** Loads weights written by saveWeightsToFile (or any tfjs weights manifest) into a built model. */
export async function loadWeightsIntoModel(model: Sequential, path: string): Promise<void> {
  const named = await loadWeightsFromFile(path);
  const specs = [...named.values()].map((w) => ({ name: w.name, shape: [...w.shape], dtype: 'float32' as const }));
  const total = specs.reduce((a, s) => a + s.shape.reduce((x, y) => x * y, 1), 0);
  const data = new Float32Array(total);
  let off = 0;
  for (const w of named.values()) {
    data.set(w.data, off);
    off += w.data.length;
  }
  model.loadWeights({ weightSpecs: specs, weightData: data.buffer });
}
