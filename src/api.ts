// The public surface shared by every runtime entry.
export { createEngine, Engine, type EngineOptions, type EngineStats, type BackendChoice } from './runtime/engine.js';
export { Tensor } from './runtime/tensor.js';
export * from './runtime/errors.js';
export type { Shape } from './runtime/shape.js';
export type { OpDef, KernelArgs } from './runtime/op.js';
export type { BackendName, BackendStats } from './runtime/backend.js';
export * from './ops/index.js';
export { opRegistry } from './ops/registry.js';
export * from './nn/weights/index.js';
export { checkImage, type RgbaImage } from './face/image.js';
export { Mtcnn, MTCNN_MODEL, type MtcnnLoadOptions, type MtcnnDetectOptions, type MtcnnFace, type MtcnnPoint, type MtcnnStats } from './face/mtcnn/index.js';
export { TinyFaceDetector, TINY_FACE_ANCHORS, TINY_FACE_MEAN_RGB, preprocessImage, imageTensor, type TinyFaceDetectorOptions, type TinyFaceDetectOptions, type TinyFaceDetection, type PreprocessOptions, type InputGeometry } from './face/tiny-face-detector.js';
export * from './face/nets/index.js';
