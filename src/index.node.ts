// Node entry: WebGPU through Dawn (npm package `webgpu`), embedded wasm and shaders.
import { nodePlatform } from './runtime/platform-node.js';
import { setPlatform } from './runtime/platform.js';

setPlatform(nodePlatform);

export * from './api.js';
export { loadWeightsFromFile } from './nn/weights/node.js';
export { saveModel, loadModelFromFile, saveWeightsToFile, loadWeightsIntoModel } from './nn/io-node.js';
export { decodeImage } from './face/image-node.js';
export { saveGallery, loadGallery } from './face/gallery-node.js';
export * from './detector/index.js';
export { loadLabelledDir, saveJointDetector, loadJointDetector, type LabelledDir } from './detector/node.js';
export * from './video/index.js';
export { openVideo, gifFrames, ffmpegFrames, folderFrames, probeVideo, FfmpegNotFoundError, type FfmpegOptions, type OpenVideoOptions } from './video/sources-node.js';
