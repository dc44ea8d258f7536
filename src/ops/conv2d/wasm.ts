import type { WasmBackend, WasmStorage } from '../../runtime/backends/wasm.js';
import type { KernelArgs } from '../../runtime/op.js';
import { writeI32 } from '../wasm-util.js';
import { poolWasm } from '../pool/wasm.js';
import type { Conv2dNorm } from './spec.js';

/**
 * Multiply-adds per chunk at least (~10 us of the 4x8 tile kernel; the depthwise kernel runs ~2x fewer MACs per
 * second, so a quarter: ~5 us), so claiming a chunk (~1 us) stays small. Small enough that the landmark net's
 * 7x7 to 28x28 layers split too: a worker left out of a kernel only spins.
 */
const MIN_CHUNK_MACS = 1 << 18;
const MIN_CHUNK_MACS_DW = 1 << 16;
/** Chunks per thread at most: threads claim them as they go, so a late or preempted thread costs at most a chunk. */
const CHUNKS_PER_THREAD = 8;

/**
 * How many chunks to cut `total` items into: at most threads * CHUNKS_PER_THREAD, each of at least `minItems`,
 * preferring a multiple of the thread count that divides `total` evenly, so that on a quiet machine every thread
 * ends up with the same work (with equal-ish chunks that do not divide evenly, the last ones unbalance the finish).
 */
export function chunkCount(total: number, threads: number, minItems: number): number {
  const most = Math.min(threads * CHUNKS_PER_THREAD, Math.floor(total / Math.max(1, minItems)));
  if (threads <= 1 || most < threads) return Math.max(1, most);
  for (let c = most - (most % threads); c >= threads; c -= threads) if (total % c === 0) return c;
  return most;
}

/** A 1x1 stride-1 unpadded conv is a GEMM over all pixels. */
function isFlat(a: Conv2dNorm): boolean {
  return a.kh === 1 && a.kw === 1 && a.sh === 1 && a.sw === 1 && a.padT + a.padB + a.padL + a.padR === 0;
}

/** Param block layout read by assembly/conv2d.ts (P_* indices there; callers append the kernel's own fields). */
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
  return be.derived(f, `conv2d-pack-4x8:${dims.join(',')}`, () => be.call('conv2d_packed_size', ...dims), (pk) =>
    be.call('conv2d_pack_filter', f.ptr, pk, ...dims));
}

/**
 * Threads split output rows (n*oh), or for a GEMM 4-pixel tiles of its single row; either way every pixel is
 * computed by the same tile kernel as in one call, so results are bit-identical whatever the thread count.
 */
export function conv2dWasm(be: WasmBackend, args: KernelArgs<WasmStorage, Conv2dNorm>): void {
  const { inputs, outputs, attrs: a } = args;
  const pool = a.pool;
  if (!pool) {
    convInto(be, inputs, outputs[0]!, a);
    return;
  }
  if (!a.depthwise && pool.sh === pool.kh && pool.sw === pool.kw && pool.dh === 1 && pool.dw === 1) {
    convMaxPool(be, inputs, outputs[0]!, a);
    return;
  }
  // Overlapping windows: the conv into a temporary, then the pool kernel.
  const tmp = be.alloc(a.n * a.oh * a.ow * a.cout);
  try {
    convInto(be, inputs, tmp, a);
    poolWasm(be, { ...args, inputs: [tmp], inShapes: [[a.n, a.oh, a.ow, a.cout]], attrs: pool });
  } finally {
    be.release(tmp);
  }
}

/**
 * conv + non-overlapping max pool in one kernel: threads split pooled rows; each chunk gets its own scratch for
 * the conv rows under one row of windows.
 */
function convMaxPool(be: WasmBackend, inputs: KernelArgs<WasmStorage, Conv2dNorm>['inputs'], out: WasmStorage, a: Conv2dNorm): void {
  const [x, f, bias, scale, shift, prelu] = inputs;
  const pool = a.pool!;
  const params = [...paramList(a, false), pool.kh, pool.kw, pool.sh, pool.sw, pool.padTop, pool.padLeft, pool.oh, pool.ow, 0];
  const rows = a.n * pool.oh;
  const minRows = Math.ceil(MIN_CHUNK_MACS / (pool.kh * a.ow * a.kh * a.kw * a.cinG * a.cout));
  const chunks = chunkCount(rows, be.threads, minRows);
  const slot = pool.kh * a.ow * a.cout;
  const pk = packedFilter(be, f!, a).ptr;
  // be.parallel runs at most max(threads, chunks) ranges, asking for their arguments in order.
  be.withScratch([params.length, slot * Math.max(chunks, be.threads)], (p, scratch) => {
    writeI32(be, p, params);
    const run = [x!.ptr, pk, out.ptr, p, bias?.ptr ?? 0, scale?.ptr ?? 0, shift?.ptr ?? 0, prelu?.ptr ?? 0, a.alpha];
    let next = 0;
    be.parallel('conv2d_maxpool_f32_nhwc_4x8_simd', rows, minRows, (first, count) => [...run, first, first + count, scratch! + 4 * slot * next++], chunks);
  });
}

function convInto(be: WasmBackend, inputs: KernelArgs<WasmStorage, Conv2dNorm>['inputs'], output: WasmStorage, a: Conv2dNorm): void {
  const [x, f, bias, scale, shift, prelu, res] = inputs;
  const flat = isFlat(a) && !a.depthwise;
  const params = paramList(a, flat);
  const resPtr = res?.ptr ?? 0;
  const extras = [bias?.ptr ?? 0, scale?.ptr ?? 0, shift?.ptr ?? 0, prelu?.ptr ?? 0];
  const macsPerPixel = a.kh * a.kw * a.cinG * a.cout;
  const rows = a.n * a.oh;
  const out = output.ptr;
  if (a.depthwise && a.coutG === 1 && isFlat(a)) {
    dw1x1Flat(be, inputs, output, a);
    return;
  }
  if (a.depthwise) {
    const minRows = Math.ceil(MIN_CHUNK_MACS_DW / (a.ow * macsPerPixel));
    const dwParams = [...params, a.inputRelu ? 1 : 0, resPtr];
    be.withScratch([dwParams.length], (p) => {
      writeI32(be, p, dwParams);
      const run = [x!.ptr, f!.ptr, out, p, ...extras, a.alpha];
      be.parallel('conv2d_f32_nhwc_dw_simd', rows, minRows, (first, count) => [...run, first, first + count], chunkCount(rows, be.threads, minRows));
    });
    return;
  }
  if (useWinograd(a)) {
    winograd(be, inputs, output, a);
    return;
  }
  const minRows = Math.ceil(MIN_CHUNK_MACS / (a.ow * macsPerPixel));
  const pk = packedFilter(be, f!, a).ptr;
  // Dense block: P_RES at 27, after the (unused here) pool fields.
  const denseParams = [...params, 0, 0, 0, 0, 0, 0, 0, 0, resPtr];
  be.withScratch([denseParams.length], (p) => {
    writeI32(be, p, denseParams);
    const run = [x!.ptr, pk, out, p, ...extras, a.alpha];
    if (flat) {
      const pixels = a.n * a.h * a.w;
      const tiles = Math.ceil(pixels / 4);
      const minTiles = Math.ceil(MIN_CHUNK_MACS / (4 * macsPerPixel));
      be.parallel('conv2d_f32_nhwc_4x8_simd', tiles, minTiles, (first, count) => [
        ...run, 0, 1, first * 4, Math.min(pixels, (first + count) * 4),
      ], chunkCount(tiles, be.threads, minTiles));
    } else {
      const chunks = chunkCount(rows, be.threads, minRows);
      be.parallel('conv2d_f32_nhwc_4x8_simd', rows, minRows, (first, count) => [...run, first, first + count, 0, a.ow], chunks);
    }
  });
}

/**
 * 3x3 stride-1 dense convs with enough channels run as Winograd F(2x2, 3x3) (16 multiplies per 2x2 tile and
 * channel pair instead of 36; one thread: 1.3x the direct kernel's speed at 16->16 on 40x40, 1.7-1.9x at
 * FaceRecognitionNet's 32 to 256 channels). Its transforms cost O(cin + cout) per tile, so fewer channels stay on
 * the direct kernel. Channels in whole vectors of 4.
 */
function useWinograd(a: Conv2dNorm): boolean {
  return a.kh === 3 && a.kw === 3 && a.sh === 1 && a.sw === 1 && a.dh === 1 && a.dw === 1 && a.groups === 1 &&
    a.cin >= 16 && a.cout >= 16 && a.cin % 4 === 0 && a.cout % 4 === 0 && a.oh >= 4 && a.ow >= 4;
}

/** Bytes of one block's V and M scratch the Winograd kernel aims at (stays in L2 between the three passes). */
const WINOGRAD_BLOCK_BYTES = 256 << 10;

/** The filter transformed (U = G g G^T) and packed for conv2d_winograd_f2x3_simd, cached as packedFilter. */
function winogradFilter(be: WasmBackend, f: WasmStorage, a: Conv2dNorm): WasmStorage {
  return be.derived(f, `conv2d-winograd-f2x3:${a.cin},${a.cout}`, () => be.call('conv2d_winograd_f2x3_packed_size', a.cin, a.cout), (u) =>
    be.call('conv2d_winograd_f2x3_pack_filter', f.ptr, u, a.cin, a.cout));
}

/**
 * Threads split rows of 2x2 output tiles (n * ceil(oh / 2)); each chunk transforms and multiplies its tiles in
 * blocks of rows in its own scratch. Every tile runs the same operations whatever the split: bit-identical
 * results for any thread count.
 */
function winograd(be: WasmBackend, inputs: KernelArgs<WasmStorage, Conv2dNorm>['inputs'], output: WasmStorage, a: Conv2dNorm): void {
  const [x, f, bias, scale, shift, prelu, res] = inputs;
  const th = Math.ceil(a.oh / 2), tw = Math.ceil(a.ow / 2);
  const rows = a.n * th;
  const rowFloats = 16 * tw * (a.cin + a.cout);
  const block = Math.max(1, Math.min(rows, Math.floor(WINOGRAD_BLOCK_BYTES / (4 * rowFloats))));
  const minRows = Math.ceil(MIN_CHUNK_MACS / (tw * 16 * a.cin * a.cout));
  const chunks = chunkCount(rows, be.threads, minRows);
  const slot = block * rowFloats;
  const u = winogradFilter(be, f!, a).ptr;
  const params = [a.h, a.w, a.cin, a.oh, a.ow, a.cout, a.padT, a.padL, a.code, th, tw, block];
  // A scratch slot per chunk (threads claim chunks as they go); one thread runs all rows in one call.
  const slots = be.threads > 1 ? Math.max(chunks, be.threads) : 1;
  be.withScratch([params.length, a.cin, slot * slots], (p, zero, scratch) => {
    writeI32(be, p, params);
    be.f32(zero!, a.cin).fill(0);
    const run = [x!.ptr, u, output.ptr, p, bias?.ptr ?? 0, scale?.ptr ?? 0, shift?.ptr ?? 0, prelu?.ptr ?? 0, a.alpha, res?.ptr ?? 0];
    let next = 0;
    be.parallel('conv2d_winograd_f2x3_simd', rows, minRows, (first, count) => [...run, first, first + count, scratch! + 4 * slot * next++, zero!], chunks);
  });
}

/** Values per chunk at least of the memory-bound 1x1 depthwise kernel (~5 us of work). */
const MIN_CHUNK_VALUES_DW1X1 = 1 << 14;

/**
 * A 1x1 stride-1 depthwise conv, multiplier 1 (a per-channel affine map, e.g. an input normalisation) as one flat
 * SIMD pass: the per-pixel kernel runs it scalar when cin is not a multiple of 4 (RGB), at ~40x the cost.
 * Lane tables for conv2d_f32_nhwc_dw1x1_flat_simd: filter, bias, scale, shift, slope per value of one period.
 */
function dw1x1Flat(be: WasmBackend, inputs: KernelArgs<WasmStorage, Conv2dNorm>['inputs'], output: WasmStorage, a: Conv2dNorm): void {
  const [x, f, bias, scale, shift, prelu, res] = inputs;
  const cin = a.cin;
  const period = cin % 4 === 0 ? cin : 4 * cin;
  const total = a.n * a.h * a.w * cin;
  be.withScratch([5 * period], (tab) => {
    const t = be.f32(tab!, 5 * period);
    const view = (s: WasmStorage | undefined) => (s ? be.f32(s.ptr, cin) : undefined);
    const [fv, bv, sv, hv, pv] = [view(f), view(bias), view(scale), view(shift), view(prelu)];
    for (let j = 0; j < period; j++) {
      const c = j % cin;
      t[j] = fv![c]!;
      t[period + j] = bv ? bv[c]! : 0;
      t[2 * period + j] = sv ? sv[c]! : 1;
      t[3 * period + j] = hv ? hv[c]! : 0;
      t[4 * period + j] = pv ? pv[c]! : a.alpha;
    }
    const periods = Math.ceil(total / period);
    const minPeriods = Math.ceil(MIN_CHUNK_VALUES_DW1X1 / period);
    const run = [x!.ptr, output.ptr, tab!, period];
    const tail = [a.code, res?.ptr ?? 0, a.inputRelu ? 1 : 0];
    be.parallel('conv2d_f32_nhwc_dw1x1_flat_simd', periods, minPeriods, (first, count) => [
      ...run, first * period, Math.min(total, (first + count) * period), ...tail,
    ], chunkCount(periods, be.threads, minPeriods));
  });
}
