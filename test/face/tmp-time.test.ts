import { join, resolve } from 'node:path';
import { it } from 'vitest';
import { createEngine, decodeImage } from '../../src/index.node.js';
import { FaceLandmarkNet } from '../../src/face/landmark-net.js';
import { FaceRecognitionNet } from '../../src/face/recognition-net.js';
const DATA = resolve(__dirname, '../../../shared/data/face-api-js');
it('time', async () => {
  const img = await decodeImage(join(DATA, 'test-images', 'face1.png'));
  for (const backend of (process.env.BK ?? 'wasm,webgpu').split(',') as ('wasm'|'webgpu')[]) {
    const engine = await createEngine({ backend, log: null });
    const rec = await FaceRecognitionNet.load(engine);
    const lm = await FaceLandmarkNet.load(engine);
    const lmt = await FaceLandmarkNet.load(engine, { tiny: true });
    for (const [name, f] of [['rec', () => rec.embed(img)], ['lm', () => lm.detect(img)], ['lmtiny', () => lmt.detect(img)]] as const) {
      let t0 = performance.now(); await f(); const first = performance.now() - t0;
      const ms: number[] = [];
      for (let i = 0; i < Number(process.env.N ?? 10); i++) { t0 = performance.now(); await f(); ms.push(performance.now() - t0); }
      ms.sort((a, b) => a - b);
      console.log(backend, name, 'first', first.toFixed(0), 'median', ms[ms.length >> 1].toFixed(1), 'min', ms[0].toFixed(1));
    }
    engine.dispose();
  }
}, 900_000);
