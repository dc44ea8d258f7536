// WASM threads speed-up on the conv benchmark shapes: the same conv2d on 1 and 2 threads, median of N runs each,
// interleaved so machine noise hits both alike. Not a test: prints a table. Usage: node bench/threads.mjs [runs]
import os from 'node:os';
import { conv2d, createEngine } from '../dist/src/index.node.js';

const runs = Number(process.argv[2] ?? 30);
const shapes = [
  { name: 'conv2d 3x3 64->64 @56x56', x: [1, 56, 56, 64], w: [3, 3, 64, 64], attrs: { padding: 'same' } },
  { name: 'conv2d 3x3 128->128 @28x28', x: [1, 28, 28, 128], w: [3, 3, 128, 128], attrs: { padding: 'same' } },
  { name: 'depthwise 3x3 @104x104x32', x: [1, 104, 104, 32], w: [3, 3, 1, 32], attrs: { padding: 'same', groups: 32 } },
];
const rand = (n, seed) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed) * 0.5);
const size = (s) => s.reduce((a, b) => a * b, 1);
const median = (a) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];

const engines = { 1: await createEngine({ backend: 'wasm', threads: 1, wasmVariant: 'simd', log: null }), 2: await createEngine({ backend: 'wasm', threads: 2, wasmVariant: 'simd', log: null }) };
console.log(`${os.cpus()[0]?.model} x${os.cpus().length}, Node ${process.version}, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log('| shape | 1 thread (ms) | 2 threads (ms) | speed-up |\n|---|---|---|---|');
for (const s of shapes) {
  const t = {};
  const ins = {};
  for (const k of [1, 2]) {
    const e = engines[k];
    ins[k] = [e.tensor(rand(size(s.x), 1), s.x), e.tensor(rand(size(s.w), 2), s.w)];
    for (let i = 0; i < 3; i++) conv2d(e, ...ins[k], s.attrs).dispose(); // warm: packs the filter once
    t[k] = [];
  }
  for (let r = 0; r < runs; r++) {
    for (const k of [1, 2]) {
      const t0 = performance.now();
      const y = conv2d(engines[k], ...ins[k], s.attrs);
      await y.data();
      t[k].push(performance.now() - t0);
      y.dispose();
    }
  }
  const a = median(t[1]);
  const b = median(t[2]);
  console.log(`| ${s.name} | ${a.toFixed(2)} | ${b.toFixed(2)} | ${(a / b).toFixed(2)}x |`);
}
engines[1].dispose();
engines[2].dispose();
