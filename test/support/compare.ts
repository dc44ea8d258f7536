/** Worst element of |got - want| against atol + rtol * |want|; null when everything is within tolerance. */
export interface Mismatch {
  index: number;
  got: number;
  want: number;
  tol: number;
  count: number;
}

export function compare(got: ArrayLike<number>, want: ArrayLike<number>, rtol: number, atol: number): Mismatch | null {
  if (got.length !== want.length) return { index: -1, got: got.length, want: want.length, tol: 0, count: 1 };
  let worst: Mismatch | null = null;
  let worstExcess = -Infinity;
  let count = 0;
  for (let i = 0; i < got.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    const tol = atol + rtol * Math.abs(w);
    const same = Object.is(g, w) || (Number.isNaN(g) && Number.isNaN(w)) || (g === w);
    const err = Math.abs(g - w);
    if (!same && !(err <= tol)) {
      count++;
      const excess = Number.isNaN(err) ? Infinity : err - tol;
      if (excess > worstExcess) {
        worstExcess = excess;
        worst = { index: i, got: g, want: w, tol, count: 0 };
      }
    }
  }
  if (worst) worst.count = count;
  return worst;
}

export function describeMismatch(m: Mismatch): string {
  if (m.index < 0) return `length ${m.got}, want ${m.want}`;
  return `${m.count} element(s) off; worst [${m.index}]: got ${m.got}, want ${m.want}, |diff| ${Math.abs(m.got - m.want).toExponential(3)} > tol ${m.tol.toExponential(3)}`;
}
