// Elementwise add/mul with numpy broadcasting, one output element per invocation.
// Dims and broadcast strides (0 on broadcast dims) come in a uniform, up to rank 8, innermost last.

override OP: u32 = 0u;        // 0 = add, 1 = mul
override RANK: u32 = 1u;
override WG: u32 = 256u;

struct Params {
  size: u32,
  rowStride: u32,             // invocations per row of the 2-D dispatch grid
  _pad0: u32,
  _pad1: u32,
  dims: array<vec4<u32>, 2>,
  aStrides: array<vec4<u32>, 2>,
  bStrides: array<vec4<u32>, 2>,
}

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

fn at(v: array<vec4<u32>, 2>, i: u32) -> u32 {
  return v[i / 4u][i % 4u];
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let o = gid.x + gid.y * p.rowStride;
  if (o >= p.size) { return; }
  var rest = o;
  var ia = 0u;
  var ib = 0u;
  for (var d = i32(RANK) - 1; d >= 0; d--) {
    let dim = at(p.dims, u32(d));
    let i = rest % dim;
    rest = rest / dim;
    ia += i * at(p.aStrides, u32(d));
    ib += i * at(p.bStrides, u32(d));
  }
  if (OP == 0u) {
    out[o] = a[ia] + b[ib];
  } else {
    out[o] = a[ia] * b[ib];
  }
}
