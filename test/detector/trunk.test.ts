// FaceRecognitionNet.features (the joint detector's frozen trunk): its 256-channel map is exactly the input of
// conv256_down_out, so finishing the net from it (that block, the pooling, fc) gives forward()'s descriptor; the
// map sides at 196 (the S = 5 grid) and 150; JointTrunk's host features agree with the device maps.
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../src/index.node.js';
import { createEngine, type Engine } from '../../src/runtime/engine.js';
import { decodeImage } from '../../src/face/image-node.js';
import { FaceRecognitionNet } from '../../src/face/recognition-net.js';
import { globalAvgPool } from '../../src/ops/pool/index.js';
import { matmul } from '../../src/ops/matmul/index.js';
import { JointTrunk } from '../../src/detector/trunk.js';
import { rgbFloats, stretch } from '../../src/detector/canvas.js';
import type { Tensor } from '../../src/runtime/tensor.js';

const IMG = resolve(__dirname, '../../../shared/data/lfw-id40/images/Abdullah_Gul/Abdullah_Gul_0001.jpg');
let engine: Engine;
let net: FaceRecognitionNet;

beforeAll(async () => {
  engine = await createEngine({ backend: 'wasm', log: null });
  net = await FaceRecognitionNet.load(engine);
});
afterAll(() => {
  net?.dispose();
  engine?.dispose();
});

describe('FaceRecognitionNet.features', () => {
  it('at 150: 17 / 8 / 4 maps; finishing the net from c256 reproduces forward()', async () => {
    const img = await decodeImage(IMG);
    const x = engine.tensor(rgbFloats(img), [1, 150, 150, 3]);
    const f = net.features(x);
    expect(f.c64.shape).toEqual([1, 17, 17, 64]);
    expect(f.c128.shape).toEqual([1, 8, 8, 128]);
    expect(f.c256.shape).toEqual([1, 4, 4, 256]);
    // The private tail of the net (block 13 = conv256_down_out, then pooling and fc), run on the tapped map.
    const priv = net as unknown as { blocks: unknown[]; residual(x: Tensor, b: unknown): Tensor; fc: Tensor };
    const last = priv.residual(f.c256, priv.blocks[13]);
    const pooled = globalAvgPool(engine, last);
    const desc = matmul(engine, pooled, priv.fc);
    const want = net.forward(x);
    const [a, b] = [await desc.data(), await want.data()];
    expect(a).toEqual(b);
    [x, f.c64, f.c128, f.c256, last, pooled, desc, want].forEach((t) => t.dispose());
  });

  it('at 196: 23 / 11 / 5; JointTrunk stretches images and resizes c64 to 19', async () => {
    const trunk = await JointTrunk.load(engine, net);
    const img = await decodeImage(IMG);
    const host = await trunk.features([img, img], ['c256', 'c128', 'c64'], 1);
    expect(host.n).toBe(2);
    expect(host.c256!.length).toBe(2 * 5 * 5 * 256);
    expect(host.c64!.length).toBe(2 * 19 * 19 * 64);
    const x = engine.tensor(rgbFloats(stretch(img, 196).image), [1, 196, 196, 3]);
    const f = net.features(x);
    expect(f.c64.shape).toEqual([1, 23, 23, 64]);
    expect(f.c256.shape).toEqual([1, 5, 5, 256]);
    const c256 = await f.c256.data();
    expect(host.c256!.subarray(0, 6400)).toEqual(c256);
    expect(host.c256!.subarray(6400)).toEqual(c256);
    [x, f.c64, f.c128, f.c256].forEach((t) => t.dispose());
    trunk.dispose(); // does not dispose the caller's net
    expect(() => net.features(engine.tensor(new Float32Array(3 * 32 * 32), [1, 32, 32, 3]))).toThrow(/h >= 64/);
  });
});
