// Recurrent cell steps: SimpleRNN, LSTM (gates i f c o, optional peepholes) and GRU (z r h, both reset
// variants), specialised per cell and shape by override constants. x W + b for every step is precomputed by one
// GEMM (the matmul op) into `xp`; a step adds the recurrent product h R and runs the gate math, the c/h update,
// masking and the output store fused, on vec4s of 4 units.
//
// Layouts, in vec4 units, nq = up / 4 blocks of 4 units. One direction with units a multiple of 4 reads Keras's
// layouts in place (xp = x W + b [rows][G][nq], R [u][G][nq], peepholes / GRU recurrent bias [3][nq]): no
// per-call copies. Otherwise src/ops/recurrent/webgpu.ts packs (shaders/rnn_util.wgsl), units padded to up:
//   xp    [rows][dir][q][G]           one GEMM row per (batch, time), both directions side by side
//   rw    [dir][q][k < up][G]         recurrent kernel panels, zero rows/cols past the real units
//   aux   [dir][q][3]                 LSTM peepholes (i, f, o) or GRU recurrent bias (z, r, h)
// and Params' strides say which.
//   state [dir][5][B][q]              h ping-pong (2), c, GRU reset-before z and r*h
//   out   f32, element (dir, b, pos, j) at dir*outDir + b*osb + pos*ost + j
//
// Entry points:
//   step     one step for every (direction, batch-row block, unit block): one invocation keeps BR rows x G
//            vec4 gate sums in registers (no shared memory: barriers are expensive on lavapipe); T dispatches
//            make a sequence, recorded into one command encoder.
//   step_zr  GRU resetAfter=false, first half of a step: z and r*h for every unit (the second half, `step`
//            with CELL 3, needs r*h of all units).
//   persist  the whole sequence in one dispatch: one workgroup per (direction, batch-row block) loops over T,
//            h in workgroup memory (one barrier per step), the recurrent kernel in workgroup memory too when
//            it fits (RS_SHARED).

override CELL: u32 = 1u;      // 0 SimpleRNN, 1 LSTM, 2 GRU resetAfter, 3 GRU resetAfter=false
override G: u32 = 4u;         // gates
override BR: u32 = 1u;        // batch rows per invocation (1..4)
override WG: u32 = 64u;
override ACT: u32 = 4u;       // RNN_ACT_CODE: 0 linear, 1 relu, 2 sigmoid, 3 hard_sigmoid, 4 tanh
override RACT: u32 = 2u;
override MASK: u32 = 0u;      // 0 none, 1 lengths [B], 2 mask [B, T]
override ZERO: bool = false;  // masked steps output zeros (else the previous output)
override SEQ: bool = false;   // output every step (else the last)
override PERSIST: bool = false;
override HS: u32 = 1u;        // persist: workgroup h slots (3 * BR * nq vec4: ping-pong and r*h)
override RS_SHARED: bool = false;
override RS: u32 = 1u;        // persist + RS_SHARED: vec4 of one direction's recurrent kernel

struct Params {
  B: u32,
  u: u32,
  nq: u32,
  T: u32,
  s0: u32,        // first step of this dispatch
  s1: u32,        // one past the last (persist)
  xsb: u32,       // xp vec4 between batch rows
  xst: u32,       // xp vec4 between time steps
  osb: u32,       // out floats between batch rows
  ost: u32,       // out floats between time positions
  outDir: u32,    // out floats between directions
  flags: u32,     // per direction d, bits 4d..: 1 reversed, 2 output flipped, 4 aux present
  stateDir: u32,  // state vec4 per direction
  rwDir: u32,     // rw vec4 per direction
  dirs: u32,
  rowStride: u32, // invocations per row of a 2-D dispatch grid
  // Where a unit block's data sits (vec4 units): packed (per block contiguous) or Keras's layout read in place
  // (gates nq apart). rw element (q, k, g) at d * rwDir + q * wq + k * ws + g * wgs; xp's gate g of block q at
  // row + d * xpDir + q * xq + g * xgs; aux at auxOff + d * auxDir + q * aq + g * ags.
  wq: u32,
  ws: u32,
  wgs: u32,
  xq: u32,
  xgs: u32,
  xpDir: u32,
  aq: u32,
  ags: u32,
  auxDir: u32,
  auxOff: u32,
  _p0: u32,
  _p1: u32,
}

@group(0) @binding(0) var<storage, read> xp: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> rw: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> aux: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> mask: array<f32>;
@group(0) @binding(4) var<storage, read_write> state: array<vec4<f32>>;
@group(0) @binding(5) var<storage, read_write> out: array<f32>;
@group(0) @binding(6) var<uniform> p: Params;

var<workgroup> hs: array<vec4<f32>, HS>;
var<workgroup> rs: array<vec4<f32>, RS>;

fn act(x: vec4<f32>, code: u32) -> vec4<f32> {
  switch code {
    case 1u: { return max(x, vec4<f32>(0.0)); }
    case 2u: { return 1.0 / (1.0 + exp(-x)); }
    case 3u: { return clamp(0.2 * x + 0.5, vec4<f32>(0.0), vec4<f32>(1.0)); }
    case 4u: {
      // exp of a clamped argument: some drivers' tanh() returns NaN for large |x|.
      let e = exp(2.0 * clamp(x, vec4<f32>(-15.0), vec4<f32>(15.0)));
      return (e - 1.0) / (e + 1.0);
    }
    default: { return x; }
  }
}

fn valid(b: u32, t: u32) -> bool {
  if (MASK == 1u) { return f32(t) < mask[b]; }
  if (MASK == 2u) { return mask[b * p.T + t] != 0.0; }
  return true;
}

// h (and r*h) rows: workgroup memory in the persistent kernel, storage otherwise.
fn loadH(i: u32) -> vec4<f32> {
  if (PERSIST) { return hs[i]; }
  return state[i];
}
fn storeH(i: u32, v: vec4<f32>) {
  if (PERSIST) { hs[i] = v; } else { state[i] = v; }
}
fn loadW(i: u32) -> vec4<f32> {
  if (RS_SHARED) { return rs[i]; }
  return rw[i];
}

// Gate sums of up to 4 batch rows x 4 gates, as named registers (a<row><gate>): no dynamically indexed array
// that a compiler might leave in memory.
struct Acc {
  a00: vec4<f32>, a01: vec4<f32>, a02: vec4<f32>, a03: vec4<f32>,
  a10: vec4<f32>, a11: vec4<f32>, a12: vec4<f32>, a13: vec4<f32>,
  a20: vec4<f32>, a21: vec4<f32>, a22: vec4<f32>, a23: vec4<f32>,
  a30: vec4<f32>, a31: vec4<f32>, a32: vec4<f32>, a33: vec4<f32>,
}

// Sum over k of h[r][k] * R[k][gate g, unit block], gates g0 <= g < g1 (constants at every call). h rows at
// hb + r * nq (vec4), R rows at wb + k * ws, gates wgs apart. Padded R rows are zero, so k runs over whole vec4s
// of h.
fn accumulate(hb: u32, rows: u32, wb: u32, g0: u32, g1: u32) -> Acc {
  var A: Acc;
  let z = vec4<f32>(0.0);
  for (var k4 = 0u; k4 < p.nq; k4++) {
    var h0 = z;
    if (BR > 0u && rows > 0u) { h0 = loadH(hb + 0u * p.nq + k4); }
    var h1 = z;
    if (BR > 1u && rows > 1u) { h1 = loadH(hb + 1u * p.nq + k4); }
    var h2 = z;
    if (BR > 2u && rows > 2u) { h2 = loadH(hb + 2u * p.nq + k4); }
    var h3 = z;
    if (BR > 3u && rows > 3u) { h3 = loadH(hb + 3u * p.nq + k4); }
    let w0 = wb + k4 * 4u * p.ws;
    {
      if (g0 <= 0u && g1 > 0u) {
        let w = loadW(w0 + 0u * p.ws + 0u * p.wgs);
        A.a00 = fma(vec4<f32>(h0.x), w, A.a00);
        if (BR > 1u) { A.a10 = fma(vec4<f32>(h1.x), w, A.a10); }
        if (BR > 2u) { A.a20 = fma(vec4<f32>(h2.x), w, A.a20); }
        if (BR > 3u) { A.a30 = fma(vec4<f32>(h3.x), w, A.a30); }
      }
      if (g0 <= 1u && g1 > 1u) {
        let w = loadW(w0 + 0u * p.ws + 1u * p.wgs);
        A.a01 = fma(vec4<f32>(h0.x), w, A.a01);
        if (BR > 1u) { A.a11 = fma(vec4<f32>(h1.x), w, A.a11); }
        if (BR > 2u) { A.a21 = fma(vec4<f32>(h2.x), w, A.a21); }
        if (BR > 3u) { A.a31 = fma(vec4<f32>(h3.x), w, A.a31); }
      }
      if (g0 <= 2u && g1 > 2u) {
        let w = loadW(w0 + 0u * p.ws + 2u * p.wgs);
        A.a02 = fma(vec4<f32>(h0.x), w, A.a02);
        if (BR > 1u) { A.a12 = fma(vec4<f32>(h1.x), w, A.a12); }
        if (BR > 2u) { A.a22 = fma(vec4<f32>(h2.x), w, A.a22); }
        if (BR > 3u) { A.a32 = fma(vec4<f32>(h3.x), w, A.a32); }
      }
      if (g0 <= 3u && g1 > 3u) {
        let w = loadW(w0 + 0u * p.ws + 3u * p.wgs);
        A.a03 = fma(vec4<f32>(h0.x), w, A.a03);
        if (BR > 1u) { A.a13 = fma(vec4<f32>(h1.x), w, A.a13); }
        if (BR > 2u) { A.a23 = fma(vec4<f32>(h2.x), w, A.a23); }
        if (BR > 3u) { A.a33 = fma(vec4<f32>(h3.x), w, A.a33); }
      }
    }
    {
      if (g0 <= 0u && g1 > 0u) {
        let w = loadW(w0 + 1u * p.ws + 0u * p.wgs);
        A.a00 = fma(vec4<f32>(h0.y), w, A.a00);
        if (BR > 1u) { A.a10 = fma(vec4<f32>(h1.y), w, A.a10); }
        if (BR > 2u) { A.a20 = fma(vec4<f32>(h2.y), w, A.a20); }
        if (BR > 3u) { A.a30 = fma(vec4<f32>(h3.y), w, A.a30); }
      }
      if (g0 <= 1u && g1 > 1u) {
        let w = loadW(w0 + 1u * p.ws + 1u * p.wgs);
        A.a01 = fma(vec4<f32>(h0.y), w, A.a01);
        if (BR > 1u) { A.a11 = fma(vec4<f32>(h1.y), w, A.a11); }
        if (BR > 2u) { A.a21 = fma(vec4<f32>(h2.y), w, A.a21); }
        if (BR > 3u) { A.a31 = fma(vec4<f32>(h3.y), w, A.a31); }
      }
      if (g0 <= 2u && g1 > 2u) {
        let w = loadW(w0 + 1u * p.ws + 2u * p.wgs);
        A.a02 = fma(vec4<f32>(h0.y), w, A.a02);
        if (BR > 1u) { A.a12 = fma(vec4<f32>(h1.y), w, A.a12); }
        if (BR > 2u) { A.a22 = fma(vec4<f32>(h2.y), w, A.a22); }
        if (BR > 3u) { A.a32 = fma(vec4<f32>(h3.y), w, A.a32); }
      }
      if (g0 <= 3u && g1 > 3u) {
        let w = loadW(w0 + 1u * p.ws + 3u * p.wgs);
        A.a03 = fma(vec4<f32>(h0.y), w, A.a03);
        if (BR > 1u) { A.a13 = fma(vec4<f32>(h1.y), w, A.a13); }
        if (BR > 2u) { A.a23 = fma(vec4<f32>(h2.y), w, A.a23); }
        if (BR > 3u) { A.a33 = fma(vec4<f32>(h3.y), w, A.a33); }
      }
    }
    {
      if (g0 <= 0u && g1 > 0u) {
        let w = loadW(w0 + 2u * p.ws + 0u * p.wgs);
        A.a00 = fma(vec4<f32>(h0.z), w, A.a00);
        if (BR > 1u) { A.a10 = fma(vec4<f32>(h1.z), w, A.a10); }
        if (BR > 2u) { A.a20 = fma(vec4<f32>(h2.z), w, A.a20); }
        if (BR > 3u) { A.a30 = fma(vec4<f32>(h3.z), w, A.a30); }
      }
      if (g0 <= 1u && g1 > 1u) {
        let w = loadW(w0 + 2u * p.ws + 1u * p.wgs);
        A.a01 = fma(vec4<f32>(h0.z), w, A.a01);
        if (BR > 1u) { A.a11 = fma(vec4<f32>(h1.z), w, A.a11); }
        if (BR > 2u) { A.a21 = fma(vec4<f32>(h2.z), w, A.a21); }
        if (BR > 3u) { A.a31 = fma(vec4<f32>(h3.z), w, A.a31); }
      }
      if (g0 <= 2u && g1 > 2u) {
        let w = loadW(w0 + 2u * p.ws + 2u * p.wgs);
        A.a02 = fma(vec4<f32>(h0.z), w, A.a02);
        if (BR > 1u) { A.a12 = fma(vec4<f32>(h1.z), w, A.a12); }
        if (BR > 2u) { A.a22 = fma(vec4<f32>(h2.z), w, A.a22); }
        if (BR > 3u) { A.a32 = fma(vec4<f32>(h3.z), w, A.a32); }
      }
      if (g0 <= 3u && g1 > 3u) {
        let w = loadW(w0 + 2u * p.ws + 3u * p.wgs);
        A.a03 = fma(vec4<f32>(h0.z), w, A.a03);
        if (BR > 1u) { A.a13 = fma(vec4<f32>(h1.z), w, A.a13); }
        if (BR > 2u) { A.a23 = fma(vec4<f32>(h2.z), w, A.a23); }
        if (BR > 3u) { A.a33 = fma(vec4<f32>(h3.z), w, A.a33); }
      }
    }
    {
      if (g0 <= 0u && g1 > 0u) {
        let w = loadW(w0 + 3u * p.ws + 0u * p.wgs);
        A.a00 = fma(vec4<f32>(h0.w), w, A.a00);
        if (BR > 1u) { A.a10 = fma(vec4<f32>(h1.w), w, A.a10); }
        if (BR > 2u) { A.a20 = fma(vec4<f32>(h2.w), w, A.a20); }
        if (BR > 3u) { A.a30 = fma(vec4<f32>(h3.w), w, A.a30); }
      }
      if (g0 <= 1u && g1 > 1u) {
        let w = loadW(w0 + 3u * p.ws + 1u * p.wgs);
        A.a01 = fma(vec4<f32>(h0.w), w, A.a01);
        if (BR > 1u) { A.a11 = fma(vec4<f32>(h1.w), w, A.a11); }
        if (BR > 2u) { A.a21 = fma(vec4<f32>(h2.w), w, A.a21); }
        if (BR > 3u) { A.a31 = fma(vec4<f32>(h3.w), w, A.a31); }
      }
      if (g0 <= 2u && g1 > 2u) {
        let w = loadW(w0 + 3u * p.ws + 2u * p.wgs);
        A.a02 = fma(vec4<f32>(h0.w), w, A.a02);
        if (BR > 1u) { A.a12 = fma(vec4<f32>(h1.w), w, A.a12); }
        if (BR > 2u) { A.a22 = fma(vec4<f32>(h2.w), w, A.a22); }
        if (BR > 3u) { A.a32 = fma(vec4<f32>(h3.w), w, A.a32); }
      }
      if (g0 <= 3u && g1 > 3u) {
        let w = loadW(w0 + 3u * p.ws + 3u * p.wgs);
        A.a03 = fma(vec4<f32>(h0.w), w, A.a03);
        if (BR > 1u) { A.a13 = fma(vec4<f32>(h1.w), w, A.a13); }
        if (BR > 2u) { A.a23 = fma(vec4<f32>(h2.w), w, A.a23); }
        if (BR > 3u) { A.a33 = fma(vec4<f32>(h3.w), w, A.a33); }
      }
    }
  }
  return A;
}

// Row r's gate sums.
fn accRow(A: Acc, r: u32) -> array<vec4<f32>, 4> {
  switch r {
    case 1u: { return array<vec4<f32>, 4>(A.a10, A.a11, A.a12, A.a13); }
    case 2u: { return array<vec4<f32>, 4>(A.a20, A.a21, A.a22, A.a23); }
    case 3u: { return array<vec4<f32>, 4>(A.a30, A.a31, A.a32, A.a33); }
    default: { return array<vec4<f32>, 4>(A.a00, A.a01, A.a02, A.a03); }
  }
}

struct Step {
  d: u32,
  s: u32,
  t: u32,       // input time
  pos: u32,     // output position
  first: bool,
  hPrev: u32,   // h row base of batch-row-block row 0 (loadH index)
  hNext: u32,
  rh: u32,      // r*h row base (GRU resetAfter=false)
  st: u32,      // state vec4 base of this direction (c, z regions)
}

fn stepOf(d: u32, s: u32) -> Step {
  var k: Step;
  k.d = d;
  k.s = s;
  let fl = p.flags >> (4u * d);
  k.t = select(s, p.T - 1u - s, (fl & 1u) != 0u);
  k.pos = select(s, p.T - 1u - s, (fl & 2u) != 0u);
  k.first = s == 0u;
  k.st = d * p.stateDir;
  return k;
}

// Gate math for batch row b (register row r), unit block q; writes c (LSTM), h next, the output.
fn cell(gs: array<vec4<f32>, 4>, k: Step, r: u32, b: u32, q: u32) {
  let nq = p.nq;
  let BQ = p.B * nq;
  let xb = b * p.xsb + k.t * p.xst + k.d * p.xpDir + q * p.xq;
  let xg = p.xgs;
  let hp = loadH(k.hPrev + r * nq + q);
  let hasAux = ((p.flags >> (4u * k.d)) & 4u) != 0u;
  let ab = p.auxOff + k.d * p.auxDir + q * p.aq;
  let ag = p.ags;
  var h2: vec4<f32>;
  var c2 = vec4<f32>(0.0);
  if (CELL == 1u) {
    let ci = k.st + 2u * BQ + b * nq + q;
    let c = state[ci];
    var gi = gs[0] + xp[xb];
    var gf = gs[1] + xp[xb + xg];
    let gg = gs[2] + xp[xb + 2u * xg];
    var go = gs[3] + xp[xb + 3u * xg];
    if (hasAux) {
      gi = fma(aux[ab], c, gi);
      gf = fma(aux[ab + ag], c, gf);
    }
    c2 = fma(act(gf, RACT), c, act(gi, RACT) * act(gg, ACT));
    if (hasAux) { go = fma(aux[ab + 2u * ag], c2, go); }
    h2 = act(go, RACT) * act(c2, ACT);
  } else if (CELL == 2u) {
    var bz = vec4<f32>(0.0);
    var brr = vec4<f32>(0.0);
    var bh = vec4<f32>(0.0);
    if (hasAux) {
      bz = aux[ab];
      brr = aux[ab + ag];
      bh = aux[ab + 2u * ag];
    }
    let z = act(gs[0] + bz + xp[xb], RACT);
    let rg = act(gs[1] + brr + xp[xb + xg], RACT);
    let hh = act(fma(rg, gs[2] + bh, xp[xb + 2u * xg]), ACT);
    h2 = fma(z, hp, (1.0 - z) * hh);
  } else if (CELL == 3u) {
    // second half: acc[r*G + 2] = (r*h) R_h; z from the first half
    let z = state[k.st + 3u * BQ + b * nq + q];
    let hh = act(gs[2] + xp[xb + 2u * xg], ACT);
    h2 = fma(z, hp, (1.0 - z) * hh);
  } else {
    h2 = act(gs[0] + xp[xb], ACT);
  }
  let ok = valid(b, k.t);
  if (ok && CELL == 1u) { state[k.st + 2u * BQ + b * nq + q] = c2; }
  storeH(k.hNext + r * nq + q, select(hp, h2, ok));
  if (SEQ || MASK != 0u || k.s == p.T - 1u) {
    let flip = ((p.flags >> (4u * k.d)) & 2u) != 0u;
    let ob = k.d * p.outDir + b * p.osb;
    let o = ob + select(0u, k.pos * p.ost, SEQ);
    var prev = 0u;
    if (SEQ) { prev = ob + select(k.pos - 1u, k.pos + 1u, flip) * p.ost; } else { prev = o; }
    for (var l = 0u; l < 4u; l++) {
      let j = q * 4u + l;
      if (j < p.u) {
        var v = h2[l];
        if (!ok) {
          v = 0.0;
          if (!ZERO && !k.first) { v = out[prev + j]; }
        }
        out[o + j] = v;
      }
    }
  }
}

// GRU resetAfter=false, first half: z -> state, r*h -> the r*h rows.
fn cellZr(gs: array<vec4<f32>, 4>, k: Step, r: u32, b: u32, q: u32) {
  let nq = p.nq;
  let xb = b * p.xsb + k.t * p.xst + k.d * p.xpDir + q * p.xq;
  let xg = p.xgs;
  let hp = loadH(k.hPrev + r * nq + q);
  state[k.st + 3u * p.B * nq + b * nq + q] = act(gs[0] + xp[xb], RACT);
  let rg = act(gs[1] + xp[xb + xg], RACT);
  storeH(k.rh + r * nq + q, rg * hp);
}

// The cell for each of the block's rows (BR a constant: the row selects fold away).
fn cells(A: Acc, k: Step, rows: u32, b0: u32, q: u32) {
  cell(accRow(A, 0u), k, 0u, b0, q);
  if (BR > 1u && rows > 1u) { cell(accRow(A, 1u), k, 1u, b0 + 1u, q); }
  if (BR > 2u && rows > 2u) { cell(accRow(A, 2u), k, 2u, b0 + 2u, q); }
  if (BR > 3u && rows > 3u) { cell(accRow(A, 3u), k, 3u, b0 + 3u, q); }
}

fn cellsZr(A: Acc, k: Step, rows: u32, b0: u32, q: u32) {
  cellZr(accRow(A, 0u), k, 0u, b0, q);
  if (BR > 1u && rows > 1u) { cellZr(accRow(A, 1u), k, 1u, b0 + 1u, q); }
  if (BR > 2u && rows > 2u) { cellZr(accRow(A, 2u), k, 2u, b0 + 2u, q); }
  if (BR > 3u && rows > 3u) { cellZr(accRow(A, 3u), k, 3u, b0 + 3u, q); }
}

struct Inv {
  ok: bool,
  d: u32,
  b0: u32,
  rows: u32,
  q: u32,
}

fn wideInvocation(gid: vec3<u32>) -> Inv {
  var v: Inv;
  let i = gid.x + gid.y * p.rowStride;
  let nrb = (p.B + BR - 1u) / BR;
  v.ok = i < p.nq * nrb * p.dirs;
  v.q = i % p.nq;
  v.b0 = ((i / p.nq) % nrb) * BR;
  v.d = i / (p.nq * nrb);
  v.rows = min(BR, p.B - min(v.b0, p.B));
  return v;
}

fn wideStep(v: Inv) -> Step {
  var k = stepOf(v.d, p.s0);
  let BQ = p.B * p.nq;
  k.hPrev = k.st + (p.s0 & 1u) * BQ + v.b0 * p.nq;
  k.hNext = k.st + ((p.s0 + 1u) & 1u) * BQ + v.b0 * p.nq;
  k.rh = k.st + 4u * BQ + v.b0 * p.nq;
  return k;
}

@compute @workgroup_size(WG)
fn step(@builtin(global_invocation_id) gid: vec3<u32>) {
  let v = wideInvocation(gid);
  if (!v.ok) { return; }
  let k = wideStep(v);
  let wb = v.d * p.rwDir + v.q * p.wq;
  var A: Acc;
  if (CELL == 3u) {
    A = accumulate(k.rh, v.rows, wb, 2u, 3u);
  } else {
    A = accumulate(k.hPrev, v.rows, wb, 0u, G);
  }
  cells(A, k, v.rows, v.b0, v.q);
}

@compute @workgroup_size(WG)
fn step_zr(@builtin(global_invocation_id) gid: vec3<u32>) {
  // Same bind group as `step`: keep the bindings this half does not read in its layout.
  _ = &aux;
  _ = &mask;
  _ = &out;
  let v = wideInvocation(gid);
  if (!v.ok) { return; }
  let k = wideStep(v);
  cellsZr(accumulate(k.hPrev, v.rows, v.d * p.rwDir + v.q * p.wq, 0u, 2u), k, v.rows, v.b0, v.q);
}

@compute @workgroup_size(WG)
fn persist(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  let nq = p.nq;
  let nrb = (p.B + BR - 1u) / BR;
  let d = wid.x / nrb;
  let b0 = (wid.x % nrb) * BR;
  let rows = min(BR, p.B - b0);
  let BQ = p.B * nq;
  let st = d * p.stateDir;
  if (RS_SHARED) {
    for (var i = lid; i < RS; i += WG) { rs[i] = rw[d * p.rwDir + i]; }
  }
  // h0 of this block's rows into slot 0 (padded rows stay zero).
  for (var i = lid; i < BR * nq; i += WG) {
    let r = i / nq;
    hs[i] = select(vec4<f32>(0.0), state[st + b0 * nq + i], r < rows);
  }
  workgroupBarrier();
  let wd = select(d * p.rwDir, 0u, RS_SHARED);
  for (var s = p.s0; s < p.s1; s++) {
    var k = stepOf(d, s);
    k.hPrev = (s & 1u) * BR * nq;
    k.hNext = ((s + 1u) & 1u) * BR * nq;
    k.rh = 2u * BR * nq;
    if (CELL == 3u) {
      for (var q = lid; q < nq; q += WG) {
        cellsZr(accumulate(k.hPrev, rows, wd + q * p.wq, 0u, 2u), k, rows, b0, q);
      }
      workgroupBarrier();
    }
    for (var q = lid; q < nq; q += WG) {
      var A: Acc;
      if (CELL == 3u) {
        A = accumulate(k.rh, rows, wd + q * p.wq, 2u, 3u);
      } else {
        A = accumulate(k.hPrev, rows, wd + q * p.wq, 0u, G);
      }
      cells(A, k, rows, b0, q);
    }
    workgroupBarrier();
  }
  // Final h back to the state slot the sequence ends in (s1 % 2), for the state outputs.
  let slot = (p.s1 & 1u) * BR * nq;
  for (var i = lid; i < rows * nq; i += WG) { state[st + (p.s1 & 1u) * BQ + b0 * nq + i] = hs[slot + i]; }
}

