import { checkKeys, num } from '../../runtime/attrs.js';
import { fail } from '../../runtime/errors.js';
import { shapeStr, type Shape } from '../../runtime/shape.js';

/**
 * Attention pooling over time (REAN-style temporal aggregation): per batch row, w = softmax(scores) over the
 * unmasked steps, p = sum_t w_t v_t, out = p / ||p|| (normalize, default) or p.
 */
export interface AttentionPoolAttrs {
  /** L2-normalise the pooled vector (default true). */
  normalize?: boolean;
  /** Floor on ||p||^2 when normalising (default 1e-12). */
  epsilon?: number;
}

export interface AttentionPoolNorm {
  batch: number;
  steps: number;
  dim: number;
  normalize: boolean;
  epsilon: number;
}

function attrsOf(op: string, raw: AttentionPoolAttrs | undefined): { normalize: boolean; epsilon: number } {
  raw ??= {};
  if (typeof raw !== 'object') fail(op, `attributes must be an object, got ${String(raw)}`);
  checkKeys(op, raw, ['normalize', 'epsilon']);
  if (raw.normalize !== undefined && typeof raw.normalize !== 'boolean') fail(op, `normalize must be a boolean, got ${JSON.stringify(raw.normalize)}`);
  const epsilon = num(op, 'epsilon', raw.epsilon, 1e-12);
  if (!(epsilon >= 0) || !Number.isFinite(epsilon)) fail(op, `epsilon must be a finite number >= 0, got ${epsilon}`);
  return { normalize: raw.normalize ?? true, epsilon };
}

const same = (a: Shape, b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/** scores [B, T] or [B, T, 1] (a Dense's output per step); values [B, T, D], or [B, D] when T = 1. */
function checkScoresValues(op: string, sName: string, s: Shape, v: Shape): [number, number, number] {
  if (!(s.length === 2 || (s.length === 3 && s[2] === 1))) fail(op, `${sName} must be [batch, steps] or [batch, steps, 1], got ${shapeStr(s)}`);
  const [B, T] = s as [number, number];
  const ok = (v.length === 3 && v[0] === B && v[1] === T) || (v.length === 2 && T === 1 && v[0] === B);
  if (!ok) fail(op, `values must be [${B}, ${T}, dim]${T === 1 ? ` or [${B}, dim]` : ''} to match ${sName} ${shapeStr(s)}, got ${shapeStr(v)}`);
  const D = v[v.length - 1]!;
  if (B < 1 || T < 1 || D < 1) fail(op, `empty input: values ${shapeStr(v)}`);
  return [B, T, D];
}

/**
 * Inputs: scores [B, T] (or [B, T, 1]), values [B, T, D] (or [B, D] when T = 1), mask [B, T] (optional; 0 =
 * padding, excluded from the softmax). Outputs: out [B, D], weights shaped like scores (0 on padding; all 0
 * for a fully masked row, whose out is 0), norm [B] (||p||, what the backward needs).
 */
export function prepareAttentionPool(inShapes: readonly (Shape | undefined)[], raw: AttentionPoolAttrs = {}): { attrs: AttentionPoolNorm; outShapes: Shape[] } {
  const op = 'attentionPool';
  const a = attrsOf(op, raw);
  if (inShapes.length > 3) fail(op, `takes 3 inputs (scores, values, mask?), got ${inShapes.length}`);
  const [s, v, m] = inShapes;
  if (!s || !v) fail(op, 'needs inputs scores [batch, steps] and values [batch, steps, dim]');
  const [B, T, D] = checkScoresValues(op, 'scores', s, v);
  if (m && !same(m, [B, T])) fail(op, `mask must be [${B}, ${T}] to match scores ${shapeStr(s)}, got ${shapeStr(m)}`);
  return { attrs: { batch: B, steps: T, dim: D, ...a }, outShapes: [[B, D], [...s], [B]] };
}

/**
 * Inputs: weights, values, out, norm (the forward's outputs and its values), dOut [B, D]. Outputs: dScores
 * (shaped like weights), dValues (like values). With dp the gradient w.r.t. p (through the normalisation):
 * dValues_t = w_t dp, dScores_t = w_t (v_t . dp - p . dp).
 */
export function prepareAttentionPoolGrad(inShapes: readonly (Shape | undefined)[], raw: AttentionPoolAttrs = {}): { attrs: AttentionPoolNorm; outShapes: Shape[] } {
  const op = 'attentionPoolGrad';
  const a = attrsOf(op, raw);
  if (inShapes.length !== 5 || inShapes.some((x) => !x)) fail(op, 'takes 5 inputs: weights, values, out, norm, dOut');
  const [w, v, o, n, d] = inShapes as Shape[];
  const [B, , D] = checkScoresValues(op, 'weights', w, v);
  if (!same(o, [B, D])) fail(op, `out must be [${B}, ${D}], got ${shapeStr(o)}`);
  if (!same(n, [B])) fail(op, `norm must be [${B}], got ${shapeStr(n)}`);
  if (!same(d, [B, D])) fail(op, `dOut must be [${B}, ${D}], got ${shapeStr(d)}`);
  return { attrs: { batch: B, steps: w[1]!, dim: D, ...a }, outShapes: [[...w], [...v]] };
}
