import { checkKeys, int, pair } from '../../runtime/attrs.js';
import { fail } from '../../runtime/errors.js';
import { checkRank, shapeStr, sizeOf, type Shape } from '../../runtime/shape.js';
import { prepareEpilogue, type Epilogue, type EpilogueAttrs } from '../activation/spec.js';
import { preparePool, type PoolAttrs, type PoolNorm } from '../pool/spec.js';

export type Conv2dPadding = 'same' | 'valid' | [top: number, bottom: number, left: number, right: number];

/**
 * conv2d attributes (tfjs conventions). x NHWC, filter HWIO `[kh, kw, cin / groups, cout]`. Fused epilogue:
 * y = act(((conv + bias) * bnScale) + bnShift + residual), each extra optional; bias, bnScale and bnShift per output
 * channel, the residual a tensor of the output's shape.
 */
export interface Conv2dAttrs extends EpilogueAttrs {
  /** Default 1. */
  strides?: number | [number, number];
  /** 'same' (TF SAME: extra pixel at bottom/right), 'valid' (default) or explicit [top, bottom, left, right]. */
  padding?: Conv2dPadding;
  /** Default 1. */
  dilations?: number | [number, number];
  /** Default 1. groups = cin with cout = cin * multiplier is a depthwise conv. */
  groups?: number;
  /**
   * A max pool over the conv's (activated) output, fused: the result is maxPool(conv(x), maxPool). Saves writing
   * and re-reading the full-size map (TinyFaceDetector's 414x414x16 conv0 output: 11 MB).
   */
  maxPool?: Conv2dMaxPool;
  /**
   * Depthwise convs only: the conv reads relu(x) instead of x (default false), so a relu feeding a depthwise
   * conv (FaceLandmark68Net's dense blocks) costs no pass of its own.
   */
  inputRelu?: boolean;
}

/** maxPool attributes fused into a conv (maxPool's own, less dilations and ceilMode). */
export type Conv2dMaxPool = Pick<PoolAttrs, 'windowSize' | 'strides' | 'padding'>;

/** Everything a kernel needs, resolved: sizes, pads, group split and which extras exist. */
export interface Conv2dNorm extends Epilogue {
  n: number;
  h: number;
  w: number;
  cin: number;
  oh: number;
  ow: number;
  cout: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  dh: number;
  dw: number;
  padT: number;
  padB: number;
  padL: number;
  padR: number;
  groups: number;
  /** Input channels per group (filter dim 2). */
  cinG: number;
  /** Output channels per group. */
  coutG: number;
  /** One input channel per group: each output channel reads one input channel (co / coutG). */
  depthwise: boolean;
  hasBias: boolean;
  hasScale: boolean;
  hasShift: boolean;
  hasPrelu: boolean;
  /** The fused max pool over the conv output [n, oh, ow, cout] (undefined: none); the op's output is its output. */
  pool?: PoolNorm;
  /** Read relu(x) (depthwise only). */
  inputRelu: boolean;
  /** A residual input [n, oh, ow, cout] added before the activation. */
  hasResidual: boolean;
}

const OP = 'conv2d';
const KEYS = ['strides', 'padding', 'dilations', 'groups', 'activation', 'alpha', 'maxPool', 'inputRelu'];
const POOL_KEYS = ['windowSize', 'strides', 'padding'];
const EXTRAS = ['bias', 'bnScale', 'bnShift'] as const;

/** TF SAME padding along one dim: [before, after], the odd pixel after. */
export function samePads(size: number, k: number, s: number, d: number): [number, number] {
  const out = Math.ceil(size / s);
  const total = Math.max((out - 1) * s + (k - 1) * d + 1 - size, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

function pads(padding: unknown, h: number, w: number, kh: number, kw: number, s: [number, number], d: [number, number]): [number, number, number, number] {
  if (padding === undefined || padding === 'valid') return [0, 0, 0, 0];
  if (padding === 'same') return [...samePads(h, kh, s[0], d[0]), ...samePads(w, kw, s[1], d[1])];
  if (!Array.isArray(padding) || padding.length !== 4) {
    fail(OP, `padding must be 'same', 'valid' or [top, bottom, left, right], got ${JSON.stringify(padding)}`);
  }
  const names = ['top', 'bottom', 'left', 'right'];
  return padding.map((p, i) => int(OP, `padding ${names[i]}`, p, undefined, 0)) as [number, number, number, number];
}

/** Inputs: [x, filter, bias?, bnScale?, bnShift?, preluAlpha?, residual?]. */
export function prepareConv2d(inShapes: readonly (Shape | undefined)[], attrs: Conv2dAttrs): { attrs: Conv2dNorm; outShapes: Shape[] } {
  const a = attrs ?? {};
  if (typeof a !== 'object') fail(OP, `attributes must be an object, got ${String(a)}`);
  checkKeys(OP, a, KEYS);
  const [xs, fs] = inShapes;
  if (!xs || !fs) fail(OP, 'needs an input x and a filter');
  checkRank(`${OP}: input x (NHWC)`, xs, 4);
  checkRank(`${OP}: filter (HWIO)`, fs, 4);
  const [n, h, w, cin] = xs as [number, number, number, number];
  const [kh, kw, cinG, cout] = fs as [number, number, number, number];
  if (kh < 1 || kw < 1 || cinG < 1 || cout < 1) fail(OP, `filter ${shapeStr(fs)} has an empty dimension`);
  const groups = int(OP, 'groups', a.groups, 1, 1);
  const [sh, sw] = pair(OP, 'strides', a.strides, 1, 1);
  const [dh, dw] = pair(OP, 'dilations', a.dilations, 1, 1);
  if (cinG * groups !== cin) {
    fail(OP, `input x ${shapeStr(xs)} has ${cin} channels but filter ${shapeStr(fs)} with groups=${groups} expects ${cinG * groups} (filter cin * groups)`);
  }
  if (cout % groups !== 0) fail(OP, `filter cout ${cout} is not divisible by groups=${groups}`);
  const [padT, padB, padL, padR] = pads(a.padding, h, w, kh, kw, [sh, sw], [dh, dw]);
  const oh = Math.floor((h + padT + padB - ((kh - 1) * dh + 1)) / sh) + 1;
  const ow = Math.floor((w + padL + padR - ((kw - 1) * dw + 1)) / sw) + 1;
  if (oh <= 0 || ow <= 0) {
    fail(OP, `output size ${oh}x${ow} is empty: input ${h}x${w} (padded ${h + padT + padB}x${w + padL + padR}) is smaller than the dilated ${(kh - 1) * dh + 1}x${(kw - 1) * dw + 1} filter window`);
  }
  EXTRAS.forEach((name, i) => {
    const s = inShapes[2 + i];
    if (s && sizeOf(s) !== cout) fail(OP, `${name} ${shapeStr(s)} must hold ${cout} values (one per output channel)`);
  });
  const epi = prepareEpilogue(OP, a, inShapes[5], cout);
  let pool: PoolNorm | undefined;
  let outShape: Shape = [n, oh, ow, cout];
  if (a.maxPool !== undefined) {
    const mp = a.maxPool;
    if (mp === null || typeof mp !== 'object' || Array.isArray(mp)) fail(OP, `maxPool must be an object of maxPool attributes, got ${JSON.stringify(mp)}`);
    checkKeys(`${OP} maxPool`, mp, POOL_KEYS);
    const pp = preparePool('maxPool', [outShape], mp);
    pool = pp.attrs;
    outShape = pp.outShapes[0]!;
  }
  const res = inShapes[6];
  if (res) {
    if (pool) fail(OP, 'a residual input cannot be combined with maxPool');
    if (res.length !== 4 || res[0] !== n || res[1] !== oh || res[2] !== ow || res[3] !== cout) {
      fail(OP, `residual ${shapeStr(res)} must have the conv output's shape [${n}, ${oh}, ${ow}, ${cout}]`);
    }
  }
  const inputRelu = a.inputRelu ?? false;
  if (typeof inputRelu !== 'boolean') fail(OP, `inputRelu must be a boolean, got ${JSON.stringify(inputRelu)}`);
  const depthwise = cinG === 1 && groups > 1;
  if (inputRelu && !depthwise) fail(OP, `inputRelu is supported for depthwise convs only (groups = input channels), got groups=${groups} with ${cin} input channels`);
  return {
    attrs: {
      // Named, not spread (...epi): V8 builds a spread followed by this many properties on a slow path (~35 us
      // per conv2d call, more than most landmark-net layers take).
      activation: epi.activation,
      code: epi.code,
      alpha: epi.alpha,
      n, h, w, cin, oh, ow, cout, kh, kw, sh, sw, dh, dw, padT, padB, padL, padR, groups, cinG,
      coutG: cout / groups,
      depthwise,
      hasBias: !!inShapes[2],
      hasScale: !!inShapes[3],
      hasShift: !!inShapes[4],
      hasPrelu: !!inShapes[5],
      pool,
      inputRelu,
      hasResidual: !!res,
    },
    outShapes: [outShape],
  };
}
