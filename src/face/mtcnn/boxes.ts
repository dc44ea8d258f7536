// MTCNN's host-side geometry, as face-api.js computes it (the reference the parity tests hold us to): boxes as
// left / top / right / bottom floats with width = right - left, square-ing, rounding, bounding-box regression,
// the crop rectangles of the refine stages, the image pyramid, and NMS with 'union' (IoU) or 'min' overlap.

export interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export const width = (b: Box): number => b.right - b.left;
export const height = (b: Box): number => b.bottom - b.top;

/** Grows the shorter side to the longer one around the centre. */
export function toSquare(b: Box): Box {
  const w = width(b);
  const h = height(b);
  const d = Math.abs(w - h) / 2;
  if (w < h) return { left: b.left - d, top: b.top, right: b.right + d, bottom: b.bottom };
  if (h < w) return { left: b.left, top: b.top - d, right: b.right, bottom: b.bottom + d };
  return { ...b };
}

/** Rounds x, y, width and height (not the far edges), as face-api's Box.round. */
export function round(b: Box): Box {
  const x = Math.round(b.left);
  const y = Math.round(b.top);
  return { left: x, top: y, right: x + Math.round(width(b)), bottom: y + Math.round(height(b)) };
}

/** Bounding-box regression: each edge moves by its offset times the box size; then square and round. */
export function calibrate(b: Box, reg: ArrayLike<number>): Box {
  const w = width(b);
  const h = height(b);
  return round(toSquare({ left: b.left + reg[0]! * w, top: b.top + reg[1]! * h, right: b.right + reg[2]! * w, bottom: b.bottom + reg[3]! * h }));
}

/**
 * The pixel rectangle (x0, y0, x1, y1 in edge coordinates) a refine stage crops for box `b`: face-api reads the
 * canvas from (left - 1, top - 1) to (right, bottom) after clamping left / top to >= 1 and right / bottom to the
 * image, so crops never leave the image (they are stretched instead of padded). Kept at least 1 pixel wide.
 */
export function cropRect(b: Box, imgW: number, imgH: number): [number, number, number, number] {
  let x0 = Math.max(b.left, 1) - 1;
  let y0 = Math.max(b.top, 1) - 1;
  let x1 = Math.min(b.right, imgW);
  let y1 = Math.min(b.bottom, imgH);
  x0 = Math.min(x0, imgW - 1);
  y0 = Math.min(y0, imgH - 1);
  x1 = Math.max(x1, x0 + 1);
  y1 = Math.max(y1, y0 + 1);
  return [x0, y0, x1, y1];
}

/**
 * The cropAndResize box that rescales a whole w x h image to ow x oh the way tfjs resizeBilinear does without
 * half-pixel centres (source = out * in / out_size, face-api's pyramid): cropAndResize samples
 * x0 + (j + 0.5) * (x1 - x0) / ow - 0.5, which is j * w / ow for this box.
 */
export function pyramidBox(w: number, h: number, ow: number, oh: number): [number, number, number, number] {
  const x0 = 0.5 - (0.5 * w) / ow;
  const y0 = 0.5 - (0.5 * h) / oh;
  return [x0, y0, x0 + w, y0 + h];
}

export type Overlap = 'union' | 'min';

/** Intersection over union, or over the smaller area ('min', MTCNN's last stage). */
export function overlap(a: Box, b: Box, mode: Overlap): number {
  const iw = Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left));
  const ih = Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top));
  const inter = iw * ih;
  const areaA = width(a) * height(a);
  const areaB = width(b) * height(b);
  return mode === 'union' ? inter / (areaA + areaB - inter) : inter / Math.min(areaA, areaB);
}

/**
 * Greedy NMS: highest score first (ties: the later box first, as face-api's stable ascending sort popped from the
 * end), dropping boxes that overlap a kept one by more than `threshold`. Returns kept indices in order.
 */
export function nms(boxes: readonly Box[], scores: ArrayLike<number>, threshold: number, mode: Overlap = 'union'): number[] {
  let order = boxes.map((_, i) => i).sort((a, b) => scores[a]! - scores[b]! || a - b);
  const keep: number[] = [];
  while (order.length > 0) {
    const cur = order.pop()!;
    keep.push(cur);
    order = order.filter((i) => !(overlap(boxes[cur]!, boxes[i]!, mode) > threshold));
  }
  return keep;
}

/** P-Net's cell: 12x12 windows at stride 2 in the scaled image. */
export const CELL_SIZE = 12;
export const CELL_STRIDE = 2;

/**
 * Pyramid scales: 12 / minFaceSize, times scaleFactor^k while the shorter side stays >= 12 px, keeping scales whose
 * scaled image (floor) is over 12 px both ways, at most `maxNumScales` of them (face-api's pyramidDown + filter).
 */
export function pyramidScales(minFaceSize: number, scaleFactor: number, imgH: number, imgW: number, maxNumScales: number): number[] {
  const m = CELL_SIZE / minFaceSize;
  const scales: number[] = [];
  let minLayer = Math.min(imgH, imgW) * m;
  for (let exp = 0; minLayer >= CELL_SIZE; exp++) {
    scales.push(m * Math.pow(scaleFactor, exp));
    minLayer *= scaleFactor;
  }
  return scales.filter((s) => Math.min(Math.floor(imgH * s), Math.floor(imgW * s)) > CELL_SIZE).slice(0, maxNumScales);
}

/** Face-api's P-Net cell box at output position (x, y) of the map for `scale`, in image pixels. */
export function cellBox(x: number, y: number, scale: number): Box {
  return {
    left: Math.round((x * CELL_STRIDE + 1) / scale),
    top: Math.round((y * CELL_STRIDE + 1) / scale),
    right: Math.round((x * CELL_STRIDE + CELL_SIZE) / scale),
    bottom: Math.round((y * CELL_STRIDE + CELL_SIZE) / scale),
  };
}

/** Score of a two-way softmax from its logits (background, face). */
export function faceScore(l0: number, l1: number): number {
  return 1 / (1 + Math.exp(l0 - l1));
}
