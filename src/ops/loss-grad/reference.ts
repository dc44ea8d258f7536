import type { KernelArgs } from '../../runtime/op.js';
import type { SoftmaxCrossEntropyNorm } from './spec.js';

/** Per row: loss = -sum y log(clip(p / sum p)), correct = (argmax p == argmax y, first maximum), dlogits. */
export function softmaxCrossEntropyReference(_: unknown, { inputs, outputs, attrs: a }: KernelArgs<Float64Array, SoftmaxCrossEntropyNorm>): void {
  const [p, y, acc] = inputs as [Float64Array, Float64Array, Float64Array | undefined];
  const [dl, stats] = outputs as [Float64Array, Float64Array];
  const C = a.classes;
  let loss = 0;
  let correct = 0;
  for (let b = 0; b < a.rows; b++) {
    let ps = 0;
    let ys = 0;
    let pa = 0;
    let ya = 0;
    for (let c = 0; c < C; c++) {
      ps += p[b * C + c]!;
      ys += y[b * C + c]!;
      if (p[b * C + c]! > p[b * C + pa]!) pa = c;
      if (y[b * C + c]! > y[b * C + ya]!) ya = c;
    }
    for (let c = 0; c < C; c++) {
      const q = Math.min(Math.max(p[b * C + c]! / ps, a.epsilon), 1 - a.epsilon);
      loss -= y[b * C + c]! * Math.log(q);
      dl[b * C + c] = a.scale * (p[b * C + c]! * ys - y[b * C + c]!);
    }
    if (pa === ya) correct++;
  }
  stats[0] = loss;
  stats[1] = correct;
  if (acc) {
    acc[0]! += loss;
    acc[1]! += correct;
  }
}
