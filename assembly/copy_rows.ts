// Strided row copy, shared by concat (input rows into `dstStride`-spaced output rows) and sliceChannels (rows taken
// every `srcStride` f32 into a contiguous output). Long rows use memory.copy (bulk memory); short rows (a few
// channels per pixel in NHWC) copy with v128 loads/stores and a scalar tail, which beats a bulk-memory call per row.

export function copy_f32_rows_simd(src: usize, dst: usize, rows: i32, inner: i32, srcStride: i32, dstStride: i32): void {
  const rowBytes = <usize>inner << 2;
  const srcBytes = <usize>srcStride << 2;
  const dstBytes = <usize>dstStride << 2;
  if (inner >= 64) {
    for (let r = 0; r < rows; r++) memory.copy(dst + <usize>r * dstBytes, src + <usize>r * srcBytes, rowBytes);
    return;
  }
  let s = src;
  let d = dst;
  for (let r = 0; r < rows; r++) {
    let i = 0;
    for (; i + 4 <= inner; i += 4) v128.store(d + (<usize>i << 2), v128.load(s + (<usize>i << 2)));
    for (; i < inner; i++) store<f32>(d + (<usize>i << 2), load<f32>(s + (<usize>i << 2)));
    s += srcBytes;
    d += dstBytes;
  }
}
