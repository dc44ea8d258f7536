// The face-api networks built on our kernels (recognition, 68-point landmarks) and what loading and feeding them
// takes: one module for the public entry to re-export.
export { FaceRecognitionNet, FACE_RECOGNITION_INPUT, FACE_DESCRIPTOR_SIZE, type FaceRecognitionNetOptions } from '../recognition-net.js';
export { FaceLandmarkNet, FACE_LANDMARK_INPUT, FACE_LANDMARK_POINTS, toImagePoints, type FaceLandmarkNetOptions, type FacePoint } from '../landmark-net.js';
export { FACE_MEAN_RGB, cropRect, type FaceBox, type FaceCrop, type CropGeometry } from './face-input.js';
export { loadModelWeights, type ModelSource } from './weights-source.js';
