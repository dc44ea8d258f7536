// Keras Masking (src/ops/sequence-mask/wasm.ts): per row of features, keep it when any value differs from
// maskValue (4 lanes compared at once), else write zeros; the mask row value is 1 or 0.

export function sequence_mask_f32(x: usize, rows: i32, F: i32, maskValue: f32, y: usize, mask: usize): void {
  const mv = f32x4.splat(maskValue);
  const F4 = F & ~3;
  const rb = <usize>F << 2;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * rb;
    const yr = y + <usize>r * rb;
    // ne is true for NaN lanes too.
    let any = false;
    let f = 0;
    for (; !any && f < F4; f += 4) any = v128.any_true(v128.not(f32x4.eq(v128.load(xr + (<usize>f << 2)), mv)));
    for (f = F4; !any && f < F; f++) any = !(load<f32>(xr + (<usize>f << 2)) == maskValue);
    if (any) memory.copy(yr, xr, rb);
    else memory.fill(yr, 0, rb);
    store<f32>(mask + (<usize>r << 2), any ? 1 : 0);
  }
}
