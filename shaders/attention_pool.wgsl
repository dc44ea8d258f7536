// Attention pooling over time (src/ops/attention-pool/): one invocation per batch row. Rows are tracks (a few to a
// few hundred) and a row's work is T x D (<= 32 x 128 here), so no workgroup barrier is worth its cost on
// lavapipe; the D loops go 4 wide (vec4 loads) when D % 4 == 0 (override VEC4).
//   pool       masked softmax of the scores, weighted sum of the values, optional L2 normalisation.
//   pool_grad  gradient w.r.t. the scores and the values.

override WG: u32 = 64u;
override MASKED: bool = false;
override NORMALIZE: bool = true;
override VEC4: bool = false;

struct Params {
  B: u32,
  T: u32,
  D: u32,
  rowStride: u32,
  eps: f32,
}

@group(0) @binding(0) var<storage, read> a0: array<f32>;        // pool: scores     grad: weights
@group(0) @binding(1) var<storage, read> vals: array<f32>;      // values [B, T, D]
@group(0) @binding(2) var<storage, read> a2: array<f32>;        // pool: mask       grad: out
@group(0) @binding(3) var<storage, read> a3: array<f32>;        // pool: (unused)   grad: norm
@group(0) @binding(4) var<storage, read> a4: array<f32>;        // pool: (unused)   grad: dOut
@group(0) @binding(5) var<storage, read_write> o0: array<f32>;  // pool: out        grad: dScores
@group(0) @binding(6) var<storage, read_write> o1: array<f32>;  // pool: weights    grad: dValues
@group(0) @binding(7) var<storage, read_write> o2: array<f32>;  // pool: norm       grad: (unused)
@group(0) @binding(8) var<uniform> p: Params;

fn v4(buf: ptr<storage, array<f32>, read>, i: u32) -> vec4<f32> {
  return vec4<f32>((*buf)[i], (*buf)[i + 1u], (*buf)[i + 2u], (*buf)[i + 3u]);
}

@compute @workgroup_size(WG)
fn pool(@builtin(global_invocation_id) gid: vec3<u32>) {
  _ = &a3;
  _ = &a4;
  _ = &a2;
  let b = gid.x + gid.y * p.rowStride;
  if (b >= p.B) { return; }
  let T = p.T;
  let D = p.D;
  var mx = -3.0e38;
  var hasAny = false;
  for (var t = 0u; t < T; t++) {
    if (!MASKED || a2[b * T + t] != 0.0) { mx = max(mx, a0[b * T + t]); hasAny = true; }
  }
  var sum = 0.0;
  for (var t = 0u; t < T; t++) {
    var e = 0.0;
    if (!MASKED || a2[b * T + t] != 0.0) { e = exp(a0[b * T + t] - mx); }
    o1[b * T + t] = e;
    sum += e;
  }
  var inv = 0.0;
  if (hasAny && sum > 0.0) { inv = 1.0 / sum; }
  for (var t = 0u; t < T; t++) { o1[b * T + t] *= inv; }
  var ss = 0.0;
  if (VEC4) {
    for (var d = 0u; d < D; d += 4u) {
      var acc = vec4<f32>(0.0);
      for (var t = 0u; t < T; t++) { acc = fma(vec4<f32>(o1[b * T + t]), v4(&vals, (b * T + t) * D + d), acc); }
      o0[b * D + d] = acc.x;
      o0[b * D + d + 1u] = acc.y;
      o0[b * D + d + 2u] = acc.z;
      o0[b * D + d + 3u] = acc.w;
      ss += dot(acc, acc);
    }
  } else {
    for (var d = 0u; d < D; d++) {
      var acc = 0.0;
      for (var t = 0u; t < T; t++) { acc = fma(o1[b * T + t], vals[(b * T + t) * D + d], acc); }
      o0[b * D + d] = acc;
      ss = fma(acc, acc, ss);
    }
  }
  o2[b] = sqrt(ss);
  if (NORMALIZE) {
    let s = inverseSqrt(max(ss, p.eps));
    for (var d = 0u; d < D; d++) { o0[b * D + d] *= s; }
  }
}

@compute @workgroup_size(WG)
fn pool_grad(@builtin(global_invocation_id) gid: vec3<u32>) {
  _ = &o2;
  let b = gid.x + gid.y * p.rowStride;
  if (b >= p.B) { return; }
  let T = p.T;
  let D = p.D;
  // a0 weights, a2 out, a3 norm, a4 dOut. dp (the gradient w.r.t. the unnormalised p) is recomputed per use
  // instead of stored: D values per row would need scratch memory.
  var od = 0.0;
  for (var d = 0u; d < D; d++) { od = fma(a2[b * D + d], a4[b * D + d], od); }
  let n = a3[b];
  let len = max(n, sqrt(p.eps));
  var pdp = 0.0;
  for (var d = 0u; d < D; d++) {
    var dp = a4[b * D + d];
    var pv = a2[b * D + d];
    if (NORMALIZE) { dp = (dp - a2[b * D + d] * od) / len; pv = pv * n; }
    pdp = fma(pv, dp, pdp);
  }
  for (var t = 0u; t < T; t++) {
    let wt = a0[b * T + t];
    let base = (b * T + t) * D;
    var vdp = 0.0;
    if (VEC4) {
      let odv = vec4<f32>(od);
      for (var d = 0u; d < D; d += 4u) {
        var dp = v4(&a4, b * D + d);
        if (NORMALIZE) { dp = (dp - v4(&a2, b * D + d) * odv) / len; }
        vdp += dot(v4(&vals, base + d), dp);
        let g = wt * dp;
        o1[base + d] = g.x;
        o1[base + d + 1u] = g.y;
        o1[base + d + 2u] = g.z;
        o1[base + d + 3u] = g.w;
      }
    } else {
      for (var d = 0u; d < D; d++) {
        var dp = a4[b * D + d];
        if (NORMALIZE) { dp = (dp - a2[b * D + d] * od) / len; }
        vdp = fma(vals[base + d], dp, vdp);
        o1[base + d] = wt * dp;
      }
    }
    o0[b * T + t] = wt * (vdp - pdp);
  }
}
