import { join, resolve } from 'node:path';
import { it } from 'vitest';
import { createEngine, decodeImage } from '../../src/index.node.js';
import { FaceLandmarkNet } from '../../src/face/landmark-net.js';
import { FaceRecognitionNet } from '../../src/face/recognition-net.js';
const DATA = resolve(__dirname, '../../../shared/data/face-api-js');
it('prof', async () => {
  const img = await decodeImage(join(DATA, 'test-images', 'face1.png'));
  const engine = await createEngine({ backend: 'wasm', log: null });
  const rec = await FaceRecognitionNet.load(engine);
  const lm = await FaceLandmarkNet.load(engine);
  const orig = engine.run.bind(engine);
  const acc = new Map<string, number>(); let cur = new Map<string, number>();
  (engine as any).run = (op: any, inputs: any, attrs: any) => {
    const t0 = performance.now();
    const r = orig(op, inputs, attrs);
    const dt = performance.now() - t0;
    const key = op.name + (op.name === 'conv2d' ? ` ${inputs[0].shape.slice(1).join('x')} k${inputs[1].shape.join('x')} s${attrs.strides ?? 1}` : ` ${inputs[0]?.shape.join('x')}`);
    cur.set(key, (cur.get(key) ?? 0) + dt);
    return r;
  };
  for (const [name, f] of [['rec', () => rec.embed(img)], ['lm', () => lm.detect(img)]] as const) {
    await f(); acc.clear();
    const N = 20;
    const t0 = performance.now();
    for (let i = 0; i < N; i++) { cur = new Map(); await f(); for (const [k, v] of cur) acc.set(k, Math.min(acc.get(k) ?? 1e9, v)); }
    const tot = (performance.now() - t0) / N;
    const rows = [...acc.entries()].sort((a, b) => b[1] - a[1]);
    console.log(name, 'total', tot.toFixed(2), 'ops', [...acc.values()].reduce((a, b) => a + b, 0).toFixed(2));
    for (const [k, v] of rows.slice(0, 25)) console.log('  ', v.toFixed(3), k);
  }
}, 600_000);
