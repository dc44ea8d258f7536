import { checkKeys, num } from '../../runtime/attrs.js';
import { fail } from '../../runtime/errors.js';
import { checkRank, shapeStr, type Shape } from '../../runtime/shape.js';

export interface NormalizeImageAttrs {
  /** Per colour [r, g, b] (or [r, g, b, a] with channels 4), subtracted after `scale`. Default 0. */
  mean?: number[];
  /** Per colour [r, g, b] (or [r, g, b, a] with channels 4), divides after the mean. Default 1. */
  std?: number[];
  /** Applied first (1/255 maps bytes to 0..1). Default 1. */
  scale?: number;
  /** 3 (default, alpha dropped) or 4. */
  channels?: 3 | 4;
  /** Output B, G, R (, A) instead of R, G, B (, A). Mean and std stay per colour ([r, g, b]). Default false. */
  bgr?: boolean;
}

export interface NormalizeImageNorm {
  channels: 3 | 4;
  bgr: boolean;
  scale: number;
  /** Per colour R, G, B, A (alpha: 0 / 1 unless given). */
  mean: number[];
  std: number[];
  /** Source colour (0 R .. 3 A) of each output channel. */
  src: number[];
  /** out[j] = v[src[j]] * k[j] + b[j]: k = scale / std, b = -mean / std per output channel, rounded to f32. */
  k: number[];
  b: number[];
  pixels: number;
}

const OP = 'normalizeImage';

function perColour(name: string, v: unknown, dflt: number, channels: number): number[] {
  if (v === undefined) return [dflt, dflt, dflt, dflt];
  if (!Array.isArray(v) || !(v.length === 3 || (v.length === 4 && channels === 4))) {
    const want = channels === 4 ? '[r, g, b] or [r, g, b, a]' : '[r, g, b]';
    fail(OP, `${name} must be ${want}, got ${JSON.stringify(v)}`);
  }
  const out = v.map((x, i) => {
    const n = num(OP, `${name}[${i}]`, x);
    if (!Number.isFinite(n)) fail(OP, `${name}[${i}] must be finite, got ${n}`);
    return n;
  });
  if (out.length === 3) out.push(dflt);
  return out;
}

export function prepareNormalizeImage(inShapes: readonly (Shape | undefined)[], attrs: NormalizeImageAttrs | undefined): { attrs: NormalizeImageNorm; outShapes: Shape[] } {
  const a = attrs ?? {};
  if (typeof a !== 'object') fail(OP, `attrs must be an object, got ${JSON.stringify(a)}`);
  checkKeys(OP, a, ['mean', 'std', 'scale', 'channels', 'bgr']);
  const x = inShapes[0];
  if (!x) fail(OP, 'needs an input');
  checkRank(`${OP}: input`, x, [3, 4]);
  if (x[x.length - 1] !== 4) fail(OP, `input ${shapeStr(x)} must have 4 channels (RGBA pixels), got ${x[x.length - 1]}`);
  const channels = a.channels ?? 3;
  if (channels !== 3 && channels !== 4) fail(OP, `channels must be 3 or 4, got ${JSON.stringify(a.channels)}`);
  if (a.bgr !== undefined && typeof a.bgr !== 'boolean') fail(OP, `bgr must be a boolean, got ${JSON.stringify(a.bgr)}`);
  const bgr = a.bgr ?? false;
  const scale = num(OP, 'scale', a.scale, 1);
  if (!Number.isFinite(scale)) fail(OP, `scale must be finite, got ${scale}`);
  const mean = perColour('mean', a.mean, 0, channels);
  const std = perColour('std', a.std, 1, channels);
  std.forEach((s, i) => {
    if (s === 0) fail(OP, `std[${i}] must not be 0`);
  });
  const src = (bgr ? [2, 1, 0, 3] : [0, 1, 2, 3]).slice(0, channels);
  const f = Math.fround;
  const outShape = [...x.slice(0, -1), channels];
  return {
    attrs: {
      channels,
      bgr,
      scale,
      mean,
      std,
      src,
      k: src.map((s) => f(scale / std[s]!)),
      b: src.map((s) => f(-mean[s]! / std[s]!)),
      pixels: x.slice(0, -1).reduce((p, d) => p * d, 1),
    },
    outShapes: [outShape],
  };
}
