// Dense backward helpers (src/ops/dense-grad/webgpu.ts; the recurrent gradients use colsum too): dy * act'(y)
// from the activation's output, softmax's row-wise backward, and column sums (bias gradients). The products are
// GEMMs (the matmul op's shader).

override WG: u32 = 256u;
override ACT: u32 = 0u;  // ACT_CODE: 0 none, 1 relu, 2 relu6, 3 leakyRelu, 4 sigmoid, 5 tanh; 6 softmax (rows)

struct Params {
  n: u32,          // invocations that do work
  rowStride: u32,  // invocations per row of the 2-D dispatch grid
  rows: u32,
  cols: u32,
  alpha: f32,      // leakyRelu slope
  _p0: u32,
  _p1: u32,
  _p2: u32,
}

@group(0) @binding(0) var<storage, read> y: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

fn index(gid: vec3<u32>) -> u32 {
  return gid.x + gid.y * p.rowStride;
}

fn dactOut(v: f32) -> f32 {
  switch ACT {
    case 1u: { return select(0.0, 1.0, v > 0.0); }
    case 2u: { return select(0.0, 1.0, v > 0.0 && v < 6.0); }
    case 3u: { return select(p.alpha, 1.0, v >= 0.0); }
    case 4u: { return v * (1.0 - v); }
    case 5u: { return 1.0 - v * v; }
    default: { return 1.0; }
  }
}

// n = elements (ACT < 6) or rows (softmax: one invocation per row).
@compute @workgroup_size(WG)
fn act_grad(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = index(gid);
  if (i >= p.n) { return; }
  if (ACT == 6u) {
    let o = i * p.cols;
    var dot = 0.0;
    for (var c = 0u; c < p.cols; c++) { dot += y[o + c] * dy[o + c]; }
    for (var c = 0u; c < p.cols; c++) { dst[o + c] = y[o + c] * (dy[o + c] - dot); }
    return;
  }
  dst[i] = dy[i] * dactOut(y[i]);
}

// dst[c] = sum_r y[r, c] (binding 0; binding 1 unused): one invocation per column, rows walked in order.
@compute @workgroup_size(WG)
fn colsum(@builtin(global_invocation_id) gid: vec3<u32>) {
  _ = &dy;
  let c = index(gid);
  if (c >= p.cols) { return; }
  var a0 = 0.0;
  var a1 = 0.0;
  let r2 = p.rows & ~1u;
  var r = 0u;
  for (; r < r2; r += 2u) {
    a0 += y[r * p.cols + c];
    a1 += y[(r + 1u) * p.cols + c];
  }
  if (r < p.rows) { a0 += y[r * p.cols + c]; }
  dst[c] = a0 + a1;
}

// dst = y + dy elementwise.
@compute @workgroup_size(WG)
fn add(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = index(gid);
  if (i >= p.n) { return; }
  dst[i] = y[i] + dy[i];
}
