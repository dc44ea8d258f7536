// The trained aggregators' weights file: JSON, so browsers load it without file access (the shipped ones are
// embedded in shipped-weights.ts; `facegpu train-aggregator` writes the same format).
import { InvalidModelFileError } from '../../runtime/errors.js';
import { CUE_NAMES, type Standardizer } from './features.js';
import { TRAINED_KINDS, type TrainedKind } from './net.js';

export const WEIGHTS_FORMAT = 'facegpu-video-aggregator';
export const WEIGHTS_VERSION = 1;

export interface AggregatorWeightsFile {
  format: typeof WEIGHTS_FORMAT;
  version: number;
  kind: TrainedKind;
  units: number;
  /** Embedding size (128 for FaceRecognitionNet). */
  dim: number;
  /** The cue features after the embedding, in order. */
  cues: string[];
  standardizer: { mean: number[]; std: number[] };
  /** In AggregatorNet.weights order; data = base64 of little-endian float32. */
  weights: { name: string; shape: number[]; data: string }[];
  /** How it was trained (seed, epochs, loss per epoch...): informational. */
  training?: Record<string, unknown>;
}

export interface ParsedWeights {
  kind: TrainedKind;
  units: number;
  dim: number;
  standardizer: Standardizer;
  values: Float32Array[];
  shapes: number[][];
  training?: Record<string, unknown>;
}

export function f32ToBase64(v: Float32Array): string {
  const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function base64ToF32(b64: string, where: string): Float32Array {
  let s: string;
  try {
    s = atob(b64);
  } catch {
    throw new InvalidModelFileError(`${where}: data is not base64`);
  }
  if (s.length % 4 !== 0) throw new InvalidModelFileError(`${where}: ${s.length} bytes is not a whole number of float32 values`);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}

export function serializeWeights(kind: TrainedKind, units: number, dim: number, st: Standardizer, weights: { name: string; shape: number[] }[], values: Float32Array[], training?: Record<string, unknown>): AggregatorWeightsFile {
  return {
    format: WEIGHTS_FORMAT,
    version: WEIGHTS_VERSION,
    kind,
    units,
    dim,
    cues: [...CUE_NAMES],
    standardizer: { mean: Array.from(st.mean), std: Array.from(st.std) },
    weights: weights.map((w, i) => ({ name: w.name, shape: [...w.shape], data: f32ToBase64(values[i]!) })),
    ...(training ? { training } : {}),
  };
}

/** Validates a weights file (object or JSON text); InvalidModelFileError says what is wrong. */
export function parseWeights(input: unknown, where = 'aggregator weights'): ParsedWeights {
  let o = input;
  if (typeof o === 'string') {
    try {
      o = JSON.parse(o);
    } catch (e) {
      throw new InvalidModelFileError(`${where}: not JSON (${(e as Error).message})`);
    }
  }
  if (!o || typeof o !== 'object') throw new InvalidModelFileError(`${where}: expected a weights object written by 'facegpu train-aggregator'`);
  const f = o as Partial<AggregatorWeightsFile>;
  if (f.format !== WEIGHTS_FORMAT) throw new InvalidModelFileError(`${where}: format must be '${WEIGHTS_FORMAT}', got ${JSON.stringify(f.format)}`);
  if (f.version !== WEIGHTS_VERSION) throw new InvalidModelFileError(`${where}: version ${String(f.version)} is not supported (this build reads ${WEIGHTS_VERSION})`);
  if (!TRAINED_KINDS.includes(f.kind as TrainedKind)) throw new InvalidModelFileError(`${where}: kind must be one of ${TRAINED_KINDS.join(', ')}, got ${JSON.stringify(f.kind)}`);
  if (!Number.isInteger(f.units) || f.units! < 1 || !Number.isInteger(f.dim) || f.dim! < 1) throw new InvalidModelFileError(`${where}: units and dim must be positive integers`);
  if (!Array.isArray(f.cues) || f.cues.join() !== CUE_NAMES.join()) throw new InvalidModelFileError(`${where}: cues ${JSON.stringify(f.cues)} differ from this build's ${JSON.stringify(CUE_NAMES)}`);
  const F = f.dim! + CUE_NAMES.length;
  const st = f.standardizer;
  if (!st || !Array.isArray(st.mean) || !Array.isArray(st.std) || st.mean.length !== F || st.std.length !== F || ![...st.mean, ...st.std].every(Number.isFinite) || st.std.some((v) => v <= 0)) {
    throw new InvalidModelFileError(`${where}: standardizer needs mean and std of ${F} finite values (std > 0)`);
  }
  if (!Array.isArray(f.weights)) throw new InvalidModelFileError(`${where}: weights must be an array`);
  const values = f.weights.map((w, i) => {
    if (!w || typeof w.data !== 'string' || !Array.isArray(w.shape)) throw new InvalidModelFileError(`${where}: weight ${i} needs { name, shape, data }`);
    const v = base64ToF32(w.data, `${where}: weight '${w.name}'`);
    const n = w.shape.reduce((a, b) => a * b, 1);
    if (v.length !== n) throw new InvalidModelFileError(`${where}: weight '${w.name}' has ${v.length} values, shape [${w.shape.join(', ')}] needs ${n}`);
    if (!v.every(Number.isFinite)) throw new InvalidModelFileError(`${where}: weight '${w.name}' has non-finite values`);
    return v;
  });
  return {
    kind: f.kind as TrainedKind,
    units: f.units!,
    dim: f.dim!,
    standardizer: { mean: Float32Array.from(st.mean), std: Float32Array.from(st.std) },
    values,
    shapes: f.weights.map((w) => w.shape),
    training: f.training,
  };
}
