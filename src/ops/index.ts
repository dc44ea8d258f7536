// Public op functions, one export line per op module.
export { activation, activationOp } from './activation/index.js';
export { ACTIVATIONS, type Activation } from './activation/spec.js';
export { add, mul, binaryOp } from './binary/index.js';
export { conv2d, conv2dOp, type Conv2dAttrs, type Conv2dExtras, type Conv2dPadding } from './conv2d/index.js';
export { maxPool, avgPool, globalAvgPool, maxPoolOp, avgPoolOp, globalAvgPoolOp, type MaxPoolAttrs, type AvgPoolAttrs } from './pool/index.js';
export { pad, padOp } from './pad/index.js';
export { type PadAttrs, type PadMode } from './pad/spec.js';
export { concat, concatOp } from './concat/index.js';
export { type ConcatAttrs } from './concat/spec.js';
export { matmul, dense, matmulOp, type MatmulAttrs, type MatmulExtras } from './matmul/index.js';
export { softmax, softmaxOp, type SoftmaxAttrs } from './softmax/index.js';
export { l2Normalize, l2NormalizeOp, type L2NormalizeAttrs } from './l2normalize/index.js';
export { resize, resizeOp } from './resize/index.js';
export { COORD_TRANSFORMS, NEAREST_MODES, type ResizeAttrs, type ResizeMode, type CoordTransform, type NearestMode } from './resize/spec.js';
export { normalizeImage, normalizeImageOp } from './normalize-image/index.js';
export type { NormalizeImageAttrs } from './normalize-image/spec.js';
