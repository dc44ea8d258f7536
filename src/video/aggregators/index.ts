// createAggregator: one entry point for every temporal aggregator kind (see src/video/types.ts).
//   const agg = await createAggregator(engine, 'rean-gru');            // shipped weights
//   const agg2 = await createAggregator(engine, 'rean-gru', { weights }); // from `facegpu train-aggregator`
//   const trackEmbedding = await agg.aggregate(frames);                  // L2-normalised
//   agg.dispose();
import type { Engine } from '../../runtime/engine.js';
import { InvalidArgumentError, UnsupportedError } from '../../runtime/errors.js';
import { AGGREGATOR_KINDS, type Aggregator, type AggregatorKind } from '../types.js';
import { bestFrameAggregator, meanAggregator, qualityAggregator } from './pooling.js';
import { TrainedAggregator } from './trained.js';
import { parseWeights } from './weights.js';
import { TRAINED_KINDS, type TrainedKind } from './net.js';

export { bestFrameAggregator, meanAggregator, qualityAggregator, l2Normalize, weightedMean, bestFrameIndex, checkTrack } from './pooling.js';
export { TrainedAggregator } from './trained.js';
export { trainAggregator, type LabelledTrack, type TrainAggregatorOptions, type TrainAggregatorResult } from './train.js';
export { parseWeights, serializeWeights, WEIGHTS_FORMAT, type AggregatorWeightsFile } from './weights.js';
export { TRAINED_KINDS, type TrainedKind } from './net.js';
export { CUE_NAMES, rawFeatures } from './features.js';

export interface AggregatorOptions {
  /**
   * Weights for the trained kinds ('naive-lstm', 'rean-gru', 'rean-lstm'): the JSON object written by
   * `facegpu train-aggregator`, or its text. Its kind must be the requested one. Default: the weights shipped
   * with the package.
   */
  weights?: unknown;
}

/**
 * Creates an aggregator of `kind`. The untrained kinds ('best-frame', 'mean', 'quality') ignore the engine; the
 * trained ones run their recurrent net on it and own its weight tensors until dispose().
 */
export async function createAggregator(engine: Engine, kind: AggregatorKind, options: AggregatorOptions = {}): Promise<Aggregator> {
  if (!AGGREGATOR_KINDS.includes(kind)) {
    throw new InvalidArgumentError(`createAggregator: unknown kind ${JSON.stringify(kind)} (known: ${AGGREGATOR_KINDS.join(', ')})`);
  }
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError('createAggregator: options must be an object');
  for (const k of Object.keys(options)) if (k !== 'weights') throw new InvalidArgumentError(`createAggregator: unknown option '${k}' (known: weights)`);
  switch (kind) {
    case 'best-frame':
      return bestFrameAggregator();
    case 'mean':
      return meanAggregator();
    case 'quality':
      return qualityAggregator();
  }
  if (typeof (engine as Engine | undefined)?.tensor !== 'function') throw new InvalidArgumentError(`createAggregator: '${kind}' needs an engine (createEngine())`);
  // The shipped weights (~340 KB of base64) are a separate chunk for bundlers: fetched only when a trained kind is used.
  const source = options.weights ?? (await import('./shipped-weights.js')).SHIPPED_WEIGHTS[kind as TrainedKind];
  if (source === undefined) throw new UnsupportedError(`createAggregator: no weights shipped for '${kind}'; train them with 'facegpu train-aggregator' and pass { weights }`);
  const w = parseWeights(source, `createAggregator: '${kind}' weights`);
  if (w.kind !== kind) throw new InvalidArgumentError(`createAggregator: the weights are for '${w.kind}', not '${kind}'`);
  void TRAINED_KINDS;
  return new TrainedAggregator(engine, w);
}
