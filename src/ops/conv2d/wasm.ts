import type { WasmBackend, WasmStorage } from '../../runtime/backends/wasm.js';
import type { KernelArgs } from '../../runtime/op.js';
import { writeI32 } from '../wasm-util.js';
import type { Conv2dNorm } from './spec.js';

/** Multiply-adds per thread chunk at least, so waking a worker pays off. */
const MIN_CHUNK_MACS = 1 << 20;

/** A 1x1 stride-1 unpadded conv is a GEMM over all pixels. */
function isFlat(a: Conv2dNorm): boolean {
  return a.kh === 1 && a.kw === 1 && a.sh === 1 && a.sw === 1 && a.padT + a.padB + a.padL + a.padR === 0;
}

/** Param block layout read by assembly/conv2d.ts (P_* indices there). */
function paramList(a: Conv2dNorm, flat: boolean): number[] {
  // A GEMM runs as one output row of n*h*w pixels, so the 4-pixel tiles never stop at image row ends.
  const [n, h, w, oh, ow] = flat ? [1, 1, a.n * a.h * a.w, 1, a.n * a.h * a.w] : [a.n, a.h, a.w, a.oh, a.ow];
  return [n, h, w, a.cin, oh, ow, a.cout, a.kh, a.kw, a.sh, a.sw, a.dh, a.dw, a.padT, a.padL, a.groups, a.cinG, a.coutG, a.code];
}

/**
 * The filter packed for conv2d_f32_nhwc_4x8_simd, built once per filter storage (and content version) and kept
 * by the backend until the filter is released: constant weights are not repacked on every call.
 */
function packedFilter(be: WasmBackend, f: WasmStorage, a: Conv2dNorm): WasmStorage {
  const dims = [a.kh, a.kw, a.cinG, a.cout, a.groups] as const;
  return be.derived(f, `conv2d-pack-4x8:${dims.join(',')}`, () => {
    const pk = be.alloc(be.call('conv2d_packed_size', ...dims));
    try {
      be.call('conv2d_pack_filter', f.ptr, pk.ptr, ...dims);
    } catch (e) {
      be.release(pk);
      throw e;
    }
    return pk;
  });
}

/**
 * Threads split output rows (n*oh), or for a GEMM 4-pixel tiles of its single row; either way every pixel is
 * computed by the same tile kernel as in one call, so results are bit-identical whatever the thread count.
 */
export function conv2dWasm(be: WasmBackend, { inputs, outputs, attrs: a }: KernelArgs<WasmStorage, Conv2dNorm>): void {
  const [x, f, bias, scale, shift, prelu] = inputs;
  const flat = isFlat(a) && !a.depthwise;
  const params = paramList(a, flat);
  const extras = [bias?.ptr ?? 0, scale?.ptr ?? 0, shift?.ptr ?? 0, prelu?.ptr ?? 0];
  const macsPerPixel = a.kh * a.kw * a.cinG * a.cout;
  const rows = a.n * a.oh;
  const minRows = Math.ceil(MIN_CHUNK_MACS / (a.ow * macsPerPixel));
  const out = outputs[0]!.ptr;
  if (a.depthwise) {
    be.withScratch([params.length], (p) => {
      writeI32(be, p, params);
      be.parallel('conv2d_f32_nhwc_dw_simd', rows, minRows, (first, count) => [x!.ptr, f!.ptr, out, p, ...extras, a.alpha, first, first + count]);
    });
    return;
  }
  const pk = packedFilter(be, f!, a).ptr;
  be.withScratch([params.length], (p) => {
    writeI32(be, p, params);
    const run = [x!.ptr, pk, out, p, ...extras, a.alpha];
    if (flat) {
      const pixels = a.n * a.h * a.w;
      const tiles = Math.ceil(pixels / 4);
      be.parallel('conv2d_f32_nhwc_4x8_simd', tiles, Math.ceil(MIN_CHUNK_MACS / (4 * macsPerPixel)), (first, count) => [
        ...run, 0, 1, first * 4, Math.min(pixels, (first + count) * 4),
      ]);
    } else {
      be.parallel('conv2d_f32_nhwc_4x8_simd', rows, minRows, (first, count) => [...run, first, first + count, 0, a.ow]);
    }
  });
}
