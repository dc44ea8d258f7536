import { grid, type GpuStorage, type WebGpuBackend } from '../../runtime/backends/webgpu.js';
import type { KernelArgs } from '../../runtime/op.js';
import type { Conv2dNorm } from './spec.js';

const WG = 64;
/** Output pixels per invocation (every kernel). */
const PIX = 4;

/** Subgroup kernels assume every subgroup has at least 8 lanes (they broadcast from lanes 0..7). */
function hasSubgroups(be: WebGpuBackend): boolean {
  const info = (be.device as GPUDevice & { adapterInfo?: { subgroupMinSize?: number } }).adapterInfo;
  return be.device.features.has('subgroups') && (info?.subgroupMinSize ?? 0) >= 8;
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
 * single-group convs) or the scalar general fallback.
 */
export function conv2dWebGpu(be: WebGpuBackend, { inputs, outputs, attrs: a }: KernelArgs<GpuStorage, Conv2dNorm>): void {
  const [x, f, bias, scale, shift, prelu] = inputs;
  const m = a.n * a.oh * a.ow;
  const dummy = f!; // bound in place of absent extras, never read
  const bindings = [x!, f!, bias ?? dummy, scale ?? dummy, shift ?? dummy, prelu ?? dummy, outputs[0]!];
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

  if (a.depthwise && a.coutG === 1 && a.cout % 4 === 0) {
    const row3 = a.kw === 3 && a.sw === 1 && a.dw === 1;
    const blocks = row3 ? a.n * a.oh * Math.ceil(a.ow / PIX) : pixelBlocks;
    const [gx, gy] = grid(Math.ceil((blocks * (a.cout / 4)) / WG));
    be.dispatch({
      shader: 'conv2d_depthwise',
      entryPoint: row3 ? 'row3' : 'main',
      constants: { ...common, C: a.cout },
      bindings,
      uniforms: params(a, gx * WG),
      workgroups: [gx, gy],
    });
    return;
  }

  // Pixel blocks along x (split into z past the 65535 limit), output channel blocks of 4 along y.
  const [gx, gz] = grid(Math.ceil(pixelBlocks / WG));
  const workgroups = [gx, Math.ceil(a.cout / 4), gz] as const;
  const channels = { CIN: a.cinG, CIN_ALL: a.cin, COUT: a.cout, COUT_G: a.coutG };
  if (a.cinG % 4 === 0 && a.coutG % 4 === 0) {
    const pointwise = a.kh === 1 && a.kw === 1 && a.sh === 1 && a.sw === 1 && a.groups === 1 && a.padT + a.padB + a.padL + a.padR === 0;
    const entryPoint = pointwise ? 'gemm' : 'main';
    if (hasSubgroups(be)) {
      // Channel blocks per invocation: the most (of 4, 2, 1 vec4) that divide a group's output channels.
      const cb = [4, 2, 1].find((c) => (a.coutG / 4) % c === 0)!;
      be.dispatch({
        shader: 'conv2d_vec4_sg',
        entryPoint,
        constants: { ...common, ...channels, CB: cb },
        bindings,
        uniforms: params(a, gx * WG),
        workgroups: [gx, a.cout / 4 / cb, gz],
      });
      return;
    }
    be.dispatch({ shader: 'conv2d_vec4', entryPoint, constants: { ...common, ...channels }, bindings, uniforms: params(a, gx * WG), workgroups });
    return;
  }
  // Scalar loads for other channel counts: channel blocks per invocation must stay inside one group.
  const sgBlocks = a.groups === 1 ? (a.cout <= 4 ? 1 : a.cout <= 8 ? 2 : 4) : [4, 2, 1].find((c) => a.coutG % (4 * c) === 0);
  if (sgBlocks && hasSubgroups(be)) {
    be.dispatch({
      shader: 'conv2d_sg',
      constants: { ...common, ...channels, CB: sgBlocks },
      bindings,
      uniforms: params(a, gx * WG),
      workgroups: [gx, Math.ceil(a.cout / (4 * sgBlocks)), gz],
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
