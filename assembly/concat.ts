// Concat as strided block copies: input rows of `inner` f32 go to `outStride`-spaced rows of the output. Long
// rows use memory.copy (bulk memory); short rows (channel concat of a few channels per pixel in NHWC) copy with
// v128 loads/stores and a scalar tail, which beats a bulk-memory call per pixel.

export function concat_f32_rows_simd(src: usize, dst: usize, rows: i32, inner: i32, outStride: i32): void {
  const rowBytes = <usize>inner << 2;
  const outBytes = <usize>outStride << 2;
  if (inner >= 64) {
    for (let r = 0; r < rows; r++) memory.copy(dst + <usize>r * outBytes, src + <usize>r * rowBytes, rowBytes);
    return;
  }
  let s = src;
  let d = dst;
  for (let r = 0; r < rows; r++) {
    let i = 0;
    for (; i + 4 <= inner; i += 4) v128.store(d + (<usize>i << 2), v128.load(s + (<usize>i << 2)));
    for (; i < inner; i++) store<f32>(d + (<usize>i << 2), load<f32>(s + (<usize>i << 2)));
    s += rowBytes;
    d += outBytes;
  }
}
