import { checkKeys, int, num } from '../../runtime/attrs.js';
import { fail } from '../../runtime/errors.js';
import { sameShape, shapeStr, sizeOf, type Shape } from '../../runtime/shape.js';

/**
 * Optimiser steps that update their inputs IN PLACE on the device (parameter and slot tensors keep their
 * storage; the op's one output is a [1] zero the caller disposes). Gradient clipping by global norm: pass the
 * squared global norm (sumSquares accumulated over every gradient) as normSq with clipNorm > 0; gradients are
 * scaled by clipNorm / max(norm, clipNorm).
 */
export interface AdamAttrs {
  learningRate?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** 1-based step count, for the bias correction. */
  step: number;
  clipNorm?: number;
}

export interface AdamNorm {
  n: number;
  /** lr * sqrt(1 - beta2^step) / (1 - beta1^step), computed in f64. */
  lrT: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  clipNorm: number;
  hasNorm: boolean;
}

export interface SgdAttrs {
  learningRate?: number;
  momentum?: number;
  nesterov?: boolean;
  clipNorm?: number;
}

export interface SgdNorm {
  n: number;
  lr: number;
  momentum: number;
  nesterov: boolean;
  clipNorm: number;
  hasVelocity: boolean;
  hasNorm: boolean;
}

function checkParam(op: string, p: Shape | undefined, g: Shape | undefined, slots: [string, Shape | undefined, boolean][], norm: Shape | undefined): number {
  if (!p || !g) fail(op, 'needs a parameter and its gradient');
  if (!sameShape(p, g)) fail(op, `gradient ${shapeStr(g)} must match the parameter ${shapeStr(p)}`);
  for (const [name, s, required] of slots) {
    if (!s) {
      if (required) fail(op, `needs the ${name} slot`);
      continue;
    }
    if (!sameShape(p, s)) fail(op, `${name} ${shapeStr(s)} must match the parameter ${shapeStr(p)}`);
  }
  if (norm && sizeOf(norm) !== 1) fail(op, `normSq must hold one value, got ${shapeStr(norm)}`);
  return sizeOf(p);
}

function clip(op: string, v: unknown, hasNorm: boolean): number {
  const c = num(op, 'clipNorm', v, 0);
  if (!(c >= 0) || !Number.isFinite(c)) fail(op, `clipNorm must be a finite number >= 0, got ${c}`);
  if (c > 0 && !hasNorm) fail(op, 'clipNorm needs the normSq input (the squared global gradient norm)');
  return c;
}

/** Inputs [param, grad, m, v, normSq?]. */
export function prepareAdam(inShapes: readonly (Shape | undefined)[], raw: AdamAttrs): { attrs: AdamNorm; outShapes: Shape[] } {
  const op = 'adamUpdate';
  if (raw === null || typeof raw !== 'object') fail(op, `attributes must be an object with at least { step }, got ${String(raw)}`);
  checkKeys(op, raw, ['learningRate', 'beta1', 'beta2', 'epsilon', 'step', 'clipNorm']);
  const [p, g, m, v, ns] = inShapes;
  const n = checkParam(op, p, g, [['m', m, true], ['v', v, true]], ns);
  const lr = num(op, 'learningRate', raw.learningRate, 0.001);
  const beta1 = num(op, 'beta1', raw.beta1, 0.9);
  const beta2 = num(op, 'beta2', raw.beta2, 0.999);
  const epsilon = num(op, 'epsilon', raw.epsilon, 1e-7);
  const step = int(op, 'step', raw.step, undefined, 1);
  if (!(beta1 >= 0 && beta1 < 1)) fail(op, `beta1 must be in [0, 1), got ${beta1}`);
  if (!(beta2 >= 0 && beta2 < 1)) fail(op, `beta2 must be in [0, 1), got ${beta2}`);
  if (!(epsilon >= 0)) fail(op, `epsilon must be >= 0, got ${epsilon}`);
  const clipNorm = clip(op, raw.clipNorm, !!ns);
  const lrT = (lr * Math.sqrt(1 - beta2 ** step)) / (1 - beta1 ** step);
  return { attrs: { n, lrT, beta1, beta2, epsilon, clipNorm, hasNorm: !!ns }, outShapes: [[1]] };
}

/** Inputs [param, grad, velocity?, normSq?]; velocity is needed with momentum > 0. */
export function prepareSgd(inShapes: readonly (Shape | undefined)[], raw: SgdAttrs = {}): { attrs: SgdNorm; outShapes: Shape[] } {
  const op = 'sgdUpdate';
  raw ??= {};
  if (typeof raw !== 'object') fail(op, `attributes must be an object, got ${String(raw)}`);
  checkKeys(op, raw, ['learningRate', 'momentum', 'nesterov', 'clipNorm']);
  const [p, g, vel, ns] = inShapes;
  const momentum = num(op, 'momentum', raw.momentum, 0);
  if (!(momentum >= 0 && momentum < 1)) fail(op, `momentum must be in [0, 1), got ${momentum}`);
  const n = checkParam(op, p, g, [['velocity', vel, momentum > 0]], ns);
  const lr = num(op, 'learningRate', raw.learningRate, 0.01);
  if (raw.nesterov !== undefined && typeof raw.nesterov !== 'boolean') fail(op, `nesterov must be a boolean, got ${JSON.stringify(raw.nesterov)}`);
  const clipNorm = clip(op, raw.clipNorm, !!ns);
  return { attrs: { n, lr, momentum, nesterov: !!raw.nesterov, clipNorm, hasVelocity: !!vel && momentum > 0, hasNorm: !!ns }, outShapes: [[1]] };
}

/** Inputs [x, acc?]: output [1] = sum x^2; acc [1], when given, is added to in place. */
export function prepareSumSquares(inShapes: readonly (Shape | undefined)[], raw: Record<string, never> = {}): { attrs: { n: number; accumulate: boolean }; outShapes: Shape[] } {
  const op = 'sumSquares';
  checkKeys(op, raw ?? {}, []);
  const [x, acc] = inShapes;
  if (!x) fail(op, 'needs an input x');
  if (inShapes.length > 2) fail(op, `takes 2 inputs (x, acc?), got ${inShapes.length}`);
  if (acc && sizeOf(acc) !== 1) fail(op, `acc must hold one value, got ${shapeStr(acc)}`);
  return { attrs: { n: sizeOf(x), accumulate: !!acc }, outShapes: [[1]] };
}
