// MultiBox (YOLO grid) loss and gradient (src/ops/multibox-loss/webgpu.ts): each invocation takes SPT consecutive
// slots, writes their gradient (scaled by 1 / n) and one row of partial sums (total, obj, box, cls); dense-grad's
// colsum then adds the rows. Register blocking over slots instead of a workgroup reduction: no barriers.

override WG: u32 = 64u;
override SPT: u32 = 4u;

struct Params {
  slots: u32,
  k: u32,          // 5 + classes
  total: u32,      // invocations: ceil(slots / SPT)
  rowStride: u32,  // invocations per row of the 2-D dispatch grid
  lObj: f32,
  lNoObj: f32,
  lBox: f32,
  lCls: f32,
  scale: f32,      // 1 / n
  _p0: u32,
  _p1: u32,
  _p2: u32,
}

@group(0) @binding(0) var<storage, read> pred: array<f32>;
@group(0) @binding(1) var<storage, read> targets: array<f32>;
@group(0) @binding(2) var<storage, read_write> dpred: array<f32>;
@group(0) @binding(3) var<storage, read_write> partial: array<vec4<f32>>;
@group(0) @binding(4) var<uniform> p: Params;

fn sigmoid(x: f32) -> f32 {
  return 1.0 / (1.0 + exp(-x));
}

fn softplus(x: f32) -> f32 {
  return max(x, 0.0) + log(1.0 + exp(-abs(x)));
}

fn smoothL1(d: f32) -> f32 {
  let a = abs(d);
  return select(a - 0.5, 0.5 * d * d, a < 1.0);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * p.rowStride;
  if (i >= p.total) { return; }
  let classes = p.k - 5u;
  var sObj = 0.0;
  var sBox = 0.0;
  var sCls = 0.0;
  for (var s = i * SPT; s < min(i * SPT + SPT, p.slots); s++) {
    let b = s * p.k;
    let t = s * 6u;
    let obj = targets[t];
    for (var j = 0u; j < p.k; j++) { dpred[b + j] = 0.0; }
    if (obj < -0.5) { continue; }
    let to = pred[b + 4u];
    if (obj <= 0.5) {
      dpred[b + 4u] = p.scale * p.lNoObj * sigmoid(to);
      sObj += p.lNoObj * softplus(to);
      continue;
    }
    dpred[b + 4u] = p.scale * p.lObj * (sigmoid(to) - 1.0);
    sObj += p.lObj * softplus(-to);
    var box = 0.0;
    for (var j = 0u; j < 4u; j++) {
      let v = pred[b + j];
      let sv = select(v, sigmoid(v), j < 2u);
      let d = sv - targets[t + 1u + j];
      box += smoothL1(d);
      dpred[b + j] = p.scale * p.lBox * clamp(d, -1.0, 1.0) * select(1.0, sv * (1.0 - sv), j < 2u);
    }
    sBox += p.lBox * box;
    let cf = round(targets[t + 5u]);
    if (cf < 0.0 || cf >= f32(classes)) { continue; }
    let c = u32(cf);
    let l0 = b + 5u;
    var m = pred[l0];
    for (var j = 1u; j < classes; j++) { m = max(m, pred[l0 + j]); }
    var sum = 0.0;
    for (var j = 0u; j < classes; j++) { sum += exp(pred[l0 + j] - m); }
    sCls += p.lCls * (m + log(sum) - pred[l0 + c]);
    let f = p.scale * p.lCls / sum;
    for (var j = 0u; j < classes; j++) { dpred[l0 + j] = exp(pred[l0 + j] - m) * f; }
    dpred[l0 + c] -= p.scale * p.lCls;
  }
  partial[i] = vec4<f32>(sObj + sBox + sCls, sObj, sBox, sCls);
}
