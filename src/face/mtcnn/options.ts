import { InvalidArgumentError } from '../../runtime/errors.js';

/** Options of `Mtcnn.detect` (face-api.js's MtcnnOptions, same defaults). */
export interface MtcnnDetectOptions {
  /** Smallest face side in pixels the pyramid looks for (default 20). */
  minFaceSize?: number;
  /** Pyramid step, in (0, 1) (default 0.709). */
  scaleFactor?: number;
  /** Score thresholds of P-Net, R-Net and O-Net (default [0.6, 0.7, 0.7]). */
  scoreThresholds?: [number, number, number] | number[];
  /** At most this many pyramid scales, largest first (default 10, as face-api). */
  maxNumScales?: number;
  /** Explicit pyramid scales instead of minFaceSize / scaleFactor. */
  scaleSteps?: number[];
}

export interface MtcnnDetectNorm {
  minFaceSize: number;
  scaleFactor: number;
  scoreThresholds: [number, number, number];
  maxNumScales: number;
  scaleSteps: number[] | null;
}

const KEYS = ['minFaceSize', 'scaleFactor', 'scoreThresholds', 'maxNumScales', 'scaleSteps'];

function bad(what: string): never {
  throw new InvalidArgumentError(`Mtcnn.detect: ${what}`);
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function normalizeDetectOptions(o: MtcnnDetectOptions | undefined): MtcnnDetectNorm {
  const a = o ?? {};
  if (typeof a !== 'object') bad(`options must be an object, got ${JSON.stringify(a)}`);
  for (const k of Object.keys(a)) {
    if (!KEYS.includes(k) && (a as Record<string, unknown>)[k] !== undefined) bad(`unknown option '${k}' (known: ${KEYS.join(', ')})`);
  }
  const minFaceSize = a.minFaceSize ?? 20;
  if (!finite(minFaceSize) || minFaceSize <= 0) bad(`minFaceSize must be a number > 0, got ${String(a.minFaceSize)}`);
  const scaleFactor = a.scaleFactor ?? 0.709;
  if (!finite(scaleFactor) || scaleFactor <= 0 || scaleFactor >= 1) bad(`scaleFactor must be a number in (0, 1), got ${String(a.scaleFactor)}`);
  const maxNumScales = a.maxNumScales ?? 10;
  if (!Number.isInteger(maxNumScales) || maxNumScales < 1) bad(`maxNumScales must be an integer >= 1, got ${String(a.maxNumScales)}`);
  const th = a.scoreThresholds ?? [0.6, 0.7, 0.7];
  if (!Array.isArray(th) || th.length !== 3 || th.some((t) => !finite(t) || t < 0 || t > 1)) {
    bad(`scoreThresholds must be 3 numbers in [0, 1] (P-Net, R-Net, O-Net), got ${JSON.stringify(a.scoreThresholds)}`);
  }
  let scaleSteps: number[] | null = null;
  if (a.scaleSteps !== undefined) {
    if (!Array.isArray(a.scaleSteps) || a.scaleSteps.some((s) => !finite(s) || s <= 0)) {
      bad(`scaleSteps must be an array of numbers > 0, got ${JSON.stringify(a.scaleSteps)}`);
    }
    scaleSteps = [...a.scaleSteps];
  }
  return { minFaceSize, scaleFactor, scoreThresholds: [th[0]!, th[1]!, th[2]!], maxNumScales, scaleSteps };
}
