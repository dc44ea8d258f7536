// The joint detector trained on device (wasm): the 5x5 head on a small fixed subset of real faces (dlib-johns chips
// placed on 196x196 canvases; box = the chip) must lower its loss and reach a stated AP floor on held-back chips;
// the same seed twice gives the identical loss curve (and another seed a different one); save / load round trips
// bit-exactly and bad model files get typed errors; the multi-scale variant trains too, and on webgpu the first
// steps match wasm's.
import { readdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../src/index.node.js';
import { createEngine, type Engine } from '../../src/runtime/engine.js';
import { decodeImage } from '../../src/face/image-node.js';
import { InvalidArgumentError, InvalidModelFileError } from '../../src/runtime/errors.js';
import { Rng } from '../../src/nn/rng.js';
import { augment } from '../../src/detector/canvas.js';
import { JointDetector } from '../../src/detector/model.js';
import { JointTrunk, type TrunkFeatures } from '../../src/detector/trunk.js';
import { autoAnchors } from '../../src/detector/api.js';
import { evaluateDetections } from '../../src/detector/metrics.js';
import type { NormBox } from '../../src/detector/labels.js';
import { loadJointDetector, saveJointDetector } from '../../src/detector/node.js';

const JOHNS = resolve(__dirname, '../../../shared/data/dlib-johns');
const SEED = 5;

let engine: Engine;
let trunk: JointTrunk;
let classes: string[];
const train = { f: undefined as unknown as TrunkFeatures, boxes: [] as NormBox[][] };
const test = { f: undefined as unknown as TrunkFeatures, boxes: [] as NormBox[][] };
let anchors: [number, number][];

beforeAll(async () => {
  engine = await createEngine({ backend: 'wasm', log: null });
  trunk = await JointTrunk.load(engine);
  classes = readdirSync(JOHNS).filter((d) => d.startsWith('John_')).sort();
  const rng = new Rng(SEED);
  const trainImgs = [];
  const testImgs = [];
  // Per person: chips 1-7 train (2 placements each), chips 9-11 test (one placement each); box = the chip.
  for (const [c, person] of classes.entries()) {
    const files = readdirSync(join(JOHNS, person)).filter((f) => f.endsWith('.jpg')).sort();
    for (const [i, f] of files.entries()) {
      if (i === 7) continue;
      const img = await decodeImage(join(JOHNS, person, f));
      const box = [{ x: 0, y: 0, width: img.width, height: img.height, label: person }];
      const copies = i < 7 ? 2 : 1;
      for (let k = 0; k < copies; k++) {
        const a = augment(img, box, rng, { size: 196, scale: [0.35, 0.8], jitter: i < 7 ? 0.15 : 0, flip: i < 7 });
        const nb = a.boxes.map((b) => ({ x: b.x / 196, y: b.y / 196, w: b.width / 196, h: b.height / 196, cls: c }));
        if (i < 7) {
          trainImgs.push(a.image);
          train.boxes.push(nb);
        } else {
          testImgs.push(a.image);
          test.boxes.push(nb);
        }
      }
    }
  }
  train.f = await trunk.features(trainImgs, ['c256', 'c128', 'c64']);
  test.f = await trunk.features(testImgs, ['c256', 'c128', 'c64']);
  anchors = autoAnchors(train.boxes, SEED);
});

afterAll(() => {
  trunk?.dispose();
  engine?.dispose();
});

const create = (seed = SEED, arch: 'single' | 'multi' = 'single') => JointDetector.create(engine, { arch, classes, anchors, hidden: 64, embed: 64, decoder: [32, 16] }, seed);

describe('JointDetector (wasm)', () => {
  it('the 5x5 head: loss falls, AP@0.5 on held-back chips rises above 0.8 (from under 0.3 untrained)', async () => {
    expect(train.f.n).toBe(70);
    expect(test.f.n).toBe(15);
    const det = create();
    try {
      const before = evaluateDetections(await det.predict(test.f), test.boxes);
      const logs = await det.fit({ features: train.f, boxes: train.boxes }, { epochs: 20, batchSize: 8, learningRate: 2e-3, seed: SEED });
      const predAfter = await det.predict(test.f);
      const after = evaluateDetections(predAfter, test.boxes);
      console.info(`loss ${logs[0]!.loss.toFixed(3)} -> ${logs[logs.length - 1]!.loss.toFixed(3)}; AP ${before.ap.toFixed(3)} -> ${after.ap.toFixed(3)}, accuracy ${after.accuracy.toFixed(3)}`);
      expect(logs).toHaveLength(20);
      expect(logs[logs.length - 1]!.loss).toBeLessThan(0.4 * logs[0]!.loss);
      for (const l of logs) expect(Number.isFinite(l.loss)).toBe(true);
      expect(before.ap).toBeLessThan(0.3);
      expect(after.ap).toBeGreaterThan(0.8);
    } finally {
      det.dispose();
    }
  });

  it('same seed twice: the identical loss curve; another seed: a different one', async () => {
    const curve = async (seed: number) => {
      const det = create(seed);
      try {
        return (await det.fit({ features: train.f, boxes: train.boxes }, { epochs: 3, batchSize: 8, seed })).map((l) => l.loss);
      } finally {
        det.dispose();
      }
    };
    const a = await curve(11);
    const b = await curve(11);
    const c = await curve(12);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('save / load round trip: same weights, same predictions; typed errors for bad files', async () => {
    const det = create();
    const dir = mkdtempSync(join(tmpdir(), 'facegpu-joint-'));
    try {
      await det.fit({ features: train.f, boxes: train.boxes }, { epochs: 2, batchSize: 8 });
      const file = join(dir, 'model.fgjd');
      await saveJointDetector(det, file);
      const back = await loadJointDetector(engine, file);
      try {
        expect(back.config).toEqual(det.config);
        const w0 = await det.layers.get('h5')!.w.data();
        const w1 = await back.layers.get('h5')!.w.data();
        expect(w1).toEqual(w0);
        expect(await back.predict(test.f)).toEqual(await det.predict(test.f));
      } finally {
        back.dispose();
      }
      const bytes = readFileSync(file);
      const bad = (name: string, b: Uint8Array) => {
        const p = join(dir, name);
        writeFileSync(p, b);
        return loadJointDetector(engine, p);
      };
      await expect(bad('magic', Uint8Array.from(bytes).fill(0, 0, 4))).rejects.toThrow(/bad magic/);
      await expect(bad('short', bytes.subarray(0, bytes.length - 8))).rejects.toThrow(/truncated or padded/);
      const v2 = Uint8Array.from(bytes);
      v2[4] = 9;
      await expect(bad('version', v2)).rejects.toThrow(/version 9 is not supported/);
      await expect(loadJointDetector(engine, join(dir, 'missing'))).rejects.toThrow(InvalidModelFileError);
    } finally {
      det.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('bad training input: typed errors', async () => {
    const det = create();
    try {
      await expect(det.fit({ features: train.f, boxes: train.boxes.slice(1) }, { epochs: 1 })).rejects.toThrow(/69 box lists for 70 images/);
      const badCls = train.boxes.map((bs) => bs.map((b) => ({ ...b, cls: 9 })));
      await expect(det.fit({ features: train.f, boxes: badCls }, { epochs: 1 })).rejects.toThrow(InvalidArgumentError);
      await expect(det.fit({ features: train.f, boxes: train.boxes }, { epochs: 0 })).rejects.toThrow(/epochs must be an integer >= 1/);
    } finally {
      det.dispose();
    }
  });

  it('the multi-scale decoder (5 / 11 / 19) trains: loss falls', async () => {
    const det = create(SEED, 'multi');
    try {
      const logs = await det.fit({ features: train.f, boxes: train.boxes }, { epochs: 4, batchSize: 8, learningRate: 2e-3 });
      expect(logs[3]!.loss).toBeLessThan(0.6 * logs[0]!.loss);
      const d = await det.predict(test.f, { maxResults: 5 });
      expect(d).toHaveLength(15);
    } finally {
      det.dispose();
    }
  });
});

describe('JointDetector on webgpu', () => {
  it('training steps match wasm (same seed, same data): the 5x5 head and the multi-scale decoder', async () => {
    const gpu = await createEngine({ backend: 'webgpu', log: null });
    const sub = (n: number): TrunkFeatures => ({ n, c256: train.f.c256!.subarray(0, n * 6400), c128: train.f.c128!.subarray(0, n * 15488), c64: train.f.c64!.subarray(0, n * 23104) });
    try {
      for (const [arch, n, epochs] of [['single', 8, 3], ['multi', 4, 2]] as const) {
        const curves = [];
        for (const e of [engine, gpu]) {
          const det = JointDetector.create(e, { arch, classes, anchors, hidden: 16, embed: 16, decoder: [8, 8] }, 3);
          try {
            curves.push((await det.fit({ features: sub(n), boxes: train.boxes.slice(0, n) }, { epochs, batchSize: 4, seed: 1, learningRate: 3e-3 })).map((l) => l.loss));
          } finally {
            det.dispose();
          }
        }
        console.info(`${arch}: wasm ${curves[0]!.map((v) => v.toFixed(5)).join(', ')}; webgpu ${curves[1]!.map((v) => v.toFixed(5)).join(', ')}`);
        curves[1]!.forEach((v, i) => expect(Math.abs(v - curves[0]![i]!)).toBeLessThan(1e-3 * Math.abs(curves[0]![i]!)));
        expect(curves[1]![epochs - 1]).toBeLessThan(curves[1]![0]!);
      }
    } finally {
      gpu.dispose();
    }
  });
});
