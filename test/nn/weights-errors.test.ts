// Every way a weights manifest or shard can be wrong gets an InvalidModelFileError naming the tensor and the file.
// Manifests and shards are written by hand to a temp dir and loaded through the file loader, or given as buffers.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, InvalidModelFileError } from '../../src/runtime/errors.js';
import { expectAllTaken, parseWeights, takeWeight, type NamedWeights } from '../../src/nn/weights/index.js';
import { loadWeightsFromFile } from '../../src/nn/weights/node.js';

const dir = mkdtempSync(join(tmpdir(), 'facegpu-weights-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** Writes a manifest (JSON value or raw text) and shards into a fresh folder; returns the manifest's path. */
function write(manifest: unknown, shards: Record<string, Uint8Array | ArrayBuffer> = {}): string {
  const d = join(dir, `m${n++}`);
  mkdirSync(d);
  const path = join(d, 'model-weights_manifest.json');
  writeFileSync(path, typeof manifest === 'string' ? manifest : JSON.stringify(manifest));
  for (const [name, bytes] of Object.entries(shards)) writeFileSync(join(d, name), new Uint8Array(bytes as ArrayBuffer));
  return path;
}

async function loadError(path: string): Promise<InvalidModelFileError> {
  const err = await loadWeightsFromFile(path).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InvalidModelFileError);
  return err as InvalidModelFileError;
}

function parseError(manifest: unknown, shards: ArrayBuffer[] = [], source?: string): InvalidModelFileError {
  try {
    parseWeights(manifest, shards, { source });
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidModelFileError);
    return e as InvalidModelFileError;
  }
  throw new Error('parseWeights did not throw');
}

const f32 = (...v: number[]) => new Float32Array(v).buffer;
const bytes = (k: number) => new Uint8Array(k).buffer;
const g = (weights: unknown[], paths = ['w.bin']) => [{ paths, weights }];
const T = (name: string, shape: number[], dtype = 'float32', quantization?: unknown) => ({ name, shape, dtype, quantization });

describe('tfjs weights: shard byte counts', () => {
  it('a short shard names the tensor, its bytes and dtype, the shard, the bytes left and the offset', async () => {
    const tensors = [T('conv0/scale', [128]), T('conv0/filters', [3, 3, 3, 16], 'float32', { dtype: 'uint8', scale: 0.01, min: -1 })];
    const path = write(g(tensors, ['tiny_face_detector_model.bin']), { 'tiny_face_detector_model.bin': bytes(600) });
    const e = await loadError(path);
    expect(e.message).toBe(
      `weights manifest "${path}": tensor "conv0/filters" [3,3,3,16] needs 432 bytes (uint8-quantised float32) but shard ` +
        `"tiny_face_detector_model.bin" has only 88 bytes left at offset 512 (group 0: 2 tensor(s) need 944 bytes, ` +
        `shard(s) "tiny_face_detector_model.bin" hold 600: the shard is truncated or belongs to another version of the model)`,
    );
  });

  it('an empty shard names the first tensor at offset 0', () => {
    const e = parseError(g([T('a', [4])], ['a.bin']), [bytes(0)], 'a.json');
    expect(e.message).toMatch(/^weights manifest "a.json": tensor "a" \[4\] needs 16 bytes \(float32\) but shard "a.bin" has only 0 bytes left at offset 0/);
  });

  it('a short second shard of a group names where the tensor starts and the shards it would span', () => {
    const e = parseError(g([T('a', [2]), T('b', [6])], ['s1.bin', 's2.bin']), [bytes(12), bytes(12)]);
    expect(e.message).toMatch(
      /tensor "b" \[6\] needs 24 bytes \(float32\) but shards "s1.bin" to "s2.bin" have only 16 bytes left from offset 8 of "s1.bin" \(group 0: 2 tensor\(s\) need 32 bytes, shard\(s\) "s1.bin" \+ "s2.bin" hold 24/,
    );
    const e2 = parseError(g([T('a', [3]), T('b', [6])], ['s1.bin', 's2.bin']), [bytes(12), bytes(12)]);
    expect(e2.message).toMatch(/tensor "b" \[6\] needs 24 bytes \(float32\) but shard "s2.bin" has only 12 bytes left at offset 0/);
  });

  it('extra trailing bytes name the shard, the count and the last tensor', async () => {
    const path = write(g([T('a', [2]), T('b/bias', [3])]), { 'w.bin': bytes(24) });
    expect((await loadError(path)).message).toBe(
      `weights manifest "${path}": shard "w.bin" has 4 extra bytes after the last tensor "b/bias" [3], which ends at offset 20 ` +
        `(group 0: 2 tensor(s) need 20 bytes, shard(s) "w.bin" hold 24: the manifest and the shards do not match)`,
    );
    // A whole extra shard: the tensors end exactly at the end of the first one.
    const e = parseError(g([T('a', [2])], ['s1.bin', 's2.bin']), [bytes(8), bytes(8)]);
    expect(e.message).toMatch(/shards "s1.bin" to "s2.bin" have 8 extra bytes after the last tensor "a" \[2\], which ends at offset 8 of "s1.bin"/);
    expect(parseError([{ paths: ['x.bin'], weights: [] }], [bytes(3)]).message).toMatch(/group 0 lists no tensors but its shard\(s\) "x.bin" hold 3 bytes/);
  });

  it('a wrong dtype (float32 in the manifest, uint8 in the shard) is a byte mismatch with a dtype hint', () => {
    const e = parseError(g([T('conv/w', [4, 4]), T('conv/b', [4])]), [bytes(20)]);
    expect(e.message).toMatch(/tensor "conv\/w" \[4,4\] needs 64 bytes \(float32\) but shard "w.bin" has only 20 bytes left at offset 0/);
    expect(e.message).toMatch(/the shards would fit exactly with 1-byte values instead of 4-byte ones: is the manifest's dtype or quantization wrong\?\)$/);
    const e2 = parseError(g([T('w', [4], 'float32', { dtype: 'uint8', scale: 1, min: 0 })]), [bytes(16)]);
    expect(e2.message).toMatch(/shard "w.bin" has 12 extra bytes .*fit exactly with 4-byte values instead of 1-byte ones/);
  });
  it('a Git LFS pointer or an HTML page in place of a shard is named as such', () => {
    const lfs = new TextEncoder().encode('version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 193321\n');
    expect(parseError(g([T('conv0/filters', [3, 3, 3, 16])], ['m.bin']), [lfs.buffer]).message).toMatch(
      /tensor "conv0\/filters" \[3,3,3,16\] needs 1728 bytes \(float32\) but shard "m.bin" has only \d+ bytes left at offset 0 .*; shard "m.bin" is a Git LFS pointer, not the weights \(run git lfs pull\)\)$/,
    );
    const html = new TextEncoder().encode(`<!DOCTYPE html><html>${' '.repeat(2000)}</html>`);
    expect(parseError(g([T('w', [4])], ['m.bin']), [html.buffer]).message).toMatch(/shard "m.bin" has \d+ extra bytes .*; shard "m.bin" is an HTML page, not the weights\)$/);
  });
});

describe('tfjs weights: missing files', () => {
  it('a missing shard file names the shard, the group and the path looked at', async () => {
    const path = write(g([T('a', [1])], ['a.bin']), {});
    const e = await loadError(path);
    expect(e.message).toBe(`weights manifest "${path}": shard "a.bin" (group 0) is missing: ${join(path, '..', 'a.bin')} does not exist`);
  });

  it('a missing manifest, a directory, and too few or unnamed buffers', async () => {
    const missing = join(dir, 'nope-weights_manifest.json');
    expect((await loadError(missing)).message).toBe(`weights manifest "${missing}" cannot be loaded: ${missing} does not exist`);
    expect((await loadError(dir)).message).toMatch(/cannot be loaded: .* is a directory/);
    await expect(loadWeightsFromFile('')).rejects.toBeInstanceOf(InvalidArgumentError);
    const two = g([T('a', [1]), T('b', [1])], ['a.bin', 'b.bin']);
    expect(parseError(two, [f32(1)]).message).toBe(
      'weights manifest lists 2 shard file(s) ("a.bin", "b.bin") but 1 buffer(s) were given: missing "b.bin"',
    );
    expect(() => parseWeights(two, { 'a.bin': f32(1) })).toThrow(new InvalidModelFileError('weights manifest: shard "b.bin" (group 0) is missing'));
    // Names are looked up as own keys only: a shard called "constructor" is not Object.prototype.constructor.
    expect(() => parseWeights(g([T('a', [1])], ['constructor']), {})).toThrow(/shard "constructor" \(group 0\) is missing/);
    expect(() => parseWeights(two, [f32(1), 'x' as unknown as ArrayBuffer])).toThrow(InvalidArgumentError);
  });
});

describe('tfjs weights: malformed manifests', () => {
  const cases: [string, unknown, RegExp][] = [
    ['not JSON', '{"paths": [', /^weights manifest ".*" is not valid JSON: /],
    ['an HTML page', '<!DOCTYPE html><html>', /is not valid JSON: .*\(it starts with "<": an HTML page/],
    ['empty', '', /is not valid JSON: .*\(the file is empty\)/],
    ['not an array', { paths: [], weights: [] }, /expected a JSON array of groups \{ paths, weights \} .* got an object with keys \{paths, weights\}/],
    ['a number', 3, /expected a JSON array of groups .* got number 3/],
    ['a group that is not an object', [[]], /group 0 must be an object \{ paths, weights \}, got an array of 0/],
    ['no paths', [{ weights: [] }], /group 0: "paths" must be an array of shard file names, got undefined/],
    ['a bad path', [{ paths: [''], weights: [] }], /group 0: paths\[0\] must be a non-empty file name/],
    ['no weights', [{ paths: ['a.bin'] }], /group 0: "weights" must be an array of tensor entries/],
    ['tensors but no paths', [{ paths: [], weights: [T('a', [1])] }], /group 0 lists 1 tensors but no shard files in "paths"/],
    ['an entry that is not an object', g([7]), /group 0, weights\[0\] must be an object \{ name, shape, dtype \}, got number 7/],
    ['no name', g([{ shape: [1], dtype: 'float32' }]), /group 0, weights\[0\]: "name" must be a non-empty string, got undefined/],
    ['no shape', g([{ name: 'conv0/filters', dtype: 'float32' }]), /tensor "conv0\/filters": "shape" must be an array of non-negative integers, got undefined/],
    ['a negative dim', g([T('conv0/filters', [3, -3, 3, 16])]), /tensor "conv0\/filters": shape \[3,-3,3,16\] has a bad dimension -3 at axis 1 \(dims must be non-negative integers\)/],
    ['a fractional dim', g([T('w', [1.5])]), /tensor "w": shape \[1.5\] has a bad dimension 1.5 at axis 0/],
    ['a string dim', g([T('w', ['3' as unknown as number])]), /tensor "w": shape \["3"\] has a bad dimension "3" at axis 0/],
    ['a huge shape', g([T('w', [65536, 65536, 4])]), /tensor "w": shape \[65536,65536,4\] has 17179869184 elements, more than any shard can hold/],
    ['an unknown dtype', g([T('w', [1], 'float64')]), /tensor "w": dtype the string "float64" is not supported \(expected one of float32, int32, bool, float16\)/],
    ['no dtype', g([{ name: 'w', shape: [1] }]), /tensor "w": dtype undefined is not supported/],
    ['a string dtype tensor', g([T('w', [1], 'string')]), /tensor "w": dtype the string "string" is not supported/],
    ['an unknown quantization dtype', g([T('w', [1], 'float32', { dtype: 'int8', scale: 1, min: 0 })]), /tensor "w": quantization dtype the string "int8" is not supported \(expected one of uint8, uint16, float16\)/],
    ['uint8 without scale', g([T('w', [1], 'float32', { dtype: 'uint8', min: 0 })]), /tensor "w": uint8 quantisation needs a finite "scale", got undefined/],
    ['uint16 with a string min', g([T('w', [1], 'float32', { dtype: 'uint16', scale: 1, min: '0' })]), /tensor "w": uint16 quantisation needs a finite "min", got the string "0"/],
    ['a NaN scale', g([T('w', [1], 'float32', { dtype: 'uint8', scale: NaN, min: 0 })]), /tensor "w": uint8 quantisation needs a finite "scale", got number NaN/],
    ['float16 quantisation of int32', g([T('w', [1], 'int32', { dtype: 'float16' })]), /tensor "w": float16 quantisation applies to float32 tensors only, this one is int32/],
    ['quantised bool', g([T('w', [1], 'bool', { dtype: 'uint8', scale: 1, min: 0 })]), /tensor "w": a bool tensor cannot be quantised/],
    ['quantization not an object', g([T('w', [1], 'float32', 'uint8')]), /tensor "w": "quantization" must be an object \{ dtype, scale, min \}/],
    ['a disagreeing original_dtype', g([T('w', [1], 'float32', { dtype: 'uint8', scale: 1, min: 0, original_dtype: 'int32' })]), /tensor "w": quantization original_dtype the string "int32" disagrees with the tensor's dtype "float32"/],
    ['a duplicate name', [{ paths: ['a'], weights: [T('w', [1])] }, { paths: ['b'], weights: [T('w', [1])] }], /tensor "w" appears twice \(groups 0 and 1\); names must be unique/],
  ];

  it.each(cases)('%s', (_, manifest, message) => {
    const e = parseError(manifest, [], 'm.json');
    expect(e.message).toMatch(/^weights manifest "m.json"/);
    expect(e.message).toMatch(message);
  });

  it('reports through the file loader too, naming the manifest file', async () => {
    const path = write(g([T('conv0/filters', [3, -3, 3, 16])]));
    expect((await loadError(path)).message).toBe(
      `weights manifest "${path}": tensor "conv0/filters": shape [3,-3,3,16] has a bad dimension -3 at axis 1 (dims must be non-negative integers)`,
    );
    expect((await loadError(write('<html>'))).message).toMatch(/is not valid JSON/);
  });

  it('accepts a matching original_dtype and ignores unknown extra fields', () => {
    const w = parseWeights([{ paths: ['a'], weights: [{ ...T('w', [1], 'float32', { dtype: 'uint8', scale: 2, min: 1, original_dtype: 'float32' }), group: 'model' }] }], [new Uint8Array([3])]);
    expect(Array.from(w.get('w')!.data)).toEqual([7]);
  });
});

describe('tfjs weights: non-finite values', () => {
  it('NaN in float32 data names the tensor, the element, its index, the byte and the shard', async () => {
    const data = new Float32Array([0, 1, 2, 3, 4, 5, NaN, Infinity]);
    const path = write(g([T('pad', [1]), T('conv1/weights', [2, 2, 2])], ['shard1']), { shard1: new Uint8Array(f32(9, ...data)) });
    expect((await loadError(path)).message).toBe(
      `weights manifest "${path}": tensor "conv1/weights" [2,2,2] (float32) has 2 non-finite value(s): the first, NaN, at element 6 ` +
        `[1,1,0], byte 28 of shard "shard1"; the file is corrupt or was exported from a diverged model (pass { allowNonFinite: true } to load it anyway)`,
    );
    const w = await loadWeightsFromFile(path, { allowNonFinite: true });
    expect(Array.from(w.get('conv1/weights')!.data)).toEqual(Array.from(data));
  });

  it('a bad element past a shard boundary is located in the shard that holds it', () => {
    const all = new Uint8Array(f32(1, 2, 3, NaN));
    const e = parseError(g([T('w', [4])], ['a.bin', 'b.bin']), [all.slice(0, 6).buffer, all.slice(6).buffer]);
    expect(e.message).toMatch(/the first, NaN, at element 3 \[3\], byte 6 of shard "b.bin"/);
  });

  it('Inf in float16 data, and quantisation that overflows float32', () => {
    const half = new Uint16Array([0x3c00, 0xfc00]).buffer;
    expect(parseError(g([T('h', [2], 'float16')]), [half]).message).toMatch(
      /tensor "h" \[2\] \(float16\) has 1 non-finite value\(s\): the first, -Infinity, at element 1 \[1\], byte 2 of shard "w.bin"/,
    );
    expect(parseError(g([T('h', [2], 'float32', { dtype: 'float16' })]), [half]).message).toMatch(/\(float32 stored as float16\) has 1 non-finite/);
    const e = parseError(g([T('q', [2], 'float32', { dtype: 'uint8', scale: 1e38, min: 0 })]), [new Uint8Array([1, 255]).buffer]);
    expect(e.message).toMatch(/tensor "q" \[2\] \(uint8-quantised float32\) has 1 non-finite value\(s\) \(uint8 quantisation with scale 1e\+38, min 0 overflows float32\): the first, Infinity, at element 1/);
  });
});

describe('takeWeight', () => {
  const weights = (): NamedWeights =>
    parseWeights(
      g([T('conv0/filters', [3, 3, 3, 16]), T('conv0/bias', [16]), T('conv1/filters', [3, 3, 16, 32]), T('fc/weights', [4, 2])]),
      [bytes(4 * (432 + 16 + 4608 + 8))],
      { source: 'tiny-weights_manifest.json' },
    );

  it('returns the tensor when the shape matches (-1 matches any size) and records it as taken', () => {
    const w = weights();
    expect(takeWeight(w, 'conv0/filters', [3, 3, 3, 16]).data.length).toBe(432);
    expect(takeWeight(w, 'conv1/filters', [3, 3, -1, 32]).shape).toEqual([3, 3, 16, 32]);
    expect(takeWeight(w, 'fc/weights').shape).toEqual([4, 2]);
    expect(w.unused()).toEqual(['conv0/bias']);
    expect(() => expectAllTaken(w, 'TinyNet')).toThrow(
      new InvalidModelFileError('weights manifest "tiny-weights_manifest.json": TinyNet does not use 1 of its 4 tensors ("conv0/bias" [16]): the file is for another model'),
    );
    takeWeight(w, 'conv0/bias', [16]);
    expect(() => expectAllTaken(w, 'TinyNet')).not.toThrow();
  });

  it('a missing tensor lists near names with their shapes', () => {
    expect(() => takeWeight(weights(), 'conv0/filter', [3, 3, 3, 16])).toThrow(
      new InvalidModelFileError(
        'weights manifest "tiny-weights_manifest.json": tensor "conv0/filter" is missing; near names: "conv0/filters" [3,3,3,16], ' +
          '"conv1/filters" [3,3,16,32] (is this the right model file?)',
      ),
    );
    expect(() => takeWeight(weights(), 'model/fc/weights')).toThrow(/tensor "model\/fc\/weights" is missing; near names: "fc\/weights" \[4,2\]/);
    expect(() => takeWeight(weights(), 'landmarks/dense0/conv0/filters_xyz_long')).toThrow(
      /tensor "landmarks\/dense0\/conv0\/filters_xyz_long" is missing; it has 4 tensor\(s\), e.g. "conv0\/filters", "conv0\/bias", "conv1\/filters"/,
    );
  });

  it('a wrong shape names the shard, both shapes and value counts, and flags a transposed layout', () => {
    expect(() => takeWeight(weights(), 'conv0/filters', [3, 3, 3, 32])).toThrow(
      new InvalidModelFileError(
        'weights manifest "tiny-weights_manifest.json": tensor "conv0/filters" in shard "w.bin" has shape [3,3,3,16] (432 values) ' +
          'but the model needs [3,3,3,32] (864 values): the file is for another model or another version of it',
      ),
    );
    expect(() => takeWeight(weights(), 'fc/weights', [2, 4])).toThrow(/has shape \[4,2\] \(8 values\) but the model needs \[2,4\] \(8 values\) \(same number of values: a different layout\?\)/);
    expect(() => takeWeight(weights(), 'conv0/bias', [16, 1])).toThrow(/has shape \[16\] \(16 values\) but the model needs \[16,1\]/);
  });
});
