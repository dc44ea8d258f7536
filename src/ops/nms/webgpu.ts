import { grid, type GpuStorage, type WebGpuBackend } from '../../runtime/backends/webgpu.js';
import type { KernelArgs } from '../../runtime/op.js';
import type { NmsNorm } from './spec.js';

const WG = 64;
/** Up to this many boxes (and for Soft-NMS) one invocation does it all: a step is one pass over n. */
export const NMS_SEQUENTIAL_MAX = 1024;
/** The bitmask takes n * n / 32 words (32 MiB at this n); beyond it the sequential kernel runs. */
export const NMS_MASK_MAX = 16384;

/**
 * Small n or Soft-NMS: nms_sequential (one invocation). Large n: compact (the candidates, one workgroup), rank
 * (parallel counting sort of the m candidates), mask (parallel IoU bitmask over the sorted candidates), sweep (one
 * invocation ORs the rows of the boxes it selects). With a score threshold m is often far below n.
 */
export function nmsWebGpu(be: WebGpuBackend, { inputs, outputs, attrs }: KernelArgs<GpuStorage, NmsNorm>): void {
  const { n, k, maxBoxes, outCols } = attrs;
  const boxes = inputs[0]!;
  // Without a scores input the score is a box column: bind the boxes again in the (read-only) scores slot.
  const scores = inputs[1] ?? boxes;
  const out = outputs[0]!;
  const SCORE_COL = attrs.scoreCol;
  const soft = attrs.softNmsSigma > 0;
  if (soft || n <= NMS_SEQUENTIAL_MAX || n > NMS_MASK_MAX) {
    const cur = be.alloc(Math.max(n, 1));
    const u = new ArrayBuffer(32);
    new Uint32Array(u, 0, 4).set([n, k, maxBoxes, outCols]);
    new Float32Array(u, 16, 4).set([attrs.iouThreshold, attrs.scoreThreshold, soft ? -0.5 / attrs.softNmsSigma : 0, -Infinity]);
    be.dispatch({
      shader: 'nms_sequential',
      constants: { SCORE_COL, SOFT: soft },
      bindings: [boxes, scores, cur, out],
      uniforms: u,
      workgroups: [1],
    });
    be.release(cur);
    return;
  }
  const words = Math.ceil(n / 32);
  const cand = be.alloc(n);
  const candScore = be.alloc(n);
  const header = be.alloc(4);
  const order = be.alloc(n);
  const sorted = be.alloc(4 * n);
  const sortedArea = be.alloc(n);
  const mask = be.alloc(n * words);
  const removed = be.alloc(words);

  const cu = new ArrayBuffer(16);
  new Uint32Array(cu, 0, 3).set([n, k, Math.ceil(n / WG)]);
  new Float32Array(cu, 12, 1)[0] = attrs.scoreThreshold;
  be.dispatch({ shader: 'nms_compact', constants: { WG, SCORE_COL }, bindings: [boxes, scores, cand, candScore, header], uniforms: cu, workgroups: [1] });

  // The host does not know m (the candidate count): invocations past it return at once.
  const rankGroups = grid(Math.ceil(n / WG));
  be.dispatch({
    shader: 'nms_rank',
    constants: { WG },
    bindings: [boxes, cand, candScore, header, order, sorted, sortedArea],
    uniforms: new Uint32Array([n, k, rankGroups[0] * WG, 0]),
    workgroups: rankGroups,
  });

  const maskGroups = grid(Math.ceil((n * words) / WG));
  const mu = new ArrayBuffer(16);
  new Uint32Array(mu, 0, 3).set([n, words, maskGroups[0] * WG]);
  new Float32Array(mu, 12, 1)[0] = attrs.iouThreshold;
  be.dispatch({ shader: 'nms_mask', constants: { WG }, bindings: [sorted, sortedArea, header, mask], uniforms: mu, workgroups: maskGroups });

  be.dispatch({
    shader: 'nms_sweep',
    constants: { SCORE_COL },
    bindings: [boxes, scores, order, header, mask, removed, out],
    uniforms: new Uint32Array([n, k, words, maxBoxes, outCols, 0, 0, 0]),
    workgroups: [1],
  });
  // Back to the pool after the submit (release is safe while the dispatches are queued).
  for (const s of [cand, candScore, header, order, sorted, sortedArea, mask, removed]) be.release(s);
}
