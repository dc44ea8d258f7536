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
export * from './nn/index.js';
export { checkImage, type RgbaImage } from './face/image.js';
export { Mtcnn, MTCNN_MODEL, type MtcnnLoadOptions, type MtcnnDetectOptions, type MtcnnFace, type MtcnnPoint, type MtcnnStats } from './face/mtcnn/index.js';
export { TinyFaceDetector, TINY_FACE_ANCHORS, TINY_FACE_MEAN_RGB, preprocessImage, imageTensor, type TinyFaceDetectorOptions, type TinyFaceDetectOptions, type TinyFaceDetection, type PreprocessOptions, type InputGeometry } from './face/tiny-face-detector.js';
export * from './face/nets/index.js';
export { createFaceRecognizer, FaceRecognizer, RecognizerGallery, DETECTORS, type FaceRecognizerOptions, type DetectOptions, type DetectedFace, type EmbedOptions, type FaceInput, type FaceImageInput, type FaceWithDescriptor, type DetectorName, type GalleryItem, type RecognizerGalleryOptions, type IdentifiedFace } from './face/recognizer.js';
export { alignFace, alignFaces, embedAlignedFaces, faceAlignTransform, similarityTransform, FACE_TEMPLATES, IBUG68_ALIGN_POINTS, LANDMARK_LAYOUTS, type AlignOptions, type AlignedFace, type AlignedFaces, type FaceAlignTransform, type Affine2D, type LandmarkLayout, type LandmarkPoint } from './face/align.js';
export { FaceGallery, faceDistance, verifyFaces, GALLERY_FORMAT, GALLERY_VERSION, GALLERY_METRICS, GALLERY_MATCHINGS, DEFAULT_THRESHOLDS, type GalleryOptions, type GalleryMetric, type GalleryMatching, type GalleryMatch, type IdentifyOptions, type IdentifyResult, type VerifyOptions, type VerifyResult, type Embedding, type EmbedFn } from './face/gallery.js';
export { calibrateThreshold, calibrateFromSet, labelledPairs, type LabelledPair, type LabelledSample, type CurvePoint, type Calibration, type CalibrateOptions } from './face/calibrate.js';
