// Softmax + categorical cross-entropy, loss and gradient in one pass (src/ops/loss-grad/wasm.ts).

/**
 * Per row b of probabilities p [rows, C] and targets y: loss_b = -sum_c y log(clip(p / sum p, eps, 1 - eps)) (tfjs /
 * Keras), correct_b = argmax p == argmax y (first maximum); dlogits = scale * (p * sum_c y - y), the gradient
 * through the softmax. stats = [sum loss, sum correct]; acc (0 = none) += stats.
 */
export function softmax_ce_f32(p: usize, y: usize, rows: i32, C: i32, scale: f32, eps: f32, dl: usize, stats: usize, acc: usize): void {
  let lossSum: f64 = 0;
  let correct: f64 = 0;
  for (let b = 0; b < rows; b++) {
    const o = <usize>(b * C) << 2;
    let ps: f32 = 0;
    let ys: f32 = 0;
    let pm: f32 = -Infinity;
    let ym: f32 = -Infinity;
    let pa = 0;
    let ya = 0;
    for (let c = 0; c < C; c++) {
      const pv = load<f32>(p + o + (<usize>c << 2));
      const yv = load<f32>(y + o + (<usize>c << 2));
      ps += pv;
      ys += yv;
      if (pv > pm) {
        pm = pv;
        pa = c;
      }
      if (yv > ym) {
        ym = yv;
        ya = c;
      }
    }
    let l: f32 = 0;
    for (let c = 0; c < C; c++) {
      const e = o + (<usize>c << 2);
      const pv = load<f32>(p + e);
      const yv = load<f32>(y + e);
      const q = min(max(pv / ps, eps), 1 - eps);
      l -= yv * Mathf.log(q);
      store<f32>(dl + e, scale * (pv * ys - yv));
    }
    lossSum += <f64>l;
    if (pa == ya) correct += 1;
  }
  store<f32>(stats, <f32>lossSum);
  store<f32>(stats, <f32>correct, 4);
  if (acc) {
    store<f32>(acc, load<f32>(acc) + <f32>lossSum);
    store<f32>(acc, load<f32>(acc, 4) + <f32>correct, 4);
  }
}
