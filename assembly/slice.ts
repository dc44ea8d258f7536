// Channel slice (concat's backward): rows of `inner` f32 taken every `inStride` f32 from src into a contiguous dst.
// v128 copies with a scalar tail; long rows go through memory.copy (bulk memory).

export function slice_f32_rows_simd(src: usize, dst: usize, rows: i32, inner: i32, inStride: i32): void {
  const rowBytes = <usize>inner << 2;
  const inBytes = <usize>inStride << 2;
  if (inner >= 64) {
    for (let r = 0; r < rows; r++) memory.copy(dst + <usize>r * rowBytes, src + <usize>r * inBytes, rowBytes);
    return;
  }
  let s = src;
  let d = dst;
  for (let r = 0; r < rows; r++) {
    let i = 0;
    for (; i + 4 <= inner; i += 4) v128.store(d + (<usize>i << 2), v128.load(s + (<usize>i << 2)));
    for (; i < inner; i++) store<f32>(d + (<usize>i << 2), load<f32>(s + (<usize>i << 2)));
    s += inBytes;
    d += rowBytes;
  }
}
