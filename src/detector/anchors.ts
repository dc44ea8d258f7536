// Anchor shapes by k-means over the training boxes with the YOLOv2 distance 1 - IoU (boxes compared by shape
// only, as if sharing a centre), so big and small boxes weigh alike. Seeded k-means++ start, so one seed gives
// one answer.
import { InvalidArgumentError } from '../runtime/errors.js';
import { Rng } from '../nn/rng.js';

export interface BoxShape {
  width: number;
  height: number;
}

/** IoU of two boxes of these shapes with the same centre. */
export function shapeIou(a: BoxShape, b: BoxShape): number {
  const inter = Math.min(a.width, b.width) * Math.min(a.height, b.height);
  return inter / (a.width * a.height + b.width * b.height - inter);
}

/**
 * k anchor shapes [width, height] (in the boxes' units), sorted by area: the centroids of k-means with distance
 * 1 - IoU. Centroids are the mean shape of their cluster; an emptied cluster restarts at the box farthest from its
 * centroid. Stops when no assignment changes (at most 200 rounds).
 */
export function kmeansAnchors(boxes: readonly BoxShape[], k = 3, seed = 0): [number, number][] {
  const where = 'kmeansAnchors';
  if (!Array.isArray(boxes)) throw new InvalidArgumentError(`${where}: boxes must be an array of { width, height }`);
  if (!Number.isInteger(k) || k < 1) throw new InvalidArgumentError(`${where}: k must be an integer >= 1, got ${String(k)}`);
  if (!Number.isFinite(seed)) throw new InvalidArgumentError(`${where}: seed must be a finite number, got ${String(seed)}`);
  boxes.forEach((b, i) => {
    if (!b || !(b.width > 0) || !(b.height > 0) || !Number.isFinite(b.width) || !Number.isFinite(b.height)) {
      throw new InvalidArgumentError(`${where}: box ${i} must have finite width and height > 0, got ${JSON.stringify(b)}`);
    }
  });
  if (boxes.length < k) throw new InvalidArgumentError(`${where}: ${boxes.length} boxes cannot make ${k} clusters`);
  const rng = new Rng(seed);
  const dist = (a: BoxShape, b: BoxShape): number => 1 - shapeIou(a, b);
  // k-means++: each next centre drawn with probability proportional to its squared distance to the nearest one.
  const centres: BoxShape[] = [{ ...boxes[Math.floor(rng.next() * boxes.length)]! }];
  while (centres.length < k) {
    const d2 = boxes.map((b) => Math.min(...centres.map((c) => dist(b, c))) ** 2);
    const total = d2.reduce((a, b) => a + b, 0);
    let pick = boxes.length - 1;
    if (total > 0) {
      let r = rng.next() * total;
      for (let i = 0; i < boxes.length; i++) {
        r -= d2[i]!;
        if (r < 0) {
          pick = i;
          break;
        }
      }
    } else {
      pick = Math.floor(rng.next() * boxes.length);
    }
    centres.push({ ...boxes[pick]! });
  }
  const assign = new Int32Array(boxes.length).fill(-1);
  for (let round = 0; round < 200; round++) {
    let changed = false;
    boxes.forEach((b, i) => {
      let best = 0;
      for (let c = 1; c < k; c++) if (dist(b, centres[c]!) < dist(b, centres[best]!)) best = c;
      if (assign[i] !== best) {
        assign[i] = best;
        changed = true;
      }
    });
    if (!changed && round > 0) break;
    for (let c = 0; c < k; c++) {
      let w = 0;
      let h = 0;
      let n = 0;
      boxes.forEach((b, i) => {
        if (assign[i] === c) {
          w += b.width;
          h += b.height;
          n++;
        }
      });
      if (n > 0) {
        centres[c] = { width: w / n, height: h / n };
      } else {
        // Empty cluster: restart it at the worst-fitted box.
        let far = 0;
        let farD = -1;
        boxes.forEach((b, i) => {
          const d = dist(b, centres[assign[i]!]!);
          if (d > farD) {
            farD = d;
            far = i;
          }
        });
        centres[c] = { ...boxes[far]! };
        assign[far] = c;
      }
    }
  }
  return centres.map((c) => [c.width, c.height] as [number, number]).sort((a, b) => a[0] * a[1] - b[0] * b[1]);
}

/** Mean over boxes of the best IoU with any anchor: how well the anchors fit (YOLOv2's "avg IOU"). */
export function meanAnchorIou(boxes: readonly BoxShape[], anchors: readonly [number, number][]): number {
  if (boxes.length === 0) return 0;
  let s = 0;
  for (const b of boxes) s += Math.max(...anchors.map(([width, height]) => shapeIou(b, { width, height })));
  return s / boxes.length;
}
