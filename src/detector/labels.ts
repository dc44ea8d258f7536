// The labelled-set format of the joint detector (labels.json next to the images) and its checks. Every problem
// is an InvalidDatasetError (an InvalidArgumentError) naming the image and box, so a bad file fails before training.
import { InvalidArgumentError } from '../runtime/errors.js';

/** A face box in image pixels (left, top, size) with its class name. */
export interface LabelBox {
  x: number;
  y: number;
  width: number;
  height: number;
  label: string;
}

export interface LabelImage {
  /** Image file, relative to the labels file's folder. */
  file: string;
  boxes: LabelBox[];
}

/** labels.json: the class names (the head's class order) and the images with their boxes. */
export interface LabelsFile {
  classes: string[];
  images: LabelImage[];
}

/** A labelled set that cannot be used: bad JSON shape, boxes outside the image, empty boxes, unknown classes... */
export class InvalidDatasetError extends InvalidArgumentError {}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function bad(where: string, what: string): never {
  throw new InvalidDatasetError(`${where}: ${what}`);
}

/** Checks the structure of a parsed labels.json; returns it typed. Image sizes are checked by checkBoxesInImage. */
export function validateLabels(json: unknown, where = 'labels.json'): LabelsFile {
  if (!isObj(json)) bad(where, `expected { classes: [...], images: [...] }, got ${Array.isArray(json) ? 'an array' : JSON.stringify(json)}`);
  const { classes, images } = json;
  if (!Array.isArray(classes) || classes.length === 0) bad(where, 'classes must be a non-empty array of class names');
  const seen = new Set<string>();
  classes.forEach((c, i) => {
    if (typeof c !== 'string' || c.length === 0) bad(where, `classes[${i}] must be a non-empty string, got ${JSON.stringify(c)}`);
    if (seen.has(c)) bad(where, `class ${JSON.stringify(c)} is listed twice`);
    seen.add(c);
  });
  if (!Array.isArray(images)) bad(where, 'images must be an array of { file, boxes }');
  if (images.length === 0) bad(where, 'empty dataset: images is an empty array');
  let boxCount = 0;
  images.forEach((img, i) => {
    const at = `${where}: images[${i}]`;
    if (!isObj(img)) bad(at, `expected { file, boxes }, got ${JSON.stringify(img)}`);
    if (typeof img.file !== 'string' || img.file.length === 0) bad(at, `file must be a non-empty string, got ${JSON.stringify(img.file)}`);
    if (!Array.isArray(img.boxes)) bad(`${at} (${img.file})`, 'boxes must be an array');
    img.boxes.forEach((b, j) => {
      const bw = `${at} (${img.file}) box ${j}`;
      if (!isObj(b)) bad(bw, `expected { x, y, width, height, label }, got ${JSON.stringify(b)}`);
      for (const k of ['x', 'y', 'width', 'height'] as const) {
        if (typeof b[k] !== 'number' || !Number.isFinite(b[k])) bad(bw, `${k} must be a finite number, got ${JSON.stringify(b[k])}`);
      }
      if ((b.width as number) <= 0 || (b.height as number) <= 0) bad(bw, `zero-size box (${String(b.width)}x${String(b.height)}); width and height must be > 0`);
      if (typeof b.label !== 'string' || !seen.has(b.label)) {
        bad(bw, `unknown class ${JSON.stringify(b.label)} (classes: ${classes.slice(0, 8).join(', ')}${classes.length > 8 ? ', ...' : ''})`);
      }
      boxCount++;
    });
  });
  if (boxCount === 0) bad(where, 'empty dataset: no image has a box');
  return json as unknown as LabelsFile;
}

/** Half a pixel of slack: boxes written from rounded detector output may touch the border. */
const SLACK = 0.5;

/** Throws when a box of `img` reaches outside its width x height image. */
export function checkBoxesInImage(img: LabelImage, width: number, height: number, where = 'labels.json'): void {
  img.boxes.forEach((b, j) => {
    if (b.x < -SLACK || b.y < -SLACK || b.x + b.width > width + SLACK || b.y + b.height > height + SLACK) {
      bad(
        `${where}: ${img.file} box ${j}`,
        `box {x: ${b.x}, y: ${b.y}, width: ${b.width}, height: ${b.height}} reaches outside the ${width}x${height} image`,
      );
    }
  });
}

/** A box normalised to [0, 1] of its image, with its class index: what the head trains on. */
export interface NormBox {
  x: number;
  y: number;
  w: number;
  h: number;
  cls: number;
}

/** The boxes of one image normalised by its size; class names become indices into `classes`. */
export function normaliseBoxes(boxes: readonly LabelBox[], width: number, height: number, classes: readonly string[]): NormBox[] {
  return boxes.map((b) => ({ x: b.x / width, y: b.y / height, w: b.width / width, h: b.height / height, cls: classes.indexOf(b.label) }));
}
