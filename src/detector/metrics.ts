// Detection and recognition metrics: IoU, AP at an IoU threshold (PASCAL VOC all-point interpolation), per-face
// classification of the detections matched to ground truth, and verification / identification from embeddings.
import type { NormBox } from './labels.js';

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export function iou(a: Rect, b: Rect): number {
  const iw = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
  const ih = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
  const inter = iw * ih;
  const u = a.w * a.h + b.w * b.h - inter;
  return u > 0 ? inter / u : 0;
}

/** One detection of an image: normalised box, objectness score, predicted class (-1: none) and its probability. */
export interface Detection extends Rect {
  score: number;
  cls: number;
  clsProb: number;
}

export interface DetectionEval {
  /** AP at the IoU threshold (class-agnostic: face vs no face). */
  ap: number;
  /** Ground-truth faces. */
  faces: number;
  /** Faces matched by a detection (IoU >= threshold, greedy by score), and of those the correctly classified. */
  found: number;
  classified: number;
  /** classified / faces: a face missed counts as wrong. */
  accuracy: number;
}

/**
 * AP (class-agnostic) and per-face classification over a set of images. Detections are matched greedily in
 * descending score order to the unmatched ground-truth face of highest IoU >= iouThreshold (VOC protocol).
 * `inRange` (e.g. small faces only) restricts the evaluation COCO-style: faces outside it are "ignore" regions (a
 * detection matching one counts neither way) and an unmatched detection counts as a false positive only when its
 * own box is in range.
 */
export function evaluateDetections(
  dets: readonly (readonly Detection[])[],
  truth: readonly (readonly NormBox[])[],
  iouThreshold = 0.5,
  inRange: (b: Rect) => boolean = () => true,
): DetectionEval {
  const all: { img: number; d: Detection }[] = [];
  dets.forEach((ds, img) => ds.forEach((d) => all.push({ img, d })));
  all.sort((a, b) => b.d.score - a.d.score);
  const used = truth.map((t) => new Array<boolean>(t.length).fill(false));
  const faces = truth.reduce((s, t) => s + t.filter(inRange).length, 0);
  const tp: number[] = [];
  let classified = 0;
  let found = 0;
  for (const { img, d } of all) {
    let best = -1;
    let bestIou = iouThreshold;
    truth[img]!.forEach((g, j) => {
      if (used[img]![j]) return;
      const v = iou(d, g);
      if (v >= bestIou) {
        bestIou = v;
        best = j;
      }
    });
    if (best >= 0) {
      used[img]![best] = true;
      const g = truth[img]![best]!;
      if (!inRange(g)) continue;
      found++;
      if (d.cls === g.cls) classified++;
      tp.push(1);
    } else if (inRange(d)) {
      tp.push(0);
    }
  }
  return { ap: averagePrecision(tp, faces), faces, found, classified, accuracy: faces ? classified / faces : 0 };
}

/** VOC all-point AP from true-positive flags in descending score order and the number of positives. */
export function averagePrecision(tpInOrder: readonly number[], positives: number): number {
  if (positives === 0) return 0;
  const prec: number[] = [];
  const rec: number[] = [];
  let tp = 0;
  tpInOrder.forEach((t, i) => {
    tp += t;
    prec.push(tp / (i + 1));
    rec.push(tp / positives);
  });
  // Precision envelope (monotone from the right), then the area under the step curve.
  for (let i = prec.length - 2; i >= 0; i--) prec[i] = Math.max(prec[i]!, prec[i + 1]!);
  let ap = 0;
  let prevR = 0;
  for (let i = 0; i < prec.length; i++) {
    ap += (rec[i]! - prevR) * prec[i]!;
    prevR = rec[i]!;
  }
  return ap;
}

const dist = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(s);
};

/** L2-normalised copy (embeddings are compared by direction). */
export function l2n(v: ArrayLike<number>): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  const k = s > 0 ? 1 / Math.sqrt(s) : 0;
  return Float32Array.from(v, (x) => x * k);
}

export interface VerificationResult {
  pairs: number;
  /** Accuracy at the threshold chosen on `fit` pairs (or on the pairs themselves when none). */
  accuracy: number;
  threshold: number;
}

/**
 * Verification: every pair of `items` (same / different identity) classified by distance < threshold. The
 * threshold maximises accuracy on `fit` (a disjoint set, e.g. training embeddings) when given, else on the pairs
 * themselves (an optimistic number, said so by the caller).
 */
export function verification(items: readonly { id: string; e: ArrayLike<number> }[], fit?: readonly { id: string; e: ArrayLike<number> }[]): VerificationResult {
  const pairs = (set: readonly { id: string; e: ArrayLike<number> }[]): { d: number; same: boolean }[] => {
    const out: { d: number; same: boolean }[] = [];
    for (let i = 0; i < set.length; i++) for (let j = i + 1; j < set.length; j++) out.push({ d: dist(set[i]!.e, set[j]!.e), same: set[i]!.id === set[j]!.id });
    return out;
  };
  const test = pairs(items);
  const threshold = bestThreshold(fit ? pairs(fit) : test);
  return { pairs: test.length, accuracy: balancedAccuracy(test, threshold), threshold };
}

/** Mean of the same-pair and different-pair accuracies (different pairs far outnumber same pairs). */
function balancedAccuracy(ps: readonly { d: number; same: boolean }[], t: number): number {
  let s = 0;
  let sn = 0;
  let o = 0;
  let on = 0;
  for (const p of ps) {
    if (p.same) {
      sn++;
      if (p.d < t) s++;
    } else {
      on++;
      if (p.d >= t) o++;
    }
  }
  return ((sn ? s / sn : 1) + (on ? o / on : 1)) / 2;
}

function bestThreshold(ps: readonly { d: number; same: boolean }[]): number {
  const ds = [...new Set(ps.map((p) => p.d))].sort((a, b) => a - b);
  let best = 0;
  let bestAcc = -1;
  for (let i = 0; i < ds.length; i++) {
    const t = i + 1 < ds.length ? (ds[i]! + ds[i + 1]!) / 2 : ds[i]! + 1e-6;
    const acc = balancedAccuracy(ps, t);
    if (acc > bestAcc) {
      bestAcc = acc;
      best = t;
    }
  }
  return best;
}

/** Closed-set identification: each probe gets the identity of the nearest enrolled mean embedding. Top-1 rate. */
export function identification(enrolled: readonly { id: string; e: ArrayLike<number> }[], probes: readonly { id: string; e: ArrayLike<number> }[]): number {
  const means = new Map<string, { sum: Float64Array; n: number }>();
  for (const { id, e } of enrolled) {
    let m = means.get(id);
    if (!m) means.set(id, (m = { sum: new Float64Array(e.length), n: 0 }));
    for (let i = 0; i < e.length; i++) m.sum[i]! += e[i]!;
    m.n++;
  }
  const centres = [...means].map(([id, m]) => ({ id, c: Float32Array.from(m.sum, (v) => v / m.n) }));
  let ok = 0;
  for (const p of probes) {
    let best = '';
    let bd = Infinity;
    for (const c of centres) {
      const d = dist(p.e, c.c);
      if (d < bd) {
        bd = d;
        best = c.id;
      }
    }
    if (best === p.id) ok++;
  }
  return probes.length ? ok / probes.length : 0;
}
