// MultiBox (YOLO grid) loss and gradient in one pass over the slots (src/ops/multibox-loss/): each slot's loss
// terms are added to f64 sums and its gradient (scaled by 1 / n) written in place. Most slots are negatives or
// ignored: their box and class gradients are zero-filled 4 lanes at a time; the class softmax runs its max, exp
// and scale over the logits (v128 for the max and the scale, exp per lane: no SIMD exp).

// @ts-ignore: decorator
@inline
function sigmoid(x: f32): f32 {
  return 1.0 / (1.0 + Mathf.exp(-x));
}

// @ts-ignore: decorator
@inline
function softplus(x: f32): f32 {
  return max<f32>(x, 0) + Mathf.log(1.0 + Mathf.exp(-Mathf.abs(x)));
}

// @ts-ignore: decorator
@inline
function smoothL1(d: f32): f32 {
  const a = Mathf.abs(d);
  return a < 1 ? 0.5 * d * d : a - 0.5;
}

/** Fills n f32 at p with zeros. */
// @ts-ignore: decorator
@inline
function zero(p: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(p + (<usize>i << 2), f32x4.splat(0));
  for (; i < n; i++) store<f32>(p + (<usize>i << 2), 0);
}

/**
 * pred / dPred [slots, k = 5 + classes], targets [slots, 6] (obj, tx*, ty*, tw*, th*, class); sums [4] = (total,
 * obj, box, cls). Lambdas and the 1 / n scale as in MultiboxLossNorm.
 */
export function multibox_loss_f32_simd(
  pred: usize, targets: usize, sums: usize, dpred: usize, slots: i32, k: i32,
  lObj: f32, lNoObj: f32, lBox: f32, lCls: f32, scale: f32,
): void {
  const classes = k - 5;
  const c4 = classes & ~3;
  let sObj: f64 = 0;
  let sBox: f64 = 0;
  let sCls: f64 = 0;
  for (let s = 0; s < slots; s++) {
    const p = pred + (<usize>s * <usize>k << 2);
    const g = dpred + (<usize>s * <usize>k << 2);
    const t = targets + (<usize>s * 24);
    const obj = load<f32>(t);
    if (obj < -0.5) {
      zero(g, k);
      continue;
    }
    const to = load<f32>(p, 16);
    if (obj <= 0.5) {
      zero(g, k);
      store<f32>(g, scale * lNoObj * sigmoid(to), 16);
      sObj += <f64>(lNoObj * softplus(to));
      continue;
    }
    store<f32>(g, scale * lObj * (sigmoid(to) - 1), 16);
    sObj += <f64>(lObj * softplus(-to));
    let box: f32 = 0;
    for (let j = 0; j < 4; j++) {
      const o = <usize>j << 2;
      const v = load<f32>(p + o);
      const sv = j < 2 ? sigmoid(v) : v;
      const d = sv - load<f32>(t + o + 4);
      box += smoothL1(d);
      store<f32>(g + o, scale * lBox * min<f32>(1, max<f32>(-1, d)) * (j < 2 ? sv * (1 - sv) : 1));
    }
    sBox += <f64>(lBox * box);
    const c = <i32>Mathf.round(load<f32>(t, 20));
    const pc = p + 20;
    const gc = g + 20;
    if (c < 0 || c >= classes) {
      zero(gc, classes);
      continue;
    }
    // Softmax cross-entropy: max (4 lanes), exp into the gradient slot, then one scale pass.
    let vm = f32x4.splat(<f32>-Infinity);
    let j = 0;
    for (; j < c4; j += 4) vm = f32x4.max(vm, v128.load(pc + (<usize>j << 2)));
    let m = max<f32>(max<f32>(f32x4.extract_lane(vm, 0), f32x4.extract_lane(vm, 1)), max<f32>(f32x4.extract_lane(vm, 2), f32x4.extract_lane(vm, 3)));
    for (; j < classes; j++) m = max<f32>(m, load<f32>(pc + (<usize>j << 2)));
    let sum: f32 = 0;
    for (j = 0; j < classes; j++) {
      const e = Mathf.exp(load<f32>(pc + (<usize>j << 2)) - m);
      store<f32>(gc + (<usize>j << 2), e);
      sum += e;
    }
    sCls += <f64>(lCls * (m + Mathf.log(sum) - load<f32>(pc + (<usize>c << 2))));
    const f = scale * lCls / sum;
    const vf = f32x4.splat(f);
    for (j = 0; j < c4; j += 4) v128.store(gc + (<usize>j << 2), f32x4.mul(v128.load(gc + (<usize>j << 2)), vf));
    for (; j < classes; j++) store<f32>(gc + (<usize>j << 2), load<f32>(gc + (<usize>j << 2)) * f);
    store<f32>(gc + (<usize>c << 2), load<f32>(gc + (<usize>c << 2)) - scale * lCls);
  }
  store<f32>(sums, <f32>(sObj + sBox + sCls));
  store<f32>(sums, <f32>sObj, 4);
  store<f32>(sums, <f32>sBox, 8);
  store<f32>(sums, <f32>sCls, 12);
}
