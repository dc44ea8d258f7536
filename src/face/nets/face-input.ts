// A face crop as network input, the way face-api builds it (NetInput.toBatchTensor): the box clipped to the image
// and floored (Box.clipAtImageBorders), zero-padded to a square with the odd pixel before (padToSquare, centred),
// then resized bilinearly to the net's size with tfjs' default mapping (alignCorners and halfPixelCenters false:
// ONNX 'asymmetric'). Pixel values stay 0..255; each net applies its own mean / scale (folded into a conv).
//
// Only the crop's rows cross to the device (the image is host memory; copying the crop while packing the upload is
// cheaper than uploading the whole image to slice it there). Channel split, padding and resizing run as kernels.
// A browser image with a texture attached (attachTexture, webgpu) is cropped from that texture instead: no bytes.
import type { Engine } from '../../runtime/engine.js';
import { InvalidArgumentError } from '../../runtime/errors.js';
import type { Tensor } from '../../runtime/tensor.js';
import { normalizeImage } from '../../ops/normalize-image/index.js';
import { pad } from '../../ops/pad/index.js';
import { resize } from '../../ops/resize/index.js';
import { concat } from '../../ops/concat/index.js';
import { imageTexture } from '../../ops/image-texture/index.js';
import { checkImage, type RgbaImage } from '../image.js';
import { attachedTexture } from '../preprocess.js';

/** dlib's mean RGB, which every face-api face net subtracts from its input. */
export const FACE_MEAN_RGB = [122.782, 117.001, 104.298] as const;

/** A face box in image pixels: left, top, size. */
export interface FaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One face to run a net on: an image and, optionally, the box of the face in it (default: the whole image). */
export interface FaceCrop {
  image: RgbaImage;
  box?: FaceBox;
}

/** Where the net input came from: the crop in image pixels and the square it was padded to. */
export interface CropGeometry {
  /** The crop, integer image pixels. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** Side of the padded square (max(width, height)) and the zero rows / columns put before the crop in it. */
  side: number;
  padTop: number;
  padLeft: number;
}

/** The integer crop of `box` in an image of w x h: clipped to the image and floored, as face-api crops faces. */
export function cropRect(where: string, img: RgbaImage, box: FaceBox | undefined): CropGeometry {
  let x = 0;
  let y = 0;
  let width = img.width;
  let height = img.height;
  if (box !== undefined) {
    if (box === null || typeof box !== 'object') throw new InvalidArgumentError(`${where}: box must be { x, y, width, height }, got ${String(box)}`);
    for (const k of ['x', 'y', 'width', 'height'] as const) {
      if (typeof box[k] !== 'number' || !Number.isFinite(box[k])) {
        throw new InvalidArgumentError(`${where}: box.${k} must be a finite number, got ${String(box[k])}`);
      }
    }
    if (box.width <= 0 || box.height <= 0) {
      throw new InvalidArgumentError(`${where}: empty box (${box.width}x${box.height}); width and height must be > 0`);
    }
    const x0 = Math.max(box.x, 0);
    const y0 = Math.max(box.y, 0);
    const w = Math.min(box.x + box.width - x0, img.width - x0);
    const h = Math.min(box.y + box.height - y0, img.height - y0);
    x = Math.floor(x0);
    y = Math.floor(y0);
    width = Math.floor(w);
    height = Math.floor(h);
    if (width <= 0 || height <= 0) {
      throw new InvalidArgumentError(
        `${where}: box {x: ${box.x}, y: ${box.y}, width: ${box.width}, height: ${box.height}} holds no whole pixel of the ` +
          `${img.width}x${img.height} image (it lies outside, or clips to under 1 px)`,
      );
    }
  }
  const side = Math.max(width, height);
  const diff = side - Math.min(width, height);
  // face-api's padToSquare(centred) appends round(diff / 2) and prepends the rest.
  const before = diff - Math.round(diff / 2);
  return { x, y, width, height, side, padTop: height < width ? before : 0, padLeft: width < height ? before : 0 };
}

/** The crop's RGBA rows as one packed byte array (the whole image without a copy when the crop is all of it). */
function cropBytes(img: RgbaImage, g: { x: number; y: number; width: number; height: number }): Uint8Array | Uint8ClampedArray {
  const out = new Uint8Array(g.width * g.height * 4);
  const row = g.width * 4;
  for (let r = 0; r < g.height; r++) {
    const src = ((g.y + r) * img.width + g.x) * 4;
    out.set(img.data.subarray(src, src + row), r * row);
  }
  return out;
}

/**
 * The integer rectangle `r` of an image as a [1, r.height, r.width, 3] f32 tensor of its RGB values (0..255): from
 * the attached texture when there is one (one kernel, exact byte values), else from its bytes.
 */
export function imageCrop(engine: Engine, img: RgbaImage, r: { x: number; y: number; width: number; height: number }): Tensor {
  const image = attachedTexture(engine, img);
  if (image) return imageTexture(engine, { image, size: [r.height, r.width], pad: 'none', crop: { x: r.x, y: r.y, width: r.width, height: r.height } });
  const whole = r.x === 0 && r.y === 0 && r.width === img.width && r.height === img.height;
  const rgba = engine.tensor(whole ? img.data : cropBytes(img, r), [1, r.height, r.width, 4], 'u8');
  try {
    return normalizeImage(engine, rgba); // RGBA bytes -> RGB f32, values unchanged
  } finally {
    rgba.dispose();
  }
}

/**
 * One face as a [1, size, size, 3] f32 tensor of 0..255 RGB values (padded to square with zeros, resized), plus
 * its geometry. Intermediates are freed here; the caller owns the result.
 */
export function faceTensor(engine: Engine, where: string, crop: FaceCrop, size: number): { x: Tensor; geom: CropGeometry } {
  if (crop === null || typeof crop !== 'object') throw new InvalidArgumentError(`${where}: expected { image, box? }, got ${String(crop)}`);
  const img = checkImage(crop.image, `${where}: image`);
  const g = cropRect(where, img, crop.box);
  let t = imageCrop(engine, img, g);
  const step = (next: Tensor): void => {
    t.dispose();
    t = next;
  };
  try {
    if (g.width !== g.height) {
      const padY = g.height < g.width ? g.side - g.height : 0;
      const padX = g.width < g.height ? g.side - g.width : 0;
      step(pad(engine, t, { paddings: [[0, 0], [g.padTop, padY - g.padTop], [g.padLeft, padX - g.padLeft], [0, 0]] }));
    }
    if (g.side !== size) step(resize(engine, t, { size: [size, size], mode: 'bilinear', coordinateTransform: 'asymmetric' }));
  } catch (e) {
    t.dispose();
    throw e;
  }
  return { x: t, geom: g };
}

/** Several faces as one [n, size, size, 3] batch (one concat on the device), with their geometries. */
export function faceBatch(engine: Engine, where: string, crops: readonly FaceCrop[], size: number): { x: Tensor; geoms: CropGeometry[] } {
  if (!Array.isArray(crops)) throw new InvalidArgumentError(`${where}: expected an array of { image, box? }, got ${String(crops)}`);
  if (crops.length === 0) throw new InvalidArgumentError(`${where}: no faces given`);
  const parts: Tensor[] = [];
  const geoms: CropGeometry[] = [];
  try {
    crops.forEach((c, i) => {
      const { x, geom } = faceTensor(engine, `${where}: face ${i}`, c, size);
      parts.push(x);
      geoms.push(geom);
    });
    if (parts.length === 1) return { x: parts.pop()!, geoms };
    return { x: concat(engine, parts, { axis: 0 }), geoms };
  } finally {
    parts.forEach((p) => p.dispose());
  }
}
