// TinyFaceDetector: face-api's Tiny-YOLOv2 face detector with depthwise-separable convs (weights
// tiny_face_detector_model*, uint8-quantised, 19 tensors), run on our kernels from image bytes to boxes.
//
// Network (face-api src/tinyYolov2/TinyYolov2Base.runMobilenet, config in src/tinyFaceDetector):
//   input: the image zero-padded to a square at the bottom / right, resized bilinearly to inputSize (a multiple of
//          32, 128..608), then (rgb - meanRgb) / 255. That normalisation is folded into conv0: it is a 'valid' conv,
//          so every tap reads a real (or zero-padded raw) pixel, and conv((x - m) / 255, W) + b = conv(x, W / 255)
//          + (b - sum(W * m) / 255).
//   conv0 3x3 valid 3->16 + bias, leaky(0.1); maxPool 2/2 same (each maxPool fused into its conv)
//   conv1..5 separable: depthwise 3x3 pad 1, pointwise 1x1 + bias, leaky(0.1); maxPool 2/2 same (after conv5: 2/1)
//   conv8 1x1 512->25 + bias: a 13x13 grid at 416 (inputSize / 32), 5 anchors x (4 box + 1 objectness)
// Decoding runs on the device too: detectionHead (sigmoid offsets, exp-scaled anchors, sigmoid score), then nms
// (score threshold, IoU threshold, max results) with output 'rows', so one readback of maxResults x 7 values ends
// a detect() call.
import type { Engine } from '../runtime/engine.js';
import { InvalidArgumentError } from '../runtime/errors.js';
import type { Tensor } from '../runtime/tensor.js';
import { conv2d } from '../ops/conv2d/index.js';
import { detectionHead } from '../ops/detection-head/index.js';
import { nms } from '../ops/nms/index.js';
import { expectAllTaken } from '../nn/weights/take.js';
import type { RgbaImage } from './image.js';
import { consume, ParamStore } from './nets/params.js';
import { loadModelWeights, type ModelSource } from './nets/weights-source.js';
import type { FaceBox } from './nets/face-input.js';
import { preprocessImage } from './preprocess.js';

export { preprocessImage, imageTensor, type PreprocessOptions, type InputGeometry } from './preprocess.js';

/** face-api's TinyFaceDetector constants (src/tinyFaceDetector/const.ts). */
export const TINY_FACE_ANCHORS: readonly [number, number][] = [
  [1.603231, 2.094468],
  [6.041143, 7.080126],
  [2.882459, 3.518061],
  [4.266906, 5.178857],
  [9.041765, 10.66308],
];
export const TINY_FACE_MEAN_RGB = [117.001, 114.697, 97.404] as const;
const FILTERS = [16, 32, 64, 128, 256, 512];
const LEAKY = 0.1;

export interface TinyFaceDetectorOptions extends ModelSource {}

export interface TinyFaceDetectOptions {
  /** Network input side: a multiple of 32 in [128, 608] (default 416: a 13x13 grid). Larger finds smaller faces. */
  inputSize?: number;
  /** Keep boxes with score > scoreThreshold (default 0.5). */
  scoreThreshold?: number;
  /** NMS: drop a box overlapping a better one with IoU >= iouThreshold (default 0.4). */
  iouThreshold?: number;
  /** At most this many faces, best first (default 100). */
  maxResults?: number;
}

export interface TinyFaceDetection {
  /** In image pixels: left, top, size (may extend past the image border, as face-api's). */
  box: FaceBox;
  score: number;
}

interface SeparableConv {
  depthwise: Tensor;
  pointwise: Tensor;
  bias: Tensor;
}

const WHERE = 'TinyFaceDetector';
const DETECT_KEYS = ['inputSize', 'scoreThreshold', 'iouThreshold', 'maxResults'];

function unit(name: string, v: unknown, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new InvalidArgumentError(`${WHERE}.detect: ${name} must be a number in [0, 1], got ${String(v)}`);
  return v;
}

/** Validated detect options with defaults. */
export function tinyDetectOptions(o: TinyFaceDetectOptions = {}): Required<TinyFaceDetectOptions> {
  if (o === null || typeof o !== 'object') throw new InvalidArgumentError(`${WHERE}.detect: options must be an object`);
  for (const k of Object.keys(o)) {
    if (!DETECT_KEYS.includes(k)) throw new InvalidArgumentError(`${WHERE}.detect: unknown option '${k}' (known: ${DETECT_KEYS.join(', ')})`);
  }
  const inputSize = o.inputSize ?? 416;
  if (typeof inputSize !== 'number' || !Number.isInteger(inputSize) || inputSize % 32 !== 0 || inputSize < 128 || inputSize > 608) {
    throw new InvalidArgumentError(`${WHERE}.detect: inputSize must be a multiple of 32 in [128, 608], got ${String(inputSize)}`);
  }
  const maxResults = o.maxResults ?? 100;
  if (typeof maxResults !== 'number' || !Number.isInteger(maxResults) || maxResults < 1) {
    throw new InvalidArgumentError(`${WHERE}.detect: maxResults must be an integer >= 1, got ${String(maxResults)}`);
  }
  return {
    inputSize,
    scoreThreshold: unit('scoreThreshold', o.scoreThreshold, 0.5),
    iouThreshold: unit('iouThreshold', o.iouThreshold, 0.4),
    maxResults,
  };
}

export class TinyFaceDetector {
  private constructor(
    private readonly engine: Engine,
    private readonly params: ParamStore,
    private readonly conv0: { filter: Tensor; bias: Tensor },
    private readonly separable: SeparableConv[],
    private readonly conv8: { filter: Tensor; bias: Tensor },
  ) {}

  /**
   * Loads the weights (face-api's tiny_face_detector_model: from `weights`, a `modelPath` manifest or folder, or in
   * Node by default the installed @vladmandic/face-api) and uploads them once. Wrong or truncated files raise
   * InvalidModelFileError naming the tensor and file.
   */
  static async load(engine: Engine, options: TinyFaceDetectorOptions = {}): Promise<TinyFaceDetector> {
    if (options !== null && typeof options === 'object') {
      for (const k of Object.keys(options)) {
        if (!['weights', 'modelPath', 'fetch'].includes(k)) throw new InvalidArgumentError(`${WHERE}.load: unknown option '${k}' (known: weights, modelPath, fetch)`);
      }
    }
    const weights = await loadModelWeights(`${WHERE}.load`, 'tiny_face_detector_model', options);
    const p = new ParamStore(engine, weights);
    try {
      // conv0 with the input normalisation folded in (see the header).
      const w0 = p.values('conv0/filters', [3, 3, 3, 16]);
      const b0 = p.values('conv0/bias', [16]);
      const folded = new Float32Array(w0.length);
      const bias = Float64Array.from(b0);
      for (let i = 0; i < w0.length; i++) {
        const ci = Math.floor(i / 16) % 3;
        folded[i] = w0[i]! / 255;
        bias[i % 16]! -= (w0[i]! * TINY_FACE_MEAN_RGB[ci]!) / 255;
      }
      const conv0 = { filter: p.upload(folded, [3, 3, 3, 16]), bias: p.upload(bias, [16]) };
      const separable: SeparableConv[] = [];
      for (let l = 1; l <= 5; l++) {
        const cin = FILTERS[l - 1]!;
        const cout = FILTERS[l]!;
        separable.push({
          // tfjs depthwise [3, 3, cin, 1] is our grouped HWIO [3, 3, 1, cin]: same element order.
          depthwise: p.take(`conv${l}/depthwise_filter`, [3, 3, cin, 1], [3, 3, 1, cin]),
          pointwise: p.take(`conv${l}/pointwise_filter`, [1, 1, cin, cout]),
          bias: p.take(`conv${l}/bias`, [cout]),
        });
      }
      const conv8 = { filter: p.take('conv8/filters', [1, 1, 512, 25]), bias: p.take('conv8/bias', [25]) };
      expectAllTaken(weights, WHERE);
      return new TinyFaceDetector(engine, p, conv0, separable, conv8);
    } catch (e) {
      p.dispose();
      throw e;
    }
  }

  /** The raw output grid [1, S, S, 25] (S = inputSize / 32) for a preprocessed input [1, inputSize, inputSize, 3]. */
  forward(input: Tensor): Tensor {
    this.params.check(WHERE);
    const e = this.engine;
    const leaky = { activation: 'leakyRelu' as const, alpha: LEAKY };
    // Each max pool runs fused into the conv before it (conv2d's maxPool): the full-size maps never reach memory.
    const pool = (strides: number) => ({ maxPool: { windowSize: 2, strides, padding: 'same' as const } });
    let x = conv2d(e, input, this.conv0.filter, { padding: 'valid', ...leaky, ...pool(2) }, { bias: this.conv0.bias });
    this.separable.forEach((s, i) => {
      const c = FILTERS[i]!;
      x = consume(x, () => conv2d(e, x, s.depthwise, { padding: [1, 1, 1, 1], groups: c }));
      x = consume(x, () => conv2d(e, x, s.pointwise, { ...leaky, ...pool(i < 4 ? 2 : 1) }, { bias: s.bias }));
    });
    return consume(x, () => conv2d(e, x, this.conv8.filter, {}, { bias: this.conv8.bias }));
  }

  /** Faces in `image`, best first. Runs on the engine's device; reads back maxResults x 7 numbers once. */
  async detect(image: RgbaImage, options: TinyFaceDetectOptions = {}): Promise<TinyFaceDetection[]> {
    this.params.check(`${WHERE}.detect`);
    const o = tinyDetectOptions(options);
    const e = this.engine;
    const { input, geometry } = preprocessImage(e, image, { size: o.inputSize, pad: 'bottom-right' });
    const grid = consume(input, () => this.forward(input));
    const boxes = consume(grid, () => detectionHead(e, grid, { anchors: TINY_FACE_ANCHORS as [number, number][], classes: 0 }));
    const picked = consume(boxes, () =>
      nms(e, boxes, undefined, { iouThreshold: o.iouThreshold, scoreThreshold: o.scoreThreshold, maxBoxes: o.maxResults, output: 'rows' }),
    );
    let rows: Float32Array;
    try {
      rows = await picked.data();
    } finally {
      picked.dispose();
    }
    // Boxes are normalised to the square input; face-api scales them to the image's part of it (its "reshaped
    // input dimensions", rounded) and then to image pixels.
    const { width, height } = image;
    const sx = (o.inputSize / geometry.imageWidth) * width;
    const sy = (o.inputSize / geometry.imageHeight) * height;
    const out: TinyFaceDetection[] = [];
    for (let r = 0; r < o.maxResults; r++) {
      const row = rows.subarray(r * 7, r * 7 + 7);
      if (row[0]! < 0) break;
      const [x0, y0, x1, y1] = [row[2]!, row[3]!, row[4]!, row[5]!];
      out.push({ box: { x: x0 * sx, y: y0 * sy, width: (x1 - x0) * sx, height: (y1 - y0) * sy }, score: row[1]! });
    }
    return out;
  }

  get disposed(): boolean {
    return this.params.isDisposed;
  }

  /** Frees the weight tensors. */
  dispose(): void {
    this.params.dispose();
  }
}
