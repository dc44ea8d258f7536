// Activation backward from the layer output (src/ops/conv2d-grad/webgpu.ts activationGrad): dst = dy * act'(y),
// act' written in y (dense-grad's formulas). Register blocked: each invocation does PX vec4s, so the pass is a
// plain stream of 16-byte loads and stores (the tail of n % 4 elements runs in `tail`).

override WG: u32 = 64u;
override PX: u32 = 4u;
override ACT: u32 = 0u;  // ACT_CODE: 0 none, 1 relu, 2 relu6, 3 leakyRelu, 4 sigmoid, 5 tanh

struct Params {
  n4: u32,         // whole vec4s
  n: u32,          // elements
  total: u32,      // invocations: ceil(n4 / PX)
  rowStride: u32,  // invocations per row of the 2-D dispatch grid
  alpha: f32,      // leakyRelu slope
  _p0: u32,
  _p1: u32,
  _p2: u32,
}

@group(0) @binding(0) var<storage, read> y4: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> dy4: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> dst4: array<vec4<f32>>;
@group(0) @binding(0) var<storage, read> y1: array<f32>;
@group(0) @binding(1) var<storage, read> dy1: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst1: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

fn dact4(v: vec4<f32>) -> vec4<f32> {
  let one = vec4<f32>(1.0);
  let zero = vec4<f32>(0.0);
  switch ACT {
    case 1u: { return select(zero, one, v > zero); }
    case 2u: { return select(zero, one, (v > zero) & (v < vec4<f32>(6.0))); }
    case 3u: { return select(vec4<f32>(p.alpha), one, v >= zero); }
    case 4u: { return v * (one - v); }
    case 5u: { return one - v * v; }
    default: { return one; }
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * p.rowStride;
  if (i >= p.total) { return; }
  for (var j = i * PX; j < min(i * PX + PX, p.n4); j++) { dst4[j] = dy4[j] * dact4(y4[j]); }
}

// The last n % 4 elements, one invocation.
@compute @workgroup_size(1)
fn tail() {
  for (var j = p.n4 * 4u; j < p.n; j++) { dst1[j] = dy1[j] * dact4(vec4<f32>(y1[j])).x; }
}
