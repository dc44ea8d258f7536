import type { BadCase, InputSpec, OpCase } from '../types.js';

/** Deterministic generator (LCG) for structured box sets: the harness's random data would give uniform corners. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * n boxes around `clusters` centres (jittered, so neighbours overlap at all IoUs), sizes 0.02..0.22, some with
 * corners swapped; scores uniform, or quantised to 1/50 (many exact ties) with `ties`.
 */
function boxSet(n: number, seed: number, opts: { clusters?: number; ties?: boolean; cols?: number } = {}): { boxes: number[]; scores: number[] } {
  const rnd = lcg(seed);
  const clusters = opts.clusters ?? Math.max(1, Math.floor(n / 8));
  const centres = Array.from({ length: clusters }, () => [rnd(), rnd(), 0.02 + 0.2 * rnd()] as const);
  const cols = opts.cols ?? 4;
  const boxes: number[] = [];
  const scores: number[] = [];
  for (let i = 0; i < n; i++) {
    const [cx, cy, size] = centres[Math.floor(rnd() * clusters)]!;
    const w = size * (0.7 + 0.6 * rnd());
    const h = size * (0.7 + 0.6 * rnd());
    const x = cx + size * 0.4 * (rnd() - 0.5);
    const y = cy + size * 0.4 * (rnd() - 0.5);
    const box = rnd() < 0.1 ? [x + w / 2, y + h / 2, x - w / 2, y - h / 2] : [x - w / 2, y - h / 2, x + w / 2, y + h / 2];
    const s = opts.ties ? Math.floor(rnd() * 50) / 50 : rnd();
    scores.push(s);
    boxes.push(...box, ...(cols > 4 ? [s, ...Array.from({ length: cols - 5 }, () => rnd())] : []));
  }
  return { boxes, scores };
}

const B = (boxes: number[][]): InputSpec => ({ shape: [boxes.length, 4], data: boxes.flat() });
const S = (scores: number[]): InputSpec => ({ shape: [scores.length], data: scores });

function seeded(name: string, n: number, seed: number, attrs: object, opts: { clusters?: number; ties?: boolean } = {}): OpCase {
  const { boxes, scores } = boxSet(n, seed, opts);
  return { op: 'nms', name, inputs: [{ shape: [n, 4], data: boxes }, S(scores)], attrs };
}

const f = Math.fround;
const softA = f(0.8) * Math.exp((-0.5 / 0.5) * (1 / 3) ** 2);

export const nmsCases: OpCase[] = [
  {
    op: 'nms',
    name: 'hand-computed: overlapping box suppressed, disjoint kept, -1 padding',
    inputs: [B([[0, 0, 1, 1], [0, 0.1, 1, 1.1], [0, 2, 1, 3]]), S([0.9, 0.75, 0.6])],
    attrs: { iouThreshold: 0.5, maxBoxes: 4 },
    expected: [[0, 2, -1, -1]],
  },
  {
    op: 'nms',
    name: 'hand-computed: below the IoU threshold both stay, best first',
    inputs: [B([[0, 0, 1, 1], [0, 0.1, 1, 1.1], [0, 2, 1, 3]]), S([0.6, 0.75, 0.9])],
    attrs: { iouThreshold: 0.9, maxBoxes: 3 },
    expected: [[2, 1, 0]],
  },
  {
    op: 'nms',
    name: 'hand-computed ties: equal scores go by lower index',
    inputs: [B([[0, 0, 1, 1], [2, 0, 3, 1], [4, 0, 5, 1], [6, 0, 7, 1], [6, 0, 7, 1]]), S([0.5, 0.7, 0.7, 0.5, 0.5])],
    attrs: { iouThreshold: 0.5, maxBoxes: 5 },
    expected: [[1, 2, 0, 3, -1]],
  },
  {
    op: 'nms',
    name: 'hand-computed: identical boxes, all but the best suppressed',
    inputs: [B([[1, 1, 2, 2], [1, 1, 2, 2], [1, 1, 2, 2], [1, 1, 2, 2]]), S([0.3, 0.4, 0.4, 0.1])],
    attrs: { iouThreshold: 1, maxBoxes: 3 },
    expected: [[1, -1, -1]],
  },
  {
    op: 'nms',
    name: 'hand-computed: every score at or below scoreThreshold -> all -1',
    inputs: [B([[0, 0, 1, 1], [2, 0, 3, 1]]), S([0.5, 0.25])],
    attrs: { iouThreshold: 0.5, maxBoxes: 2, scoreThreshold: 0.5 },
    expected: [[-1, -1]],
  },
  {
    op: 'nms',
    name: 'hand-computed: scoreThreshold is strict and NaN scores never pass',
    inputs: [B([[0, 0, 1, 1], [2, 0, 3, 1], [4, 0, 5, 1], [6, 0, 7, 1]]), S([0.5, 0.51, NaN, 0.49])],
    attrs: { iouThreshold: 0.5, maxBoxes: 4, scoreThreshold: 0.5 },
    expected: [[1, -1, -1, -1]],
  },
  {
    op: 'nms',
    name: 'hand-computed: maxBoxes stops the selection',
    inputs: [B([[0, 0, 1, 1], [2, 0, 3, 1], [4, 0, 5, 1]]), S([0.1, 0.2, 0.3])],
    attrs: { iouThreshold: 0.5, maxBoxes: 2 },
    expected: [[2, 1]],
  },
  {
    op: 'nms',
    name: 'hand-computed: iouThreshold 0 suppresses even disjoint boxes (IoU 0 >= 0, as tfjs)',
    inputs: [B([[0, 0, 1, 1], [2, 0, 3, 1], [4, 0, 5, 1]]), S([0.1, 0.2, 0.3])],
    attrs: { iouThreshold: 0, maxBoxes: 3 },
    expected: [[2, -1, -1]],
  },
  {
    op: 'nms',
    name: 'hand-computed: swapped corners are ordered, empty boxes never overlap',
    inputs: [B([[1, 1, 0, 0], [0, 0, 1, 1], [0, 0, 0, 1], [0, 0, 0, 1]]), S([0.9, 0.8, 0.7, 0.6])],
    attrs: { iouThreshold: 0.5, maxBoxes: 4 },
    expected: [[0, 2, 3, -1]],
  },
  {
    op: 'nms',
    name: 'hand-computed: n = 0',
    inputs: [{ shape: [0, 4], data: [] }, { shape: [0], data: [] }],
    attrs: { iouThreshold: 0.5, maxBoxes: 3 },
    expected: [[-1, -1, -1]],
  },
  {
    op: 'nms',
    name: 'hand-computed rows output: index, score, box',
    inputs: [B([[0, 0, 1, 1], [0, 0.1, 1, 1.1], [0, 2, 1, 3]]), S([0.9, 0.75, 0.5])],
    attrs: { iouThreshold: 0.5, maxBoxes: 3, output: 'rows' },
    expected: [[0, f(0.9), 0, 0, 1, 1, 2, f(0.5), 0, 2, 1, 3, -1, 0, 0, 0, 0, 0]],
  },
  {
    op: 'nms',
    name: 'hand-computed rows of detectionHead layout [1, n, 5]: score from column 4',
    inputs: [{ shape: [1, 3, 5], data: [0, 0, 1, 1, 0.6, 0, 0.1, 1, 1.1, 0.7, 0, 2, 1, 3, 0.2] }],
    attrs: { iouThreshold: 0.5, maxBoxes: 2, scoreThreshold: 0.3, output: 'rows' },
    expected: [[1, f(0.7), 0, f(0.1), 1, f(1.1), f(0.7), -1, 0, 0, 0, 0, 0, 0]],
  },
  {
    op: 'nms',
    name: 'hand-computed Soft-NMS: overlapping score decays by exp(-iou^2 / (2 sigma))',
    // IoU([0,0,2,2], [1,0,3,2]) = 2 / 6; iouThreshold 1 keeps it, sigma 0.5 -> 0.8 * exp(-1/9)
    inputs: [B([[0, 0, 2, 2], [1, 0, 3, 2], [5, 5, 6, 6]]), S([0.9, 0.8, 0.7])],
    attrs: { iouThreshold: 1, maxBoxes: 3, softNmsSigma: 0.5, output: 'rows' },
    expected: [[0, f(0.9), 0, 0, 2, 2, 1, softA, 1, 0, 3, 2, 2, f(0.7), 5, 5, 6, 6]],
  },
  {
    op: 'nms',
    name: 'hand-computed Soft-NMS: decay reorders and drops below scoreThreshold',
    // box 1 decays to 0.8 * exp(-1/9) = 0.716 < 0.75 (box 2 goes first); scoreThreshold 0.72 then drops box 1
    inputs: [B([[0, 0, 2, 2], [1, 0, 3, 2], [5, 5, 6, 6]]), S([0.9, 0.8, 0.75])],
    attrs: { iouThreshold: 1, maxBoxes: 3, softNmsSigma: 0.5, scoreThreshold: 0.72 },
    expected: [[0, 2, -1]],
  },
  seeded('50 boxes, maxBoxes 20', 50, 8101, { iouThreshold: 0.5, maxBoxes: 20 }),
  seeded('300 boxes, scoreThreshold 0.3, 10 clusters', 300, 8102, { iouThreshold: 0.4, maxBoxes: 100, scoreThreshold: 0.3 }, { clusters: 10 }),
  seeded('1000 boxes, many exact score ties', 1000, 8103, { iouThreshold: 0.5, maxBoxes: 200 }, { ties: true }),
  seeded('1500 boxes (bitmask path), iouThreshold 0.3', 1500, 8104, { iouThreshold: 0.3, maxBoxes: 150 }),
  seeded('2000 boxes (bitmask path), exact ties, scoreThreshold', 2000, 8105, { iouThreshold: 0.5, maxBoxes: 300, scoreThreshold: 0.2 }, { ties: true }),
  seeded('5000 boxes (bitmask path)', 5000, 8106, { iouThreshold: 0.5, maxBoxes: 100 }),
  seeded('5000 boxes, maxBoxes 5000, all candidates walked', 5000, 8107, { iouThreshold: 0.7, maxBoxes: 5000 }),
  seeded('200 boxes Soft-NMS sigma 0.3', 200, 8108, { iouThreshold: 0.8, maxBoxes: 50, softNmsSigma: 0.3, scoreThreshold: 0.05 }),
  (() => {
    const { boxes } = boxSet(4000, 8109, { cols: 5 });
    return {
      op: 'nms',
      name: '4000 detectionHead rows [1, n, 5], rows output (bitmask path)',
      inputs: [{ shape: [1, 4000, 5], data: boxes }],
      attrs: { iouThreshold: 0.4, maxBoxes: 64, scoreThreshold: 0.5, output: 'rows' },
    } satisfies OpCase;
  })(),
  (() => {
    const { boxes } = boxSet(845, 8110, { cols: 7 });
    return {
      op: 'nms',
      name: '845 rows with 2 class columns (13x13x5 head), rows output',
      inputs: [{ shape: [845, 7], data: boxes }],
      attrs: { iouThreshold: 0.4, maxBoxes: 100, scoreThreshold: 0.5, output: 'rows' },
    } satisfies OpCase;
  })(),
];

const bad = (name: string, inputs: InputSpec[], attrs: unknown, message: RegExp): BadCase => ({
  op: 'nms',
  name,
  inputs,
  attrs,
  error: 'InvalidArgumentError',
  message,
});
const b4 = { shape: [3, 4] };
const s3 = { shape: [3] };
const ok = { iouThreshold: 0.5, maxBoxes: 2 };

export const nmsBadCases: BadCase[] = [
  bad('rank-1 boxes', [{ shape: [12] }, { shape: [3] }], ok, /nms: boxes must be \[n, 4\+\] or \[1, n, 4\+\], got \[12\]/),
  bad('batched boxes', [{ shape: [2, 3, 5] }], ok, /boxes must be \[n, 4\+\] or \[1, n, 4\+\], got \[2, 3, 5\]/),
  bad('3 values per box', [{ shape: [3, 3] }, s3], ok, /need at least 4 values per box/),
  bad('scores of the wrong size', [b4, { shape: [4] }], ok, /scores \[4\] must hold one value per box \(3\)/),
  bad('no scores and no score column', [b4], ok, /without a scores input, boxes \[3, 4\] need a score in column 4/),
  bad('iouThreshold above 1', [b4, s3], { iouThreshold: 1.5, maxBoxes: 2 }, /nms: iouThreshold must be in \[0, 1\], got 1.5/),
  bad('NaN iouThreshold', [b4, s3], { iouThreshold: NaN, maxBoxes: 2 }, /iouThreshold must be a number, got NaN/),
  bad('missing maxBoxes', [b4, s3], { iouThreshold: 0.5 }, /maxBoxes must be a number/),
  bad('negative maxBoxes', [b4, s3], { iouThreshold: 0.5, maxBoxes: -1 }, /maxBoxes must be >= 0, got -1/),
  bad('fractional maxBoxes', [b4, s3], { iouThreshold: 0.5, maxBoxes: 2.5 }, /maxBoxes must be an integer/),
  bad('NaN scoreThreshold', [b4, s3], { ...ok, scoreThreshold: NaN }, /scoreThreshold must be a number, got NaN/),
  bad('negative softNmsSigma', [b4, s3], { ...ok, softNmsSigma: -1 }, /softNmsSigma must be a finite number >= 0, got -1/),
  bad('unknown output', [b4, s3], { ...ok, output: 'boxes' }, /output must be one of indices, rows/),
  bad('unknown option', [b4, s3], { ...ok, topK: 3 }, /nms: unknown option 'topK'/),
];
