// WASM threads speed-up on the conv benchmark shapes: the same conv2d on 1 and 2 threads, interleaved run by run
// so machine noise hits both alike, in several rounds; a config's time is the lowest of its per-round medians
// (the round least disturbed by other processes). Two times per run: the op itself (the wasm backend runs
// kernels synchronously, so conv2d() returns with the output computed) and op + readback (await data(): one
// single-threaded copy of the output, which a network's inner layers never pay).
// Not a test: prints a table and, unless --no-save, writes bench/results/threads-<date>.md.
// Usage: node bench/threads.mjs [--runs=N] [--rounds=N] [--no-save] [--note="how it was run"]
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { conv2d, createEngine } from '../dist/src/index.node.js';

const opt = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')).map(([k, v]) => [k, v ?? true]));
const runs = Number(opt.runs ?? 40);
const rounds = Number(opt.rounds ?? 5);
const shapes = [
  { name: 'conv2d 3x3 64->64 @56x56', x: [1, 56, 56, 64], w: [3, 3, 64, 64], attrs: { padding: 'same' } },
  { name: 'conv2d 3x3 128->128 @28x28', x: [1, 28, 28, 128], w: [3, 3, 128, 128], attrs: { padding: 'same' } },
  { name: 'depthwise 3x3 @104x104x32', x: [1, 104, 104, 32], w: [3, 3, 1, 32], attrs: { padding: 'same', groups: 32 } },
];
const rand = (n, seed) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed) * 0.5);
const size = (s) => s.reduce((a, b) => a * b, 1);
const median = (a) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');

const engines = {
  1: await createEngine({ backend: 'wasm', threads: 1, wasmVariant: 'simd', log: null }),
  2: await createEngine({ backend: 'wasm', threads: 2, wasmVariant: 'simd', log: null }),
};
const machine = `${os.cpus()[0]?.model} x${os.cpus().length}, Node ${process.version}`;
const loadBefore = load();
console.log(`${machine}; load average (1/5/15 min) at start ${loadBefore}; ${rounds} rounds x ${runs} interleaved runs`);
const rows = [];
for (const s of shapes) {
  const ins = {};
  const med = { 1: [], 2: [] };
  const medRead = { 1: [], 2: [] };
  for (const k of [1, 2]) {
    const e = engines[k];
    ins[k] = [e.tensor(rand(size(s.x), 1), s.x), e.tensor(rand(size(s.w), 2), s.w)];
    for (let i = 0; i < 3; i++) conv2d(e, ...ins[k], s.attrs).dispose(); // warm: packs the filter once
  }
  for (let round = 0; round < rounds; round++) {
    const t = { 1: [], 2: [] };
    const tr = { 1: [], 2: [] };
    for (let r = 0; r < runs; r++) {
      for (const k of [1, 2]) {
        const t0 = performance.now();
        const y = conv2d(engines[k], ...ins[k], s.attrs);
        const t1 = performance.now();
        await y.data();
        tr[k].push(performance.now() - t0);
        t[k].push(t1 - t0);
        y.dispose();
      }
    }
    for (const k of [1, 2]) {
      med[k].push(median(t[k]));
      medRead[k].push(median(tr[k]));
    }
  }
  const [a, b, ar, br] = [Math.min(...med[1]), Math.min(...med[2]), Math.min(...medRead[1]), Math.min(...medRead[2])];
  const perRound = med[1].map((m, i) => m / med[2][i]);
  rows.push(
    `| ${s.name} | ${a.toFixed(3)} | ${b.toFixed(3)} | **${(a / b).toFixed(2)}x** | ${perRound.map((r) => r.toFixed(2)).join(' ')} | ` +
      `${ar.toFixed(3)} / ${br.toFixed(3)} = ${(ar / br).toFixed(2)}x |`,
  );
  console.log(rows.at(-1));
}
const loadAfter = load();
engines[1].dispose();
engines[2].dispose();
const table = [
  '| shape | 1 thread (ms) | 2 threads (ms) | speed-up | per-round speed-ups | with readback: 1 / 2 threads (ms) |',
  '|---|---|---|---|---|---|',
  ...rows,
].join('\n');
console.log(`\n${table}\nload average at end ${loadAfter}`);
if (!opt['no-save']) {
  const when = new Date().toISOString();
  const file = fileURLToPath(new URL(`./results/threads-${when.slice(0, 10)}.md`, import.meta.url));
  const text = `# WASM threads: 2 threads vs 1, ${when}\n\n${machine}. Load average (1/5/15 min): ${loadBefore} at start, ${loadAfter} at end.\n` +
    `Each config: ${rounds} rounds of ${runs} runs, 1- and 2-thread runs interleaved; time = lowest per-round median ` +
    `of one conv2d (op; the last column adds the output readback). Speed-up = 1-thread time / 2-thread time.` +
    `${opt.note ? `\n${opt.note}` : ''}\n\n${table}\n`;
  writeFileSync(file, text);
  console.log(`wrote ${file}`);
}
