// Per-frame quality cues for the temporal aggregators. Sharpness is the variance of the Laplacian of the grey face
// crop (Pech-Pacheco et al. 2000): blur removes high frequencies, so the Laplacian's variance falls with it.
import { InvalidArgumentError } from '../runtime/errors.js';
import { checkImage, type RgbaImage } from '../face/image.js';
import type { FaceBox } from '../face/nets/face-input.js';

/**
 * Laplacian variance (grey levels 0..255) that maps to 0.5. Sharp 150 px face crops of webcam/LFW quality give
 * variances of roughly 200-2000, heavily blurred ones < 30; v / (v + 300) spreads that over about [0.1, 0.9].
 */
export const SHARPNESS_HALF_VARIANCE = 300;
/** Crops are sampled on at most this many points per side, so the cost does not grow with the face's size. */
const MAX_SIDE = 96;

/**
 * Sharpness of the face in `box` (image pixels, clipped to the image): the variance of the 4-neighbour Laplacian
 * of the grey (BT.601 luma) crop, resampled by nearest neighbour to at most 96x96, scaled to [0, 1) by
 * v / (v + SHARPNESS_HALF_VARIANCE). 0 for a flat crop or one smaller than 3x3 after clipping.
 */
export function sharpness(image: RgbaImage, box: FaceBox): number {
  const img = checkImage(image, 'sharpness');
  if (!box || ![box.x, box.y, box.width, box.height].every(Number.isFinite) || box.width <= 0 || box.height <= 0) {
    throw new InvalidArgumentError(`sharpness: box must be { x, y, width, height } with finite numbers and a positive size, got ${JSON.stringify(box)}`);
  }
  const x0 = Math.max(0, Math.floor(box.x));
  const y0 = Math.max(0, Math.floor(box.y));
  const x1 = Math.min(img.width, Math.ceil(box.x + box.width));
  const y1 = Math.min(img.height, Math.ceil(box.y + box.height));
  const cw = x1 - x0;
  const ch = y1 - y0;
  if (cw < 3 || ch < 3) return 0;
  // Resampling keeps the measure roughly independent of the face size (a Laplacian is scale dependent).
  const w = Math.min(cw, MAX_SIDE);
  const h = Math.min(ch, MAX_SIDE);
  const grey = new Float64Array(w * h);
  const d = img.data;
  for (let j = 0; j < h; j++) {
    const sy = y0 + Math.floor(((j + 0.5) * ch) / h);
    for (let i = 0; i < w; i++) {
      const sx = x0 + Math.floor(((i + 0.5) * cw) / w);
      const p = (sy * img.width + sx) * 4;
      grey[j * w + i] = 0.299 * d[p] + 0.587 * d[p + 1] + 0.114 * d[p + 2];
    }
  }
  let sum = 0;
  let sum2 = 0;
  let n = 0;
  for (let j = 1; j < h - 1; j++) {
    for (let i = 1; i < w - 1; i++) {
      const k = j * w + i;
      const l = grey[k - 1] + grey[k + 1] + grey[k - w] + grey[k + w] - 4 * grey[k];
      sum += l;
      sum2 += l * l;
      n++;
    }
  }
  const mean = sum / n;
  const variance = Math.max(0, sum2 / n - mean * mean);
  return variance / (variance + SHARPNESS_HALF_VARIANCE);
}
