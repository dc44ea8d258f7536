// Batched GEMM out[z] = act(A[z] @ B[z] + bias), z over the broadcast batch (dispatch z, chunks from zBase).
// A element (i, p) is a[i*k + p], or a[p*m + i] with TA; B element (p, j) is b[p*n + j], or b[j*k + p] with TB.
// Four entry points share the bindings; a buffer is read as f32 or vec4 by the one that runs:
//   main       any shape / layout: each invocation computes a 4 x 4 block of out, scalar loads by index math.
//   main_vec4  B not transposed, n % 4 == 0: a 4 x 4 block with one vec4 load of a B row per k step and vec4
//              stores. No shared memory: on lavapipe workgroup barriers cost more than the loads they save (this
//              register-blocked layout ran 2x faster than 16 x 16 shared-memory tiles at 512^3).
//   main_nt    B transposed ([n, k]), A not, k % 4 == 0: both read as vec4 along k, a 4 x 4 block of dot products
//              (8 vec4 loads per 64 multiply-adds).
//   gemv       m == 1 (batch-1 dense, recurrent steps): SPLITK invocations share one output unit, each summing a
//              contiguous slice of k; one barrier and a workgroup-memory sum join them. Without TB a unit is 4
//              columns (vec4 B rows, n % 4 == 0); with TB it is one column, a dot product along k in vec4 steps
//              (k % 4 == 0).
// #include "lib/activation.wgsl"

override TA: bool = false;
override TB: bool = false;
override HAS_BIAS: bool = false;
override PRELU: bool = false;    // per-column slope from `slope`
override WGX: u32 = 8u;
override WGY: u32 = 8u;
override WG: u32 = 64u;          // gemv workgroup size
override SPLITK: u32 = 1u;       // gemv invocations per output unit

struct Params {
  m: u32,
  n: u32,
  k: u32,
  alpha: f32,
  batchRank: u32,                // batch dims in use (<= 4), innermost last
  zBase: u32,                    // first batch index of this dispatch
  _pad0: u32,
  _pad1: u32,
  dims: vec4<u32>,
  aStr: vec4<u32>,               // element strides per batch dim (0 = broadcast)
  bStr: vec4<u32>,
}

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(0) var<storage, read> a4: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(1) var<storage, read> b4: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(2) var<storage, read> bias4: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> slope: array<f32>;
@group(0) @binding(3) var<storage, read> slope4: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<storage, read_write> out4: array<vec4<f32>>;
@group(0) @binding(5) var<uniform> p: Params;

/** Element offsets of batch `z` in a (x) and b (y). */
fn batchOffsets(z: u32) -> vec2<u32> {
  var rest = z;
  var off = vec2<u32>(0u);
  for (var d = i32(p.batchRank) - 1; d >= 0; d--) {
    let i = rest % p.dims[d];
    rest = rest / p.dims[d];
    off += i * vec2<u32>(p.aStr[d], p.bStr[d]);
  }
  return off;
}

fn epilogue(v: f32, col: u32) -> f32 {
  var x = v;
  if (HAS_BIAS) { x += bias[col]; }
  var s = p.alpha;
  if (PRELU) { s = slope[col]; }
  return activate(x, s);
}

fn epilogue4(v: vec4<f32>, col4: u32) -> vec4<f32> {
  var x = v;
  if (HAS_BIAS) { x += bias4[col4]; }
  var s = vec4<f32>(p.alpha);
  if (PRELU) { s = slope4[col4]; }
  return activate4(x, s);
}

/** Index of A element (row, 0); the next k is +1, or +m with TA. */
fn aRow(off: u32, row: u32) -> u32 {
  return off + select(row * p.k, row, TA);
}

fn storeRow(base: u32, row: u32, col0: u32, v: vec4<f32>) {
  if (row >= p.m) { return; }
  let o = base + row * p.n;
  for (var j = 0u; j < 4u; j++) {
    if (col0 + j < p.n) { out[o + col0 + j] = epilogue(v[j], col0 + j); }
  }
}

@compute @workgroup_size(WGX, WGY, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let col0 = gid.x * 4u;
  let row0 = gid.y * 4u;
  if (col0 >= p.n || row0 >= p.m) { return; }
  let z = gid.z + p.zBase;
  let off = batchOffsets(z);
  // Edge blocks clamp load indices into range; results past m or n are computed but never stored.
  let lastRow = p.m - 1u;
  let lastCol = p.n - 1u;
  var a0 = aRow(off.x, row0);
  var a1 = aRow(off.x, min(row0 + 1u, lastRow));
  var a2 = aRow(off.x, min(row0 + 2u, lastRow));
  var a3 = aRow(off.x, min(row0 + 3u, lastRow));
  let aStep = select(1u, p.m, TA);
  let c1 = min(col0 + 1u, lastCol);
  let c2 = min(col0 + 2u, lastCol);
  let c3 = min(col0 + 3u, lastCol);
  var b0 = off.y + select(col0, col0 * p.k, TB);
  var b1 = off.y + select(c1, c1 * p.k, TB);
  var b2 = off.y + select(c2, c2 * p.k, TB);
  var b3 = off.y + select(c3, c3 * p.k, TB);
  let bStep = select(p.n, 1u, TB);
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  for (var kk = 0u; kk < p.k; kk++) {
    let bv = vec4<f32>(b[b0], b[b1], b[b2], b[b3]);
    acc0 = fma(vec4<f32>(a[a0]), bv, acc0);
    acc1 = fma(vec4<f32>(a[a1]), bv, acc1);
    acc2 = fma(vec4<f32>(a[a2]), bv, acc2);
    acc3 = fma(vec4<f32>(a[a3]), bv, acc3);
    a0 += aStep;
    a1 += aStep;
    a2 += aStep;
    a3 += aStep;
    b0 += bStep;
    b1 += bStep;
    b2 += bStep;
    b3 += bStep;
  }
  let base = z * p.m * p.n;
  storeRow(base, row0, col0, acc0);
  storeRow(base, row0 + 1u, col0, acc1);
  storeRow(base, row0 + 2u, col0, acc2);
  storeRow(base, row0 + 3u, col0, acc3);
}

@compute @workgroup_size(WGX, WGY, 1)
fn main_vec4(@builtin(global_invocation_id) gid: vec3<u32>) {
  let n4 = p.n / 4u;
  let c4 = gid.x;
  let row0 = gid.y * 4u;
  if (c4 >= n4 || row0 >= p.m) { return; }
  let z = gid.z + p.zBase;
  let off = batchOffsets(z);
  let lastRow = p.m - 1u;
  var a0 = aRow(off.x, row0);
  var a1 = aRow(off.x, min(row0 + 1u, lastRow));
  var a2 = aRow(off.x, min(row0 + 2u, lastRow));
  var a3 = aRow(off.x, min(row0 + 3u, lastRow));
  let aStep = select(1u, p.m, TA);
  var bi = off.y / 4u + c4;
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  for (var kk = 0u; kk < p.k; kk++) {
    let bv = b4[bi];
    acc0 = fma(vec4<f32>(a[a0]), bv, acc0);
    acc1 = fma(vec4<f32>(a[a1]), bv, acc1);
    acc2 = fma(vec4<f32>(a[a2]), bv, acc2);
    acc3 = fma(vec4<f32>(a[a3]), bv, acc3);
    a0 += aStep;
    a1 += aStep;
    a2 += aStep;
    a3 += aStep;
    bi += n4;
  }
  let o = (z * p.m + row0) * n4 + c4;
  out4[o] = epilogue4(acc0, c4);
  if (row0 + 1u < p.m) { out4[o + n4] = epilogue4(acc1, c4); }
  if (row0 + 2u < p.m) { out4[o + 2u * n4] = epilogue4(acc2, c4); }
  if (row0 + 3u < p.m) { out4[o + 3u * n4] = epilogue4(acc3, c4); }
}

@compute @workgroup_size(WGX, WGY, 1)
fn main_nt(@builtin(global_invocation_id) gid: vec3<u32>) {
  let col0 = gid.x * 4u;
  let row0 = gid.y * 4u;
  if (col0 >= p.n || row0 >= p.m) { return; }
  let z = gid.z + p.zBase;
  let off = batchOffsets(z) / 4u;
  let k4 = p.k / 4u;
  let lastRow = p.m - 1u;
  let lastCol = p.n - 1u;
  var a0 = off.x + row0 * k4;
  var a1 = off.x + min(row0 + 1u, lastRow) * k4;
  var a2 = off.x + min(row0 + 2u, lastRow) * k4;
  var a3 = off.x + min(row0 + 3u, lastRow) * k4;
  var b0 = off.y + col0 * k4;
  var b1 = off.y + min(col0 + 1u, lastCol) * k4;
  var b2 = off.y + min(col0 + 2u, lastCol) * k4;
  var b3 = off.y + min(col0 + 3u, lastCol) * k4;
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  for (var kk = 0u; kk < k4; kk++) {
    let y0 = b4[b0 + kk];
    let y1 = b4[b1 + kk];
    let y2 = b4[b2 + kk];
    let y3 = b4[b3 + kk];
    let x0 = a4[a0 + kk];
    acc0 += vec4<f32>(dot(x0, y0), dot(x0, y1), dot(x0, y2), dot(x0, y3));
    let x1 = a4[a1 + kk];
    acc1 += vec4<f32>(dot(x1, y0), dot(x1, y1), dot(x1, y2), dot(x1, y3));
    let x2 = a4[a2 + kk];
    acc2 += vec4<f32>(dot(x2, y0), dot(x2, y1), dot(x2, y2), dot(x2, y3));
    let x3 = a4[a3 + kk];
    acc3 += vec4<f32>(dot(x3, y0), dot(x3, y1), dot(x3, y2), dot(x3, y3));
  }
  let base = z * p.m * p.n;
  storeRow(base, row0, col0, acc0);
  storeRow(base, row0 + 1u, col0, acc1);
  storeRow(base, row0 + 2u, col0, acc2);
  storeRow(base, row0 + 3u, col0, acc3);
}

var<workgroup> partial: array<vec4<f32>, WG>;

@compute @workgroup_size(WG, 1, 1)
fn gemv(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let z = wid.z + p.zBase;
  let off = batchOffsets(z);
  let unit = wid.x * (WG / SPLITK) + t / SPLITK;
  let slice = t % SPLITK;
  let units = select(p.n / 4u, p.n, TB);
  let live = unit < units;
  let u = min(unit, units - 1u);
  var acc = vec4<f32>(0.0);
  if (TB) {
    // Column u: dot(a row, b row u) along k, 4 k per step; the slice covers k4 steps [lo, hi).
    let k4 = p.k / 4u;
    let chunk = (k4 + SPLITK - 1u) / SPLITK;
    let lo = min(slice * chunk, k4);
    let hi = min(lo + chunk, k4);
    var bi = off.y / 4u + u * k4 + lo;
    var ai = off.x + lo * 4u;
    for (var s = lo; s < hi; s++) {
      acc = fma(vec4<f32>(a[ai], a[ai + 1u], a[ai + 2u], a[ai + 3u]), b4[bi], acc);
      bi += 1u;
      ai += 4u;
    }
  } else {
    // Columns 4u..4u+3: sum over the slice's k of a[k] * b row k.
    let n4 = p.n / 4u;
    let chunk = (p.k + SPLITK - 1u) / SPLITK;
    let lo = min(slice * chunk, p.k);
    let hi = min(lo + chunk, p.k);
    var bi = off.y / 4u + lo * n4 + u;
    var ai = off.x + lo;                      // m == 1: A's k stride is 1 either way
    for (var kk = lo; kk < hi; kk++) {
      acc = fma(vec4<f32>(a[ai]), b4[bi], acc);
      bi += n4;
      ai += 1u;
    }
  }
  if (SPLITK > 1u) {
    partial[t] = acc;
    workgroupBarrier();
    if (slice != 0u) { return; }
    for (var s = 1u; s < SPLITK; s++) { acc += partial[t + s]; }
  }
  if (!live) { return; }
  // Scalar stores only: an entry point may not touch both views of a binding.
  if (TB) {
    out[z * p.n + u] = epilogue(acc.x + acc.y + acc.z + acc.w, u);
  } else {
    let o = z * p.n + 4u * u;
    for (var j = 0u; j < 4u; j++) { out[o + j] = epilogue(acc[j], 4u * u + j); }
  }
}
