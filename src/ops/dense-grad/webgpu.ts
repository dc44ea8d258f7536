import { grid, type GpuStorage, type WebGpuBackend } from '../../runtime/backends/webgpu.js';
import type { KernelArgs } from '../../runtime/op.js';
import type { Shape } from '../../runtime/shape.js';
import { prepareMatmul, type MatmulAttrs } from '../matmul/spec.js';
import { matmulWebGpu } from '../matmul/webgpu.js';
import type { DenseGradNorm } from './spec.js';

const WG = 256;

/** out = act(a @ b + bias) through the matmul op's webgpu kernels, on storages with any shapes the caller names. */
export function gemmWebGpu(be: WebGpuBackend, a: GpuStorage, aShape: Shape, b: GpuStorage, bShape: Shape, out: GpuStorage, attrs: MatmulAttrs = {}, bias?: GpuStorage): void {
  const n = attrs.transposeB ? bShape[0]! : bShape[1]!;
  const inShapes = [aShape, bShape, bias ? [n] : undefined];
  const { attrs: norm, outShapes } = prepareMatmul(inShapes, attrs);
  matmulWebGpu(be, { inputs: [a, b, bias, undefined], inShapes, outputs: [out], outShapes, attrs: norm });
}

function params(n: number, groups: [number, number], rows: number, cols: number, alpha = 0): ArrayBuffer {
  const buf = new ArrayBuffer(32);
  new Uint32Array(buf).set([n, groups[0] * WG, rows, cols]);
  new Float32Array(buf, 16, 1)[0] = alpha;
  return buf;
}

/** dst[c] = sum over rows of src [rows, cols] (shaders/dense_grad.wgsl colsum). */
export function colsumWebGpu(be: WebGpuBackend, src: GpuStorage, rows: number, cols: number, dst: GpuStorage): void {
  const groups = grid(Math.ceil(cols / WG));
  be.dispatch({ shader: 'dense_grad', entryPoint: 'colsum', constants: { WG }, bindings: [src, src, dst], uniforms: params(cols, groups, rows, cols), workgroups: groups });
}

/** dst = a + b over n values. */
export function addWebGpu(be: WebGpuBackend, a: GpuStorage, b: GpuStorage, dst: GpuStorage, n: number): void {
  const groups = grid(Math.ceil(n / WG));
  be.dispatch({ shader: 'dense_grad', entryPoint: 'add', constants: { WG }, bindings: [a, b, dst], uniforms: params(n, groups, 1, n), workgroups: groups });
}

/** dpre = dy * act'(y) (shaders/dense_grad.wgsl), then three GEMMs and a column sum, recorded in one encoder. */
export function denseGradWebGpu(be: WebGpuBackend, { inputs, outputs, attrs: a }: KernelArgs<GpuStorage, DenseGradNorm>): void {
  const [x, W, y, dy] = inputs as [GpuStorage, GpuStorage, GpuStorage | undefined, GpuStorage];
  const [dW, dB, dx] = outputs as [GpuStorage, GpuStorage, GpuStorage];
  const { rows, k, n } = a;
  let dp = dy;
  if (a.code !== 0) {
    dp = be.alloc(rows * n);
    const count = a.code === 6 ? rows : rows * n;
    const groups = grid(Math.ceil(count / WG));
    be.dispatch({
      shader: 'dense_grad',
      entryPoint: 'act_grad',
      constants: { WG, ACT: a.code },
      bindings: [y!, dy, dp],
      uniforms: params(count, groups, rows, n, a.alpha),
      workgroups: groups,
    });
  }
  gemmWebGpu(be, x, [rows, k], dp, [rows, n], dW, { transposeA: true });
  colsumWebGpu(be, dp, rows, n, dB);
  if (a.inputGrad) gemmWebGpu(be, dp, [rows, n], W, [k, n], dx, { transposeB: true });
  else be.device.queue.writeBuffer(dx.buffer, 0, new Float32Array(1)); // the [1] placeholder
  if (dp !== dy) be.release(dp);
}
