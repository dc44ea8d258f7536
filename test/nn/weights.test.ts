// tfjs weights manifests against real model files: MTCNN (float32), tiny_yolov2_separable_conv (uint8) and every
// @vladmandic/face-api model, each checked element for element against tfjs-core's own io.decodeWeights.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core needs a backend to build the tensors decodeWeights returns; the CPU one comes with tfjs-backend-wasm.
import '@tensorflow/tfjs-backend-cpu';
import { InvalidModelFileError } from '../../src/runtime/errors.js';
import { loadWeightsFromUrl, parseWeights, takeWeight, type NamedWeights } from '../../src/nn/weights/index.js';
import { loadWeightsFromFile } from '../../src/nn/weights/node.js';

const root = resolve(__dirname, '../..');
const shared = resolve(root, '../shared/data/weights');
const MTCNN = join(shared, 'mtcnn/mtcnn_model-weights_manifest.json');
const TINY_YOLO = join(shared, 'tiny_yolov2_separable_conv/tiny_yolov2_separable_conv_model-weights_manifest.json');
const FACE_API = join(root, 'node_modules/@vladmandic/face-api/model');
const faceApiManifests = existsSync(FACE_API)
  ? readdirSync(FACE_API).filter((f) => f.endsWith('-weights_manifest.json')).sort()
  : [];

interface Group {
  paths: string[];
  weights: { name: string; shape: number[]; dtype: string; quantization?: { dtype: string } }[];
}

function readManifest(path: string): Group[] {
  return JSON.parse(readFileSync(path, 'utf8')) as Group[];
}

function shardBuffers(path: string, g: Group): ArrayBuffer[] {
  return g.paths.map((p) => {
    const b = readFileSync(join(dirname(path), p));
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  });
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Index of the first element where a and b differ (Object.is), -1 when equal; -2 on a length mismatch. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

/** Every tensor equals tfjs's decode bit for bit (same f64 dequantisation rounded once to f32), same shape. */
function expectSameAsTfjs(path: string, ours: NamedWeights): number {
  let n = 0;
  for (const g of readManifest(path)) {
    const ref = tf.io.decodeWeights(shardBuffers(path, g), g.weights as tf.io.WeightsManifestEntry[]);
    for (const e of g.weights) {
      const want = ref[e.name]!;
      const got = ours.get(e.name)!;
      expect(got, e.name).toBeDefined();
      expect(got.shape, e.name).toEqual(want.shape);
      const w = want.dataSync();
      const values = want.dtype === 'int32' ? got.int32! : got.data;
      expect(values.length, e.name).toBe(w.length);
      const bad = firstDifference(values, w);
      expect(bad, `${e.name}: first differing element ${bad}: ${values[bad]} vs tfjs ${w[bad]}`).toBe(-1);
      if (want.dtype === 'int32') expect(firstDifference(got.data, w), e.name).toBe(-1);
      n++;
    }
    tf.dispose(Object.values(ref));
  }
  return n;
}

describe('tfjs weights: MTCNN (float32)', () => {
  it('loads 50 tensors with their shapes, PReLU alphas included, equal to tfjs', async () => {
    const w = await loadWeightsFromFile(MTCNN);
    expect(w.size).toBe(50);
    expect(w.source).toBe(MTCNN);
    const manifest = readManifest(MTCNN);
    expect([...w.keys()]).toEqual(manifest[0]!.weights.map((e) => e.name));
    for (const e of manifest[0]!.weights) expect(w.get(e.name)!.shape).toEqual(e.shape);
    const alphas = [...w.keys()].filter((k) => k.includes('prelu'));
    expect(alphas.length).toBeGreaterThanOrEqual(9);
    const a = takeWeight(w, 'pnet/prelu1_alpha', [10]);
    expect(a.storedAs).toBe('float32');
    expect(a.dtype).toBe('float32');
    expect(a.file).toBe('mtcnn_model-shard1');
    expect(takeWeight(w, 'pnet/conv1/weights', [3, 3, 3, 10]).byteOffset).toBe(0);
    expect(expectSameAsTfjs(MTCNN, w)).toBe(50);
  });

  it('gives copy-free views over an aligned shard buffer', () => {
    const manifest = readManifest(MTCNN);
    const [shard] = shardBuffers(MTCNN, manifest[0]!);
    const w = parseWeights(manifest, [shard!]);
    for (const t of w.values()) expect(t.data.buffer).toBe(shard);
    const last = [...w.values()].at(-1)!;
    expect(last.data.byteOffset + last.data.byteLength).toBe(shard!.byteLength);
  });

  it('takes shards by path (record or Map) as well as in order', () => {
    const manifest = readManifest(MTCNN);
    const [shard] = shardBuffers(MTCNN, manifest[0]!);
    const a = parseWeights(manifest, { 'mtcnn_model-shard1': shard! });
    const b = parseWeights(JSON.stringify(manifest), new Map([['mtcnn_model-shard1', new Uint8Array(shard!)]]));
    for (const [k, t] of a) expect(firstDifference(b.get(k)!.data, t.data), k).toBe(-1);
  });
});

describe('tfjs weights: tiny_yolov2_separable_conv (uint8-quantised)', () => {
  it('dequantises q * scale + min exactly as tfjs', async () => {
    const w = await loadWeightsFromFile(TINY_YOLO);
    expect(w.size).toBe(26);
    const f = takeWeight(w, 'conv0/depthwise_filter', [3, 3, 3, 1]);
    expect(f.storedAs).toBe('uint8');
    // First value by hand from the shard's first byte and the manifest's scale and min.
    const q0 = readFileSync(join(dirname(TINY_YOLO), 'tiny_yolov2_separable_conv_model-shard1'))[0]!;
    expect(f.data[0]).toBe(Math.fround(q0 * 0.004699238725737029 + -0.7471789573921876));
    expect(expectSameAsTfjs(TINY_YOLO, w)).toBe(26);
  });
});

describe('tfjs weights: @vladmandic/face-api models', () => {
  it('finds the installed face-api models (a devDependency: missing is a failure)', () => {
    expect(faceApiManifests.length).toBeGreaterThanOrEqual(7);
  });
  it.each(faceApiManifests)('%s equals tfjs io.decodeWeights element for element', async (file) => {
    const path = join(FACE_API, file);
    const w = await loadWeightsFromFile(path);
    const expected = readManifest(path).reduce((a, g) => a + g.weights.length, 0);
    expect(w.size).toBe(expected);
    expect(expectSameAsTfjs(path, w)).toBe(expected);
  });

  it('has the TinyFaceDetector tensors model code will take', async () => {
    const w = await loadWeightsFromFile(join(FACE_API, 'tiny_face_detector_model-weights_manifest.json'));
    expect(takeWeight(w, 'conv8/filters', [1, 1, 512, 25]).data.length).toBe(512 * 25);
    expect(() => takeWeight(w, 'conv8/filters', [1, 1, 1024, 25])).toThrow(
      /tensor "conv8\/filters" in shard "tiny_face_detector_model.bin" has shape \[1,1,512,25\] \(12800 values\) but the model needs \[1,1,1024,25\] \(25600 values\): the file is for another model/,
    );
  });

  it('decodes int32 tensors (ssd_mobilenetv1 uint8-quantised int32) as exact integers', async () => {
    const w = await loadWeightsFromFile(join(FACE_API, 'ssd_mobilenetv1_model-weights_manifest.json'));
    const ints = [...w.values()].filter((t) => t.dtype === 'int32');
    expect(ints.length).toBe(15);
    for (const t of ints) {
      expect(t.int32).toBeInstanceOf(Int32Array);
      expect(Array.from(t.data)).toEqual(Array.from(t.int32!));
    }
  });
});

describe('tfjs weights over fetch', () => {
  let server: Server;
  let base = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url!, 'http://x');
      if (url.pathname === '/spa/mtcnn_model-shard1') {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<!DOCTYPE html><html></html>');
        return;
      }
      if (url.pathname === '/spa/mtcnn_model-weights_manifest.json') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(readFileSync(MTCNN));
        return;
      }
      if (url.pathname === '/html/m.json') {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<!DOCTYPE html><html></html>');
        return;
      }
      const file = join(shared, url.pathname.replace(/^\/w\//, ''));
      if (!url.pathname.startsWith('/w/') || !existsSync(file)) {
        res.writeHead(404, 'Not Found').end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(readFileSync(file));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('loads a manifest and its shards over HTTP with the global fetch, equal to the file loader', async () => {
    const url = `${base}/w/tiny_yolov2_separable_conv/tiny_yolov2_separable_conv_model-weights_manifest.json`;
    const w = await loadWeightsFromUrl(url);
    expect(w.source).toBe(url);
    const f = await loadWeightsFromFile(TINY_YOLO);
    for (const [k, t] of f) expect(firstDifference(w.get(k)!.data, t.data), k).toBe(-1);
  });

  it('uses a given fetch and weightPathPrefix', async () => {
    const seen: string[] = [];
    const w = await loadWeightsFromUrl('models/mtcnn.json', {
      weightPathPrefix: `${base}/w/mtcnn`,
      fetch: (u, init) => {
        seen.push(u);
        return u === 'models/mtcnn.json' ? Promise.resolve(new Response(readFileSync(MTCNN))) : fetch(u, init);
      },
    });
    expect(seen).toEqual(['models/mtcnn.json', `${base}/w/mtcnn/mtcnn_model-shard1`]);
    expect(w.size).toBe(50);
  });

  it('reports a 404 manifest, a 404 shard, an HTML page and a network failure, naming the URL', async () => {
    await expect(loadWeightsFromUrl(`${base}/w/nope.json`)).rejects.toThrow(
      new InvalidModelFileError(`could not fetch weights manifest "${base}/w/nope.json" from "${base}/w/nope.json": HTTP 404 Not Found`),
    );
    const noShard = (u: string) =>
      u.endsWith('.json') ? Promise.resolve(new Response(readFileSync(MTCNN))) : fetch(`${base}/w/none/${u.split('/').at(-1)}`);
    await expect(loadWeightsFromUrl(`${base}/m/m.json`, { fetch: noShard })).rejects.toThrow(
      /could not fetch shard "mtcnn_model-shard1" of weights manifest ".*\/m\/m.json" from ".*\/m\/mtcnn_model-shard1": HTTP 404 Not Found/,
    );
    await expect(loadWeightsFromUrl(`${base}/spa/mtcnn_model-weights_manifest.json`)).rejects.toThrow(
      /shard "mtcnn_model-shard1" .* is an HTML page, not binary weights/,
    );
    await expect(loadWeightsFromUrl(`${base}/html/m.json`)).rejects.toThrow(/is not valid JSON: .*it starts with "<": an HTML page/);
    const down = () => Promise.reject(new TypeError('fetch failed'));
    await expect(loadWeightsFromUrl('http://nowhere.invalid/m.json', { fetch: down })).rejects.toThrow(
      new InvalidModelFileError('could not fetch weights manifest "http://nowhere.invalid/m.json" from "http://nowhere.invalid/m.json": fetch failed'),
    );
  });
});
