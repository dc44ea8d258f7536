// Where LSTM predict b32 spends its time on the wasm backend (the roofline behind bench/results/recurrent-*.md):
// the whole model, each LSTM layer, each layer's input-projection GEMM alone, and one op's fixed cost; GMAC/s per
// part. Median of 7 rounds of n calls (the last call of a round is read back). Not a test, measures only.
// Usage: node bench/recurrent-profile.mjs [--threads=N]   (needs the build: npm run build)
import v8 from 'node:v8';

try {
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
} catch {}
const arg = process.argv.slice(2).find((a) => a.startsWith('--threads='));
const unknown = process.argv.slice(2).filter((a) => !a.startsWith('--threads='));
if (unknown.length) {
  console.error(`recurrent-profile: unknown option ${unknown[0]} (known: --threads=N)`);
  process.exit(2);
}
const fg = await import(new URL('../dist/src/index.node.js', import.meta.url).href);
const engine = await fg.createEngine({ backend: 'wasm', log: null, threads: arg ? Number(arg.split('=')[1]) : 1 });
let seed = 1;
const rnd = (n) => {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    a[i] = (seed / 2 ** 32 - 0.5) * 0.2;
  }
  return a;
};
const t = (shape) => engine.tensor(rnd(shape.reduce((a, b) => a * b, 1)), shape);
const rows = [];
async function time(label, macs, f, n = 400) {
  for (let i = 0; i < 20; i++) {
    const y = f();
    await y.data();
    y.dispose();
  }
  const ms = [];
  for (let r = 0; r < 7; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const y = f();
      if (i === n - 1) await y.data();
      y.dispose();
    }
    ms.push((performance.now() - t0) / n);
  }
  ms.sort((a, b) => a - b);
  const med = ms[3];
  rows.push(`| ${label} | ${med.toFixed(4)} | ${macs ? (macs / 1e6).toFixed(2) : '-'} | ${macs ? (macs / med / 1e6).toFixed(1) : '-'} |`);
}
const B = 32, T = 10, F = 128, H = 64;
const x = t([B, T, F]);
const w1 = { kernel: t([F, 4 * H]), recurrentKernel: t([H, 4 * H]), bias: t([4 * H]) };
const w2 = { kernel: t([H, 4 * H]), recurrentKernel: t([H, 4 * H]), bias: t([4 * H]) };
const x2 = t([B, T, H]);
const model = fg.sequential([fg.layers.lstm({ units: H, returnSequences: true }), fg.layers.lstm({ units: H }), fg.layers.dense({ units: 5, activation: 'softmax' })], { engine, inputShape: [T, F], seed: 1 });
const inProj1 = B * T * F * 4 * H, inProj2 = B * T * H * 4 * H, rec = B * T * H * 4 * H;
await time('model predict b32', inProj1 + inProj2 + 2 * rec + B * H * 5, () => model.predict(x));
await time('LSTM layer 1 (x W + 10 steps)', inProj1 + rec, () => fg.lstm(engine, x, w1, { units: H, returnSequences: true })[0]);
await time('LSTM layer 2 (x W + 10 steps)', inProj2 + rec, () => fg.lstm(engine, x2, w2, { units: H })[0]);
const a1 = t([B * T, F]), a2 = t([B * T, H]);
await time('layer 1 x W alone (matmul 320x128x256)', inProj1, () => fg.matmul(engine, a1, w1.kernel));
await time('layer 2 x W alone (matmul 320x64x256)', inProj2, () => fg.matmul(engine, a2, w2.kernel));
const tiny = t([4]);
await time('one op on 4 floats (fixed cost per op)', 0, () => fg.add(engine, tiny, tiny), 4000);
console.log(`# ${engine.chosen}\n\n| part | ms | M MACs | GMAC/s |\n| --- | --- | --- | --- |\n${rows.join('\n')}`);
engine.dispose();
