import { fail } from './errors.js';

/** A tensor shape: dims, outermost first. Tensors are f32, NHWC for images. */
export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function shapeStr(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** Checks that `shape` is a list of non-negative integers. */
export function checkShape(where: string, shape: unknown): Shape {
  if (!Array.isArray(shape)) fail(where, `shape must be an array of integers, got ${String(shape)}`);
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      fail(where, `shape ${JSON.stringify(shape)} has a bad dimension ${String(d)} (dims are non-negative integers)`);
    }
  }
  return shape as Shape;
}

/** Checks the rank of an input shape. */
export function checkRank(where: string, shape: Shape, rank: number | readonly number[]): void {
  const ok = typeof rank === 'number' ? shape.length === rank : rank.includes(shape.length);
  if (!ok) {
    const want = typeof rank === 'number' ? `${rank}` : rank.join(' or ');
    fail(where, `expected rank ${want}, got rank ${shape.length} ${shapeStr(shape)}`);
  }
}
