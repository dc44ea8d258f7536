// Greedy non-maximum suppression (op nms), as tfjs: candidates score > scoreThreshold, sorted by score (stable merge
// sort: ties keep the lower index first), then a sweep. The sorted candidates' boxes sit in SoA planes (x0, y0,
// x1, y1, area, corners ordered); a hard-NMS candidate is tested against the boxes selected so far four at a time
// (one v128 IoU per four selected boxes). Soft-NMS (scale != 0) runs the eager form: each step selects the best
// current score and decays the rest.

// @ts-ignore: decorator
@inline
function scoreOf(boxes: usize, scores: usize, k: i32, col: i32, i: i32): f32 {
  return col < 0 ? load<f32>(scores + (<usize>i << 2)) : load<f32>(boxes + (<usize>(i * k + col) << 2));
}

/** Stable bottom-up merge sort of `m` box indices by descending score; returns the buffer holding the result. */
function sortByScore(a: usize, b: usize, m: i32, boxes: usize, scores: usize, k: i32, col: i32): usize {
  let src = a;
  let dst = b;
  for (let width = 1; width < m; width <<= 1) {
    for (let lo = 0; lo < m; lo += 2 * width) {
      const mid = min(lo + width, m);
      const hi = min(lo + 2 * width, m);
      let i = lo;
      let j = mid;
      let o = lo;
      while (i < mid && j < hi) {
        const ii = load<i32>(src + (<usize>i << 2));
        const jj = load<i32>(src + (<usize>j << 2));
        // Right only when strictly better: equal scores keep their (index) order.
        if (scoreOf(boxes, scores, k, col, jj) > scoreOf(boxes, scores, k, col, ii)) {
          store<i32>(dst + (<usize>(o++) << 2), jj);
          j++;
        } else {
          store<i32>(dst + (<usize>(o++) << 2), ii);
          i++;
        }
      }
      while (i < mid) store<i32>(dst + (<usize>(o++) << 2), load<i32>(src + (<usize>(i++) << 2)));
      while (j < hi) store<i32>(dst + (<usize>(o++) << 2), load<i32>(src + (<usize>(j++) << 2)));
    }
    const t = src;
    src = dst;
    dst = t;
  }
  return src;
}

/** IoU of one box (scalars) with another; 0 when either is empty (tfjs). */
// @ts-ignore: decorator
@inline
function iou1(ax0: f32, ay0: f32, ax1: f32, ay1: f32, areaA: f32, bx0: f32, by0: f32, bx1: f32, by1: f32, areaB: f32): f32 {
  if (areaA <= 0 || areaB <= 0) return 0;
  const inter = max<f32>(min(ax1, bx1) - max(ax0, bx0), 0) * max<f32>(min(ay1, by1) - max(ay0, by0), 0);
  return inter / (areaA + areaB - inter);
}

function writeRow(out: usize, r: i32, outCols: i32, i: i32, s: f32, boxes: usize, k: i32): void {
  const o = out + (<usize>(r * outCols) << 2);
  store<f32>(o, <f32>i);
  if (outCols == 1) return;
  store<f32>(o + 4, i < 0 ? 0 : s);
  if (i < 0) memory.fill(o + 8, 0, <usize>k << 2);
  else memory.copy(o + 8, boxes + (<usize>(i * k) << 2), <usize>k << 2);
}

/**
 * boxes: n rows of k values (x0, y0, x1, y1 first); scores: n values, or 0 with the score in column `scoreCol`.
 * out: maxBoxes rows of outCols values (1: index; 2 + k: index, score, box row), -1 padded. Scratch: idx 2n i32,
 * planes 6n f32, sel 5 * ceil(maxBoxes / 4) * 4 f32.
 */
export function nms_f32_simd(
  boxes: usize, scores: usize, n: i32, k: i32, scoreCol: i32, maxBoxes: i32, iouThr: f32, scoreThr: f32, scale: f32,
  out: usize, outCols: i32, idx: usize, planes: usize, sel: usize,
): void {
  let m = 0;
  for (let i = 0; i < n; i++) {
    if (scoreOf(boxes, scores, k, scoreCol, i) > scoreThr) store<i32>(idx + (<usize>(m++) << 2), i);
  }
  const order = sortByScore(idx, idx + (<usize>n << 2), m, boxes, scores, k, scoreCol);
  const plane = <usize>n << 2;
  const px0 = planes;
  const py0 = px0 + plane;
  const px1 = py0 + plane;
  const py1 = px1 + plane;
  const parea = py1 + plane;
  const pcur = parea + plane;
  for (let c = 0; c < m; c++) {
    const i = load<i32>(order + (<usize>c << 2));
    const b = boxes + (<usize>(i * k) << 2);
    const x0 = load<f32>(b);
    const y0 = load<f32>(b, 4);
    const x1 = load<f32>(b, 8);
    const y1 = load<f32>(b, 12);
    const lx = min(x0, x1);
    const ly = min(y0, y1);
    const hx = max(x0, x1);
    const hy = max(y0, y1);
    const at = <usize>c << 2;
    store<f32>(px0 + at, lx);
    store<f32>(py0 + at, ly);
    store<f32>(px1 + at, hx);
    store<f32>(py1 + at, hy);
    store<f32>(parea + at, (hx - lx) * (hy - ly));
    store<f32>(pcur + at, scoreOf(boxes, scores, k, scoreCol, i));
  }
  let count = 0;
  if (scale == 0) {
    const sp = <usize>((maxBoxes + 3) & ~3) << 2;
    const sx0 = sel;
    const sy0 = sx0 + sp;
    const sx1 = sy0 + sp;
    const sy1 = sx1 + sp;
    const sarea = sy1 + sp;
    const vthr = f32x4.splat(iouThr);
    const vzero = f32x4.splat(0);
    for (let c = 0; c < m && count < maxBoxes; c++) {
      const at = <usize>c << 2;
      const cx0 = load<f32>(px0 + at);
      const cy0 = load<f32>(py0 + at);
      const cx1 = load<f32>(px1 + at);
      const cy1 = load<f32>(py1 + at);
      const carea = load<f32>(parea + at);
      const vx0 = f32x4.splat(cx0);
      const vy0 = f32x4.splat(cy0);
      const vx1 = f32x4.splat(cx1);
      const vy1 = f32x4.splat(cy1);
      const varea = f32x4.splat(carea);
      const cEmpty = f32x4.le(varea, vzero);
      let suppressed = false;
      let j = 0;
      for (; j + 4 <= count; j += 4) {
        const o = <usize>j << 2;
        const sa = v128.load(sarea + o);
        const ix = f32x4.max(f32x4.sub(f32x4.min(vx1, v128.load(sx1 + o)), f32x4.max(vx0, v128.load(sx0 + o))), vzero);
        const iy = f32x4.max(f32x4.sub(f32x4.min(vy1, v128.load(sy1 + o)), f32x4.max(vy0, v128.load(sy0 + o))), vzero);
        const inter = f32x4.mul(ix, iy);
        const iou = f32x4.div(inter, f32x4.sub(f32x4.add(varea, sa), inter));
        // IoU 0 where either box is empty (tfjs)
        const v = v128.bitselect(vzero, iou, v128.or(cEmpty, f32x4.le(sa, vzero)));
        if (v128.any_true(f32x4.ge(v, vthr))) {
          suppressed = true;
          break;
        }
      }
      for (; !suppressed && j < count; j++) {
        const o = <usize>j << 2;
        const v = iou1(cx0, cy0, cx1, cy1, carea, load<f32>(sx0 + o), load<f32>(sy0 + o), load<f32>(sx1 + o), load<f32>(sy1 + o), load<f32>(sarea + o));
        if (v >= iouThr) suppressed = true;
      }
      if (suppressed) continue;
      const so = <usize>count << 2;
      store<f32>(sx0 + so, cx0);
      store<f32>(sy0 + so, cy0);
      store<f32>(sx1 + so, cx1);
      store<f32>(sy1 + so, cy1);
      store<f32>(sarea + so, carea);
      writeRow(out, count, outCols, load<i32>(order + at), load<f32>(pcur + at), boxes, k);
      count++;
    }
  } else {
    // Soft-NMS, eager: the best live candidate (current score, then lower box index), then one pass that decays
    // the others and finds the next best.
    const dead: f32 = -Infinity;
    let best = m > 0 ? 0 : -1;
    while (count < maxBoxes && best >= 0) {
      const bt = <usize>best << 2;
      writeRow(out, count, outCols, load<i32>(order + bt), load<f32>(pcur + bt), boxes, k);
      count++;
      store<f32>(pcur + bt, dead);
      const bx0 = load<f32>(px0 + bt);
      const by0 = load<f32>(py0 + bt);
      const bx1 = load<f32>(px1 + bt);
      const by1 = load<f32>(py1 + bt);
      const barea = load<f32>(parea + bt);
      let next = -1;
      let nextScore: f32 = 0;
      let nextIndex = 0;
      for (let c = 0; c < m; c++) {
        const at = <usize>c << 2;
        let s = load<f32>(pcur + at);
        if (!(s > scoreThr)) continue;
        const v = iou1(bx0, by0, bx1, by1, barea, load<f32>(px0 + at), load<f32>(py0 + at), load<f32>(px1 + at), load<f32>(py1 + at), load<f32>(parea + at));
        if (v >= iouThr) {
          store<f32>(pcur + at, dead);
          continue;
        }
        s *= Mathf.exp(scale * v * v);
        if (s <= scoreThr) {
          store<f32>(pcur + at, dead);
          continue;
        }
        store<f32>(pcur + at, s);
        const index = load<i32>(order + at);
        if (next < 0 || s > nextScore || (s == nextScore && index < nextIndex)) {
          next = c;
          nextScore = s;
          nextIndex = index;
        }
      }
      best = next;
    }
  }
  for (let r = count; r < maxBoxes; r++) writeRow(out, r, outCols, -1, 0, boxes, k);
}
