// Hand-made manifests with hand-computed values: float16 (both forms), uint16 and uint8 quantisation, int32, bool,
// unaligned and shard-spanning tensors, several groups. Quantised and float16 forms are also checked against tfjs.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { halfToFloat, parseWeights, type WeightsManifestEntry } from '../../src/nn/weights/index.js';

function u16(...v: number[]): ArrayBuffer {
  return new Uint16Array(v).buffer;
}

function cat(...parts: ArrayBuffer[]): ArrayBuffer {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.byteLength, 0));
  let o = 0;
  for (const p of parts) {
    out.set(new Uint8Array(p), o);
    o += p.byteLength;
  }
  return out.buffer;
}

// IEEE binary16 bit patterns and their values, worked out by hand: (-1)^s * 2^(e-15) * (1 + m/1024), subnormals
// 2^-14 * m/1024.
const HALVES: [number, number][] = [
  [0x0000, 0],
  [0x8000, -0],
  [0x3c00, 1],
  [0xc000, -2],
  [0x3800, 0.5],
  [0x3555, 0.333251953125], // 2^-2 * (1 + 341/1024)
  [0x4248, 3.140625], // 2^1 * (1 + 584/1024)
  [0x7bff, 65504], // largest finite half
  [0x0400, 2 ** -14], // smallest normal
  [0x0001, 2 ** -24], // smallest subnormal
  [0x03ff, 1023 * 2 ** -24], // largest subnormal
  [0xfbff, -65504],
];

describe('tfjs weights: float16', () => {
  it('decodes half bit patterns exactly (hand-computed)', () => {
    for (const [h, v] of HALVES) expect(Object.is(halfToFloat(h), v), `0x${h.toString(16)}`).toBe(true);
    expect(halfToFloat(0x7c00)).toBe(Infinity);
    expect(halfToFloat(0xfc00)).toBe(-Infinity);
    expect(halfToFloat(0x7e00)).toBeNaN();
  });

  it('decodes dtype "float16" tensors and the tfjs quantization { dtype: "float16" } form alike, as tfjs does', () => {
    const bits = HALVES.map(([h]) => h);
    const want = HALVES.map(([, v]) => v);
    const shard = u16(...bits);
    const a = parseWeights([{ paths: ['h.bin'], weights: [{ name: 'h', shape: [3, 4], dtype: 'float16' }] }], [shard]);
    const q: WeightsManifestEntry = { name: 'h', shape: [3, 4], dtype: 'float32', quantization: { dtype: 'float16' } };
    const b = parseWeights([{ paths: ['h.bin'], weights: [q] }], [shard]);
    for (const w of [a.get('h')!, b.get('h')!]) {
      expect(w.dtype).toBe('float32');
      expect(w.storedAs).toBe('float16');
      expect(w.shape).toEqual([3, 4]);
      expect(Array.from(w.data)).toEqual(want);
      expect(Object.is(w.data[1], -0)).toBe(true);
    }
    const ref = tf.io.decodeWeights(shard, [q as tf.io.WeightsManifestEntry]);
    expect(Array.from(ref.h!.dataSync())).toEqual(want);
  });
});

describe('tfjs weights: integer quantisation', () => {
  it('uint16: q * scale + min (hand-computed), equal to tfjs', () => {
    const e: WeightsManifestEntry = { name: 'w', shape: [2, 2], dtype: 'float32', quantization: { dtype: 'uint16', scale: 0.5, min: -10 } };
    const shard = u16(0, 1, 65535, 300);
    const w = parseWeights([{ paths: ['q.bin'], weights: [e] }], [shard]).get('w')!;
    expect(w.storedAs).toBe('uint16');
    expect(Array.from(w.data)).toEqual([-10, -9.5, 32757.5, 140]);
    expect(Array.from(tf.io.decodeWeights(shard, [e as tf.io.WeightsManifestEntry]).w!.dataSync())).toEqual([-10, -9.5, 32757.5, 140]);
  });

  it('uint8 and uint16 round q * scale + min once to float32, as tfjs', () => {
    const q8: WeightsManifestEntry = { name: 'a', shape: [300], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.1, min: -0.3 } };
    const q16: WeightsManifestEntry = { name: 'b', shape: [3], dtype: 'float32', quantization: { dtype: 'uint16', scale: 0.1, min: -0.3 } };
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) % 256);
    // 300 bytes then 3 uint16 at an even offset.
    const shard = cat(bytes.buffer, u16(3, 1000, 65535));
    const w = parseWeights([{ paths: ['q.bin'], weights: [q8, q16] }], [shard]);
    expect(Array.from(w.get('a')!.data)).toEqual(Array.from(bytes, (q) => Math.fround(q * 0.1 - 0.3)));
    expect(Array.from(w.get('b')!.data)).toEqual([3, 1000, 65535].map((q) => Math.fround(q * 0.1 - 0.3)));
    const ref = tf.io.decodeWeights(shard, [q8, q16] as tf.io.WeightsManifestEntry[]);
    expect(Array.from(w.get('a')!.data)).toEqual(Array.from(ref.a!.dataSync()));
    expect(Array.from(w.get('b')!.data)).toEqual(Array.from(ref.b!.dataSync()));
  });

  it('uint8-quantised int32 rounds to integers (hand-computed)', () => {
    const e: WeightsManifestEntry = { name: 'i', shape: [3], dtype: 'int32', quantization: { dtype: 'uint8', scale: 2, min: -1.4 } };
    const w = parseWeights([{ paths: ['q.bin'], weights: [e] }], [new Uint8Array([0, 1, 2])]).get('i')!;
    expect(w.dtype).toBe('int32');
    expect(Array.from(w.int32!)).toEqual([-1, 1, 3]); // round(-1.4), round(0.6), round(2.6)
    expect(Array.from(w.data)).toEqual([-1, 1, 3]);
  });
});

describe('tfjs weights: other dtypes and layouts', () => {
  it('int32 as numbers, exact integers kept in int32; bool as 0/1', () => {
    const shard = cat(new Int32Array([-5, 7, 2 ** 24 + 1]).buffer, new Uint8Array([0, 1, 2, 0]).buffer);
    const w = parseWeights(
      [{ paths: ['i.bin'], weights: [{ name: 'i', shape: [3], dtype: 'int32' }, { name: 'b', shape: [2, 2], dtype: 'bool' }] }],
      [shard],
    );
    expect(Array.from(w.get('i')!.int32!)).toEqual([-5, 7, 2 ** 24 + 1]);
    expect(Array.from(w.get('i')!.data)).toEqual([-5, 7, 2 ** 24]); // float32 rounds 2^24 + 1
    expect(Array.from(w.get('b')!.data)).toEqual([0, 1, 1, 0]);
    expect(w.get('b')!.dtype).toBe('bool');
  });

  it('copies float32 tensors at unaligned offsets and tensors spanning two shards; scalars and empty tensors', () => {
    const f = new Float32Array([1.5, -2.25, 3e-7, 1e30, -0]);
    const all = new Uint8Array(cat(new Uint8Array([9]).buffer, f.buffer, new Float32Array([42]).buffer));
    // Shard 1: the byte and the first 2.5 floats; shard 2: the rest. "f" starts unaligned and spans both.
    const s1 = all.slice(0, 11).buffer;
    const s2 = all.slice(11).buffer;
    const w = parseWeights(
      [
        {
          paths: ['a.bin', 'b.bin'],
          weights: [
            { name: 'byte', shape: [1], dtype: 'float32', quantization: { dtype: 'uint8', scale: 1, min: 0 } },
            { name: 'f', shape: [5], dtype: 'float32' },
            { name: 'empty', shape: [0, 3], dtype: 'float32' },
            { name: 'scalar', shape: [], dtype: 'float32' },
          ],
        },
      ],
      [s1, s2],
    );
    expect(Array.from(w.get('byte')!.data)).toEqual([9]);
    expect(Array.from(w.get('f')!.data)).toEqual(Array.from(f));
    expect(w.get('f')!.file).toBe('a.bin');
    expect(w.get('f')!.byteOffset).toBe(1);
    expect(w.get('empty')!.data.length).toBe(0);
    expect(Array.from(w.get('scalar')!.data)).toEqual([42]);
    expect(w.get('scalar')!.file).toBe('b.bin');
    expect(w.get('scalar')!.byteOffset).toBe(10);
  });

  it('takes one buffer (or typed array) for a one-shard manifest', () => {
    const m = [{ paths: ['a.bin'], weights: [{ name: 'x', shape: [2], dtype: 'float32' }] }];
    expect(Array.from(parseWeights(m, new Float32Array([1, 2]).buffer).get('x')!.data)).toEqual([1, 2]);
    expect(Array.from(parseWeights(m, new Float32Array([3, 4])).get('x')!.data)).toEqual([3, 4]);
  });

  it('reads several groups, each over its own shards, and a model.json holding weightsManifest', () => {
    const model = {
      format: 'layers-model',
      weightsManifest: [
        { paths: ['g0.bin'], weights: [{ name: 'x', shape: [2], dtype: 'float32' }] },
        { paths: ['g1.bin'], weights: [{ name: 'y', shape: [1], dtype: 'float16' }] },
        { paths: [], weights: [] },
      ],
    };
    const w = parseWeights(model, { 'g1.bin': u16(0x3c00), 'g0.bin': new Float32Array([0.25, 4]) });
    expect([...w.keys()]).toEqual(['x', 'y']);
    expect(Array.from(w.get('x')!.data)).toEqual([0.25, 4]);
    expect(Array.from(w.get('y')!.data)).toEqual([1]);
    expect(w.get('y')!.file).toBe('g1.bin');
  });
});
