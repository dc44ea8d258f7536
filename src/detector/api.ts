// The joint detector's library API: train from labelled images (trunk features computed once, optional seeded
// augmentation, k-means anchors), and detect + classify faces in images with a trained head.
import type { Engine } from '../runtime/engine.js';
import { InvalidArgumentError } from '../runtime/errors.js';
import type { RgbaImage } from '../face/image.js';
import { checkImage } from '../face/image.js';
import { Rng } from '../nn/rng.js';
import { kmeansAnchors } from './anchors.js';
import { augment } from './canvas.js';
import { checkBoxesInImage, InvalidDatasetError, normaliseBoxes, validateLabels, type LabelBox, type NormBox } from './labels.js';
import { JointDetector, type EpochLog, type JointArch, type PredictOptions } from './model.js';
import { JOINT_INPUT, JointTrunk } from './trunk.js';

/** A labelled image in memory: pixels and its boxes (image pixels, class names). */
export interface LabelledImage {
  image: RgbaImage;
  boxes: LabelBox[];
  /** For messages (file name). */
  name?: string;
}

export interface TrainJointOptions {
  /** 5: the 5x5 head ('single'); [5, 11, 19]: the multi-scale decoder ('multi'). Default 5. */
  grid?: 5 | [5, 11, 19];
  /** 'auto' (default): k-means (k = 3, 1 - IoU) over the training boxes; or [w, h] pairs as fractions of the image. */
  anchors?: 'auto' | [number, number][];
  epochs: number;
  /** Seeds initialisation, augmentation, shuffling and k-means (default 0). */
  seed?: number;
  batchSize?: number;
  learningRate?: number;
  /** Augmented copies per image (scale, shift, flip, colour jitter) added to the originals (default 0). */
  augment?: number;
  /** Progress: trunk features (done, total), then each epoch. */
  onFeatures?: (done: number, total: number) => void;
  onEpoch?: (e: EpochLog) => void | Promise<void>;
}

export interface TrainJointResult {
  detector: JointDetector;
  anchors: [number, number][];
  history: EpochLog[];
}

/** Checks the class list and labelled images together (the same typed errors as a labels.json). */
export function checkLabelledImages(classes: readonly string[], images: readonly LabelledImage[], where = 'trainJointDetector'): void {
  if (!Array.isArray(images)) throw new InvalidDatasetError(`${where}: images must be an array of { image, boxes }`);
  validateLabels({ classes, images: images.map((im, i) => ({ file: im?.name ?? `image ${i}`, boxes: im?.boxes })) }, where);
  images.forEach((im, i) => {
    const img = checkImage(im.image, `${where}: ${im.name ?? `image ${i}`}`);
    checkBoxesInImage({ file: im.name ?? `image ${i}`, boxes: im.boxes }, img.width, img.height, where);
  });
}

/** k = 3 anchors from normalised training boxes. */
export function autoAnchors(boxes: readonly (readonly NormBox[])[], seed = 0, k = 3): [number, number][] {
  return kmeansAnchors(
    boxes.flat().map((b) => ({ width: b.w, height: b.h })),
    k,
    seed,
  );
}

/** Trains a head on `images` with the frozen trunk (which the caller keeps). */
export async function trainJointDetector(trunk: JointTrunk, classes: readonly string[], images: readonly LabelledImage[], options: TrainJointOptions): Promise<TrainJointResult> {
  const where = 'trainJointDetector';
  checkLabelledImages(classes, images, where);
  const o = options ?? ({} as TrainJointOptions);
  const grid = o.grid ?? 5;
  const arch: JointArch = grid === 5 ? 'single' : Array.isArray(grid) && grid.join() === '5,11,19' ? 'multi' : (() => {
    throw new InvalidArgumentError(`${where}: grid must be 5 or [5, 11, 19], got ${JSON.stringify(grid)}`);
  })();
  const seed = o.seed ?? 0;
  const copies = o.augment ?? 0;
  if (!Number.isInteger(copies) || copies < 0) throw new InvalidArgumentError(`${where}: augment must be an integer >= 0, got ${String(copies)}`);
  const rng = new Rng(seed);
  const canvases: RgbaImage[] = [];
  const boxes: NormBox[][] = [];
  for (const im of images) {
    canvases.push(im.image);
    boxes.push(normaliseBoxes(im.boxes, im.image.width, im.image.height, classes));
    for (let c = 0; c < copies; c++) {
      const a = augment(im.image, im.boxes, rng, { size: JOINT_INPUT });
      canvases.push(a.image);
      boxes.push(normaliseBoxes(a.boxes, JOINT_INPUT, JOINT_INPUT, classes));
    }
  }
  const anchors = o.anchors === undefined || o.anchors === 'auto' ? autoAnchors(boxes, seed) : o.anchors;
  const detector = JointDetector.create(trunk.engine, { arch, classes: [...classes], anchors }, seed);
  try {
    const probe = detector.levels;
    const features = await trunk.features(canvases, probe, 8, o.onFeatures);
    const history = await detector.fit({ features, boxes }, { epochs: o.epochs, batchSize: o.batchSize, learningRate: o.learningRate, seed, onEpoch: o.onEpoch });
    return { detector, anchors, history };
  } catch (e) {
    detector.dispose();
    throw e;
  }
}

/** A face found by the joint detector: box in image pixels, objectness, class name and its probability. */
export interface JointDetection {
  box: { x: number; y: number; width: number; height: number };
  score: number;
  label: string;
  labelScore: number;
}

/** Detects and classifies faces in each image (stretched to the 196x196 trunk input; boxes mapped back). */
export async function detectJoint(trunk: JointTrunk, detector: JointDetector, images: readonly RgbaImage[], options: PredictOptions = {}): Promise<JointDetection[][]> {
  const imgs = images.map((im, i) => checkImage(im, `detectJoint: image ${i}`));
  const features = await trunk.features(imgs, detector.levels);
  const dets = await detector.predict(features, { scoreThreshold: 0.3, ...options });
  return dets.map((ds, i) => {
    const { width, height } = imgs[i]!;
    return ds.map((d) => ({
      box: { x: d.x * width, y: d.y * height, width: d.w * width, height: d.h * height },
      score: d.score,
      label: detector.config.classes[d.cls] ?? '',
      labelScore: d.clsProb,
    }));
  });
}

/** Creates the trunk (FaceRecognitionNet with its default weights) on `engine`. */
export function createJointTrunk(engine: Engine): Promise<JointTrunk> {
  return JointTrunk.load(engine);
}
