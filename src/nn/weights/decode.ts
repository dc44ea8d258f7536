// Element decoders for tfjs weight shards. Shards are little-endian (what tfjs writes on every host it runs on);
// on little-endian hosts aligned data is read through typed-array views, without copying.

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** `bytes` as a Float32Array: a view when aligned on a little-endian host, else a copy. */
export function readF32(bytes: Uint8Array): Float32Array {
  const n = bytes.byteLength >>> 2;
  if (LITTLE_ENDIAN) {
    if (bytes.byteOffset % 4 === 0) return new Float32Array(bytes.buffer, bytes.byteOffset, n);
    return new Float32Array(bytes.slice().buffer, 0, n);
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = dv.getFloat32(4 * i, true);
  return out;
}

export function readI32(bytes: Uint8Array): Int32Array {
  const n = bytes.byteLength >>> 2;
  if (LITTLE_ENDIAN) {
    if (bytes.byteOffset % 4 === 0) return new Int32Array(bytes.buffer, bytes.byteOffset, n);
    return new Int32Array(bytes.slice().buffer, 0, n);
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = dv.getInt32(4 * i, true);
  return out;
}

export function readU16(bytes: Uint8Array): Uint16Array {
  const n = bytes.byteLength >>> 1;
  if (LITTLE_ENDIAN) {
    if (bytes.byteOffset % 2 === 0) return new Uint16Array(bytes.buffer, bytes.byteOffset, n);
    return new Uint16Array(bytes.slice().buffer, 0, n);
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Uint16Array(n);
  for (let i = 0; i < n; i++) out[i] = dv.getUint16(2 * i, true);
  return out;
}

/** 2^(e-15) for the 31 finite half exponents, and 2^-24 (subnormal step) at index 0. */
const HALF_POW = (() => {
  const t = new Float64Array(32);
  t[0] = 2 ** -24;
  for (let e = 1; e < 31; e++) t[e] = 2 ** (e - 15) / 1024;
  return t;
})();

/** One IEEE 754 binary16 value (exact in float32: every half is a float). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return sign * m * HALF_POW[0]; // zero or subnormal: m * 2^-24
  if (e === 31) return m === 0 ? sign * Infinity : NaN;
  return sign * (1024 + m) * HALF_POW[e]; // (1 + m/1024) * 2^(e-15)
}

export function decodeHalf(h: Uint16Array): Float32Array {
  const out = new Float32Array(h.length);
  for (let i = 0; i < h.length; i++) out[i] = halfToFloat(h[i]);
  return out;
}

/**
 * Dequantises `q * scale + min`, computed in f64 and rounded once to f32, as tfjs does, so decoded weights are
 * bit-identical to tfjs's.
 */
export function dequantize(q: Uint8Array | Uint16Array, scale: number, min: number): Float32Array {
  const out = new Float32Array(q.length);
  if (q instanceof Uint8Array && q.length > 256) {
    const lut = new Float32Array(256);
    for (let v = 0; v < 256; v++) lut[v] = v * scale + min;
    for (let i = 0; i < q.length; i++) out[i] = lut[q[i]];
  } else {
    for (let i = 0; i < q.length; i++) out[i] = q[i] * scale + min;
  }
  return out;
}

/** The int32 form: Math.round of the same value, as tfjs. */
export function dequantizeInt(q: Uint8Array | Uint16Array, scale: number, min: number): Int32Array {
  const out = new Int32Array(q.length);
  for (let i = 0; i < q.length; i++) out[i] = Math.round(q[i] * scale + min);
  return out;
}
