// Optimiser steps in place on parameters and slots (src/ops/optimizer-grad/webgpu.ts): Adam and SGD one
// element per invocation; the squared norm of a gradient reduced by one workgroup. Clipping by global norm
// reads the accumulated squared norm (normSq) in every invocation: one uniform-address load.

override WG: u32 = 256u;
override CLIP: bool = false;
override MOMENTUM: bool = false;
override NESTEROV: bool = false;
override ACC: bool = false;

struct Params {
  n: u32,
  rowStride: u32,
  a: f32,     // adam: lrT; sgd: lr
  b: f32,     // adam: beta1; sgd: momentum
  c: f32,     // adam: beta2
  d: f32,     // adam: epsilon
  clip: f32,
  _p0: f32,
}

@group(0) @binding(0) var<storage, read_write> param: array<f32>;
@group(0) @binding(1) var<storage, read> grad: array<f32>;
@group(0) @binding(2) var<storage, read_write> m: array<f32>;
@group(0) @binding(3) var<storage, read_write> v: array<f32>;
@group(0) @binding(4) var<storage, read> normSq: array<f32>;
@group(0) @binding(5) var<storage, read_write> out: array<f32>;
@group(0) @binding(6) var<uniform> p: Params;

fn gradScale() -> f32 {
  if (!CLIP) { return 1.0; }
  let norm = sqrt(normSq[0]);
  return select(1.0, p.clip / norm, norm > p.clip);
}

@compute @workgroup_size(WG)
fn adam(@builtin(global_invocation_id) gid: vec3<u32>) {
  _ = &normSq;
  let i = gid.x + gid.y * p.rowStride;
  if (i == 0u) { out[0] = 0.0; }
  if (i >= p.n) { return; }
  let g = grad[i] * gradScale();
  let mi = p.b * m[i] + (1.0 - p.b) * g;
  let vi = p.c * v[i] + (1.0 - p.c) * g * g;
  m[i] = mi;
  v[i] = vi;
  param[i] = param[i] - p.a * mi / (sqrt(vi) + p.d);
}

// SGD: bindings param, grad, velocity (or the output without momentum), normSq, out.
@group(0) @binding(0) var<storage, read_write> sParam: array<f32>;
@group(0) @binding(1) var<storage, read> sGrad: array<f32>;
@group(0) @binding(2) var<storage, read_write> sVel: array<f32>;
@group(0) @binding(3) var<storage, read> sNorm: array<f32>;
@group(0) @binding(4) var<storage, read_write> sOut: array<f32>;
@group(0) @binding(5) var<uniform> sp: Params;

@compute @workgroup_size(WG)
fn sgd(@builtin(global_invocation_id) gid: vec3<u32>) {
  _ = &sVel;
  _ = &sNorm;
  let i = gid.x + gid.y * sp.rowStride;
  if (i == 0u) { sOut[0] = 0.0; }
  if (i >= sp.n) { return; }
  var s = 1.0;
  if (CLIP) {
    let norm = sqrt(sNorm[0]);
    s = select(1.0, sp.clip / norm, norm > sp.clip);
  }
  let g = sGrad[i] * s;
  if (!MOMENTUM) {
    sParam[i] = sParam[i] - sp.a * g;
    return;
  }
  let vv = sp.b * sVel[i] - sp.a * g;
  sVel[i] = vv;
  if (NESTEROV) {
    sParam[i] = sParam[i] + sp.b * vv - sp.a * g;
  } else {
    sParam[i] = sParam[i] + vv;
  }
}

// sum_squares: bindings x, out [1], acc [1].
@group(0) @binding(0) var<storage, read> qx: array<f32>;
@group(0) @binding(1) var<storage, read_write> qOut: array<f32>;
@group(0) @binding(2) var<storage, read_write> qAcc: array<f32>;
@group(0) @binding(3) var<uniform> qp: Params;

var<workgroup> part: array<f32, WG>;

@compute @workgroup_size(WG)
fn sum_squares(@builtin(local_invocation_index) li: u32) {
  _ = &qAcc;
  var s = 0.0;
  for (var i = li; i < qp.n; i += WG) {
    let x = qx[i];
    s += x * x;
  }
  part[li] = s;
  workgroupBarrier();
  if (li == 0u) {
    var t = 0.0;
    for (var i = 0u; i < WG; i++) { t += part[i]; }
    qOut[0] = t;
    if (ACC) { qAcc[0] += t; }
  }
}
