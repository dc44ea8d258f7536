import { it } from 'vitest';
import { randomizeWeights, saveArtifacts, seeded, tf, tfl, tfReady, writeModelFiles } from './layers-tfjs-support.js';

it('tfjs timing', async () => {
  let t0 = performance.now();
  await tfReady();
  console.log('ready', performance.now() - t0); t0 = performance.now();
  const m = tfl.sequential({
    layers: [tfl.layers.lstm({ units: 8, returnSequences: true, inputShape: [7, 12] }), tfl.layers.lstm({ units: 6 }), tfl.layers.dense({ units: 5, activation: 'softmax' })],
  });
  console.log('build', performance.now() - t0); t0 = performance.now();
  randomizeWeights(m, 10);
  console.log('rand', performance.now() - t0); t0 = performance.now();
  const want = await (m.predict(tf.tensor(seeded(1, 4 * 7 * 12), [4, 7, 12])) as tf.Tensor).data();
  console.log('predict', performance.now() - t0); t0 = performance.now();
  const saved = await saveArtifacts(m);
  console.log('save', performance.now() - t0); t0 = performance.now();
});
