import type { WasmBackend, WasmStorage } from '../../runtime/backends/wasm.js';
import type { KernelArgs } from '../../runtime/op.js';
import type { Epilogue } from '../activation/spec.js';
import { prepareConv2d } from '../conv2d/spec.js';
import { conv2dWasm } from '../conv2d/wasm.js';
import { colsumWasm, gemmTnWasm, gemmWasm } from '../dense-grad/wasm.js';
import { imagesPerChunk, isPointwise, pixelsPerChunk, stride1Padding, type ActivationGradNorm, type BiasGradNorm, type ConvGeom } from './spec.js';

const S = (ptr: number, size: number): WasmStorage => ({ ptr, size });
const geomArgs = (g: ConvGeom) => [g.h, g.w, g.cin, g.oh, g.ow, g.kh, g.kw, g.sh, g.sw, g.dh, g.dw, g.padT, g.padL];

/**
 * The filter flipped in space with in/out channels swapped (per tap a 4x4-blocked SIMD transpose), cached as a
 * derived copy of W (rebuilt when the optimiser writes W and invalidates it).
 */
function flippedFilter(be: WasmBackend, W: WasmStorage, g: ConvGeom): WasmStorage {
  const tap = g.cin * g.cout;
  return be.derived(W, `conv2d-grad-flip:${g.kh},${g.kw},${g.cin},${g.cout}`, g.kh * g.kw * tap, (out) => {
    for (let t = 0; t < g.kh * g.kw; t++) be.call('transpose_f32', W.ptr + (g.kh * g.kw - 1 - t) * tap * 4, g.cin, g.cout, out + t * tap * 4);
  });
}

/**
 * dx [n, h, w, cin] from dy, with an optional fused bias + activation (the transposed conv's epilogue):
 * - pointwise: dx = dy W^T, one GEMM;
 * - stride 1: conv2d's kernel on dy with the flipped filter (stride1Padding);
 * - otherwise, per chunk of images, the GEMM dcol [pixels, kh*kw*cin] = dy [pixels, cout] @ W^T (matmul's packed
 *   2x16 kernel), then the col2im gather.
 */
export function backpropInputWasm(be: WasmBackend, dy: WasmStorage, W: WasmStorage, dx: WasmStorage, g: ConvGeom, bias?: WasmStorage, epi?: Epilogue): void {
  const k = g.kh * g.kw * g.cin;
  const pix = g.oh * g.ow;
  const act = epi?.code ?? 0;
  const alpha = epi?.alpha ?? 0;
  if (isPointwise(g) && !bias && !act) {
    gemmWasm(be, dy, [g.n * pix, g.cout], W, [g.cin, g.cout], dx, { transposeB: true });
    return;
  }
  const pads = stride1Padding(g);
  if (pads) {
    const inShapes = [[g.n, g.oh, g.ow, g.cout], [g.kh, g.kw, g.cout, g.cin], bias ? [g.cin] : undefined];
    const { attrs, outShapes } = prepareConv2d(inShapes, { padding: pads, dilations: [g.dh, g.dw], activation: epi?.activation, alpha: epi?.alpha });
    conv2dWasm(be, { inputs: [dy, flippedFilter(be, W, g), bias, undefined, undefined, undefined], inShapes, outputs: [dx], outShapes, attrs });
    return;
  }
  const nb = imagesPerChunk(g.n, pix * k);
  be.withScratch([nb * pix * k], (col) => {
    for (let b0 = 0; b0 < g.n; b0 += nb) {
      const nc = Math.min(nb, g.n - b0);
      gemmWasm(be, S(dy.ptr + b0 * pix * g.cout * 4, nc * pix * g.cout), [nc * pix, g.cout], W, [k, g.cout], S(col, nc * pix * k), { transposeB: true });
      const out = dx.ptr + b0 * g.h * g.w * g.cin * 4;
      be.parallel('conv2d_grad_col2im_f32_nhwc_simd', nc * g.h * g.w, 64, (q0, count) => [col, out, bias?.ptr ?? 0, act, alpha, q0, q0 + count, ...geomArgs(g)]);
    }
  });
}

/**
 * dW [kh*kw*cin, cout] = col^T dy summed over chunks of output pixels (any split of the pixels is exact, so one
 * large image is chunked too): im2col of the chunk, then the transposed-A GEMM (dense-grad's: transpose + packed
 * GEMM), chunk results added. A pointwise conv's col is x itself.
 */
export function backpropFilterWasm(be: WasmBackend, x: WasmStorage, dy: WasmStorage, dW: WasmStorage, g: ConvGeom): void {
  const k = g.kh * g.kw * g.cin;
  const m = g.n * g.oh * g.ow;
  if (isPointwise(g)) {
    gemmTnWasm(be, x, m, g.cin, dy, g.cout, dW);
    return;
  }
  const step = pixelsPerChunk(m, k);
  be.withScratch([step * k, step < m ? k * g.cout : 1], (col, part) => {
    for (let p0 = 0; p0 < m; p0 += step) {
      const pc = Math.min(step, m - p0);
      be.parallel('conv2d_grad_im2col_f32_nhwc_simd', pc, 64, (first, count) => [x.ptr, col + first * k * 4, p0 + first, p0 + first + count, ...geomArgs(g)]);
      const dst = p0 === 0 ? dW : S(part, k * g.cout);
      gemmTnWasm(be, S(col, pc * k), pc, k, S(dy.ptr + p0 * g.cout * 4, pc * g.cout), g.cout, dst);
      if (p0 > 0) be.call('grad_add_f32', dW.ptr, part, dW.ptr, k * g.cout);
    }
  });
}

export function conv2dBackpropInputWasm(be: WasmBackend, { inputs, outputs, attrs }: KernelArgs<WasmStorage, ConvGeom>): void {
  backpropInputWasm(be, inputs[0]!, inputs[1]!, outputs[0]!, attrs);
}

export function conv2dBackpropFilterWasm(be: WasmBackend, { inputs, outputs, attrs }: KernelArgs<WasmStorage, ConvGeom>): void {
  backpropFilterWasm(be, inputs[0]!, inputs[1]!, outputs[0]!, attrs);
}

/** dense-grad's column-sum kernel. */
export function biasGradWasm(be: WasmBackend, { inputs, outputs, attrs }: KernelArgs<WasmStorage, BiasGradNorm>): void {
  colsumWasm(be, inputs[0]!.ptr, attrs.rows, attrs.cols, outputs[0]!.ptr);
}

/** dense-grad's dy * act'(y) kernel. */
export function activationGradWasm(be: WasmBackend, { inputs, outputs, attrs }: KernelArgs<WasmStorage, ActivationGradNorm>): void {
  be.call('dense_grad_act_f32', inputs[1]!.ptr, inputs[0]!.ptr, outputs[0]!.ptr, attrs.size, 1, attrs.code, attrs.alpha);
}
