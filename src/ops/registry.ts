import type { OpDef } from '../runtime/op.js';
import { activationOp } from './activation/index.js';
import { binaryOp } from './binary/index.js';
import { conv2dOp } from './conv2d/index.js';
import { avgPoolOp, globalAvgPoolOp, maxPoolOp } from './pool/index.js';
import { padOp } from './pad/index.js';
import { concatOp } from './concat/index.js';
import { matmulOp } from './matmul/index.js';
import { softmaxOp } from './softmax/index.js';
import { l2NormalizeOp } from './l2normalize/index.js';
import { resizeOp } from './resize/index.js';
import { normalizeImageOp } from './normalize-image/index.js';
import { gruOp, lstmOp, simpleRnnOp } from './recurrent/index.js';
import { cropAndResizeOp } from './crop-resize/index.js';
import { detectionHeadOp } from './detection-head/index.js';
import { nmsOp } from './nms/index.js';
import { gruGradOp, gruTrainOp, lstmGradOp, lstmTrainOp, simpleRnnGradOp, simpleRnnTrainOp } from './recurrent-grad/index.js';
import { denseGradOp } from './dense-grad/index.js';
import { softmaxCrossEntropyOp } from './loss-grad/index.js';
import { adamUpdateOp, sgdUpdateOp, sumSquaresOp } from './optimizer-grad/index.js';
import { sequenceMaskOp } from './sequence-mask/index.js';
import { warpAffineOp } from './warp-affine/index.js';
import { attentionPoolGradOp, attentionPoolOp } from './attention-pool/index.js';
import { activationGradOp, biasGradOp, conv2dBackpropFilterOp, conv2dBackpropInputOp } from './conv2d-grad/index.js';
import { convTranspose2dBackpropFilterOp, convTranspose2dOp } from './conv-transpose/index.js';
import { sliceChannelsOp } from './slice/index.js';
import { multiboxLossOp } from './multibox-loss/index.js';

/**
 * Every op by name, for the conformance harness and model loaders. Public functions (add, conv2d...) are the
 * typed way in; this table is the data-driven one. One line per op module.
 */
export const opRegistry: Readonly<Record<string, OpDef<any, any>>> = {
  activation: activationOp,
  binary: binaryOp,
  conv2d: conv2dOp,
  maxPool: maxPoolOp,
  avgPool: avgPoolOp,
  globalAvgPool: globalAvgPoolOp,
  pad: padOp,
  concat: concatOp,
  matmul: matmulOp,
  softmax: softmaxOp,
  l2Normalize: l2NormalizeOp,
  resize: resizeOp,
  normalizeImage: normalizeImageOp,
  lstm: lstmOp,
  gru: gruOp,
  simpleRnn: simpleRnnOp,
  cropAndResize: cropAndResizeOp,
  detectionHead: detectionHeadOp,
  nms: nmsOp,
  lstmGrad: lstmGradOp,
  gruGrad: gruGradOp,
  simpleRnnGrad: simpleRnnGradOp,
  lstmTrain: lstmTrainOp,
  gruTrain: gruTrainOp,
  simpleRnnTrain: simpleRnnTrainOp,
  denseGrad: denseGradOp,
  softmaxCrossEntropy: softmaxCrossEntropyOp,
  adamUpdate: adamUpdateOp,
  sgdUpdate: sgdUpdateOp,
  sumSquares: sumSquaresOp,
  sequenceMask: sequenceMaskOp,
  warpAffine: warpAffineOp,
  attentionPool: attentionPoolOp,
  attentionPoolGrad: attentionPoolGradOp,
  conv2dBackpropInput: conv2dBackpropInputOp,
  conv2dBackpropFilter: conv2dBackpropFilterOp,
  biasGrad: biasGradOp,
  activationGrad: activationGradOp,
  convTranspose2d: convTranspose2dOp,
  convTranspose2dBackpropFilter: convTranspose2dBackpropFilterOp,
  sliceChannels: sliceChannelsOp,
  multiboxLoss: multiboxLossOp,
};
