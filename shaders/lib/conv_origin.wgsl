// The input window origin of flat output pixel `mi` (clamped to the last pixel, so tail lanes read valid
// memory and are simply not stored). Needs the SH/SW overrides and the uniform `p`.
struct Origin { rowBase: i32, iy: i32, ix: i32 }

fn origin(mi: u32) -> Origin {
  let m = min(mi, p.m - 1u);
  let ox = m % p.ow;
  let t = m / p.ow;
  let oy = t % p.oh;
  let b = t / p.oh;
  return Origin(i32(b) * p.h, i32(oy) * SH - p.padT, i32(ox) * SW - p.padL);
}
