import { grid, type GpuStorage, type WebGpuBackend } from '../../runtime/backends/webgpu.js';
import type { KernelArgs } from '../../runtime/op.js';
import type { Epilogue } from '../activation/spec.js';
import { prepareConv2d } from '../conv2d/spec.js';
import { conv2dWebGpu } from '../conv2d/webgpu.js';
import { addWebGpu, colsumWebGpu, gemmWebGpu } from '../dense-grad/webgpu.js';
import { imagesPerChunk, pixelsPerChunk, stride1Padding, type ActivationGradNorm, type BiasGradNorm, type ConvGeom } from './spec.js';

const WG = 64;

function params(g: ConvGeom, total: number, rowStride: number, pixBase: number, pixels: number, alpha = 0): ArrayBuffer {
  const buf = new ArrayBuffer(80);
  const u = new Uint32Array(buf);
  u.set([g.h, g.w, g.cin, g.oh, g.ow, g.kh, g.kw, g.sh, g.sw, g.dh, g.dw, g.padT, g.padL, total, rowStride, pixBase, pixels]);
  new Float32Array(buf, 68, 1)[0] = alpha;
  u[18] = g.cout;
  return buf;
}

/** `size` floats of `s` from element `offset`: the storage itself when that is all of it, else a copy. */
function rangeOf(be: WebGpuBackend, s: GpuStorage, offset: number, size: number): GpuStorage {
  if (offset === 0 && size === s.size) return s;
  const t = be.alloc(size);
  be.copy(s, offset, t, 0, size);
  return t;
}

/**
 * C [m, n] = A [m, k] @ B [k, n]. With k and n multiples of 4 it runs as conv2d's pointwise GEMM (a 1x1 conv over
 * m pixels: vec4 loads, register-blocked): ~2.5x the matmul shader at the gradient shapes on lavapipe. Otherwise
 * the matmul op's shader.
 */
function gemmNN(be: WebGpuBackend, a: GpuStorage, m: number, k: number, b: GpuStorage, n: number, out: GpuStorage): void {
  if (k % 4 !== 0 || n % 4 !== 0) {
    gemmWebGpu(be, a, [m, k], b, [k, n], out);
    return;
  }
  const inShapes = [[1, 1, m, k], [1, 1, k, n]];
  const { attrs, outShapes } = prepareConv2d(inShapes, {});
  conv2dWebGpu(be, { inputs: [a, b, undefined, undefined, undefined, undefined], inShapes, outputs: [out], outShapes, attrs });
}

/** W [kh, kw, cin, cout] flipped in space with in/out channels swapped: [kh, kw, cout, cin] (caller releases). */
function flipFilter(be: WebGpuBackend, W: GpuStorage, g: Pick<ConvGeom, 'kh' | 'kw' | 'cin' | 'cout'>): GpuStorage {
  const total = g.kh * g.kw * g.cin * g.cout;
  const flipped = be.alloc(total);
  const groups = grid(Math.ceil(total / WG));
  const geom = { ...g, n: 1, h: 1, w: 1, oh: 1, ow: 1, sh: 1, sw: 1, dh: 1, dw: 1, padT: 0, padL: 0 };
  be.dispatch({ shader: 'conv2d_grad', entryPoint: 'flip_filter', constants: { WG }, bindings: [W, flipped, W], uniforms: params(geom, total, groups[0] * WG, 0, 0), workgroups: groups });
  return flipped;
}

/**
 * dx [n, h, w, cin] from dy, with an optional fused bias + activation (the transposed conv's epilogue):
 * - stride 1 (pointwise included): conv2d's kernels on dy with the flipped filter (stride1Padding), ~4x the
 *   GEMM + col2im path on lavapipe;
 * - otherwise, per chunk of images, the GEMM dcol = dy @ W^T (gemmNN), then shaders/conv2d_grad.wgsl col2im (vec4
 *   over channels when cin % 4 == 0).
 */
export function backpropInputWebGpu(be: WebGpuBackend, dy: GpuStorage, W: GpuStorage, dx: GpuStorage, g: ConvGeom, bias?: GpuStorage, epi?: Epilogue): void {
  const k = g.kh * g.kw * g.cin;
  const pix = g.oh * g.ow;
  const act = epi?.code ?? 0;
  const alpha = epi?.alpha ?? 0;
  const pads = stride1Padding(g);
  if (pads) {
    const flipped = flipFilter(be, W, g);
    const inShapes = [[g.n, g.oh, g.ow, g.cout], [g.kh, g.kw, g.cout, g.cin], bias ? [g.cin] : undefined];
    const { attrs, outShapes } = prepareConv2d(inShapes, { padding: pads, dilations: [g.dh, g.dw], activation: epi?.activation, alpha: epi?.alpha });
    conv2dWebGpu(be, { inputs: [dy, flipped, bias, undefined, undefined, undefined], inShapes, outputs: [dx], outShapes, attrs });
    be.release(flipped);
    return;
  }
  const nb = imagesPerChunk(g.n, pix * k);
  const col = be.alloc(nb * pix * k);
  const wt = flipFilter(be, W, { kh: 1, kw: 1, cin: k, cout: g.cout }); // W^T [cout, k]
  const vec = g.cin % 4 === 0;
  for (let b0 = 0; b0 < g.n; b0 += nb) {
    const nc = Math.min(nb, g.n - b0);
    const dyc = rangeOf(be, dy, b0 * pix * g.cout, nc * pix * g.cout);
    gemmNN(be, dyc, nc * pix, g.cout, wt, k, col);
    if (dyc !== dy) be.release(dyc);
    const total = (nc * g.h * g.w * g.cin) / (vec ? 4 : 1);
    const groups = grid(Math.ceil(total / WG));
    be.dispatch({
      shader: 'conv2d_grad',
      entryPoint: vec ? 'col2im4' : 'col2im',
      constants: { WG, HAS_BIAS: !!bias, ACT: act },
      bindings: [col, dx, bias ?? col],
      uniforms: params(g, total, groups[0] * WG, b0 * g.h * g.w, 0, alpha),
      workgroups: groups,
    });
  }
  be.release(col);
  be.release(wt);
}

/**
 * dW = colT @ dy (gemmNN) summed over chunks of output pixels; im2col_t writes the window matrix already
 * transposed (for a pointwise conv, x^T), so the GEMM reads both operands in their natural layout. Chunk results
 * are added.
 */
export function backpropFilterWebGpu(be: WebGpuBackend, x: GpuStorage, dy: GpuStorage, dW: GpuStorage, g: ConvGeom): void {
  const k = g.kh * g.kw * g.cin;
  const m = g.n * g.oh * g.ow;
  // Chunks of a multiple of 4 pixels keep every chunk on the vec4 GEMM.
  const chunk = pixelsPerChunk(m, k);
  const step = chunk < m && chunk >= 4 ? chunk - (chunk % 4) : chunk;
  const colT = be.alloc(step * k);
  // Later chunks: partial product, then sum = dW + partial copied back (a binding cannot be read and written).
  const part = step < m ? be.alloc(k * g.cout) : undefined;
  const sum = step < m ? be.alloc(k * g.cout) : undefined;
  for (let p0 = 0; p0 < m; p0 += step) {
    const pixels = Math.min(step, m - p0);
    const total = k * Math.ceil(pixels / 4);
    const groups = grid(Math.ceil(total / WG));
    be.dispatch({
      shader: 'conv2d_grad',
      entryPoint: 'im2col_t',
      constants: { WG },
      bindings: [x, colT, x],
      uniforms: params(g, total, groups[0] * WG, p0, pixels),
      workgroups: groups,
    });
    const dyc = rangeOf(be, dy, p0 * g.cout, pixels * g.cout);
    gemmNN(be, colT, k, pixels, dyc, g.cout, p0 === 0 ? dW : part!);
    if (dyc !== dy) be.release(dyc);
    if (p0 > 0) {
      addWebGpu(be, dW, part!, sum!, k * g.cout);
      be.copy(sum!, 0, dW, 0, k * g.cout);
    }
  }
  be.release(colT);
  if (part) be.release(part);
  if (sum) be.release(sum);
}

export function conv2dBackpropInputWebGpu(be: WebGpuBackend, { inputs, outputs, attrs }: KernelArgs<GpuStorage, ConvGeom>): void {
  backpropInputWebGpu(be, inputs[0]!, inputs[1]!, outputs[0]!, attrs);
}

export function conv2dBackpropFilterWebGpu(be: WebGpuBackend, { inputs, outputs, attrs }: KernelArgs<GpuStorage, ConvGeom>): void {
  backpropFilterWebGpu(be, inputs[0]!, inputs[1]!, outputs[0]!, attrs);
}

/** dense-grad's column-sum shader. */
export function biasGradWebGpu(be: WebGpuBackend, { inputs, outputs, attrs }: KernelArgs<GpuStorage, BiasGradNorm>): void {
  colsumWebGpu(be, inputs[0]!, attrs.rows, attrs.cols, outputs[0]!);
}

/** shaders/activation_grad.wgsl: dy * act'(y), PX vec4s per invocation plus a scalar tail. */
export function activationGradWebGpu(be: WebGpuBackend, { inputs, outputs, attrs }: KernelArgs<GpuStorage, ActivationGradNorm>): void {
  const PX = 4;
  const n4 = Math.floor(attrs.size / 4);
  const total = Math.ceil(n4 / PX);
  const groups = grid(Math.ceil(total / WG));
  const buf = new ArrayBuffer(32);
  new Uint32Array(buf).set([n4, attrs.size, total, groups[0] * WG]);
  new Float32Array(buf, 16, 1)[0] = attrs.alpha;
  const spec = { shader: 'activation_grad', constants: { WG, PX, ACT: attrs.code }, bindings: [inputs[1]!, inputs[0]!, outputs[0]!], uniforms: buf };
  if (total > 0) be.dispatch({ ...spec, entryPoint: 'main', workgroups: groups });
  if (attrs.size % 4) be.dispatch({ ...spec, entryPoint: 'tail', workgroups: [1] });
}
