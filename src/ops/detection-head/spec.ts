import { checkKeys, int, oneOf } from '../../runtime/attrs.js';
import { fail } from '../../runtime/errors.js';
import { checkRank, shapeStr, type Shape } from '../../runtime/shape.js';

export const BOX_ENCODINGS = ['yolo2'] as const;
export const SCORE_ACTIVATIONS = ['sigmoid'] as const;
export const CLASS_ACTIVATIONS = ['softmax', 'sigmoid', 'none'] as const;
export type ClassActivation = (typeof CLASS_ACTIVATIONS)[number];

/** Codes shared by shaders/detection_head.wgsl (CLASS_ACT) and assembly/detection_head.ts. */
export const CLASS_ACT_CODE: Record<ClassActivation, number> = { none: 0, sigmoid: 1, softmax: 2 };

/**
 * YOLO output decoding. Input: the raw grid [n, H, W, A * (5 + C)] (NHWC, as a 1x1 conv produces it), per cell and
 * anchor `tx, ty, tw, th, to, c_0..c_C-1`. Output [n, H * W * A, 5 + C], row (cell * A + anchor), cell = row-major
 * grid position: `x0, y0, x1, y1` normalised to [0, 1] of the network input, objectness, class scores.
 *
 * 'yolo2' (YOLOv2, face-api's TinyYolov2): centre = ((col, row) + sigmoid(tx, ty)) / (W, H), size = exp(tw, th) *
 * anchor / (W, H) with anchors in grid cells; x0 = cx - w / 2, x1 = x0 + w (face-api's order of operations).
 */
export interface DetectionHeadAttrs {
  /** [w, h] per anchor, in grid-cell units; A = anchors.length. */
  anchors: [number, number][];
  /** Class scores per box (C >= 0). */
  classes: number;
  boxEncoding?: 'yolo2';
  scoreActivation?: 'sigmoid';
  /** Default 'softmax' (YOLOv2). */
  classActivation?: ClassActivation;
}

export interface DetectionHeadNorm {
  n: number;
  h: number;
  w: number;
  /** Anchors */
  a: number;
  classes: number;
  /** Values per box: 5 + classes. */
  k: number;
  /** Output rows: n * h * w * a. */
  rows: number;
  /** Anchor sizes [w0, h0, w1, h1, ...], rounded to f32 so every backend uses the same values. */
  anchors: number[];
  classActivation: ClassActivation;
  classCode: number;
}

const OP = 'detectionHead';

function positive(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) fail(OP, `${name} must be a finite number > 0, got ${String(v)}`);
  return v;
}

export function prepareDetectionHead(inShapes: readonly (Shape | undefined)[], raw: DetectionHeadAttrs): { attrs: DetectionHeadNorm; outShapes: Shape[] } {
  if (raw === null || typeof raw !== 'object') fail(OP, 'attrs must be an object with anchors and classes');
  checkKeys(OP, raw, ['anchors', 'classes', 'boxEncoding', 'scoreActivation', 'classActivation']);
  const x = inShapes[0];
  if (!x) fail(OP, 'needs an input grid [n, H, W, anchors * (5 + classes)]');
  if (inShapes.length > 1) fail(OP, `takes one input, got ${inShapes.length}`);
  checkRank(`${OP}: input grid (NHWC)`, x, 4);
  const anchorsRaw = raw.anchors;
  if (!Array.isArray(anchorsRaw) || anchorsRaw.length === 0) {
    fail(OP, `anchors must be a non-empty array of [w, h] pairs, got ${JSON.stringify(anchorsRaw)}`);
  }
  const anchors: number[] = [];
  anchorsRaw.forEach((p, i) => {
    if (!Array.isArray(p) || p.length !== 2) fail(OP, `anchors[${i}] must be [w, h], got ${JSON.stringify(p)}`);
    anchors.push(Math.fround(positive(`anchors[${i}][0]`, p[0])), Math.fround(positive(`anchors[${i}][1]`, p[1])));
  });
  const classes = int(OP, 'classes', raw.classes, undefined, 0);
  oneOf(OP, 'boxEncoding', raw.boxEncoding, BOX_ENCODINGS, 'yolo2');
  oneOf(OP, 'scoreActivation', raw.scoreActivation, SCORE_ACTIVATIONS, 'sigmoid');
  const classActivation = oneOf(OP, 'classActivation', raw.classActivation, CLASS_ACTIVATIONS, 'softmax');
  const [n, h, w, ch] = x as [number, number, number, number];
  const a = anchors.length / 2;
  const k = 5 + classes;
  if (ch !== a * k) {
    fail(OP, `input grid ${shapeStr(x)} has ${ch} channels but ${a} anchors x (5 + ${classes} classes) need ${a * k}`);
  }
  const rows = n * h * w * a;
  return {
    attrs: { n, h, w, a, classes, k, rows, anchors, classActivation, classCode: CLASS_ACT_CODE[classActivation] },
    outShapes: [[n, h * w * a, k]],
  };
}
