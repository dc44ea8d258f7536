// The training forward of the recurrent-grad module (src/ops/recurrent-grad/train-webgpu.ts): one dispatch per
// step, one invocation per (batch row, unit), after one GEMM put x W + b into xz. An invocation sums its unit's
// G gate columns of h_{s-1} R (R [U, G*U] read in place: neighbouring invocations read neighbouring columns),
// runs the gate math and writes the activated gates over xz, h into the sequence, and what backprop needs into
// aux (LSTM c, GRU h R_h + recurrent bias, or r * h_{s-1}). GRU reset_after=false takes a second dispatch per
// step (step_q): its candidate needs r * h_{s-1} of every unit.

override CELL: u32 = 1u;  // 0 SimpleRNN, 1 LSTM, 2 GRU reset_after, 3 GRU reset_after=false
override ACT: u32 = 4u;   // RNN_ACT_CODE: 0 linear, 1 relu, 2 sigmoid, 3 hard_sigmoid, 4 tanh
override RACT: u32 = 2u;
override WG: u32 = 64u;
override RBIAS: bool = false;  // GRU reset_after recurrent bias present

struct Params {
  B: u32,
  U: u32,
  T: u32,
  s: u32,          // the step of this dispatch
  GU: u32,
  rev: u32,        // go_backwards
  rowStride: u32,  // invocations per row of the 2-D dispatch grid
  _p0: u32,
}

@group(0) @binding(0) var<storage, read_write> xz: array<f32>;
@group(0) @binding(1) var<storage, read_write> hseq: array<f32>;
@group(0) @binding(2) var<storage, read_write> aux: array<f32>;
@group(0) @binding(3) var<storage, read_write> hlast: array<f32>;
@group(0) @binding(4) var<storage, read> R: array<f32>;
@group(0) @binding(5) var<storage, read> rbias: array<f32>;
@group(0) @binding(6) var<uniform> p: Params;

fn act(x: f32, code: u32) -> f32 {
  switch code {
    case 1u: { return max(x, 0.0); }
    case 2u: { return 1.0 / (1.0 + exp(-x)); }
    case 3u: { return clamp(0.2 * x + 0.5, 0.0, 1.0); }
    case 4u: {
      // exp of a clamped argument: some drivers' tanh() returns NaN for large |x|.
      let e = exp(2.0 * clamp(x, -15.0, 15.0));
      return (e - 1.0) / (e + 1.0);
    }
    default: { return x; }
  }
}

fn timeOf(s: u32) -> u32 {
  return select(s, p.T - 1u - s, p.rev != 0u);
}

fn touch() {
  _ = &rbias;
  _ = &hlast;
}

fn rb(g: u32, j: u32) -> f32 {
  if (RBIAS) { return rbias[p.GU + g * p.U + j]; }
  return 0.0;
}

fn writeH(b: u32, j: u32, h: f32) {
  hseq[(b * p.T + p.s) * p.U + j] = h;
  if (p.s + 1u == p.T) { hlast[b * p.U + j] = h; }
}

@compute @workgroup_size(WG)
fn step(@builtin(global_invocation_id) gid: vec3<u32>) {
  touch();
  let i = gid.x + gid.y * p.rowStride;
  if (i >= p.B * p.U) { return; }
  let b = i / p.U;
  let j = i % p.U;
  let U = p.U;
  let GU = p.GU;
  let s = p.s;
  let t = timeOf(s);
  let row = b * p.T + t;
  let x = row * GU + j;
  // h_{s-1} R for this unit's gate columns.
  var r0 = 0.0;
  var r1 = 0.0;
  var r2 = 0.0;
  var r3 = 0.0;
  var hp = 0.0;
  if (s > 0u) {
    let h0 = (b * p.T + s - 1u) * U;
    hp = hseq[h0 + j];
    for (var k = 0u; k < U; k++) {
      let h = hseq[h0 + k];
      let rk = k * GU + j;
      r0 += h * R[rk];
      if (CELL != 0u) {
        r1 += h * R[rk + U];
        if (CELL != 3u) { r2 += h * R[rk + 2u * U]; }
        if (CELL == 1u) { r3 += h * R[rk + 3u * U]; }
      }
    }
  }
  if (CELL == 1u) {
    let ig = act(xz[x] + r0, RACT);
    let fg = act(xz[x + U] + r1, RACT);
    let gg = act(xz[x + 2u * U] + r2, ACT);
    let og = act(xz[x + 3u * U] + r3, RACT);
    var cp = 0.0;
    if (s > 0u) { cp = aux[(b * p.T + timeOf(s - 1u)) * U + j]; }
    let c = fg * cp + ig * gg;
    xz[x] = ig;
    xz[x + U] = fg;
    xz[x + 2u * U] = gg;
    xz[x + 3u * U] = og;
    aux[row * U + j] = c;
    writeH(b, j, og * act(c, ACT));
  } else if (CELL == 0u) {
    let y = act(xz[x] + r0, ACT);
    xz[x] = y;
    writeH(b, j, y);
  } else {
    let z = act(xz[x] + r0 + rb(0u, j), RACT);
    let r = act(xz[x + U] + r1 + rb(1u, j), RACT);
    xz[x] = z;
    xz[x + U] = r;
    if (CELL == 2u) {
      let ahh = r2 + rb(2u, j);
      let hh = act(xz[x + 2u * U] + r * ahh, ACT);
      xz[x + 2u * U] = hh;
      aux[row * U + j] = ahh;
      writeH(b, j, z * hp + (1.0 - z) * hh);
    } else {
      aux[row * U + j] = r * hp;
    }
  }
}

// GRU reset_after=false, second half of a step: q = (r * h_{s-1}) R_h, then the candidate and h.
@compute @workgroup_size(WG)
fn step_q(@builtin(global_invocation_id) gid: vec3<u32>) {
  touch();
  let i = gid.x + gid.y * p.rowStride;
  if (i >= p.B * p.U) { return; }
  let b = i / p.U;
  let j = i % p.U;
  let U = p.U;
  let GU = p.GU;
  let s = p.s;
  let row = b * p.T + timeOf(s);
  let x = row * GU + j;
  var q = 0.0;
  var hp = 0.0;
  if (s > 0u) {
    hp = hseq[(b * p.T + s - 1u) * U + j];
    for (var k = 0u; k < U; k++) { q += aux[row * U + k] * R[k * GU + 2u * U + j]; }
  }
  let z = xz[x];
  let hh = act(xz[x + 2u * U] + q, ACT);
  xz[x + 2u * U] = hh;
  writeH(b, j, z * hp + (1.0 - z) * hh);
}
