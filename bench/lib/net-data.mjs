// Inputs of the network benchmark, made once on the host so every library gets the same numbers: faces.jpg (6
// faces) decoded by our decodeImage (sharp), the TinyFaceDetector input at 416 (padded to a square at the bottom /
// right and resized, as face-api and our preprocessImage do), and one face crop at 150 (recognition) and 112
// (landmarks), padded to a square centred as face-api's toBatchTensor does. Resizing is tfjs' default bilinear
// (alignCorners false, halfPixelCenters false). Pixel values stay 0..255 floats: each net normalises.
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
export const DATA_DIR = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../../shared/data');
export const IMAGE = path.join(DATA_DIR, 'face-api-js/test-images/faces.jpg');
export const MTCNN_DIR = path.join(DATA_DIR, 'weights/mtcnn');
export const FACE_API_MODELS = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
/** A face of faces.jpg (face-api's TinyFaceDetector box there, as in test/face/recognition-net.test.ts). */
export const FACE_BOX = { x: 54, y: 33, width: 134, height: 114 };

/** RGB floats [h, w, 3] of an RgbaImage region. */
function rgb(img, x0 = 0, y0 = 0, w = img.width, h = img.height) {
  const out = new Float32Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const s = ((y0 + y) * img.width + x0 + x) * 4;
      const d = (y * w + x) * 3;
      out[d] = img.data[s];
      out[d + 1] = img.data[s + 1];
      out[d + 2] = img.data[s + 2];
    }
  }
  return out;
}

/** Zero-pads an RGB [h, w, 3] map to a square: the missing rows / columns after it, or split (odd one before) when centred. */
function padSquare(src, h, w, centred) {
  const side = Math.max(h, w);
  const diff = side - Math.min(h, w);
  const before = centred ? diff - Math.round(diff / 2) : 0;
  const top = h < w ? before : 0;
  const left = w < h ? before : 0;
  const out = new Float32Array(side * side * 3);
  for (let y = 0; y < h; y++) out.set(src.subarray(y * w * 3, (y + 1) * w * 3), ((y + top) * side + left) * 3);
  return { data: out, side };
}

/** tfjs resizeBilinear(alignCorners false, halfPixelCenters false) of a square RGB map to `size`. */
function resize(src, side, size) {
  const out = new Float32Array(size * size * 3);
  const scale = side / size;
  for (let y = 0; y < size; y++) {
    const sy = y * scale;
    const y0 = Math.floor(sy);
    const y1 = Math.min(y0 + 1, side - 1);
    const fy = sy - y0;
    for (let x = 0; x < size; x++) {
      const sx = x * scale;
      const x0 = Math.floor(sx);
      const x1 = Math.min(x0 + 1, side - 1);
      const fx = sx - x0;
      for (let c = 0; c < 3; c++) {
        const at = (yy, xx) => src[(yy * side + xx) * 3 + c];
        const top = at(y0, x0) + (at(y0, x1) - at(y0, x0)) * fx;
        const bottom = at(y1, x0) + (at(y1, x1) - at(y1, x0)) * fx;
        out[(y * size + x) * 3 + c] = top + (bottom - top) * fy;
      }
    }
  }
  return out;
}

/** Everything the runners need; `fg` is our built library (dist/src/index.node.js). */
export async function loadNetData(fg) {
  const image = await fg.decodeImage(IMAGE);
  const whole = padSquare(rgb(image), image.height, image.width, false);
  const b = FACE_BOX;
  const face = padSquare(rgb(image, b.x, b.y, b.width, b.height), b.height, b.width, true);
  const rgbInt32 = new Int32Array(image.width * image.height * 3);
  for (let i = 0; i < image.width * image.height; i++) for (let c = 0; c < 3; c++) rgbInt32[i * 3 + c] = image.data[i * 4 + c];
  const manifest = (m) => path.join(FACE_API_MODELS, `${m}-weights_manifest.json`);
  return {
    image,
    /** The image as face-api's Node users pass it: an int32 RGB tensor's values. */
    rgbInt32,
    tiny416: resize(whole.data, whole.side, 416),
    face150: resize(face.data, face.side, 150),
    face112: resize(face.data, face.side, 112),
    weights: {
      tiny: await fg.loadWeightsFromFile(manifest('tiny_face_detector_model')),
      recognition: await fg.loadWeightsFromFile(manifest('face_recognition_model')),
    },
  };
}
