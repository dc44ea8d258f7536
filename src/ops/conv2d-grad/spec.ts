import { checkKeys, num, oneOf } from '../../runtime/attrs.js';
import { fail } from '../../runtime/errors.js';
import { checkRank, checkShape, sameShape, shapeStr, type Shape } from '../../runtime/shape.js';
import { prepareConv2d, type Conv2dNorm, type Conv2dPadding } from '../conv2d/spec.js';
import { DENSE_GRAD_CODE } from '../dense-grad/spec.js';

/**
 * The geometry every conv-gradient kernel works on, in the terms of a forward conv2d: x [n, h, w, cin] -> y
 * [n, oh, ow, cout] with a filter HWIO [kh, kw, cin, cout]; output pixel (oy, ox) reads input rows
 * oy * sh - padT + ky * dh. conv2dBackpropInput, conv2dBackpropFilter, convTranspose2d (= the backprop input of
 * the conv whose input is the transposed conv's output) and its filter gradient all reduce to it.
 */
export type ConvGeom = Pick<Conv2dNorm, 'n' | 'h' | 'w' | 'cin' | 'oh' | 'ow' | 'cout' | 'kh' | 'kw' | 'sh' | 'sw' | 'dh' | 'dw' | 'padT' | 'padL'>;

/** conv2d's stride / padding / dilation attributes (groups = 1), plus the shape of the gradient's result. */
export interface Conv2dGradAttrs {
  strides?: number | [number, number];
  padding?: Conv2dPadding;
  dilations?: number | [number, number];
}
export interface Conv2dBackpropInputAttrs extends Conv2dGradAttrs {
  /** The forward input x's shape [n, h, w, cin] (dx's shape). */
  inputShape: number[];
}
export interface Conv2dBackpropFilterAttrs extends Conv2dGradAttrs {
  /** The forward filter's shape HWIO [kh, kw, cin, cout] (dW's shape). */
  filterShape: number[];
}

const GEOM_KEYS = ['strides', 'padding', 'dilations'];

/** The forward conv's geometry from x's and the filter's shapes (validated by conv2d's own spec). */
export function convGeom(op: string, xShape: Shape, fShape: Shape, a: Conv2dGradAttrs): ConvGeom {
  let norm;
  try {
    norm = prepareConv2d([xShape, fShape], { strides: a.strides, padding: a.padding, dilations: a.dilations }).attrs;
  } catch (e) {
    // Re-label conv2d's message with this op's name (same error class).
    if (e instanceof Error) e.message = e.message.replace(/^conv2d/, op);
    throw e;
  }
  const { n, h, w, cin, oh, ow, cout, kh, kw, sh, sw, dh, dw, padT, padL } = norm;
  return { n, h, w, cin, oh, ow, cout, kh, kw, sh, sw, dh, dw, padT, padL };
}

function attrsObject(op: string, raw: unknown): Record<string, unknown> {
  if (raw === null || typeof raw !== 'object') fail(op, `attributes must be an object, got ${String(raw)}`);
  return raw as Record<string, unknown>;
}

function shapeAttr(op: string, name: string, v: unknown): Shape {
  if (v === undefined) fail(op, `needs attribute ${name}`);
  const s = checkShape(`${op}: ${name}`, v);
  checkRank(`${op}: ${name}`, s, 4);
  return s;
}

/** Inputs [dy, filter]; output dx of attrs.inputShape. */
export function prepareConv2dBackpropInput(inShapes: readonly (Shape | undefined)[], raw: Conv2dBackpropInputAttrs): { attrs: ConvGeom; outShapes: Shape[] } {
  const OP = 'conv2dBackpropInput';
  const a = attrsObject(OP, raw) as unknown as Conv2dBackpropInputAttrs;
  checkKeys(OP, a, [...GEOM_KEYS, 'inputShape']);
  const [dy, f] = inShapes;
  if (!dy || !f || inShapes.length > 2) fail(OP, 'takes 2 inputs (dy, filter)');
  checkRank(`${OP}: dy (NHWC)`, dy, 4);
  checkRank(`${OP}: filter (HWIO)`, f, 4);
  const xs = shapeAttr(OP, 'inputShape', a.inputShape);
  const g = convGeom(OP, xs, f, a);
  const want = [g.n, g.oh, g.ow, g.cout];
  if (!sameShape(dy, want)) fail(OP, `dy must be ${shapeStr(want)} (the conv output for input ${shapeStr(xs)}), got ${shapeStr(dy)}`);
  return { attrs: g, outShapes: [[...xs]] };
}

/** Inputs [x, dy]; output dW of attrs.filterShape. */
export function prepareConv2dBackpropFilter(inShapes: readonly (Shape | undefined)[], raw: Conv2dBackpropFilterAttrs): { attrs: ConvGeom; outShapes: Shape[] } {
  const OP = 'conv2dBackpropFilter';
  const a = attrsObject(OP, raw) as unknown as Conv2dBackpropFilterAttrs;
  checkKeys(OP, a, [...GEOM_KEYS, 'filterShape']);
  const [x, dy] = inShapes;
  if (!x || !dy || inShapes.length > 2) fail(OP, 'takes 2 inputs (x, dy)');
  checkRank(`${OP}: x (NHWC)`, x, 4);
  checkRank(`${OP}: dy (NHWC)`, dy, 4);
  const fs = shapeAttr(OP, 'filterShape', a.filterShape);
  const g = convGeom(OP, x, fs, a);
  const want = [g.n, g.oh, g.ow, g.cout];
  if (!sameShape(dy, want)) fail(OP, `dy must be ${shapeStr(want)} (the conv output for x ${shapeStr(x)}, filter ${shapeStr(fs)}), got ${shapeStr(dy)}`);
  return { attrs: g, outShapes: [[...fs]] };
}

/** The 1x1, stride-1, unpadded conv: a plain GEMM over pixels, no im2col / col2im needed. */
export function isPointwise(g: ConvGeom): boolean {
  return g.kh === 1 && g.kw === 1 && g.sh === 1 && g.sw === 1 && g.padT === 0 && g.padL === 0 && g.oh === g.h && g.ow === g.w;
}

export interface BiasGradNorm {
  rows: number;
  cols: number;
}

/** Input dy [..., c]; output [c]: the sum over every axis but the last. */
export function prepareBiasGrad(inShapes: readonly (Shape | undefined)[], raw: object = {}): { attrs: BiasGradNorm; outShapes: Shape[] } {
  const OP = 'biasGrad';
  checkKeys(OP, attrsObject(OP, raw ?? {}), []);
  const dy = inShapes[0];
  if (!dy || inShapes.length > 1) fail(OP, 'takes 1 input (dy)');
  if (dy.length < 1) fail(OP, `dy must have rank >= 1, got ${shapeStr(dy)}`);
  const cols = dy[dy.length - 1]!;
  const rows = dy.slice(0, -1).reduce((p, q) => p * q, 1);
  return { attrs: { rows, cols }, outShapes: [[cols]] };
}

/** Activations whose derivative activationGrad takes from the forward output y. */
export const ACTIVATION_GRAD_ACTIVATIONS = ['linear', 'none', 'relu', 'relu6', 'leakyRelu', 'sigmoid', 'tanh'] as const;
export type ActivationGradActivation = (typeof ACTIVATION_GRAD_ACTIVATIONS)[number];

export interface ActivationGradAttrs {
  activation: ActivationGradActivation;
  /** leakyRelu slope (default 0.2, as the conv2d epilogue). */
  alpha?: number;
}

export interface ActivationGradNorm {
  /** DENSE_GRAD_CODE (= ACT_CODE): shared with dense-grad's kernels. */
  code: number;
  alpha: number;
  size: number;
}

/** Inputs [dy, y] (same shape); output dpre = dy * act'(pre), act' taken from y = act(pre). */
export function prepareActivationGrad(inShapes: readonly (Shape | undefined)[], raw: ActivationGradAttrs): { attrs: ActivationGradNorm; outShapes: Shape[] } {
  const OP = 'activationGrad';
  const a = attrsObject(OP, raw);
  checkKeys(OP, a, ['activation', 'alpha']);
  const activation = oneOf(OP, 'activation', a.activation, ACTIVATION_GRAD_ACTIVATIONS);
  const alpha = num(OP, 'alpha', a.alpha, 0.2);
  const [dy, y] = inShapes;
  if (!dy || !y || inShapes.length > 2) fail(OP, 'takes 2 inputs (dy, y)');
  if (!sameShape(dy, y)) fail(OP, `dy ${shapeStr(dy)} and y ${shapeStr(y)} must have the same shape`);
  return { attrs: { code: DENSE_GRAD_CODE[activation === 'linear' ? 'none' : activation], alpha, size: dy.reduce((p, q) => p * q, 1) }, outShapes: [[...dy]] };
}

/** Scratch bound for the im2col / col2im buffers: 4M floats (16 MiB) per chunk of whole images. */
export const COL_CHUNK_FLOATS = 1 << 22;

/** Output pixels per chunk of the weight gradient's column buffer (k floats each): at most COL_CHUNK_FLOATS. */
export function pixelsPerChunk(m: number, k: number): number {
  return Math.max(1, Math.min(m, Math.floor(COL_CHUNK_FLOATS / Math.max(1, k))));
}

/**
 * Images per chunk so that one chunk's column buffer (perImage floats each) stays under COL_CHUNK_FLOATS (the
 * input gradient's col2im gathers whole images, so it chunks by image).
 */
export function imagesPerChunk(n: number, perImage: number): number {
  return Math.max(1, Math.min(n, Math.floor(COL_CHUNK_FLOATS / Math.max(1, perImage))));
}

/**
 * Stride 1: dx is itself a forward conv of dy with the filter flipped in space and its in/out channels swapped
 * (W'[ky, kx, co, ci] = W[kh-1-ky, kw-1-kx, ci, co]) and the complementary padding, so it runs on conv2d's tuned
 * kernels instead of GEMM + col2im. Returns that conv's padding [top, bottom, left, right], or null when the
 * geometry does not allow it (stride > 1, or a pad wider than the dilated window).
 */
export function stride1Padding(g: ConvGeom): [number, number, number, number] | null {
  if (g.sh !== 1 || g.sw !== 1) return null;
  const ekh = (g.kh - 1) * g.dh + 1;
  const ekw = (g.kw - 1) * g.dw + 1;
  const padB = g.oh - 1 + ekh - g.h - g.padT;
  const padR = g.ow - 1 + ekw - g.w - g.padL;
  const p: [number, number, number, number] = [ekh - 1 - g.padT, ekh - 1 - padB, ekw - 1 - g.padL, ekw - 1 - padR];
  return p.every((v) => v >= 0) ? p : null;
}
