// Video face recognition, browser-safe part: frame sources (generic and browser), the tracker and the recogniser.
// Node sources (GIF, ffmpeg, folders) are in sources-node.ts, exported by the Node entry only.
export { framesFrom, isFrameSource, type SourceFrame, type FrameSource, type FrameInput } from './frames.js';
export { videoElementFrames, videoFrames, videoFrameToImage, mediaStreamFrames, type VideoElementFramesOptions } from './sources-browser.js';
export { Tracker, type TrackerOptions, type TrackerDetection, type TrackerStep, type TrackInfo, type TrackState } from './tracker.js';
export { BoxKalman, DEFAULT_KALMAN_NOISE, type KalmanNoise } from './kalman.js';
export { hungarian } from './hungarian.js';
export {
  VideoRecognizer,
  type VideoRecognizerOptions,
  type VideoFrameInput,
  type VideoDetection,
  type VideoEvent,
  type TrackStartEvent,
  type TrackUpdateEvent,
  type TrackLostEvent,
  type TrackResumeEvent,
  type TrackEndEvent,
  type TrackIdentity,
  type VideoTrack,
  type VideoResult,
  type VideoProgress,
  type RecognizeVideoOptions,
} from './video-recognizer.js';
export { AGGREGATOR_KINDS, type Aggregator, type AggregatorKind, type TrackFrame, type FrameQuality } from './types.js';
export { createAggregator, trainAggregator, parseWeights as parseAggregatorWeights, serializeWeights as serializeAggregatorWeights, TRAINED_KINDS, type AggregatorOptions, type LabelledTrack, type TrainAggregatorOptions, type TrainAggregatorResult, type AggregatorWeightsFile } from './aggregators/index.js';
export { sharpness } from './quality.js';
