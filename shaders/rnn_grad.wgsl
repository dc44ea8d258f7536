// Backpropagation through time for the recurrent-grad ops (src/ops/recurrent-grad/webgpu.ts), one direction.
// x W + b and h_{s-1} R for every step come from two GEMMs (the matmul op) into xz and hr; then
//   recompute   one invocation per (batch row, unit) walks the steps forward: activated gates over xz (and
//               LSTM's c into cs; GRU reset_after=false: r * h_{s-1} into rhp for the second GEMM);
//   backward    one dispatch per step, processing order reversed, one invocation per (batch row, unit): the
//               recurrent part of dh (the next step's h-side gate gradients DH times the unit's row of R, read
//               in place: R [U, G*U] is row-major in Keras layout), then the gate gradients over xz (DX) and,
//               for GRU, hr (DH);
//   backward_q  GRU reset_after=false, second half of a step: q = dA_h R_h^T, then the reset gate's gradient.
// Weight gradients, dx and bias sums are GEMMs and column sums afterwards.
//
// Buffers, rows b * T + t in memory order (step s reads time t = s, or T-1-s going backwards):
//   xz [rows][GU]  hr [rows][GU]  hp [rows][U] = h_{s-1}  cs [rows][U]  dy [B][T][U] or [B][U] (processing order)
//   st [2][B][U]: the direct part of dh_{s-1} (GRU: z * dh) and LSTM's dc carried back.

override CELL: u32 = 1u;  // 0 SimpleRNN, 1 LSTM, 2 GRU reset_after, 3 GRU reset_after=false (4: its 2nd recompute half)
override ACT: u32 = 4u;   // RNN_ACT_CODE: 0 linear, 1 relu, 2 sigmoid, 3 hard_sigmoid, 4 tanh
override RACT: u32 = 2u;
override WG: u32 = 64u;

struct Params {
  B: u32,
  U: u32,
  T: u32,
  s: u32,          // backward: the step of this dispatch
  GU: u32,
  nR: u32,         // columns of DH in the recurrent product (GRU reset_after=false: z and r only)
  seq: u32,        // dy holds every step
  rev: u32,        // go_backwards
  rowStride: u32,  // invocations per row of the 2-D dispatch grid
  _p0: u32,
  _p1: u32,
  _p2: u32,
}

@group(0) @binding(0) var<storage, read_write> xz: array<f32>;
@group(0) @binding(1) var<storage, read_write> hr: array<f32>;
@group(0) @binding(2) var<storage, read> hp: array<f32>;
@group(0) @binding(3) var<storage, read_write> cs: array<f32>;
@group(0) @binding(4) var<storage, read> dy: array<f32>;
@group(0) @binding(5) var<storage, read> R: array<f32>;
@group(0) @binding(6) var<storage, read_write> st: array<f32>;
@group(0) @binding(7) var<storage, read_write> rhp: array<f32>;
@group(0) @binding(8) var<uniform> p: Params;

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

// d act / d pre-activation, from the activation's output y.
fn dact(y: f32, code: u32) -> f32 {
  switch code {
    case 1u: { return select(0.0, 1.0, y > 0.0); }
    case 2u: { return y * (1.0 - y); }
    case 3u: { return select(0.0, 0.2, y > 0.0 && y < 1.0); }
    case 4u: { return 1.0 - y * y; }
    default: { return 1.0; }
  }
}

fn timeOf(s: u32) -> u32 {
  return select(s, p.T - 1u - s, p.rev != 0u);
}

// Binds every buffer of the layout in each entry point (one bind group shape for all of them).
fn touch() {
  _ = &xz;
  _ = &hr;
  _ = &hp;
  _ = &cs;
  _ = &dy;
  _ = &R;
  _ = &st;
  _ = &rhp;
}

@compute @workgroup_size(WG)
fn recompute(@builtin(global_invocation_id) gid: vec3<u32>) {
  touch();
  let i = gid.x + gid.y * p.rowStride;
  if (i >= p.B * p.U) { return; }
  let b = i / p.U;
  let j = i % p.U;
  let U = p.U;
  let GU = p.GU;
  var c = 0.0;
  for (var s = 0u; s < p.T; s++) {
    let row = b * p.T + timeOf(s);
    let x = row * GU + j;
    if (CELL == 1u) {
      let ig = act(xz[x] + hr[x], RACT);
      let fg = act(xz[x + U] + hr[x + U], RACT);
      let gg = act(xz[x + 2u * U] + hr[x + 2u * U], ACT);
      let og = act(xz[x + 3u * U] + hr[x + 3u * U], RACT);
      c = fg * c + ig * gg;
      xz[x] = ig;
      xz[x + U] = fg;
      xz[x + 2u * U] = gg;
      xz[x + 3u * U] = og;
      cs[row * U + j] = c;
    } else if (CELL == 0u) {
      xz[x] = act(xz[x] + hr[x], ACT);
    } else if (CELL == 4u) {
      xz[x + 2u * U] = act(xz[x + 2u * U] + hr[x + 2u * U], ACT);
    } else {
      let z = act(xz[x] + hr[x], RACT);
      let r = act(xz[x + U] + hr[x + U], RACT);
      xz[x] = z;
      xz[x + U] = r;
      if (CELL == 2u) {
        xz[x + 2u * U] = act(xz[x + 2u * U] + r * hr[x + 2u * U], ACT);
      } else {
        rhp[row * U + j] = r * hp[row * U + j];
      }
    }
  }
}

// sum over n < count of a[aOff + n] * R[rOff + n]: four independent accumulators.
fn dotRows(useHr: bool, aOff: u32, rOff: u32, count: u32) -> f32 {
  var a0 = 0.0;
  var a1 = 0.0;
  var a2 = 0.0;
  var a3 = 0.0;
  let n4 = count & ~3u;
  var n = 0u;
  if (useHr) {
    for (; n < n4; n += 4u) {
      a0 += hr[aOff + n] * R[rOff + n];
      a1 += hr[aOff + n + 1u] * R[rOff + n + 1u];
      a2 += hr[aOff + n + 2u] * R[rOff + n + 2u];
      a3 += hr[aOff + n + 3u] * R[rOff + n + 3u];
    }
    for (; n < count; n++) { a0 += hr[aOff + n] * R[rOff + n]; }
  } else {
    for (; n < n4; n += 4u) {
      a0 += xz[aOff + n] * R[rOff + n];
      a1 += xz[aOff + n + 1u] * R[rOff + n + 1u];
      a2 += xz[aOff + n + 2u] * R[rOff + n + 2u];
      a3 += xz[aOff + n + 3u] * R[rOff + n + 3u];
    }
    for (; n < count; n++) { a0 += xz[aOff + n] * R[rOff + n]; }
  }
  return (a0 + a1) + (a2 + a3);
}

@compute @workgroup_size(WG)
fn backward(@builtin(global_invocation_id) gid: vec3<u32>) {
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
  let gru = CELL == 2u || CELL == 3u;
  // dh = dy + (DH_{s+1} R^T)[j] + the direct part left by step s+1.
  var dh = st[i];
  if (s + 1u < p.T) {
    let rowN = b * p.T + timeOf(s + 1u);
    dh += dotRows(gru, rowN * GU, j * GU, p.nR);
  }
  if (p.seq != 0u) {
    dh += dy[(b * p.T + s) * U + j];
  } else if (s + 1u == p.T) {
    dh += dy[b * U + j];
  }
  if (CELL == 1u) {
    let ig = xz[x];
    let fg = xz[x + U];
    let gg = xz[x + 2u * U];
    let og = xz[x + 3u * U];
    let tc = act(cs[row * U + j], ACT);
    var cp = 0.0;
    if (s > 0u) { cp = cs[(b * p.T + timeOf(s - 1u)) * U + j]; }
    let dcIdx = p.B * U + i;
    let dc = dh * og * dact(tc, ACT) + st[dcIdx];
    xz[x] = dc * gg * dact(ig, RACT);
    xz[x + U] = dc * cp * dact(fg, RACT);
    xz[x + 2u * U] = dc * ig * dact(gg, ACT);
    xz[x + 3u * U] = dh * tc * dact(og, RACT);
    st[dcIdx] = dc * fg;
  } else if (CELL == 0u) {
    xz[x] = dh * dact(xz[x], ACT);
  } else {
    let z = xz[x];
    let hh = xz[x + 2u * U];
    let dAz = dh * (hp[row * U + j] - hh) * dact(z, RACT);
    let dAh = dh * (1.0 - z) * dact(hh, ACT);
    xz[x] = dAz;
    xz[x + 2u * U] = dAh;
    hr[x] = dAz;
    st[i] = dh * z;
    if (CELL == 2u) {
      let r = xz[x + U];
      let dAr = dAh * hr[x + 2u * U] * dact(r, RACT);
      xz[x + U] = dAr;
      hr[x + U] = dAr;
      hr[x + 2u * U] = dAh * r;
    }
  }
}

@compute @workgroup_size(WG)
fn backward_q(@builtin(global_invocation_id) gid: vec3<u32>) {
  touch();
  let i = gid.x + gid.y * p.rowStride;
  if (i >= p.B * p.U) { return; }
  let b = i / p.U;
  let k = i % p.U;
  let U = p.U;
  let GU = p.GU;
  let row = b * p.T + timeOf(p.s);
  let x = row * GU + k;
  // q[k] = sum_j dA_h[j] R[k, 2U + j]
  let q = dotRows(false, row * GU + 2u * U, k * GU + 2u * U, U);
  let r = xz[x + U];
  let dAr = q * hp[row * U + k] * dact(r, RACT);
  xz[x + U] = dAr;
  hr[x + U] = dAr;
  st[i] += q * r;
}
