// Recurrent cell steps: SimpleRNN, LSTM (gates i f c o, optional peepholes) and GRU (z r h, both reset
// variants), specialised per cell and shape by override constants. x W + b for every step is precomputed by one
// GEMM (the matmul op) into `xp`; a step adds the recurrent product h R and runs the gate math, the c/h update,
// masking and the output store fused, on vec4s of 4 units.
//
// Layouts (src/ops/recurrent/webgpu.ts packs them with shaders/rnn_util.wgsl), in vec4 units, nq = up / 4
// blocks of 4 units (units padded to up):
//   xp    [rows][dir][q][G]           one GEMM row per (batch, time), both directions side by side
//   rw    [dir][q][k < up][G]         recurrent kernel panels, zero rows/cols past the real units
//   aux   [dir][q][3]                 LSTM peepholes (i, f, o) or GRU recurrent bias (z, r, h)
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

// acc[r * G + g] = sum_k h[r][k] * R[k][g-block of q], gates g0 <= g < g1 (vec4 of 4 units each). h rows at
// hb + r * nq (vec4), panel rows at wb + k * G. Padded R rows are zero, so k runs over whole vec4s of h.
fn accumulate(acc: ptr<function, array<vec4<f32>, 16>>, hb: u32, rows: u32, wb: u32, g0: u32, g1: u32) {
  for (var i = 0u; i < 16u; i++) { (*acc)[i] = vec4<f32>(0.0); }
  for (var k4 = 0u; k4 < p.nq; k4++) {
    var hv: array<vec4<f32>, 4>;
    for (var r = 0u; r < BR; r++) {
      hv[r] = select(vec4<f32>(0.0), loadH(hb + r * p.nq + k4), r < rows);
    }
    let w0 = wb + k4 * 4u * G;
    for (var kk = 0u; kk < 4u; kk++) {
      for (var g = g0; g < g1; g++) {
        let w = loadW(w0 + kk * G + g);
        for (var r = 0u; r < BR; r++) {
          (*acc)[r * G + g] = fma(vec4<f32>(hv[r][kk]), w, (*acc)[r * G + g]);
        }
      }
    }
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
fn cell(acc: ptr<function, array<vec4<f32>, 16>>, k: Step, r: u32, b: u32, q: u32) {
  let nq = p.nq;
  let BQ = p.B * nq;
  let xb = b * p.xsb + k.t * p.xst + k.d * G * nq + q * G;
  let hp = loadH(k.hPrev + r * nq + q);
  let hasAux = ((p.flags >> (4u * k.d)) & 4u) != 0u;
  let ab = k.d * 3u * nq + q * 3u;
  var h2: vec4<f32>;
  var c2 = vec4<f32>(0.0);
  if (CELL == 1u) {
    let ci = k.st + 2u * BQ + b * nq + q;
    let c = state[ci];
    var gi = (*acc)[r * G] + xp[xb];
    var gf = (*acc)[r * G + 1u] + xp[xb + 1u];
    let gg = (*acc)[r * G + 2u] + xp[xb + 2u];
    var go = (*acc)[r * G + 3u] + xp[xb + 3u];
    if (hasAux) {
      gi = fma(aux[ab], c, gi);
      gf = fma(aux[ab + 1u], c, gf);
    }
    c2 = fma(act(gf, RACT), c, act(gi, RACT) * act(gg, ACT));
    if (hasAux) { go = fma(aux[ab + 2u], c2, go); }
    h2 = act(go, RACT) * act(c2, ACT);
  } else if (CELL == 2u) {
    var bz = vec4<f32>(0.0);
    var brr = vec4<f32>(0.0);
    var bh = vec4<f32>(0.0);
    if (hasAux) {
      bz = aux[ab];
      brr = aux[ab + 1u];
      bh = aux[ab + 2u];
    }
    let z = act((*acc)[r * G] + bz + xp[xb], RACT);
    let rg = act((*acc)[r * G + 1u] + brr + xp[xb + 1u], RACT);
    let hh = act(fma(rg, (*acc)[r * G + 2u] + bh, xp[xb + 2u]), ACT);
    h2 = fma(z, hp, (1.0 - z) * hh);
  } else if (CELL == 3u) {
    // second half: acc[r*G + 2] = (r*h) R_h; z from the first half
    let z = state[k.st + 3u * BQ + b * nq + q];
    let hh = act((*acc)[r * G + 2u] + xp[xb + 2u], ACT);
    h2 = fma(z, hp, (1.0 - z) * hh);
  } else {
    h2 = act((*acc)[r * G] + xp[xb], ACT);
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
fn cellZr(acc: ptr<function, array<vec4<f32>, 16>>, k: Step, r: u32, b: u32, q: u32) {
  let nq = p.nq;
  let xb = b * p.xsb + k.t * p.xst + k.d * G * nq + q * G;
  let hp = loadH(k.hPrev + r * nq + q);
  state[k.st + 3u * p.B * nq + b * nq + q] = act((*acc)[r * G] + xp[xb], RACT);
  let rg = act((*acc)[r * G + 1u] + xp[xb + 1u], RACT);
  storeH(k.rh + r * nq + q, rg * hp);
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
  var acc: array<vec4<f32>, 16>;
  let wb = v.d * p.rwDir + v.q * p.nq * 4u * G;
  if (CELL == 3u) {
    accumulate(&acc, k.rh, v.rows, wb, 2u, 3u);
  } else {
    accumulate(&acc, k.hPrev, v.rows, wb, 0u, G);
  }
  for (var r = 0u; r < BR; r++) {
    if (r < v.rows) { cell(&acc, k, r, v.b0 + r, v.q); }
  }
}

@compute @workgroup_size(WG)
fn step_zr(@builtin(global_invocation_id) gid: vec3<u32>) {
  let v = wideInvocation(gid);
  if (!v.ok) { return; }
  let k = wideStep(v);
  var acc: array<vec4<f32>, 16>;
  accumulate(&acc, k.hPrev, v.rows, v.d * p.rwDir + v.q * p.nq * 4u * G, 0u, 2u);
  for (var r = 0u; r < BR; r++) {
    if (r < v.rows) { cellZr(&acc, k, r, v.b0 + r, v.q); }
  }
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
        var acc: array<vec4<f32>, 16>;
        accumulate(&acc, k.hPrev, rows, wd + q * nq * 4u * G, 0u, 2u);
        for (var r = 0u; r < BR; r++) {
          if (r < rows) { cellZr(&acc, k, r, b0 + r, q); }
        }
      }
      workgroupBarrier();
    }
    for (var q = lid; q < nq; q += WG) {
      var acc: array<vec4<f32>, 16>;
      if (CELL == 3u) {
        accumulate(&acc, k.rh, rows, wd + q * nq * 4u * G, 2u, 3u);
      } else {
        accumulate(&acc, k.hPrev, rows, wd + q * nq * 4u * G, 0u, G);
      }
      for (var r = 0u; r < BR; r++) {
        if (r < rows) { cell(&acc, k, r, b0 + r, q); }
      }
    }
    workgroupBarrier();
  }
  // Final h back to the state slot the sequence ends in (s1 % 2), for the state outputs.
  let slot = (p.s1 & 1u) * BR * nq;
  for (var i = lid; i < rows * nq; i += WG) { state[st + (p.s1 & 1u) * BQ + b0 * nq + i] = hs[slot + i]; }
}
