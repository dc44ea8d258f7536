// NMS for many boxes, pass 4 of 4 (op nms): the greedy sweep in one invocation. Walks the sorted candidates; a
// candidate not yet marked is selected and its bitmask row is OR-ed into the marks (only words from its own on).
// O(m + selected * m / 32) word operations; stops after maxBoxes selections.

override SCORE_COL: i32 = -1;

struct Params {
  n: u32,
  k: u32,
  words: u32,
  maxBoxes: u32,
  outCols: u32,
}

@group(0) @binding(0) var<storage, read> boxes: array<f32>;
@group(0) @binding(1) var<storage, read> scores: array<f32>;
@group(0) @binding(2) var<storage, read> order: array<u32>;
@group(0) @binding(3) var<storage, read> header: array<u32>;
@group(0) @binding(4) var<storage, read> mask: array<u32>;
@group(0) @binding(5) var<storage, read_write> removed: array<u32>;
@group(0) @binding(6) var<storage, read_write> out: array<f32>;
@group(0) @binding(7) var<uniform> p: Params;

fn score(i: u32) -> f32 {
  if (SCORE_COL < 0) { return scores[i]; }
  return boxes[i * p.k + u32(SCORE_COL)];
}

fn writeRow(r: u32, i: i32) {
  let o = r * p.outCols;
  out[o] = f32(i);
  if (p.outCols == 1u) { return; }
  if (i < 0) {
    for (var c = 1u; c < p.outCols; c++) { out[o + c] = 0.0; }
    return;
  }
  out[o + 1u] = score(u32(i));
  for (var c = 0u; c < p.k; c++) { out[o + 2u + c] = boxes[u32(i) * p.k + c]; }
}

@compute @workgroup_size(1)
fn main() {
  let m = header[0];
  let mw = (m + 31u) / 32u;
  for (var w = 0u; w < mw; w++) { removed[w] = 0u; }
  var count = 0u;
  for (var r = 0u; r < m && count < p.maxBoxes; r++) {
    if (((removed[r / 32u] >> (r % 32u)) & 1u) != 0u) { continue; }
    writeRow(count, i32(order[r]));
    count++;
    let row = r * p.words;
    for (var w = r / 32u; w < mw; w++) { removed[w] |= mask[row + w]; }
  }
  for (var r = count; r < p.maxBoxes; r++) { writeRow(r, -1); }
}
