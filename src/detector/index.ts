// The joint detection + recognition network (YOLO-style grid head on the frozen FaceRecognitionNet trunk).
export { kmeansAnchors, meanAnchorIou, shapeIou, type BoxShape } from './anchors.js';
export { augment, stitch, stretch, drawImage, blankCanvas, type AugmentOptions, type Placement } from './canvas.js';
export { validateLabels, checkBoxesInImage, normaliseBoxes, InvalidDatasetError, type LabelBox, type LabelImage, type LabelsFile, type NormBox } from './labels.js';
export { evaluateDetections, averagePrecision, iou as rectIou, verification, identification, l2n, type Detection, type DetectionEval, type VerificationResult } from './metrics.js';
export { JointTrunk, JOINT_INPUT, TRUNK_LEVELS, type TrunkFeatures, type TrunkLevel } from './trunk.js';
export { JointDetector, JOINT_MODEL_VERSION, JOINT_DEFAULTS, type JointDetectorConfig, type JointArch, type FitOptions as JointFitOptions, type EpochLog as JointEpochLog, type PredictOptions, type JointData } from './model.js';
export { trainJointDetector, detectJoint, autoAnchors, checkLabelledImages, createJointTrunk, type LabelledImage, type TrainJointOptions, type TrainJointResult, type JointDetection } from './api.js';
