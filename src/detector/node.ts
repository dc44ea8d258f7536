// Node-only parts of the joint detector: a labelled folder (images + labels.json) read and checked, and model
// files saved atomically (temp + fsync + rename: writeFileAtomic) and loaded with typed errors.
import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Engine } from '../runtime/engine.js';
import { InvalidArgumentError, InvalidModelFileError } from '../runtime/errors.js';
import { writeFileAtomic } from '../nn/io-node.js';
import { decodeImage } from '../face/image-node.js';
import { checkBoxesInImage, InvalidDatasetError, validateLabels } from './labels.js';
import { JointDetector } from './model.js';
import type { LabelledImage } from './api.js';

export interface LabelledDir {
  classes: string[];
  images: LabelledImage[];
}

/** Reads `<dir>/labels.json` and its images; every problem is an InvalidDatasetError naming the file. */
export async function loadLabelledDir(dir: string): Promise<LabelledDir> {
  if (typeof dir !== 'string' || dir === '') throw new InvalidArgumentError(`loadLabelledDir: dir must be a non-empty string, got ${JSON.stringify(dir)}`);
  const file = join(resolve(dir), 'labels.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new InvalidDatasetError(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found (the data folder needs a labels.json)' : `cannot be read (${(e as Error).message})`}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InvalidDatasetError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const labels = validateLabels(json, file);
  const images: LabelledImage[] = [];
  for (const im of labels.images) {
    const path = resolve(dirname(file), im.file);
    let image;
    try {
      image = await decodeImage(path);
    } catch (e) {
      throw new InvalidDatasetError(`${file}: image ${im.file}: ${(e as Error).message}`);
    }
    checkBoxesInImage(im, image.width, image.height, file);
    images.push({ image, boxes: im.boxes, name: im.file });
  }
  return { classes: labels.classes, images };
}

/** Writes the model file (JointDetector.toBytes) atomically. */
export async function saveJointDetector(detector: JointDetector, path: string): Promise<void> {
  if (!(detector instanceof JointDetector)) throw new InvalidArgumentError('saveJointDetector: expected a JointDetector');
  if (typeof path !== 'string' || path === '') throw new InvalidArgumentError(`saveJointDetector: path must be a non-empty string, got ${JSON.stringify(path)}`);
  await writeFileAtomic(resolve(path), await detector.toBytes());
}

/** Loads a model file onto `engine`; InvalidModelFileError names the file and the problem. */
export async function loadJointDetector(engine: Engine, path: string): Promise<JointDetector> {
  if (typeof path !== 'string' || path === '') throw new InvalidArgumentError(`loadJointDetector: path must be a non-empty string, got ${JSON.stringify(path)}`);
  const file = resolve(path);
  let bytes: Uint8Array;
  try {
    if (!(await stat(file)).isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
    bytes = new Uint8Array(await readFile(file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InvalidModelFileError(`joint detector ${file}: ${code === 'ENOENT' ? 'file not found' : `cannot be read (${code ?? (e as Error).message})`}`);
  }
  return JointDetector.fromBytes(engine, bytes, `joint detector ${file}`);
}
