// tfjs weights manifests: the types, and a validator that turns untrusted JSON into a checked manifest or throws
// an InvalidModelFileError naming the group, the tensor and the field that is wrong.
import { InvalidModelFileError } from '../../runtime/errors.js';

/** Element types a manifest entry may declare (`float16` is stored as IEEE half and decoded to float32). */
export type WeightDtype = 'float32' | 'int32' | 'bool' | 'float16';
/** How quantised values are stored: `q * scale + min` for the integer forms, IEEE half for float16. */
export type QuantizationDtype = 'uint8' | 'uint16' | 'float16';

export interface WeightQuantization {
  dtype: QuantizationDtype;
  /** Required for uint8 / uint16. */
  scale?: number;
  /** Required for uint8 / uint16. */
  min?: number;
  /** Written by some converters; when present it must agree with the entry's dtype. */
  original_dtype?: string;
}

export interface WeightsManifestEntry {
  name: string;
  shape: number[];
  dtype: WeightDtype;
  quantization?: WeightQuantization;
}

export interface WeightsManifestGroup {
  /** Shard files, relative to the manifest; a group's tensors are laid out over their concatenated bytes. */
  paths: string[];
  weights: WeightsManifestEntry[];
}

export type WeightsManifest = WeightsManifestGroup[];

const WEIGHT_DTYPES: readonly string[] = ['float32', 'int32', 'bool', 'float16'];
const QUANT_DTYPES: readonly string[] = ['uint8', 'uint16', 'float16'];
/** Bytes per stored element, by storage type. */
export const STORED_BYTES: Readonly<Record<string, number>> = { float32: 4, int32: 4, bool: 1, float16: 2, uint8: 1, uint16: 2 };

/** The storage type of an entry: its quantisation dtype, or its own dtype. */
export function storedAs(e: WeightsManifestEntry): keyof typeof STORED_BYTES {
  return e.quantization ? e.quantization.dtype : e.dtype;
}

/** `[3,3,3,16]` (no spaces, the form tfjs and face-api print). */
export function dims(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'object') {
    const keys = Object.keys(v as object);
    return `an object with keys {${keys.slice(0, 6).join(', ')}${keys.length > 6 ? ', ...' : ''}}`;
  }
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)}`;
  return `${typeof v} ${String(v)}`;
}

/**
 * Parses manifest JSON text. Anything that is not JSON (an HTML error page from a dev server, a truncated
 * download) gets an InvalidModelFileError that says what the text looked like.
 */
export function parseManifestJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const head = text.trimStart().slice(0, 30);
    const hint = head.startsWith('<')
      ? ' (it starts with "<": an HTML page, usually a 404 page or a dev server fallback; check the path or URL)'
      : text.trim() === ''
        ? ' (the file is empty)'
        : '';
    throw new InvalidModelFileError(`${source} is not valid JSON: ${(e as Error).message}${hint}`);
  }
}

/**
 * Checks untrusted JSON against the tfjs weights-manifest format and returns it typed. Accepts the manifest
 * array itself or a tfjs `model.json` object holding one under `weightsManifest`. `source` names the manifest in
 * messages, e.g. `weights manifest "tiny_face_detector_model-weights_manifest.json"`.
 */
export function validateManifest(json: unknown, source: string): WeightsManifest {
  let groups = json;
  if (groups !== null && typeof groups === 'object' && !Array.isArray(groups) && 'weightsManifest' in groups) {
    groups = (groups as { weightsManifest: unknown }).weightsManifest;
  }
  const bad = (what: string): never => {
    throw new InvalidModelFileError(`${source}: ${what}`);
  };
  if (!Array.isArray(groups)) {
    bad(`expected a JSON array of groups { paths, weights } (or a model.json with "weightsManifest"), got ${describe(groups)}`);
  }
  const seen = new Map<string, number>();
  const out: WeightsManifest = [];
  (groups as unknown[]).forEach((g, gi) => {
    const at = `group ${gi}`;
    if (g === null || typeof g !== 'object' || Array.isArray(g)) bad(`${at} must be an object { paths, weights }, got ${describe(g)}`);
    const { paths, weights } = g as { paths?: unknown; weights?: unknown };
    if (!Array.isArray(paths)) bad(`${at}: "paths" must be an array of shard file names, got ${describe(paths)}`);
    (paths as unknown[]).forEach((p, pi) => {
      if (typeof p !== 'string' || p === '') bad(`${at}: paths[${pi}] must be a non-empty file name, got ${describe(p)}`);
    });
    if (!Array.isArray(weights)) bad(`${at}: "weights" must be an array of tensor entries { name, shape, dtype }, got ${describe(weights)}`);
    if ((weights as unknown[]).length > 0 && (paths as unknown[]).length === 0) {
      bad(`${at} lists ${(weights as unknown[]).length} tensors but no shard files in "paths"`);
    }
    const entries = (weights as unknown[]).map((w, wi) => validateEntry(w, `${at}, weights[${wi}]`, bad));
    for (const e of entries) {
      const prev = seen.get(e.name);
      if (prev !== undefined) bad(`tensor "${e.name}" appears twice (groups ${prev} and ${gi}); names must be unique`);
      seen.set(e.name, gi);
    }
    out.push({ paths: (paths as string[]).slice(), weights: entries });
  });
  return out;
}

function validateEntry(w: unknown, at: string, bad: (what: string) => never): WeightsManifestEntry {
  if (w === null || typeof w !== 'object' || Array.isArray(w)) bad(`${at} must be an object { name, shape, dtype }, got ${describe(w)}`);
  const { name, shape, dtype, quantization } = w as Record<string, unknown>;
  if (typeof name !== 'string' || name === '') bad(`${at}: "name" must be a non-empty string, got ${describe(name)}`);
  const t = `tensor "${name as string}"`;
  if (!Array.isArray(shape)) bad(`${t}: "shape" must be an array of non-negative integers, got ${describe(shape)}`);
  (shape as unknown[]).forEach((d, axis) => {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      bad(`${t}: shape ${JSON.stringify(shape)} has a bad dimension ${JSON.stringify(d) ?? String(d)} at axis ${axis} (dims must be non-negative integers)`);
    }
  });
  let n = 1;
  for (const d of shape as number[]) n *= d;
  if (!Number.isSafeInteger(n) || n > 2 ** 31) bad(`${t}: shape ${dims(shape as number[])} has ${n} elements, more than any shard can hold`);
  if (typeof dtype !== 'string' || !WEIGHT_DTYPES.includes(dtype)) {
    bad(`${t}: dtype ${describe(dtype)} is not supported (expected one of ${WEIGHT_DTYPES.join(', ')})`);
  }
  const entry: WeightsManifestEntry = { name: name as string, shape: (shape as number[]).slice(), dtype: dtype as WeightDtype };
  if (quantization !== undefined && quantization !== null) {
    entry.quantization = validateQuantization(quantization, entry, bad);
  }
  return entry;
}

function validateQuantization(q: unknown, e: WeightsManifestEntry, bad: (what: string) => never): WeightQuantization {
  const t = `tensor "${e.name}"`;
  if (typeof q !== 'object' || Array.isArray(q)) bad(`${t}: "quantization" must be an object { dtype, scale, min }, got ${describe(q)}`);
  const { dtype, scale, min, original_dtype: orig } = q as Record<string, unknown>;
  if (typeof dtype !== 'string' || !QUANT_DTYPES.includes(dtype)) {
    bad(`${t}: quantization dtype ${describe(dtype)} is not supported (expected one of ${QUANT_DTYPES.join(', ')})`);
  }
  if (e.dtype === 'float16' || e.dtype === 'bool') bad(`${t}: a ${e.dtype} tensor cannot be quantised (quantization dtype ${dtype as string})`);
  if (dtype === 'float16' && e.dtype !== 'float32') bad(`${t}: float16 quantisation applies to float32 tensors only, this one is ${e.dtype}`);
  const out: WeightQuantization = { dtype: dtype as QuantizationDtype };
  if (dtype === 'uint8' || dtype === 'uint16') {
    // tfjs decodes q * scale + min: both must be finite numbers or every value of the tensor is garbage.
    for (const [k, v] of [['scale', scale], ['min', min]] as const) {
      if (typeof v !== 'number' || !Number.isFinite(v)) bad(`${t}: ${dtype} quantisation needs a finite "${k}", got ${describe(v)}`);
    }
    out.scale = scale as number;
    out.min = min as number;
  }
  // float16: tfjs ignores scale/min, and so do we.
  if (orig !== undefined) {
    if (orig !== e.dtype) bad(`${t}: quantization original_dtype ${describe(orig)} disagrees with the tensor's dtype "${e.dtype}"`);
    out.original_dtype = orig as string;
  }
  return out;
}
