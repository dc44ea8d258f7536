// Host-side image composition for the detector's training sets: an image placed on a square canvas with scale,
// shift, flip and colour jitter (augmentation), several images stitched into one canvas (multi-person sets), and
// a plain stretch to the network input. Boxes are carried along through every transform. Seeded by the caller's Rng.
import type { RgbaImage } from '../face/image.js';
import type { Rng } from '../nn/rng.js';
import type { LabelBox } from './labels.js';

/** Grey the canvas starts as (about the faces' mean colour, so padding is not a strong edge). */
export const CANVAS_FILL = [118, 112, 104] as const;

export interface Placement {
  /** Canvas pixels of the placed image's top-left corner and its size on the canvas. */
  x: number;
  y: number;
  width: number;
  height: number;
  flip?: boolean;
  /** Colour jitter: per-channel gains and a brightness offset (1, 1, 1, 0: none). */
  gain?: [number, number, number];
  offset?: number;
}

export function blankCanvas(width: number, height: number): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([CANVAS_FILL[0], CANVAS_FILL[1], CANVAS_FILL[2], 255], i * 4);
  return { width, height, data };
}

/**
 * Draws `src` into `canvas` at `p` (bilinear, clipped at the canvas border) and returns src's boxes in canvas
 * pixels, clipped to the canvas; a box left with under half its area (or under 4 px a side) is dropped.
 */
export function drawImage(canvas: RgbaImage, src: RgbaImage, p: Placement, boxes: readonly LabelBox[] = []): LabelBox[] {
  const sx = src.width / p.width;
  const sy = src.height / p.height;
  const gain = p.gain ?? [1, 1, 1];
  const off = p.offset ?? 0;
  const x0 = Math.max(0, Math.floor(p.x));
  const y0 = Math.max(0, Math.floor(p.y));
  const x1 = Math.min(canvas.width, Math.ceil(p.x + p.width));
  const y1 = Math.min(canvas.height, Math.ceil(p.y + p.height));
  const d = canvas.data;
  const s = src.data;
  for (let cy = y0; cy < y1; cy++) {
    const fy = Math.min(Math.max((cy + 0.5 - p.y) * sy - 0.5, 0), src.height - 1);
    if (cy + 0.5 < p.y || cy + 0.5 > p.y + p.height) continue;
    const iy = Math.floor(fy);
    const ty = fy - iy;
    const iy1 = Math.min(iy + 1, src.height - 1);
    for (let cx = x0; cx < x1; cx++) {
      if (cx + 0.5 < p.x || cx + 0.5 > p.x + p.width) continue;
      let fx = Math.min(Math.max((cx + 0.5 - p.x) * sx - 0.5, 0), src.width - 1);
      if (p.flip) fx = src.width - 1 - fx;
      const ix = Math.floor(fx);
      const tx = fx - ix;
      const ix1 = Math.min(ix + 1, src.width - 1);
      const o = (cy * canvas.width + cx) * 4;
      for (let c = 0; c < 3; c++) {
        const a = s[(iy * src.width + ix) * 4 + c]!;
        const b = s[(iy * src.width + ix1) * 4 + c]!;
        const e = s[(iy1 * src.width + ix) * 4 + c]!;
        const f = s[(iy1 * src.width + ix1) * 4 + c]!;
        const v = (a * (1 - tx) + b * tx) * (1 - ty) + (e * (1 - tx) + f * tx) * ty;
        d[o + c] = Math.max(0, Math.min(255, Math.round(v * gain[c]! + off)));
      }
      d[o + 3] = 255;
    }
  }
  const out: LabelBox[] = [];
  for (const b of boxes) {
    const bx = p.flip ? src.width - b.x - b.width : b.x;
    const nx0 = p.x + bx / sx;
    const ny0 = p.y + b.y / sy;
    const nx1 = nx0 + b.width / sx;
    const ny1 = ny0 + b.height / sy;
    const cx0 = Math.max(0, nx0);
    const cy0 = Math.max(0, ny0);
    const cx1 = Math.min(canvas.width, nx1);
    const cy1 = Math.min(canvas.height, ny1);
    const w = cx1 - cx0;
    const h = cy1 - cy0;
    if (w < 4 || h < 4 || w * h < 0.5 * (nx1 - nx0) * (ny1 - ny0)) continue;
    out.push({ x: cx0, y: cy0, width: w, height: h, label: b.label });
  }
  return out;
}

export interface AugmentOptions {
  /** Canvas side (default 196: the joint trunk's input). */
  size?: number;
  /** Placed image side as a fraction of the canvas, uniform in [lo, hi] (default [0.6, 1]). */
  scale?: [number, number];
  /** Random horizontal flip (default true). */
  flip?: boolean;
  /** Colour jitter amplitude: gains in 1 +- jitter, offset in +-40 * jitter (default 0.15; 0 = none). */
  jitter?: number;
}

/** One augmented copy of a labelled image: random scale, shift (anywhere on the canvas), flip, colour jitter. */
export function augment(src: RgbaImage, boxes: readonly LabelBox[], rng: Rng, o: AugmentOptions = {}): { image: RgbaImage; boxes: LabelBox[] } {
  const size = o.size ?? 196;
  const [lo, hi] = o.scale ?? [0.6, 1];
  const jitter = o.jitter ?? 0.15;
  const side = size * rng.uniform(lo, hi);
  const aspect = src.width / src.height;
  const width = aspect >= 1 ? side : side * aspect;
  const height = aspect >= 1 ? side / aspect : side;
  const canvas = blankCanvas(size, size);
  const flip = (o.flip ?? true) && rng.next() < 0.5;
  const g = 1 + rng.uniform(-jitter, jitter);
  const gain: [number, number, number] = [g * (1 + rng.uniform(-jitter, jitter) / 3), g * (1 + rng.uniform(-jitter, jitter) / 3), g * (1 + rng.uniform(-jitter, jitter) / 3)];
  const placed = drawImage(canvas, src, { x: rng.uniform(0, size - width), y: rng.uniform(0, size - height), width, height, flip, gain, offset: rng.uniform(-40, 40) * jitter }, boxes);
  return { image: canvas, boxes: placed };
}

/**
 * Stitches 2-4 labelled images (different people) into one size x size canvas: a 2x2 layout of cells, each image
 * scaled to a random fraction of its cell and shifted within it, so faces do not overlap; flip as augment().
 */
export function stitch(parts: readonly { image: RgbaImage; boxes: readonly LabelBox[] }[], rng: Rng, o: AugmentOptions = {}): { image: RgbaImage; boxes: LabelBox[] } {
  const size = o.size ?? 196;
  const [lo, hi] = o.scale ?? [0.55, 1];
  const canvas = blankCanvas(size, size);
  const cell = size / 2;
  const cells = rng.shuffle([0, 1, 2, 3]);
  const boxes: LabelBox[] = [];
  parts.slice(0, 4).forEach((part, i) => {
    const c = cells[i]!;
    const side = cell * rng.uniform(lo, hi);
    const x = (c % 2) * cell + rng.uniform(0, cell - side);
    const y = Math.floor(c / 2) * cell + rng.uniform(0, cell - side);
    const flip = (o.flip ?? true) && rng.next() < 0.5;
    boxes.push(...drawImage(canvas, part.image, { x, y, width: side, height: side, flip }, part.boxes));
  });
  return { image: canvas, boxes };
}

/** The image stretched to size x size (bilinear) and its boxes scaled alike: the network input for any image. */
export function stretch(src: RgbaImage, size: number, boxes: readonly LabelBox[] = []): { image: RgbaImage; boxes: LabelBox[] } {
  if (src.width === size && src.height === size) return { image: src, boxes: boxes.map((b) => ({ ...b })) };
  const canvas = blankCanvas(size, size);
  const placed = drawImage(canvas, src, { x: 0, y: 0, width: size, height: size }, boxes);
  return { image: canvas, boxes: placed };
}

/** RGB 0..255 floats (NHWC, alpha dropped) of one image: the trunk's input layout. */
export function rgbFloats(img: RgbaImage, out = new Float32Array(img.width * img.height * 3), at = 0): Float32Array {
  const n = img.width * img.height;
  for (let i = 0; i < n; i++) {
    out[at + i * 3] = img.data[i * 4]!;
    out[at + i * 3 + 1] = img.data[i * 4 + 1]!;
    out[at + i * 3 + 2] = img.data[i * 4 + 2]!;
  }
  return out;
}
