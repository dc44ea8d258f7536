// Threshold calibration from labelled data: the distance threshold with the best accuracy, and the equal error rate
// (EER) threshold, with the whole curve. The decision rule is the gallery's: same person when distance < threshold.
//
// Candidate thresholds are the midpoints between consecutive distinct distances (and one below the smallest and
// one above the largest), so no labelled distance sits on a threshold. For each: TP / FN among the same-person
// pairs, FP / TN among the others; FAR = FP / negatives (false accepts), FRR = FN / positives (false rejects).
// Best accuracy: the run of consecutive candidates with the highest accuracy (first such run), its middle one.
// EER: FAR rises and FRR falls with the threshold; between the last candidate with FAR < FRR and the next, the
// threshold where the straight lines between them cross, and the rate there.
import { InvalidArgumentError } from '../runtime/errors.js';
import { faceDistance, type GalleryMetric } from './gallery.js';

export interface LabelledPair {
  distance: number;
  /** Both of the same person. */
  same: boolean;
}

export interface LabelledSample {
  label: string;
  embedding: ArrayLike<number>;
}

export interface CurvePoint {
  threshold: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  /** (tp + tn) / all pairs. */
  accuracy: number;
  /** Mean of the true-accept and true-reject rates: accuracy as if positives and negatives were as many. */
  balancedAccuracy: number;
  /** False accept rate fp / negatives. */
  far: number;
  /** False reject rate fn / positives. */
  frr: number;
}

export interface Calibration {
  /** The threshold of best accuracy (or balanced accuracy with { balanced: true }) and that accuracy. */
  best: { threshold: number; accuracy: number; balancedAccuracy: number };
  /** The equal-error-rate threshold and the rate (FAR = FRR) there. */
  eer: { threshold: number; rate: number };
  positives: number;
  negatives: number;
  /** One point per candidate threshold, ascending. */
  curve: CurvePoint[];
}

export interface CalibrateOptions {
  /** Pick the best balanced accuracy instead of plain accuracy (for all-pairs sets, where negatives dominate). */
  balanced?: boolean;
}

/** The best-accuracy and EER thresholds from labelled distances. Needs at least one pair of each kind. */
export function calibrateThreshold(pairs: readonly LabelledPair[], options: CalibrateOptions = {}): Calibration {
  const where = 'calibrateThreshold';
  if (!Array.isArray(pairs)) throw new InvalidArgumentError(`${where}: pairs must be an array of { distance, same }`);
  checkOptions(where, options, ['balanced']);
  pairs.forEach((p, i) => {
    if (!p || typeof p !== 'object' || typeof p.distance !== 'number' || !Number.isFinite(p.distance) || typeof p.same !== 'boolean') {
      throw new InvalidArgumentError(`${where}: pair ${i} must be { distance: finite number, same: boolean }, got ${JSON.stringify(p)}`);
    }
  });
  const P = pairs.filter((p) => p.same).length;
  const N = pairs.length - P;
  if (P === 0 || N === 0) throw new InvalidArgumentError(`${where}: needs same-person and different-person pairs, got ${P} and ${N}`);
  const sorted = [...pairs].sort((a, b) => a.distance - b.distance);
  // Distinct distances, with how many same / different pairs sit at each.
  const levels: { d: number; pos: number; neg: number }[] = [];
  for (const p of sorted) {
    const last = levels[levels.length - 1];
    if (last && last.d === p.distance) {
      if (p.same) last.pos++;
      else last.neg++;
    } else levels.push({ d: p.distance, pos: p.same ? 1 : 0, neg: p.same ? 0 : 1 });
  }
  const span = levels[levels.length - 1]!.d - levels[0]!.d;
  const pad = span > 0 ? span / 100 : Math.max(Math.abs(levels[0]!.d) / 100, 1e-6);
  const point = (threshold: number, tp: number, fp: number): CurvePoint => {
    const fn = P - tp;
    const tn = N - fp;
    return { threshold, tp, fp, tn, fn, accuracy: (tp + tn) / (P + N), balancedAccuracy: (tp / P + tn / N) / 2, far: fp / N, frr: fn / P };
  };
  const curve: CurvePoint[] = [point(levels[0]!.d - pad, 0, 0)];
  let tp = 0;
  let fp = 0;
  levels.forEach((l, i) => {
    tp += l.pos;
    fp += l.neg;
    const next = levels[i + 1];
    curve.push(point(next ? (l.d + next.d) / 2 : l.d + pad, tp, fp));
  });
  const score = (c: CurvePoint) => (options.balanced ? c.balancedAccuracy : c.accuracy);
  let bi = 0;
  curve.forEach((c, i) => {
    if (score(c) > score(curve[bi]!)) bi = i;
  });
  let end = bi;
  while (end + 1 < curve.length && score(curve[end + 1]!) === score(curve[bi]!)) end++;
  const b = curve[(bi + end) >> 1]!;
  return { best: { threshold: b.threshold, accuracy: b.accuracy, balancedAccuracy: b.balancedAccuracy }, eer: equalError(curve), positives: P, negatives: N, curve };
}

function equalError(curve: readonly CurvePoint[]): { threshold: number; rate: number } {
  // FAR - FRR goes from -1 (first point: nothing accepted) to +1 (last: everything accepted), never decreasing.
  let i = 0;
  while (i + 1 < curve.length && curve[i + 1]!.far - curve[i + 1]!.frr < 0) i++;
  const a = curve[i]!;
  const b = curve[Math.min(i + 1, curve.length - 1)]!;
  const da = a.far - a.frr;
  const db = b.far - b.frr;
  const t = db === da ? 0 : -da / (db - da);
  return { threshold: a.threshold + t * (b.threshold - a.threshold), rate: a.far + t * (b.far - a.far) };
}

function checkOptions(where: string, options: unknown, known: readonly string[]): void {
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError(`${where}: options must be an object`);
  for (const k of Object.keys(options)) {
    if (!known.includes(k)) throw new InvalidArgumentError(`${where}: unknown option '${k}' (known: ${known.join(', ')})`);
  }
  const b = (options as CalibrateOptions).balanced;
  if (b !== undefined && typeof b !== 'boolean') throw new InvalidArgumentError(`${where}: balanced must be a boolean, got ${String(b)}`);
}

/** Every pair of a labelled set of embeddings, labelled same / different, with their distances. */
export function labelledPairs(samples: readonly LabelledSample[], metric: GalleryMetric = 'euclidean'): LabelledPair[] {
  const where = 'labelledPairs';
  if (!Array.isArray(samples)) throw new InvalidArgumentError(`${where}: samples must be an array of { label, embedding }`);
  samples.forEach((s, i) => {
    if (!s || typeof s !== 'object' || typeof s.label !== 'string') throw new InvalidArgumentError(`${where}: sample ${i} must be { label: string, embedding }`);
  });
  const pairs: LabelledPair[] = [];
  for (let i = 0; i < samples.length; i++) {
    for (let j = i + 1; j < samples.length; j++) {
      pairs.push({ distance: faceDistance(samples[i]!.embedding, samples[j]!.embedding, metric), same: samples[i]!.label === samples[j]!.label });
    }
  }
  return pairs;
}

/** calibrateThreshold over every pair of a labelled set (metric default 'euclidean'). */
export function calibrateFromSet(samples: readonly LabelledSample[], options: CalibrateOptions & { metric?: GalleryMetric } = {}): Calibration {
  checkOptions('calibrateFromSet', options, ['balanced', 'metric']);
  return calibrateThreshold(labelledPairs(samples, options.metric ?? 'euclidean'), { balanced: options.balanced });
}
