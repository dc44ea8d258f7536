/** mulberry32: deterministic uniform [0, 1) numbers from a 32-bit seed. */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Deterministic uniform random numbers (mulberry32) so every runtime sees the same inputs. */
export function seededUniform(seed: number, n: number, lo = -1, hi = 1): Float32Array {
  const next = mulberry32(seed >>> 0 || 1);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * next();
  return out;
}
