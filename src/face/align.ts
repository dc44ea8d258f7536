// Face alignment: a similarity transform (scale, rotation, translation) from facial landmarks to dlib's face-chip
// frame, then the chip sampled bilinearly by the warpAffine kernel. FaceRecognitionNet (dlib's ResNet) was trained
// on chips cut this way: 150x150, padding 0.25 (dlib's get_face_chip_details / extract_image_chip).
//
// The chip frame: dlib's mean face shape on the unit square, padded: a template point p lands on chip pixel
// (padding + p) / (1 + 2 padding) * size. Landmarks:
//   5 points, MTCNN order (default for 5): left eye, right eye, nose, left and right mouth corner (left / right in
//     the image). dlib's own 5-point template is for its 5-point shape predictor (eye corners and the base of the
//     nose), other points, so the template here is measured: where MTCNN's points fall, on average, in dlib chips.
//     On lfw-id40 (380 faces) each face was aligned with its 68 points (which reproduces dlib's chips: on dlib's
//     examples/johns chips the 68-point fit is the identity to 0.3% in scale, 0.3 degrees and 0.8 px) and MTCNN's
//     points mapped into the chip. Checked on the johns chips: MTCNN-5 alignment with this template is the identity
//     to 2% in scale and 4 px, where the same features read off dlib's 68-point mean shape (eye centres, point 30,
//     48, 54) give 7% and 3 px: MTCNN's points sit higher and wider than those features.
//   5 points, layout 'dlib5': dlib's 5-point predictor order with dlib's 5-point template.
//   68 points (iBUG 300-W order, FaceLandmark68Net's): dlib's own choice, the 33 points 27-54 and 60-64 (no jaw,
//     brows or lower lip) against the mean shape.
// The fit is least squares over the points (the 2-D closed form of Umeyama's method, rotation only, no reflection),
// chip -> image as dlib fits it. The sampling grid then follows dlib's chip_details exactly: the chip's centre
// (size / 2, size / 2) in template coordinates sits at the centre of the rect, and chip pixels 0 and size - 1 at its
// edges, size * scale - 1 image pixels apart (dlib's centered_drect and get_mapping_to_chip).
// When a chip pixel spans more than 2 image pixels, the image is first halved (2x2 mean) until it does not, as
// dlib's extract_image_chips does with its image pyramid, so the bilinear taps do not alias.
//
// Only the image rows the chips touch are uploaded (plus the margin the taps and halvings need).
import { mat3d, vec2d } from 'wgpu-matrix';
import type { Engine } from '../runtime/engine.js';
import { InvalidArgumentError } from '../runtime/errors.js';
import type { Tensor } from '../runtime/tensor.js';
import { avgPool } from '../ops/pool/index.js';
import { concat } from '../ops/concat/index.js';
import { warpAffine, type WarpBorder, WARP_BORDERS } from '../ops/warp-affine/index.js';
import { checkImage, type RgbaImage } from './image.js';
import { imageCrop } from './nets/face-input.js';
import type { FaceRecognitionNet } from './recognition-net.js';

/** A landmark in image pixels (pixel centres at integer coordinates, as every detector here reports them). */
export interface LandmarkPoint {
  x: number;
  y: number;
}

/** Which points the landmarks are: see the file comment. Default: 'mtcnn5' for 5 points, 'ibug68' for 68. */
export type LandmarkLayout = 'mtcnn5' | 'dlib5' | 'ibug68';
export const LANDMARK_LAYOUTS: readonly LandmarkLayout[] = ['mtcnn5', 'dlib5', 'ibug68'];

export interface AlignOptions {
  /** Chip side in pixels (default 150, FaceRecognitionNet's input). */
  size?: number;
  /** Border around the template as a fraction of its side (default 0.25, what dlib's face recognition uses). */
  padding?: number;
  /** How the landmarks are ordered (default: by count). */
  layout?: LandmarkLayout;
  /** What chip pixels past the image read: 'zero' (default, dlib's black) or 'replicate' (the edge). */
  border?: WarpBorder;
  /** Halve the image first where a chip pixel spans more than 2 image pixels (default true, as dlib). */
  antialias?: boolean;
  /**
   * Custom template: where each landmark goes, on the unit square before padding (dlib's frame: the mean face
   * spans about [0, 1]), one point per landmark in the same order. Replaces the layout's template; all points fit.
   */
  template?: readonly LandmarkPoint[];
}

/** A 2-D affine map (a, b, c, d, e, f): (x, y) -> (a x + b y + c, d x + e y + f). */
export type Affine2D = [number, number, number, number, number, number];

/** Where a chip came from. */
export interface FaceAlignTransform {
  /** Chip pixel (x = column, y = row) -> image pixel. */
  toImage: Affine2D;
  /** Image pixel -> chip pixel (where a landmark lands in the chip). */
  toChip: Affine2D;
  /** Image pixels per chip pixel. */
  scale: number;
  /** Rotation of the chip's x axis in the image, radians (positive: clockwise on screen, y pointing down). */
  angle: number;
  /** Chip side. */
  size: number;
  /** Root mean square distance (image pixels) between the landmarks and the fitted template: the fit's quality. */
  residual: number;
}

export interface AlignedFaces {
  /** [k, size, size, 3] f32 RGB 0..255: FaceRecognitionNet.forward's input. The caller disposes it. */
  chips: Tensor;
  transforms: FaceAlignTransform[];
}

export interface AlignedFace {
  /** [1, size, size, 3] f32 RGB 0..255. The caller disposes it. */
  chip: Tensor;
  transform: FaceAlignTransform;
}

// ---- templates --------------------------------------------------------------------------------------------------

/** dlib's mean face shape, points 17-67 of the iBUG 68 on the unit square (dlib get_face_chip_details). */
const MEAN_X = [
  0.000213256, 0.0752622, 0.18113, 0.29077, 0.393397, 0.586856, 0.689483, 0.799124, 0.904991, 0.98004, 0.490127, 0.490127, 0.490127,
  0.490127, 0.36688, 0.426036, 0.490127, 0.554217, 0.613373, 0.121737, 0.187122, 0.265825, 0.334606, 0.260918, 0.182743, 0.645647,
  0.714428, 0.793132, 0.858516, 0.79751, 0.719335, 0.254149, 0.340985, 0.428858, 0.490127, 0.551395, 0.639268, 0.726104, 0.642159,
  0.556721, 0.490127, 0.423532, 0.338094, 0.290379, 0.428096, 0.490127, 0.552157, 0.689874, 0.553364, 0.490127, 0.42689,
];
const MEAN_Y = [
  0.106454, 0.038915, 0.0187482, 0.0344891, 0.0773906, 0.0773906, 0.0344891, 0.0187482, 0.038915, 0.106454, 0.203352, 0.307009, 0.409805,
  0.515625, 0.587326, 0.609345, 0.628106, 0.609345, 0.587326, 0.216423, 0.178758, 0.179852, 0.231733, 0.245099, 0.244077, 0.231733,
  0.179852, 0.178758, 0.216423, 0.244077, 0.245099, 0.780233, 0.745405, 0.727388, 0.742578, 0.727388, 0.745405, 0.780233, 0.864805,
  0.902192, 0.909281, 0.902192, 0.864805, 0.784792, 0.778746, 0.785343, 0.778746, 0.784792, 0.824182, 0.831803, 0.824182,
];
const mean68 = (i: number): LandmarkPoint => ({ x: MEAN_X[i - 17]!, y: MEAN_Y[i - 17]! });

/** The 68-point indices dlib fits (no jaw 0-16, brows 17-26, lower lip 55-59 and 65-67). */
export const IBUG68_ALIGN_POINTS: readonly number[] = Array.from({ length: 68 }, (_, i) => i).filter(
  (i) => i >= 27 && !(i >= 55 && i <= 59) && !(i >= 65 && i <= 67),
);

/** Template positions (unit square, before padding) of each layout's points, in the layout's order. */
export const FACE_TEMPLATES: Readonly<Record<LandmarkLayout, readonly LandmarkPoint[]>> = {
  // Measured (see the file comment); the 68-point features would be eyes (0.2255, 0.2160), (0.7548, 0.2160), nose
  // tip (0.4901, 0.5156), mouth (0.2541, 0.7802), (0.7261, 0.7802).
  mtcnn5: [
    { x: 0.2384, y: 0.1982 },
    { x: 0.8157, y: 0.1994 },
    { x: 0.5303, y: 0.5193 },
    { x: 0.27, y: 0.8199 },
    { x: 0.7721, y: 0.8271 },
  ],
  // dlib's 5-point predictor: right eye outer / inner corner (image right), left eye outer / inner, base of the nose.
  dlib5: [
    { x: 0.8595674595992, y: 0.2134981538014 },
    { x: 0.6460604764104, y: 0.2289674387677 },
    { x: 0.1205750620789, y: 0.2137274526848 },
    { x: 0.3340850613712, y: 0.2290642403242 },
    { x: 0.4901123135679, y: 0.6277975316475 },
  ],
  ibug68: Array.from({ length: 68 }, (_, i) => (i >= 17 ? mean68(i) : { x: NaN, y: NaN })),
};

// ---- the fit ----------------------------------------------------------------------------------------------------

/**
 * The least-squares similarity q ~ s R p + t from points `from` to `to` (2-D Umeyama without reflection: for a
 * rotation the optimum is closed-form). Returns the 3x3 matrix (wgpu-matrix mat3d layout) and the residual (RMS).
 */
export function similarityTransform(from: readonly LandmarkPoint[], to: readonly LandmarkPoint[]): { m: Float64Array; residual: number } {
  const n = from.length;
  if (n < 2 || to.length !== n) throw new InvalidArgumentError(`similarityTransform: needs >= 2 point pairs, got ${n} and ${to.length}`);
  let [mfx, mfy, mtx, mty] = [0, 0, 0, 0];
  for (let i = 0; i < n; i++) {
    mfx += from[i]!.x / n;
    mfy += from[i]!.y / n;
    mtx += to[i]!.x / n;
    mty += to[i]!.y / n;
  }
  // With centred p, q: s cos = sum(p . q) / sum |p|^2, s sin = sum(p x q) / sum |p|^2.
  let [dot, cross, norm] = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const [px, py] = [from[i]!.x - mfx, from[i]!.y - mfy];
    const [qx, qy] = [to[i]!.x - mtx, to[i]!.y - mty];
    dot += px * qx + py * qy;
    cross += px * qy - py * qx;
    norm += px * px + py * py;
  }
  if (!(norm > 0)) throw new InvalidArgumentError('similarityTransform: the source points all coincide');
  const [sc, ss] = [dot / norm, cross / norm];
  if (!(Math.hypot(sc, ss) > 0)) throw new InvalidArgumentError('similarityTransform: the target points all coincide');
  // q = [sc -ss; ss sc] p + t, column-major with mat3d's padding.
  const m = mat3d.create(sc, ss, 0, -ss, sc, 0, mtx - (sc * mfx - ss * mfy), mty - (ss * mfx + sc * mfy), 1);
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const q = vec2d.transformMat3([from[i]!.x, from[i]!.y], m);
    sq += (q[0]! - to[i]!.x) ** 2 + (q[1]! - to[i]!.y) ** 2;
  }
  return { m, residual: Math.sqrt(sq / n) };
}

const affineOf = (m: Float64Array): Affine2D => [m[0]!, m[4]!, m[8]!, m[1]!, m[5]!, m[9]!];
const matOf = (a: Affine2D): Float64Array => mat3d.create(a[0], a[3], 0, a[1], a[4], 0, a[2], a[5], 1);

const ALIGN_KEYS = ['size', 'padding', 'layout', 'border', 'antialias', 'template'];

interface AlignNorm {
  size: number;
  padding: number;
  layout: LandmarkLayout | undefined;
  border: WarpBorder;
  antialias: boolean;
  template: readonly LandmarkPoint[] | undefined;
}

function alignOptions(where: string, o: AlignOptions | undefined): AlignNorm {
  if (o === undefined) o = {};
  if (o === null || typeof o !== 'object') throw new InvalidArgumentError(`${where}: options must be an object`);
  for (const k of Object.keys(o)) {
    if (!ALIGN_KEYS.includes(k)) throw new InvalidArgumentError(`${where}: unknown option '${k}' (known: ${ALIGN_KEYS.join(', ')})`);
  }
  const size = o.size ?? 150;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 2 || size > 4096) {
    throw new InvalidArgumentError(`${where}: size must be an integer in [2, 4096], got ${String(size)}`);
  }
  const padding = o.padding ?? 0.25;
  if (typeof padding !== 'number' || !Number.isFinite(padding) || padding < 0 || padding > 10) {
    throw new InvalidArgumentError(`${where}: padding must be a finite number in [0, 10], got ${String(padding)}`);
  }
  if (o.layout !== undefined && !LANDMARK_LAYOUTS.includes(o.layout)) {
    throw new InvalidArgumentError(`${where}: layout must be one of ${LANDMARK_LAYOUTS.join(', ')}, got ${JSON.stringify(o.layout)}`);
  }
  const border = o.border ?? 'zero';
  if (!WARP_BORDERS.includes(border)) {
    throw new InvalidArgumentError(`${where}: border must be one of ${WARP_BORDERS.join(', ')}, got ${JSON.stringify(border)}`);
  }
  if (o.antialias !== undefined && typeof o.antialias !== 'boolean') {
    throw new InvalidArgumentError(`${where}: antialias must be a boolean, got ${String(o.antialias)}`);
  }
  const template = o.template;
  if (template !== undefined) {
    if (!Array.isArray(template) || template.length < 2) {
      throw new InvalidArgumentError(`${where}: template must be an array of >= 2 { x, y } points, got ${JSON.stringify(template)}`);
    }
    template.forEach((p, i) => {
      if (!p || typeof p !== 'object' || !Number.isFinite(p.x) || !Number.isFinite(p.y)) {
        throw new InvalidArgumentError(`${where}: template point ${i} must be { x, y } with finite numbers, got ${JSON.stringify(p)}`);
      }
    });
    if (o.layout !== undefined) throw new InvalidArgumentError(`${where}: give a layout or a template, not both`);
  }
  return { size, padding, layout: o.layout, border, antialias: o.antialias ?? true, template };
}

function checkPoints(where: string, pts: unknown, want: number | undefined, forWhat: string): LandmarkPoint[] {
  if (!Array.isArray(pts)) throw new InvalidArgumentError(`${where}: landmarks must be an array of { x, y } (5 or 68 points)`);
  if (want !== undefined ? pts.length !== want : pts.length !== 5 && pts.length !== 68) {
    throw new InvalidArgumentError(`${where}: expected ${want ?? '5 (MTCNN) or 68 (iBUG)'} landmarks${forWhat ? ` for ${forWhat}` : ''}, got ${pts.length}`);
  }
  pts.forEach((p: unknown, i) => {
    const q = p as LandmarkPoint;
    if (!q || typeof q !== 'object' || !Number.isFinite(q.x) || !Number.isFinite(q.y)) {
      throw new InvalidArgumentError(`${where}: landmark ${i} must be { x, y } with finite numbers, got ${JSON.stringify(p)}`);
    }
  });
  return pts as LandmarkPoint[];
}

function checkLandmarks(where: string, pts: unknown, layout: LandmarkLayout | undefined): { pts: LandmarkPoint[]; layout: LandmarkLayout } {
  const want = layout ? (layout === 'ibug68' ? 68 : 5) : undefined;
  const ok = checkPoints(where, pts, want, layout ? `layout '${layout}'` : '');
  return { pts: ok, layout: layout ?? (ok.length === 68 ? 'ibug68' : 'mtcnn5') };
}

/**
 * The chip transform for one face: the similarity that puts `landmarks` on dlib's template in a size x size chip
 * (options: size 150, padding 0.25, layout by count). Pure host math; no engine.
 */
export function faceAlignTransform(landmarks: readonly LandmarkPoint[], options?: AlignOptions): FaceAlignTransform {
  const where = 'faceAlignTransform';
  return fit(where, landmarks, alignOptions(where, options));
}

function fit(where: string, landmarks: readonly LandmarkPoint[], o: AlignNorm): FaceAlignTransform {
  let template: readonly LandmarkPoint[];
  let idx: readonly number[];
  let pts: LandmarkPoint[];
  if (o.template) {
    template = o.template;
    pts = checkPoints(where, landmarks, template.length, 'the template');
    idx = template.map((_, i) => i);
  } else {
    const c = checkLandmarks(where, landmarks, o.layout);
    pts = c.pts;
    template = FACE_TEMPLATES[c.layout];
    idx = c.layout === 'ibug68' ? IBUG68_ALIGN_POINTS : [0, 1, 2, 3, 4];
  }
  const { size, padding } = o;
  const chipPts = idx.map((i) => ({ x: ((padding + template[i]!.x) / (1 + 2 * padding)) * size, y: ((padding + template[i]!.y) / (1 + 2 * padding)) * size }));
  const imgPts = idx.map((i) => pts[i]!);
  let fitted: { m: Float64Array; residual: number };
  try {
    fitted = similarityTransform(chipPts, imgPts);
  } catch {
    throw new InvalidArgumentError(`${where}: the landmarks are degenerate (all at one point); cannot fit a face`);
  }
  const m = fitted.m;
  // dlib chip_details: angle and scale of the fit, the rect centred on the image point of the chip's centre.
  const angle = Math.atan2(m[1]!, m[0]!);
  const s = Math.hypot(m[0]!, m[1]!);
  const centre = vec2d.transformMat3([size / 2, size / 2], m);
  // Chip pixels 0 .. size - 1 span the rect's (size * s - 1) image pixels.
  const step = (size * s - 1) / (size - 1);
  if (!(step > 0)) throw new InvalidArgumentError(`${where}: the face is under a pixel wide (scale ${s}); cannot cut a ${size}px chip`);
  const half = (size - 1) / 2;
  let toImage = mat3d.translation([centre[0]!, centre[1]!]);
  toImage = mat3d.multiply(toImage, mat3d.rotation(angle));
  toImage = mat3d.multiply(toImage, mat3d.uniformScaling(step));
  toImage = mat3d.multiply(toImage, mat3d.translation([-half, -half]));
  return {
    toImage: affineOf(toImage),
    toChip: affineOf(mat3d.inverse(toImage)),
    scale: step,
    angle,
    size,
    residual: fitted.residual,
  };
}

// ---- sampling ---------------------------------------------------------------------------------------------------

/** How many 2x2 halvings leave at most 2 image pixels per chip pixel (dlib's pyramid level + 1). */
function halvings(scale: number, antialias: boolean): number {
  let h = 0;
  if (antialias) while (scale / 2 ** h > 2 && h < 12) h++;
  return h;
}

/** Integer image rectangle [x0, x1) x [y0, y1) covering every tap of the chips (and the halvings' 2x2 blocks). */
function footprint(img: RgbaImage, ts: readonly FaceAlignTransform[], margin: number): { x0: number; y0: number; x1: number; y1: number } {
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const t of ts) {
    const m = matOf(t.toImage);
    for (const [cx, cy] of [[0, 0], [t.size - 1, 0], [0, t.size - 1], [t.size - 1, t.size - 1]] as const) {
      const p = vec2d.transformMat3([cx, cy], m);
      minX = Math.min(minX, p[0]!);
      maxX = Math.max(maxX, p[0]!);
      minY = Math.min(minY, p[1]!);
      maxY = Math.max(maxY, p[1]!);
    }
  }
  // Clamping each bound to the image keeps every replicated (clamped) tap inside; never empty.
  const clampX = (v: number) => Math.min(Math.max(v, 0), img.width - 1);
  const clampY = (v: number) => Math.min(Math.max(v, 0), img.height - 1);
  const x0 = clampX(Math.floor(minX) - margin);
  const y0 = clampY(Math.floor(minY) - margin);
  const x1 = clampX(Math.floor(maxX) + 1 + margin) + 1;
  const y1 = clampY(Math.floor(maxY) + 1 + margin) + 1;
  return { x0, y0, x1, y1 };
}

/**
 * Aligned chips of several faces of one image, in one warpAffine dispatch per pyramid level (usually one):
 * [k, size, size, 3] f32 RGB 0..255 (FaceRecognitionNet.forward's input) and each face's transform.
 */
export function alignFaces(engine: Engine, image: RgbaImage, landmarks: readonly (readonly LandmarkPoint[])[], options?: AlignOptions): AlignedFaces {
  const where = 'alignFaces';
  const o = alignOptions(where, options);
  const img = checkImage(image, `${where}: image`);
  if (!Array.isArray(landmarks) || landmarks.length === 0) throw new InvalidArgumentError(`${where}: landmarks must be a non-empty array of faces' landmark arrays`);
  const transforms = landmarks.map((l, i) => fit(`${where}: face ${i}`, l, o));
  const levels = transforms.map((t) => halvings(t.scale, o.antialias));
  const deepest = Math.max(...levels);
  const box = footprint(img, transforms, 2 * 2 ** deepest + 2);
  const [w, h] = [box.x1 - box.x0, box.y1 - box.y0];
  const owned: Tensor[] = [];
  const keep = <T extends Tensor>(t: T): T => (owned.push(t), t);
  try {
    // The footprint's pixels as f32 RGB: its rows uploaded, or cut from the image's attached texture (webgpu).
    const pyramid = [keep(imageCrop(engine, img, { x: box.x0, y: box.y0, width: w, height: h }))];
    /** Halvings actually done up to each level (an image down to 1 pixel is not halved further). */
    const done = [0];
    for (let l = 1; l <= deepest; l++) {
      const prev = pyramid[l - 1]!;
      const halve = prev.shape[1]! >= 2 && prev.shape[2]! >= 2;
      pyramid.push(halve ? keep(avgPool(engine, prev, { windowSize: 2, strides: 2, padding: 'valid' })) : prev);
      done.push(done[l - 1]! + (halve ? 1 : 0));
    }
    // Runs of consecutive faces on the same level share one dispatch; the parts are concatenated in order.
    const parts: Tensor[] = [];
    for (let i = 0; i < transforms.length; ) {
      let j = i + 1;
      while (j < transforms.length && levels[j] === levels[i]) j++;
      const level = levels[i]!;
      const src = pyramid[level]!;
      const rows: number[] = [];
      for (let f = i; f < j; f++) {
        // Image pixel -> cropped image -> level: each 2x2 mean puts pixel x' at x = 2 x' + 0.5 (pixel centres).
        let m = mat3d.translation([-box.x0, -box.y0]);
        for (let l = 0; l < done[level]!; l++) m = mat3d.multiply(mat3d.multiply(mat3d.uniformScaling(0.5), mat3d.translation([-0.5, -0.5])), m);
        rows.push(...affineOf(mat3d.multiply(m, matOf(transforms[f]!.toImage))));
      }
      const tr = keep(engine.tensor(rows, [j - i, 6]));
      parts.push(keep(warpAffine(engine, src, tr, { size: [o.size, o.size], border: o.border })));
      i = j;
    }
    const chips = parts.length === 1 ? parts[0]! : concat(engine, parts, { axis: 0 });
    if (parts.length === 1) owned.splice(owned.indexOf(chips), 1);
    return { chips, transforms };
  } finally {
    for (const t of owned) t.dispose();
  }
}

/** One face's aligned chip [1, size, size, 3] (f32 RGB 0..255) and its transform. */
export function alignFace(engine: Engine, image: RgbaImage, landmarks: readonly LandmarkPoint[], options?: AlignOptions): AlignedFace {
  const { chips, transforms } = alignFaces(engine, image, [landmarks], options);
  return { chip: chips, transform: transforms[0]! };
}

/**
 * 128-d descriptors of aligned faces: the chips (one dispatch) straight into FaceRecognitionNet on the device, one
 * readback. The unaligned counterpart is `net.embedBatch(crops)` (face-api's box crop, padded and resized).
 */
export async function embedAlignedFaces(
  net: FaceRecognitionNet,
  image: RgbaImage,
  landmarks: readonly (readonly LandmarkPoint[])[],
  options?: AlignOptions,
): Promise<{ descriptors: Float32Array[]; transforms: FaceAlignTransform[] }> {
  const size = options?.size ?? 150;
  if (size !== 150) throw new InvalidArgumentError(`embedAlignedFaces: FaceRecognitionNet takes 150px chips, got size ${size}`);
  const { chips, transforms } = alignFaces(net.engine, image, landmarks, options);
  let y: Tensor;
  try {
    y = net.forward(chips);
  } finally {
    chips.dispose();
  }
  try {
    const data = await y.data();
    const n = data.length / transforms.length;
    return { descriptors: transforms.map((_, i) => data.slice(i * n, (i + 1) * n)), transforms };
  } finally {
    y.dispose();
  }
}
