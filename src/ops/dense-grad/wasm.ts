import type { WasmBackend, WasmStorage } from '../../runtime/backends/wasm.js';
import type { KernelArgs } from '../../runtime/op.js';
import type { Shape } from '../../runtime/shape.js';
import { prepareMatmul, type MatmulAttrs } from '../matmul/spec.js';
import { matmulWasm } from '../matmul/wasm.js';
import type { DenseGradNorm } from './spec.js';

const S = (ptr: number, size: number): WasmStorage => ({ ptr, size });

/** out = act(a @ b + bias) through the matmul op's wasm kernels, on storages with any shapes the caller names. */
export function gemmWasm(be: WasmBackend, a: WasmStorage, aShape: Shape, b: WasmStorage, bShape: Shape, out: WasmStorage, attrs: MatmulAttrs = {}, bias?: WasmStorage): void {
  const n = attrs.transposeB ? bShape[0]! : bShape[1]!;
  const inShapes = [aShape, bShape, bias ? [n] : undefined];
  const { attrs: norm, outShapes } = prepareMatmul(inShapes, attrs);
  matmulWasm(be, { inputs: [a, b, bias, undefined], inShapes, outputs: [out], outShapes, attrs: norm });
}

/**
 * out [m, n] = a^T b for a [rows, m], b [rows, n] (weight gradients): a transposed into scratch, then the plain
 * GEMM, ~2x the transposed-A kernel at the training shapes.
 */
export function gemmTnWasm(be: WasmBackend, a: WasmStorage, rows: number, m: number, b: WasmStorage, n: number, out: WasmStorage): void {
  be.withScratch([rows * m], (at) => {
    be.call('transpose_f32', a.ptr, rows, m, at);
    gemmWasm(be, S(at, rows * m), [m, rows], b, [rows, n], out);
  });
}

/** dst[c] = sum over rows of src [rows, cols]. */
export function colsumWasm(be: WasmBackend, src: number, rows: number, cols: number, dst: number): void {
  be.call('colsum_f32', src, rows, cols, dst);
}

/** dpre = dy * act'(y) (assembly/dense_grad.ts), then three GEMMs and a column sum. */
export function denseGradWasm(be: WasmBackend, { inputs, outputs, attrs: a }: KernelArgs<WasmStorage, DenseGradNorm>): void {
  const [x, W, y, dy] = inputs as [WasmStorage, WasmStorage, WasmStorage | undefined, WasmStorage];
  const [dW, dB, dx] = outputs as [WasmStorage, WasmStorage, WasmStorage];
  const { rows, k, n } = a;
  const run = (dp: WasmStorage) => {
    gemmTnWasm(be, x, rows, k, dp, n, dW);
    colsumWasm(be, dp.ptr, rows, n, dB.ptr);
    if (a.inputGrad) gemmWasm(be, dp, [rows, n], W, [k, n], dx, { transposeB: true });
    else be.f32(dx.ptr, 1)[0] = 0; // the [1] placeholder
  };
  if (a.code === 0) {
    run(dy);
    return;
  }
  be.withScratch([rows * n], (dp) => {
    be.call('dense_grad_act_f32', y!.ptr, dy.ptr, dp, rows * n, n, a.code, a.alpha);
    run(S(dp, rows * n));
  });
}
