import { fail } from './errors.js';

/**
 * Attribute validation helpers shared by op specs. Each names the op and attribute in its error, rejects NaN and
 * unknown keys, and returns the value typed.
 */
export function checkKeys(op: string, attrs: object, allowed: readonly string[]): void {
  for (const k of Object.keys(attrs)) {
    if (!allowed.includes(k) && (attrs as Record<string, unknown>)[k] !== undefined) {
      fail(op, `unknown option '${k}' (known: ${allowed.join(', ')})`);
    }
  }
}

export function num(op: string, name: string, v: unknown, dflt?: number): number {
  if (v === undefined && dflt !== undefined) return dflt;
  if (typeof v !== 'number' || Number.isNaN(v)) fail(op, `${name} must be a number, got ${String(v)}`);
  return v;
}

export function int(op: string, name: string, v: unknown, dflt?: number, min = -Infinity): number {
  const n = num(op, name, v, dflt);
  if (!Number.isInteger(n)) fail(op, `${name} must be an integer, got ${n}`);
  if (n < min) fail(op, `${name} must be >= ${min}, got ${n}`);
  return n;
}

/** An integer pair, from a number (both) or a two-element array. */
export function pair(op: string, name: string, v: unknown, dflt: number, min: number): [number, number] {
  if (v === undefined) return [dflt, dflt];
  if (typeof v === 'number') {
    const n = int(op, name, v, undefined, min);
    return [n, n];
  }
  if (!Array.isArray(v) || v.length !== 2) fail(op, `${name} must be a number or [h, w], got ${JSON.stringify(v)}`);
  return [int(op, `${name}[0]`, v[0], undefined, min), int(op, `${name}[1]`, v[1], undefined, min)];
}

export function oneOf<T extends string>(op: string, name: string, v: unknown, allowed: readonly T[], dflt?: T): T {
  if (v === undefined && dflt !== undefined) return dflt;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    fail(op, `${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
  }
  return v as T;
}
