// Data movement around shaders/rnn_grad.wgsl: h_{s-1} aligned with the x rows, GRU reset_after=false's dR
// merge, and zero fills. One output element per invocation.

override WG: u32 = 256u;

struct Params {
  n: u32,          // outputs to write
  rowStride: u32,  // invocations per row of the 2-D dispatch grid
  B: u32,
  T: u32,
  U: u32,
  rev: u32,
  _p0: u32,
  _p1: u32,
}

@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read> src2: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

fn index(gid: vec3<u32>) -> u32 {
  return gid.x + gid.y * p.rowStride;
}

// dst = hp [B][T][U]: row (b, t(s)) = src = hseq row (b, s - 1), zeros at s = 0.
@compute @workgroup_size(WG)
fn shift(@builtin(global_invocation_id) gid: vec3<u32>) {
  _ = &src2;
  let i = index(gid);
  if (i >= p.n) { return; }
  let j = i % p.U;
  let t = (i / p.U) % p.T;
  let b = i / (p.U * p.T);
  let s = select(t, p.T - 1u - t, p.rev != 0u);
  var v = 0.0;
  if (s > 0u) { v = src[(b * p.T + s - 1u) * p.U + j]; }
  dst[i] = v;
}

// dst [U, 3U]: columns < 2U from src, the rest from src2.
@compute @workgroup_size(WG)
fn merge_rh(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = index(gid);
  if (i >= p.n) { return; }
  let c = i % (3u * p.U);
  dst[i] = select(src2[i], src[i], c < 2u * p.U);
}

@compute @workgroup_size(WG)
fn zero(@builtin(global_invocation_id) gid: vec3<u32>) {
  _ = &src;
  _ = &src2;
  let i = index(gid);
  if (i >= p.n) { return; }
  dst[i] = 0.0;
}

// GRU reset_after backward from the training forward's saved state: dst = hr [rows][3U], its h columns (2U..3U)
// from src = aux [rows][U].
@compute @workgroup_size(WG)
fn scatter_h(@builtin(global_invocation_id) gid: vec3<u32>) {
  _ = &src2;
  let i = index(gid);
  if (i >= p.n) { return; }
  dst[(i / p.U) * 3u * p.U + 2u * p.U + i % p.U] = src[i];
}
