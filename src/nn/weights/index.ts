// tfjs weights manifests, runtime-agnostic: parse from buffers, load over fetch, take tensors by name. The Node file
// loader is `./node.ts` (loadWeightsFromFile), kept apart so browser bundles carry no `fs`.
export { parseWeights, type ParseWeightsOptions, type ShardData, type Shards } from './parse.js';
export { loadWeightsFromUrl, resolveShardUrl, type LoadWeightsUrlOptions } from './url.js';
export { takeWeight, expectAllTaken, nearNames } from './take.js';
export { NamedWeights, type NamedWeight, type StoredDtype } from './named.js';
export {
  validateManifest,
  type WeightsManifest,
  type WeightsManifestGroup,
  type WeightsManifestEntry,
  type WeightQuantization,
  type WeightDtype,
  type QuantizationDtype,
} from './manifest.js';
export { halfToFloat } from './decode.js';
