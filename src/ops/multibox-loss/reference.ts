import type { KernelArgs } from '../../runtime/op.js';
import { TARGET_VALUES, type MultiboxLossNorm } from './spec.js';

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
/** log(1 + e^x) without overflow. */
const softplus = (v: number) => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
const smoothL1 = (d: number) => (Math.abs(d) < 1 ? 0.5 * d * d : Math.abs(d) - 0.5);
const clamp1 = (d: number) => Math.min(1, Math.max(-1, d));

/** Loss of one slot and its gradient (unscaled) into g[0..k). Returns [obj, box, cls]. */
export function multiboxSlotRef(p: ArrayLike<number>, t: ArrayLike<number>, a: MultiboxLossNorm, g: Float64Array): [number, number, number] {
  g.fill(0);
  const obj = t[0]!;
  if (obj < -0.5) return [0, 0, 0];
  const to = p[4]!;
  if (obj <= 0.5) {
    g[4] = a.lambdaNoObj * sigmoid(to);
    return [a.lambdaNoObj * softplus(to), 0, 0];
  }
  g[4] = a.lambdaObj * (sigmoid(to) - 1);
  const lobj = a.lambdaObj * softplus(-to);
  let lbox = 0;
  for (let j = 0; j < 4; j++) {
    const s = j < 2 ? sigmoid(p[j]!) : p[j]!;
    const d = s - t[1 + j]!;
    lbox += smoothL1(d);
    g[j] = a.lambdaBox * clamp1(d) * (j < 2 ? s * (1 - s) : 1);
  }
  let lcls = 0;
  const c = Math.round(t[5]!);
  if (c >= 0 && c < a.classes) {
    let m = -Infinity;
    for (let j = 0; j < a.classes; j++) m = Math.max(m, p[5 + j]!);
    let s = 0;
    for (let j = 0; j < a.classes; j++) s += Math.exp(p[5 + j]! - m);
    lcls = a.lambdaCls * (m + Math.log(s) - p[5 + c]!);
    for (let j = 0; j < a.classes; j++) g[5 + j] = a.lambdaCls * (Math.exp(p[5 + j]! - m) / s - (j === c ? 1 : 0));
  }
  return [lobj, a.lambdaBox * lbox, lcls];
}

export function multiboxLossReference(_: unknown, { inputs, outputs, attrs: a }: KernelArgs<Float64Array, MultiboxLossNorm>): void {
  const [pred, targets] = inputs as [Float64Array, Float64Array];
  const [sums, dPred] = outputs as [Float64Array, Float64Array];
  const g = new Float64Array(a.k);
  let obj = 0;
  let box = 0;
  let cls = 0;
  for (let s = 0; s < a.slots; s++) {
    const p = pred.subarray(s * a.k, (s + 1) * a.k);
    const [lo, lb, lc] = multiboxSlotRef(p, targets.subarray(s * TARGET_VALUES, (s + 1) * TARGET_VALUES), a, g);
    obj += lo;
    box += lb;
    cls += lc;
    for (let j = 0; j < a.k; j++) dPred[s * a.k + j] = g[j]! / a.n;
  }
  sums[0] = obj + box + cls;
  sums[1] = obj;
  sums[2] = box;
  sums[3] = cls;
}
