import { checkKeys, int, pair } from '../../runtime/attrs.js';
import { fail } from '../../runtime/errors.js';
import { checkRank, checkShape, sameShape, shapeStr, type Shape } from '../../runtime/shape.js';
import { prepareEpilogue, type Epilogue, type EpilogueAttrs } from '../activation/spec.js';
import type { ConvGeom } from '../conv2d-grad/spec.js';

/**
 * Transposed convolution (ONNX ConvTranspose, tfjs conv2dTranspose). x NHWC [n, h, w, cin], filter
 * [kh, kw, cout, cin] (tfjs layout: the HWIO filter of the forward conv that maps the output back to x).
 * Input pixel (iy, ix) adds x * W to output pixel (iy * sh - padT + ky * dh, ix * sw - padL + kx * dw).
 * Output size oh = (h - 1) * sh + (kh - 1) * dh + 1 - padT - padB + outputPadding (ONNX's formula).
 */
export interface ConvTranspose2dAttrs extends EpilogueAttrs {
  /** Default 1. */
  strides?: number | [number, number];
  /**
   * 'valid' (default: no padding), 'same' (output = input * stride, ONNX SAME_UPPER: the odd pixel cut at the
   * end) or explicit [top, bottom, left, right] (ONNX pads), cut from the full output.
   */
  padding?: 'valid' | 'same' | [number, number, number, number];
  /** Extra rows / columns at the bottom / right (ONNX output_padding), each < max(stride, dilation). Default 0. */
  outputPadding?: number | [number, number];
  /** Default 1. */
  dilations?: number | [number, number];
}

export interface ConvTranspose2dBackpropFilterAttrs extends Omit<ConvTranspose2dAttrs, 'activation' | 'alpha'> {
  /** The filter's shape [kh, kw, cout, cin] (dW's shape). */
  filterShape: number[];
}

/**
 * In ConvGeom terms the transposed conv is the backprop-input of the forward conv from its output (h, w, cin =
 * the transposed conv's output) to its input (oh, ow, cout = the transposed conv's input) with the same filter.
 */
export interface ConvTranspose2dNorm extends ConvGeom, Epilogue {
  hasBias: boolean;
}

const GEOM_KEYS = ['strides', 'padding', 'outputPadding', 'dilations'];

export function transposeGeom(op: string, xs: Shape, fs: Shape, a: Omit<ConvTranspose2dAttrs, 'activation' | 'alpha'>): ConvGeom {
  checkRank(`${op}: x (NHWC)`, xs, 4);
  checkRank(`${op}: filter [kh, kw, cout, cin]`, fs, 4);
  const [n, h, w, cin] = xs as [number, number, number, number];
  const [kh, kw, cout, fcin] = fs as [number, number, number, number];
  if (kh < 1 || kw < 1 || cout < 1 || fcin < 1) fail(op, `filter ${shapeStr(fs)} has an empty dimension`);
  if (fcin !== cin) fail(op, `x ${shapeStr(xs)} has ${cin} channels but filter ${shapeStr(fs)} takes ${fcin} (its last dim)`);
  const [sh, sw] = pair(op, 'strides', a.strides, 1, 1);
  const [dh, dw] = pair(op, 'dilations', a.dilations, 1, 1);
  const [oph, opw] = pair(op, 'outputPadding', a.outputPadding, 0, 0);
  if (oph >= Math.max(sh, dh) || opw >= Math.max(sw, dw)) {
    fail(op, `outputPadding [${oph}, ${opw}] must be smaller than max(stride, dilation) per dim ([${Math.max(sh, dh)}, ${Math.max(sw, dw)}])`);
  }
  const ekh = (kh - 1) * dh + 1;
  const ekw = (kw - 1) * dw + 1;
  let padT: number, padB: number, padL: number, padR: number;
  const p = a.padding;
  if (p === undefined || p === 'valid') [padT, padB, padL, padR] = [0, 0, 0, 0];
  else if (p === 'same') {
    // Output = input * stride; the total cut, split with the odd pixel at the end (SAME_UPPER).
    const th = Math.max(0, (h - 1) * sh + ekh + oph - h * sh);
    const tw = Math.max(0, (w - 1) * sw + ekw + opw - w * sw);
    [padT, padB, padL, padR] = [Math.floor(th / 2), th - Math.floor(th / 2), Math.floor(tw / 2), tw - Math.floor(tw / 2)];
  } else if (Array.isArray(p) && p.length === 4) {
    const names = ['top', 'bottom', 'left', 'right'];
    [padT, padB, padL, padR] = p.map((v, i) => int(op, `padding ${names[i]}`, v, undefined, 0)) as [number, number, number, number];
  } else {
    fail(op, `padding must be 'same', 'valid' or [top, bottom, left, right], got ${JSON.stringify(p)}`);
  }
  const oh = p === 'same' ? h * sh : (h - 1) * sh + ekh - padT - padB + oph;
  const ow = p === 'same' ? w * sw : (w - 1) * sw + ekw - padL - padR + opw;
  if (oh <= 0 || ow <= 0) fail(op, `output size ${oh}x${ow} is empty: padding [${padT}, ${padB}, ${padL}, ${padR}] cuts the whole ${(h - 1) * sh + ekh}x${(w - 1) * sw + ekw} output`);
  return { n, h: oh, w: ow, cin: cout, oh: h, ow: w, cout: cin, kh, kw, sh, sw, dh, dw, padT, padL };
}

/** Inputs [x, filter, bias?]; output [n, oh, ow, cout]. */
export function prepareConvTranspose2d(inShapes: readonly (Shape | undefined)[], raw: ConvTranspose2dAttrs): { attrs: ConvTranspose2dNorm; outShapes: Shape[] } {
  const OP = 'convTranspose2d';
  const a = raw ?? {};
  if (typeof a !== 'object') fail(OP, `attributes must be an object, got ${String(a)}`);
  checkKeys(OP, a, [...GEOM_KEYS, 'activation', 'alpha']);
  const [xs, fs, bs] = inShapes;
  if (!xs || !fs || inShapes.length > 3) fail(OP, 'takes inputs x, filter and an optional bias');
  const g = transposeGeom(OP, xs, fs, a);
  if (bs && (bs.length !== 1 || bs[0] !== g.cin)) fail(OP, `bias ${shapeStr(bs)} must be [${g.cin}] (one per output channel)`);
  const epi = prepareEpilogue(OP, a, undefined, g.cin);
  return { attrs: { ...g, ...epi, alpha: Math.fround(epi.alpha), hasBias: !!bs }, outShapes: [[g.n, g.h, g.w, g.cin]] };
}

/** Inputs [x, dy] (the transposed conv's input and its output's gradient); output dW of attrs.filterShape. */
export function prepareConvTranspose2dBackpropFilter(
  inShapes: readonly (Shape | undefined)[],
  raw: ConvTranspose2dBackpropFilterAttrs,
): { attrs: ConvGeom; outShapes: Shape[] } {
  const OP = 'convTranspose2dBackpropFilter';
  if (raw === null || typeof raw !== 'object') fail(OP, `attributes must be an object, got ${String(raw)}`);
  checkKeys(OP, raw, [...GEOM_KEYS, 'filterShape']);
  const [xs, dys] = inShapes;
  if (!xs || !dys || inShapes.length > 2) fail(OP, 'takes 2 inputs (x, dy)');
  if (raw.filterShape === undefined) fail(OP, 'needs attribute filterShape');
  const fs = checkShape(`${OP}: filterShape`, raw.filterShape);
  const g = transposeGeom(OP, xs, fs, raw);
  const want = [g.n, g.h, g.w, g.cin];
  if (!sameShape(dys, want)) fail(OP, `dy must be ${shapeStr(want)} (the transposed conv's output), got ${shapeStr(dys)}`);
  return { attrs: g, outShapes: [[...fs]] };
}

/**
 * conv2d attributes for the transposed conv's input gradient: dx = conv2d(dy, filter, these). The conv from the
 * output back to the input uses the same top/left padding; its bottom/right padding is the smallest that makes
 * its output exactly x's size (the rows outputPadding added are never read).
 */
export function convTranspose2dInputGradAttrs(
  xShape: Shape,
  filterShape: Shape,
  attrs: Omit<ConvTranspose2dAttrs, 'activation' | 'alpha'> = {},
): { strides: [number, number]; dilations: [number, number]; padding: [number, number, number, number] } {
  const g = transposeGeom('convTranspose2dInputGradAttrs', xShape, filterShape, attrs);
  const padB = Math.max(0, (g.oh - 1) * g.sh + (g.kh - 1) * g.dh + 1 - g.h - g.padT);
  const padR = Math.max(0, (g.ow - 1) * g.sw + (g.kw - 1) * g.dw + 1 - g.w - g.padL);
  return { strides: [g.sh, g.sw], dilations: [g.dh, g.dw], padding: [g.padT, padB, g.padL, padR] };
}
