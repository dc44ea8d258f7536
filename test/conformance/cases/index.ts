// The one spec set: every op's cases, run on every backend and runtime. One import line per op module.
import type { BadCase, OpCase } from '../types.js';
import { activationBadCases, activationCases } from './activation.cases.js';
import { binaryBadCases, binaryCases } from './binary.cases.js';
import { conv2dBadCases, conv2dCases } from './conv2d.cases.js';
import { poolBadCases, poolCases } from './pool.cases.js';
import { padBadCases, padCases } from './pad.cases.js';
import { concatBadCases, concatCases } from './concat.cases.js';
import { matmulBadCases, matmulCases } from './matmul.cases.js';
import { softmaxBadCases, softmaxCases } from './softmax.cases.js';
import { l2NormalizeBadCases, l2NormalizeCases } from './l2normalize.cases.js';
import { resizeBadCases, resizeCases } from './resize.cases.js';
import { normalizeImageBadCases, normalizeImageCases } from './normalize-image.cases.js';
import { recurrentBadCases, recurrentCases } from './recurrent.cases.js';
import { cropAndResizeBadCases, cropAndResizeCases } from './crop-resize.cases.js';
import { detectionHeadBadCases, detectionHeadCases } from './detection-head.cases.js';
import { nmsBadCases, nmsCases } from './nms.cases.js';
import { recurrentGradBadCases, recurrentGradCases, recurrentTrainBadCases, recurrentTrainCases } from './recurrent-grad.cases.js';
import { denseGradBadCases, denseGradCases } from './dense-grad.cases.js';
import { sequenceMaskBadCases, sequenceMaskCases, trainBadCases, trainCases } from './train.cases.js';
import { warpAffineBadCases, warpAffineCases } from './warp-affine.cases.js';
import { attentionPoolBadCases, attentionPoolCases } from './attention-pool.cases.js';
import { conv2dGradBadCases, conv2dGradCases } from './conv2d-grad.cases.js';
import { convTransposeBadCases, convTransposeCases } from './conv-transpose.cases.js';
import { sliceChannelsBadCases, sliceChannelsCases } from './slice.cases.js';
import { multiboxLossBadCases, multiboxLossCases } from './multibox-loss.cases.js';

export const allCases: OpCase[] = [
  ...activationCases,
  ...binaryCases,
  ...conv2dCases,
  ...poolCases,
  ...padCases,
  ...concatCases,
  ...matmulCases,
  ...softmaxCases,
  ...l2NormalizeCases,
  ...resizeCases,
  ...normalizeImageCases,
  ...recurrentCases,
  ...cropAndResizeCases,
  ...detectionHeadCases,
  ...nmsCases,
  ...recurrentGradCases,
  ...recurrentTrainCases,
  ...denseGradCases,
  ...trainCases,
  ...sequenceMaskCases,
  ...warpAffineCases,
  ...attentionPoolCases,
  ...conv2dGradCases,
  ...convTransposeCases,
  ...sliceChannelsCases,
  ...multiboxLossCases,
];
export const allBadCases: BadCase[] = [
  ...activationBadCases,
  ...binaryBadCases,
  ...conv2dBadCases,
  ...poolBadCases,
  ...padBadCases,
  ...concatBadCases,
  ...matmulBadCases,
  ...softmaxBadCases,
  ...l2NormalizeBadCases,
  ...resizeBadCases,
  ...normalizeImageBadCases,
  ...recurrentBadCases,
  ...cropAndResizeBadCases,
  ...detectionHeadBadCases,
  ...nmsBadCases,
  ...recurrentGradBadCases,
  ...recurrentTrainBadCases,
  ...denseGradBadCases,
  ...trainBadCases,
  ...sequenceMaskBadCases,
  ...warpAffineBadCases,
  ...attentionPoolBadCases,
  ...conv2dGradBadCases,
  ...convTransposeBadCases,
  ...sliceChannelsBadCases,
  ...multiboxLossBadCases,
];
