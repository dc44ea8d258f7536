import { grid, type GpuStorage, type WebGpuBackend } from '../../runtime/backends/webgpu.js';
import type { Conv2dNorm } from './spec.js';

// Split-K for small output maps: several workgroups share one output tile's K range, each writing raw partial
// sums; conv2d_reduce.wgsl adds them and applies the epilogue (no atomics, so results are deterministic).

const WG = 64;
/**
 * When the output alone gives fewer than TARGET_WORKGROUPS workgroups (small maps), K is cut into up to the output alone gives fewer than TARGET_WORKGROUPS workgroups (small maps), K is cut into up to
 * MAX_SPLIT slices of at least MIN_SLICE_STEPS 4-channel steps, summed by a second pass (conv2d_reduce).
 */
const TARGET_WORKGROUPS = 64;
const MAX_SPLIT = 16;
const MIN_SLICE_STEPS = 32;

/** K slices for a dispatch of `workgroups` workgroups over `steps` channel steps (1: no split). */
export function splitFor(workgroups: number, steps: number): number {
  let s = 1;
  while (s < MAX_SPLIT && workgroups * s < TARGET_WORKGROUPS && steps / (2 * s) >= MIN_SLICE_STEPS) s *= 2;
  return s;
}

/** The extras (bias, bnScale, bnShift, preluAlpha per channel; the residual), undefined where absent. */
export type Extras = readonly [GpuStorage | undefined, GpuStorage | undefined, GpuStorage | undefined, GpuStorage | undefined, GpuStorage | undefined];

/** Second pass of a split-K conv: out = epilogue(sum of the `split` partial-sum slices in `part`). */
export function reduceSplits(be: WebGpuBackend, a: Conv2dNorm, part: GpuStorage, split: number, extras: Extras, out: GpuStorage): void {
  const m = a.n * a.oh * a.ow;
  const [gx, gy] = grid(Math.ceil((m * a.cout) / 4 / WG));
  const u = new ArrayBuffer(16);
  new Uint32Array(u, 0, 2).set([m, gx * WG]);
  new Float32Array(u, 8, 1)[0] = a.alpha;
  const [bias, scale, shift, prelu, res] = extras;
  be.dispatch({
    shader: 'conv2d_reduce',
    constants: { ACT: a.code, WG, COUT: a.cout, SPLIT: split, HAS_BIAS: a.hasBias, HAS_SCALE: a.hasScale, HAS_SHIFT: a.hasShift, PRELU: a.hasPrelu, RESIDUAL: !!res },
    bindings: [part, bias ?? part, scale ?? part, shift ?? part, prelu ?? part, out, res ?? part],
    uniforms: u,
    workgroups: [gx, gy],
  });
}

/**
 * Runs `dispatch` into the output, or with split > 1 into a temporary partial-sum buffer that a reduce pass
 * then folds into the output (the buffer goes back to the pool after the submit).
 */
export function withSplit(be: WebGpuBackend, a: Conv2dNorm, split: number, extras: Extras, out: GpuStorage, dispatch: (target: GpuStorage) => void): void {
  if (split === 1) {
    dispatch(out);
    return;
  }
  const part = be.alloc(split * a.n * a.oh * a.ow * a.cout);
  try {
    dispatch(part);
    reduceSplits(be, a, part, split, extras, out);
  } finally {
    be.release(part);
  }
}
