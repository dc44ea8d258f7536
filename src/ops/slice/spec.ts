import { checkKeys, int } from '../../runtime/attrs.js';
import { fail } from '../../runtime/errors.js';
import { shapeStr, type Shape } from '../../runtime/shape.js';

export interface SliceChannelsAttrs {
  /** First channel (last axis) taken. */
  start: number;
  /** Channels taken. */
  size: number;
}

export interface SliceChannelsNorm {
  rows: number;
  /** Channels of x. */
  channels: number;
  start: number;
  size: number;
}

const OP = 'sliceChannels';

/** Input x [..., c]; output [..., size] = x[..., start : start + size] (NHWC channel slice, concat's backward). */
export function prepareSliceChannels(inShapes: readonly (Shape | undefined)[], raw: SliceChannelsAttrs): { attrs: SliceChannelsNorm; outShapes: Shape[] } {
  if (raw === null || typeof raw !== 'object') fail(OP, `attributes must be an object with start and size, got ${String(raw)}`);
  checkKeys(OP, raw, ['start', 'size']);
  const x = inShapes[0];
  if (!x || inShapes.length > 1) fail(OP, 'takes 1 input (x)');
  if (x.length < 1) fail(OP, `x must have rank >= 1, got ${shapeStr(x)}`);
  const channels = x[x.length - 1]!;
  const start = int(OP, 'start', raw.start, undefined, 0);
  const size = int(OP, 'size', raw.size, undefined, 1);
  if (start + size > channels) fail(OP, `channels [${start}, ${start + size}) are out of range for x ${shapeStr(x)} (${channels} channels)`);
  const rows = x.slice(0, -1).reduce((p, q) => p * q, 1);
  return { attrs: { rows, channels, start, size }, outShapes: [[...x.slice(0, -1), size]] };
}
