// Data movement around the recurrent kernels (shaders/rnn.wgsl): weight packing into the gate-interleaved,
// unit-padded layouts, initial states into and final states out of the padded state buffer, and the
// bidirectional merge. One output element per invocation; dst offsets and sizes in f32.

override WG: u32 = 256u;
override HAS_SRC: bool = true;  // false: write zeros (absent bias / initial state)
override MERGE: u32 = 1u;       // merge: 1 sum, 2 mul, 3 average

struct Params {
  n: u32,         // outputs to write
  rowStride: u32, // invocations per row of the 2-D dispatch grid
  u: u32,
  up: u32,
  G: u32,
  rows: u32,      // pack_panels: panel rows (up, zero past u); pack_rows: source rows
  srcOff: u32,
  dstOff: u32,
  dstStride: u32, // pack_rows: dst floats between rows
  _p0: u32,
  _p1: u32,
  _p2: u32,
}

@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

fn index(gid: vec3<u32>) -> u32 {
  return gid.x + gid.y * p.rowStride;
}

// Source element (row k, gate g, unit j) of a [rows, G*u] matrix; zero past u or without a source.
fn srcAt(k: u32, g: u32, j: u32) -> f32 {
  if (!HAS_SRC || j >= p.u) { return 0.0; }
  return src[p.srcOff + k * p.G * p.u + g * p.u + j];
}

// R [u, G*u] -> [q][k < rows][g][4] (rows = up: zero rows past u).
@compute @workgroup_size(WG)
fn pack_panels(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = index(gid);
  if (i >= p.n) { return; }
  let l = i % 4u;
  let g = (i / 4u) % p.G;
  let k = (i / (4u * p.G)) % p.rows;
  let q = i / (4u * p.G * p.rows);
  var v = 0.0;
  if (k < p.u) { v = srcAt(k, g, q * 4u + l); }
  dst[p.dstOff + i] = v;
}

// W [rows, G*u] -> row k at dstOff + k * dstStride: [q][g][4]. Also bias-like vectors (rows = 1).
@compute @workgroup_size(WG)
fn pack_rows(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = index(gid);
  if (i >= p.n) { return; }
  let w = p.G * p.up;
  let k = i / w;
  let c = i % w;
  let l = c % 4u;
  let g = (c / 4u) % p.G;
  let q = c / (4u * p.G);
  dst[p.dstOff + k * p.dstStride + c] = srcAt(k, g, q * 4u + l);
}

// [rows, u] -> [rows, up] at dstOff (zero padded; zeros without a source).
@compute @workgroup_size(WG)
fn pad_rows(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = index(gid);
  if (i >= p.n) { return; }
  let r = i / p.up;
  let j = i % p.up;
  var v = 0.0;
  if (HAS_SRC && j < p.u) { v = src[p.srcOff + r * p.u + j]; }
  dst[p.dstOff + i] = v;
}

// [rows, up] at srcOff -> [rows, u].
@compute @workgroup_size(WG)
fn unpad_rows(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = index(gid);
  if (i >= p.n) { return; }
  dst[i] = src[p.srcOff + (i / p.u) * p.up + i % p.u];
}

// out[i] = merge(a[i], b[i]), a at 0 and b at srcOff of src.
@compute @workgroup_size(WG)
fn merge(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = index(gid);
  if (i >= p.n) { return; }
  let a = src[i];
  let b = src[p.srcOff + i];
  var v = a + b;
  if (MERGE == 2u) { v = a * b; }
  if (MERGE == 3u) { v = 0.5 * (a + b); }
  dst[i] = v;
}
