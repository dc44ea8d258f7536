import { join, resolve } from 'node:path';
import { it } from 'vitest';
import { createEngine, decodeImage } from '../../src/index.node.js';
import { FaceLandmarkNet } from '../../src/face/landmark-net.js';
import { FaceRecognitionNet } from '../../src/face/recognition-net.js';
const DATA = resolve(__dirname, '../../../shared/data/face-api-js');
it('gpuprof', async () => {
  const img = await decodeImage(join(DATA, 'test-images', 'face1.png'));
  const e = await createEngine({ backend: 'webgpu', log: null });
  const rec = await FaceRecognitionNet.load(e);
  const lm = await FaceLandmarkNet.load(e, { tiny: process.env.TINY === '1' });
  const orig = e.run.bind(e);
  for (const [name, f] of [['rec', () => rec.embed(img)], ['lm', () => lm.detect(img)]] as const) {
    await f();
    const rec: { op: any; inputs: any[]; attrs: any }[] = [];
    (e as any).run = (op: any, inputs: any, attrs: any) => { rec.push({ op, inputs: [...inputs], attrs }); return orig(op, inputs, attrs); };
    await f();
    (e as any).run = orig;
    const rows = new Map<string, number>();
    let tot = 0;
    for (const r of rec) {
      const ins = r.inputs.map((t: any) => t === undefined ? undefined : t.disposed ? e.tensor(new Float32Array(t.size).fill(0.5), t.shape, t.dtype) : t);
      const ms: number[] = [];
      for (let i = 0; i < 6; i++) {
        const t0 = performance.now();
        const y = orig(r.op, ins, r.attrs)[0];
        await y.data(); y.dispose();
        ms.push(performance.now() - t0);
      }
      ins.forEach((t: any, i: number) => { if (t && t !== r.inputs[i]) t.dispose(); });
      ms.sort((a, b) => a - b);
      const key = `${r.op.name} ${ins[0]?.shape.join('x')} ${r.op.name === 'conv2d' || r.op.name === 'matmul' ? ins[1].shape.join('x') + ' ' + JSON.stringify(r.attrs) : ''}`;
      rows.set(key, (rows.get(key) ?? 0) + ms[1]);
      tot += ms[1];
    }
    console.log(name, 'ops', rec.length, 'sum of isolated (incl. readback each)', tot.toFixed(1));
    for (const [k, v] of [...rows.entries()].sort((a, b) => b[1] - a[1]).slice(0, 22)) console.log('  ', v.toFixed(2), k);
  }
  e.dispose();
}, 900_000);
