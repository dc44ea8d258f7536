import { grid, type GpuStorage, type WebGpuBackend } from '../../runtime/backends/webgpu.js';
import type { KernelArgs } from '../../runtime/op.js';
import { poolWebGpu } from '../pool/webgpu.js';
import { activationOp } from '../activation/index.js';
import { binaryOp } from '../binary/index.js';
import { prepareActivation } from '../activation/spec.js';
import type { Conv2dNorm } from './spec.js';
import { reduceSplits, splitFor, withSplit, type Extras } from './split-k.js';

const WG = 64;
/** Output pixels per invocation (every kernel). */
const PIX = 4;

type AdapterInfo = { subgroupMinSize?: number; subgroupMaxSize?: number };
const info = (be: WebGpuBackend) => (be.device as GPUDevice & { adapterInfo?: AdapterInfo }).adapterInfo;

/** Subgroup kernels assume every subgroup has at least 8 lanes (they broadcast from lanes 0..7). */
function hasSubgroups(be: WebGpuBackend): boolean {
  return be.device.features.has('subgroups') && (info(be)?.subgroupMinSize ?? 0) >= 8;
}

/**
 * Workgroup size of the subgroup kernels for `pixelBlocks` blocks of pixels: 64, or on small maps just enough
 * whole subgroups to cover them (one 8-lane subgroup for a 4x4 map on lavapipe, not 64 lanes of which 60 idle).
 */
function subgroupWorkgroup(be: WebGpuBackend, pixelBlocks: number): number {
  const sg = info(be)?.subgroupMaxSize ?? WG;
  return Math.min(WG, Math.ceil(pixelBlocks / sg) * sg);
}

/** Sizes that vary per call without a new pipeline (spatial dims, pads), matching `Params` in the shaders. */
function params(a: Conv2dNorm, rowStride: number): ArrayBuffer {
  const u = new ArrayBuffer(48);
  new Int32Array(u, 0, 8).set([a.h, a.w, a.oh, a.ow, a.padT, a.padL, a.n * a.oh * a.ow, rowStride]);
  new Float32Array(u, 32, 1)[0] = a.alpha;
  return u;
}

/**
 * Picks the kernel: dedicated depthwise (multiplier 1, channels % 4), the vec4 implicit GEMM (channels per group
 * % 4; subgroup-shared filter loads where the device has subgroups; its `gemm` entry for 1x1 stride-1 unpadded
 * single-group convs; split-K on small maps), conv2d_splitk for tiny maps without subgroups, or the scalar
 * general fallback.
 */
export function conv2dWebGpu(be: WebGpuBackend, args: KernelArgs<GpuStorage, Conv2dNorm>): void {
  const { inputs, outputs, attrs: a } = args;
  if (a.inputRelu && !vec4Depthwise(a)) {
    // inputRelu outside conv2d_depthwise: relu x into a temporary, then the plain conv on it.
    const xShape = [a.n, a.h, a.w, a.cin];
    const relu = prepareActivation([xShape], { activation: 'relu' });
    const rx = be.alloc(a.n * a.h * a.w * a.cin);
    try {
      activationOp.kernels.webgpu!(be, { inputs: [inputs[0]], inShapes: [xShape], outputs: [rx], outShapes: relu.outShapes, attrs: relu.attrs });
      conv2dWebGpu(be, { ...args, inputs: [rx, ...inputs.slice(1)], attrs: { ...a, inputRelu: false } });
    } finally {
      be.release(rx);
    }
    return;
  }
  if (a.hasResidual && !sgPath(be, a)) {
    // Only conv2d_vec4_sg adds a residual itself: elsewhere the conv (no activation) into a temporary, then
    // conv2d_reduce (SPLIT 1) adds the residual and applies the activation.
    const tmp = be.alloc(a.n * a.oh * a.ow * a.cout);
    try {
      convInto(be, inputs.slice(0, 5), tmp, { ...a, activation: 'none', code: 0, hasPrelu: false, hasResidual: false });
      if (a.cout % 4 === 0) {
        const post = { ...a, hasBias: false, hasScale: false, hasShift: false };
        reduceSplits(be, post, tmp, 1, [undefined, undefined, undefined, inputs[5], inputs[6]], outputs[0]!);
      } else {
        addActivate(be, a, tmp, inputs[6]!, inputs[5], outputs[0]!);
      }
    } finally {
      be.release(tmp);
    }
    return;
  }
  if (!a.pool) {
    convInto(be, inputs, outputs[0]!, a);
    return;
  }
  // Fused max pool: the conv into a pooled temporary, then the pool kernel (two dispatches, one op for the caller).
  const tmp = be.alloc(a.n * a.oh * a.ow * a.cout);
  try {
    convInto(be, inputs, tmp, a);
    poolWebGpu(be, { ...args, inputs: [tmp], inShapes: [[a.n, a.oh, a.ow, a.cout]], attrs: a.pool });
  } finally {
    be.release(tmp);
  }
}

/** out = act(y + residual) with the binary and activation kernels (channel counts conv2d_reduce cannot take). */
function addActivate(be: WebGpuBackend, a: Conv2dNorm, y: GpuStorage, res: GpuStorage, prelu: GpuStorage | undefined, out: GpuStorage): void {
  const shape = [a.n, a.oh, a.ow, a.cout];
  const sum = binaryOp.prepare([shape, shape], { kind: 'add' });
  if (a.code === 0) {
    binaryOp.kernels.webgpu!(be, { inputs: [y, res], inShapes: [shape, shape], outputs: [out], outShapes: sum.outShapes, attrs: sum.attrs });
    return;
  }
  const act = prepareActivation([shape, prelu ? [a.cout] : undefined], { activation: a.activation, alpha: a.alpha });
  const tmp = be.alloc(a.n * a.oh * a.ow * a.cout);
  try {
    binaryOp.kernels.webgpu!(be, { inputs: [y, res], inShapes: [shape, shape], outputs: [tmp], outShapes: sum.outShapes, attrs: sum.attrs });
    activationOp.kernels.webgpu!(be, { inputs: [tmp, prelu], inShapes: [shape, prelu ? [a.cout] : undefined], outputs: [out], outShapes: act.outShapes, attrs: act.attrs });
  } finally {
    be.release(tmp);
  }
}

/** Whether convInto runs conv2d_vec4_sg (the one conv kernel with a residual input). */
const sgPath = (be: WebGpuBackend, a: Conv2dNorm) => !vec4Depthwise(a) && a.cinG % 4 === 0 && a.coutG % 4 === 0 && hasSubgroups(be);

/** The dedicated depthwise kernel's case: multiplier 1, channels % 4 (it also handles inputRelu). */
const vec4Depthwise = (a: Conv2dNorm) => a.depthwise && a.coutG === 1 && a.cout % 4 === 0;

function convInto(be: WebGpuBackend, inputs: KernelArgs<GpuStorage, Conv2dNorm>['inputs'], out: GpuStorage, a: Conv2dNorm): void {
  const [x, f, bias, scale, shift, prelu, res] = inputs;
  const m = a.n * a.oh * a.ow;
  const dummy = f!; // bound in place of absent extras, never read
  const extras: Extras = [bias, scale, shift, prelu, res];
  const bind = (target: GpuStorage) => [x!, f!, bias ?? dummy, scale ?? dummy, shift ?? dummy, prelu ?? dummy, target];
  const bindings = bind(out);
  const common = {
    ACT: a.code,
    WG,
    KH: a.kh,
    KW: a.kw,
    SH: a.sh,
    SW: a.sw,
    DH: a.dh,
    DW: a.dw,
    HAS_BIAS: a.hasBias,
    HAS_SCALE: a.hasScale,
    HAS_SHIFT: a.hasShift,
    PRELU: a.hasPrelu,
  };
  const pixelBlocks = Math.ceil(m / PIX);

  if (vec4Depthwise(a)) {
    // Row kernels for 3-wide windows: 8 pixels per invocation at x stride 1 (4 rows of them, row8x4, for a full
    // 3x3 stride-1 window), 4 at stride 2 (4 rows of them, row4x4s2, for a full 3x3 stride-2 window); `main`
    // otherwise.
    const full3x3 = a.kh === 3 && a.kw === 3 && a.dh === 1 && a.dw === 1;
    const band = full3x3 && a.sh === a.sw && (a.sh === 1 || a.sh === 2);
    const row = band
      ? a.sh === 1 ? (['row8x4', 8] as const) : (['row4x4s2', 4] as const)
      : a.kw === 3 && a.dw === 1 ? ({ 1: ['row8', 8], 2: ['row4s2', 4] } as const)[a.sw as 1 | 2] : undefined;
    const rows = band ? a.n * Math.ceil(a.oh / 4) : a.n * a.oh;
    const blocks = row ? rows * Math.ceil(a.ow / row[1]) : pixelBlocks;
    const [gx, gy] = grid(Math.ceil((blocks * (a.cout / 4)) / WG));
    be.dispatch({
      shader: 'conv2d_depthwise',
      entryPoint: row ? row[0] : 'main',
      constants: { ...common, C: a.cout, IN_RELU: a.inputRelu },
      bindings,
      uniforms: params(a, gx * WG),
      workgroups: [gx, gy],
    });
    return;
  }

  if (a.depthwise && a.cin === 3 && a.cout === 3 && a.kh === 1 && a.kw === 1 && a.sh === 1 && a.sw === 1 && a.padT + a.padL === 0 && a.oh === a.h && a.ow === a.w) {
    // Per-channel affine map of an RGB image (conv2d.wgsl `rgb`): one pixel per invocation.
    const [rx, rz] = grid(Math.ceil(m / WG));
    be.dispatch({ shader: 'conv2d', entryPoint: 'rgb', constants: common, bindings, uniforms: params(a, rx * WG), workgroups: [rx, 1, rz] });
    return;
  }

  if (a.groups === 1 && a.cin === 3 && a.kh === 3 && a.kw === 3 && a.dh === 1 && a.dw === 1 && a.cout % 4 === 0 && a.cout <= 32) {
    // 3x3 image stem (conv2d.wgsl `stem`): 4 pixels x all channels per invocation, constant filter addresses.
    const [sx, sz] = grid(Math.ceil(pixelBlocks / WG));
    be.dispatch({ shader: 'conv2d', entryPoint: 'stem', constants: { ...common, CIN_ALL: 3, COUT: a.cout }, bindings, uniforms: params(a, sx * WG), workgroups: [sx, 1, sz] });
    return;
  }

  // Pixel blocks along x (split into z past the 65535 limit), output channel blocks of 4 along y.
  const [gx, gz] = grid(Math.ceil(pixelBlocks / WG));
  const workgroups = [gx, Math.ceil(a.cout / 4), gz] as const;
  const channels = { CIN: a.cinG, CIN_ALL: a.cin, COUT: a.cout, COUT_G: a.coutG };
  const taps = a.kh * a.kw;
  if (a.cinG % 4 === 0 && a.coutG % 4 === 0) {
    const pointwise = taps === 1 && a.sh === 1 && a.sw === 1 && a.groups === 1 && a.padT + a.padB + a.padL + a.padR === 0;
    const entryPoint = pointwise ? 'gemm' : 'main';
    const steps = (pointwise ? 1 : taps) * (a.cinG / 4);
    if (hasSubgroups(be)) {
      // Channel blocks per invocation: the most (of 4, 2, 1 vec4) that divide a group's output channels.
      const cb = [4, 2, 1].find((c) => (a.coutG / 4) % c === 0)!;
      const wg = subgroupWorkgroup(be, pixelBlocks);
      const [sx, sz] = grid(Math.ceil(pixelBlocks / wg));
      // Split K only on maps that fit one 64-lane row of pixel blocks; larger ones have workgroups enough. Not
      // for 1x1 convs: their K is short, and FaceLandmark68Net's 7x7 256->256 ran ~10% faster unsplit on
      // lavapipe (the reduce pass is a dispatch of its own).
      const split = !pointwise && pixelBlocks <= WG ? splitFor(sx * (a.cout / 4 / cb), steps) : 1;
      withSplit(be, a, split, extras, out, (target) =>
        be.dispatch({
          shader: 'conv2d_vec4_sg',
          entryPoint,
          constants: { ...common, ...channels, WG: wg, CB: cb, SPLIT: split, RESIDUAL: a.hasResidual && split === 1 },
          bindings: [...bind(target), res ?? dummy],
          uniforms: params(a, sx * wg),
          workgroups: [sx, a.cout / 4 / cb, split > 1 ? split : sz],
        }),
      );
      return;
    }
    // Tiny maps (up to 16 pixels): lanes over output channels, pixels shared (conv2d_splitk). From 25 pixels on,
    // conv2d_vec4 was as fast or faster on lavapipe. 8-16 lanes per workgroup ran about 2x faster than 32 or 64.
    if (a.groups === 1 && m <= 16) {
      const wg = a.cout <= 32 ? 8 : 16;
      const base = Math.ceil(m / PIX) * Math.ceil(a.cout / 4 / wg);
      const split = splitFor(base, taps * (a.cin / 4));
      withSplit(be, a, split, extras, out, (target) =>
        be.dispatch({
          shader: 'conv2d_splitk',
          constants: { ...common, WG: wg, CIN: a.cin, COUT: a.cout, SPLIT: split },
          bindings: bind(target),
          uniforms: params(a, 0),
          workgroups: [Math.ceil(m / PIX), Math.ceil(a.cout / 4 / wg), split],
        }),
      );
      return;
    }
    be.dispatch({ shader: 'conv2d_vec4', entryPoint, constants: { ...common, ...channels }, bindings, uniforms: params(a, gx * WG), workgroups });
    return;
  }
  // Scalar loads for other channel counts: channel blocks per invocation must stay inside one group.
  const sgBlocks = a.groups === 1 ? (a.cout <= 4 ? 1 : a.cout <= 8 ? 2 : 4) : [4, 2, 1].find((c) => a.coutG % (4 * c) === 0);
  if (sgBlocks && hasSubgroups(be)) {
    const wg = subgroupWorkgroup(be, pixelBlocks);
    const [sx, sz] = grid(Math.ceil(pixelBlocks / wg));
    be.dispatch({
      shader: 'conv2d_sg',
      constants: { ...common, ...channels, WG: wg, CB: sgBlocks },
      bindings,
      uniforms: params(a, sx * wg),
      workgroups: [sx, Math.ceil(a.cout / (4 * sgBlocks)), sz],
    });
    return;
  }
  be.dispatch({
    shader: 'conv2d',
    constants: { ...common, ...channels, LANE_GROUPS: a.groups > 1 && a.coutG % 4 !== 0 },
    bindings,
    uniforms: params(a, gx * WG),
    workgroups,
  });
}
