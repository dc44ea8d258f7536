// Greedy non-maximum suppression exactly as tfjs's nonMaxSuppression (V3/V5 impl): candidates score > scoreThreshold,
// highest score first (ties: lower index first), a candidate is dropped when its IoU with a selected box is >=
// iouThreshold; with softNmsSigma > 0, overlapping candidates are down-weighted by exp(-iou^2 / (2 sigma)) instead
// (Soft-NMS, Bodla et al. 2017) and re-queued. Plain TypeScript on host arrays: the op's f64 reference and the helper
// for small box counts on the host (MTCNN stages) are this one function.
import { checkKeys, int, num } from '../../runtime/attrs.js';
import { fail } from '../../runtime/errors.js';

export interface NmsOptions {
  /** Overlap at or above which a lower-scored box is suppressed, in [0, 1]. */
  iouThreshold: number;
  /** At most this many boxes are selected (integer >= 0). */
  maxBoxes: number;
  /** Only boxes with score > scoreThreshold are candidates (default -Infinity: all but NaN). */
  scoreThreshold?: number;
  /** Soft-NMS sigma (default 0: hard NMS). */
  softNmsSigma?: number;
}

export interface NmsParams {
  iouThreshold: number;
  maxBoxes: number;
  scoreThreshold: number;
  softNmsSigma: number;
}

/** Validates NMS options (shared by the op spec and the host helper); messages start with `where`. */
export function nmsParams(where: string, o: NmsOptions, extraKeys: readonly string[] = []): NmsParams {
  if (o === null || typeof o !== 'object') fail(where, 'options must be an object with iouThreshold and maxBoxes');
  checkKeys(where, o, ['iouThreshold', 'maxBoxes', 'scoreThreshold', 'softNmsSigma', ...extraKeys]);
  const iouThreshold = num(where, 'iouThreshold', o.iouThreshold);
  if (!(iouThreshold >= 0 && iouThreshold <= 1)) fail(where, `iouThreshold must be in [0, 1], got ${iouThreshold}`);
  const maxBoxes = int(where, 'maxBoxes', o.maxBoxes, undefined, 0);
  const scoreThreshold = num(where, 'scoreThreshold', o.scoreThreshold, -Infinity);
  if (scoreThreshold === Infinity) fail(where, 'scoreThreshold must be < Infinity (nothing could pass it)');
  const softNmsSigma = num(where, 'softNmsSigma', o.softNmsSigma, 0);
  if (!(softNmsSigma >= 0) || !Number.isFinite(softNmsSigma)) fail(where, `softNmsSigma must be a finite number >= 0, got ${softNmsSigma}`);
  return { iouThreshold, maxBoxes, scoreThreshold, softNmsSigma };
}

/**
 * IoU of boxes i and j of `boxes` (rows of `stride` values, corners x0, y0, x1, y1 in either order), as tfjs: 0
 * when either box is empty.
 */
export function boxIou(boxes: ArrayLike<number>, i: number, j: number, stride = 4): number {
  const a = i * stride;
  const b = j * stride;
  const ax0 = Math.min(boxes[a]!, boxes[a + 2]!);
  const ay0 = Math.min(boxes[a + 1]!, boxes[a + 3]!);
  const ax1 = Math.max(boxes[a]!, boxes[a + 2]!);
  const ay1 = Math.max(boxes[a + 1]!, boxes[a + 3]!);
  const bx0 = Math.min(boxes[b]!, boxes[b + 2]!);
  const by0 = Math.min(boxes[b + 1]!, boxes[b + 3]!);
  const bx1 = Math.max(boxes[b]!, boxes[b + 2]!);
  const by1 = Math.max(boxes[b + 1]!, boxes[b + 3]!);
  const areaA = (ax1 - ax0) * (ay1 - ay0);
  const areaB = (bx1 - bx0) * (by1 - by0);
  if (areaA <= 0 || areaB <= 0) return 0;
  const inter = Math.max(Math.min(ax1, bx1) - Math.max(ax0, bx0), 0) * Math.max(Math.min(ay1, by1) - Math.max(ay0, by0), 0);
  return inter / (areaA + areaB - inter);
}

interface Candidate {
  score: number;
  index: number;
  /** Selected boxes before this position have already been applied to `score` (soft NMS). */
  from: number;
}

/** Ascending by score, then descending by index: popping from the end yields the best score, lowest index. */
function ascending(a: Candidate, b: Candidate): number {
  return a.score - b.score || b.index - a.index;
}

function insertSorted(list: Candidate[], c: Candidate): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ascending(c, list[mid]!) > 0) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, c);
}

export interface NmsResult {
  /** Selected box indices, best first. */
  indices: number[];
  /** Their scores (soft NMS: the decayed scores). */
  scores: number[];
}

/**
 * Greedy NMS over `boxes` (n rows of `boxStride` values, x0, y0, x1, y1 first) and `scores` (n values), as tfjs.
 * For a handful of boxes already on the host; large sets belong on the device (op `nms`).
 */
export function nonMaxSuppression(
  boxes: ArrayLike<number>,
  scores: ArrayLike<number>,
  options: NmsOptions & { boxStride?: number },
): NmsResult {
  const where = 'nonMaxSuppression';
  const p = nmsParams(where, options, ['boxStride']);
  const stride = int(where, 'boxStride', options.boxStride, 4, 4);
  const n = scores.length;
  if (boxes.length < n * stride) fail(where, `${n} scores need ${n * stride} box values (stride ${stride}), got ${boxes.length}`);
  return nmsCore(boxes, scores, n, stride, p);
}

/** The algorithm itself on validated parameters (tfjs nonMaxSuppressionImpl_, in f64). */
export function nmsCore(boxes: ArrayLike<number>, scores: ArrayLike<number>, n: number, stride: number, p: NmsParams): NmsResult {
  const { iouThreshold, maxBoxes, scoreThreshold, softNmsSigma } = p;
  const candidates: Candidate[] = [];
  for (let i = 0; i < n; i++) if (scores[i]! > scoreThreshold) candidates.push({ score: scores[i]!, index: i, from: 0 });
  candidates.sort(ascending);
  const scale = softNmsSigma > 0 ? -0.5 / softNmsSigma : 0;
  const indices: number[] = [];
  const selScores: number[] = [];
  while (indices.length < maxBoxes && candidates.length > 0) {
    const c = candidates.pop()!;
    const original = c.score;
    let drop = false;
    // Newest selections first: overlapping boxes tend to have close scores.
    for (let j = indices.length - 1; j >= c.from; j--) {
      const iou = boxIou(boxes, c.index, indices[j]!, stride);
      if (iou >= iouThreshold) {
        drop = true;
        break;
      }
      c.score *= Math.exp(scale * iou * iou);
      if (c.score <= scoreThreshold) break;
    }
    c.from = indices.length;
    if (drop) continue;
    if (c.score === original) {
      indices.push(c.index);
      selScores.push(c.score);
    } else if (c.score > scoreThreshold) {
      insertSorted(candidates, c);
    }
  }
  return { indices, scores: selScores };
}
