// Network benchmark: facegpu's face networks (wasm at 1 and 2 threads, webgpu) against @vladmandic/face-api on
// tfjs-backend-wasm and tfjs-backend-webgpu, and ONNX graphs of the same weights on onnxruntime-web (wasm, 1 and 2
// threads), all in one process and one run, on the same inputs.
// Usage: node bench/networks.mjs [--quick] [--runners=ours-wasm-1t,ort-wasm-1t,...] [--nets=tiny,recognition,...]
//        [--rounds=N] [--no-save]        (see bench/README.md, "Network benchmark")
// Measures; asserts nothing.
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { loadNetData } from './lib/net-data.mjs';
import { compareOutputs, NET_RATIOS, netMarkdown, netTables } from './lib/net-report.mjs';
import { DIST, faceApiRunner, ortNetRunner, oursNetRunner } from './lib/net-runners.mjs';
import { ratio, writeAtomic } from './lib/report.mjs';
import { firstLine, initRunners, Skip } from './lib/runner.mjs';

const started = performance.now();
const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? true];
  }),
);
const KNOWN = ['quick', 'runners', 'nets', 'rounds', 'no-save'];
for (const k of Object.keys(args)) {
  if (!KNOWN.includes(k)) {
    console.error(`bench: unknown option --${k} (known: ${KNOWN.map((x) => `--${x}`).join(', ')})`);
    process.exit(2);
  }
}
const options = {
  // Per case and round: sample (one network call each) until both minSamples and maxTime (seconds) are reached.
  minSamples: args.quick ? 3 : 5,
  maxTime: args.quick ? 0.3 : 1,
  maxSamples: 200,
  rounds: Number(args.rounds ?? (args.quick ? 1 : 3)),
};
if (!Number.isInteger(options.rounds) || options.rounds < 1) {
  console.error(`bench: rounds must be a positive integer, got ${args.rounds}`);
  process.exit(2);
}
const list = (v) => (typeof v === 'string' ? v.split(',').filter(Boolean) : undefined);
const wantRunners = list(args.runners);
const wantNets = list(args.nets);

const NETS = [
  { id: 'tiny-forward-416', label: 'TinyFaceDetector 416 forward', kind: 'tiny-forward' },
  { id: 'tiny-detect-416', label: 'TinyFaceDetector 416 detect (faces.jpg)', kind: 'tiny-detect' },
  { id: 'recognition-150', label: 'FaceRecognitionNet 150 forward', kind: 'recognition' },
  { id: 'landmark68-112', label: 'FaceLandmark68Net 112 forward', kind: 'landmarks' },
  { id: 'mtcnn-detect', label: 'MTCNN detect (faces.jpg)', kind: 'mtcnn' },
].filter((n) => !wantNets || wantNets.some((w) => n.id.includes(w)));

const fg = await import(DIST.href);
const env = {
  cpu: os.cpus()[0]?.model ?? 'unknown CPU',
  cores: os.cpus().length,
  os: `${os.type()} ${os.release()} ${os.arch()}`,
  node: process.version,
  loadStart: os.loadavg(),
};
console.log(`machine: ${env.cpu}, ${env.cores} cores, ${env.os}, node ${env.node}; load average ${env.loadStart.map((x) => x.toFixed(2)).join(' ')}`);
console.log(`options: minSamples ${options.minSamples}, maxTime ${options.maxTime} s, rounds ${options.rounds}`);

const data = await loadNetData(fg);
const meanRgb = { tiny: fg.TINY_FACE_MEAN_RGB, face: fg.FACE_MEAN_RGB };
// Order: wasm runners first, webgpu last (lavapipe's threads compete with wasm threads for the same cores).
const runners = [
  oursNetRunner({ backend: 'wasm', threads: 1 }),
  oursNetRunner({ backend: 'wasm', threads: 2 }),
  ortNetRunner(1, { meanRgb }),
  ortNetRunner(2, { meanRgb }),
  faceApiRunner('wasm'),
  oursNetRunner({ backend: 'webgpu' }),
  faceApiRunner('webgpu'),
].filter((r) => !wantRunners || wantRunners.includes(r.id));

const results = {}; // net id -> runner id -> result
const outputs = {}; // net id -> runner id -> output
const record = (n, r, x) => ((results[n.id] ??= {})[r.id] = x);
const now = () => performance.now();

const ready = await initRunners(runners, NETS, record);

/** Load, prepare, warm up (two calls: shader / pipeline compiles, pools, ORT's first-run allocations), read the output. */
async function prepare(n, runner) {
  let c;
  try {
    await runner.activate?.();
    const t0 = now();
    c = await runner.prepare(n, data);
    await c.run();
    await c.run();
    (outputs[n.id] ??= {})[runner.id] = await c.output();
    Object.assign(c, { runner, medians: [], samples: 0, warmupMs: now() - t0 });
    return c;
  } catch (e) {
    const skip = e instanceof Skip;
    record(n, runner, { status: skip ? 'n/a' : 'error', reason: firstLine(e) });
    console.log(`  ${runner.id}: ${skip ? 'n/a' : 'error'}: ${firstLine(e)}`);
    try {
      await c?.dispose();
    } catch {}
    return undefined;
  }
}

/** One round: samples of one call each until minSamples and maxTime; keeps the round's median. */
async function time(c) {
  if (c.error) return;
  try {
    await c.runner.activate?.();
    const ms = [];
    const t0 = now();
    while (ms.length < options.minSamples || (now() - t0 < options.maxTime * 1e3 && ms.length < options.maxSamples)) {
      const s = now();
      const own = await c.run();
      ms.push(typeof own === 'number' ? own : now() - s);
    }
    ms.sort((a, b) => a - b);
    const median = ms.length % 2 ? ms[(ms.length - 1) / 2] : (ms[ms.length / 2 - 1] + ms[ms.length / 2]) / 2;
    c.medians.push(median);
    c.samples += ms.length;
    console.log(`  ${c.runner.id}: ${median.toFixed(2)} ms (${ms.length} samples, min ${ms[0].toFixed(2)}, max ${ms.at(-1).toFixed(2)})`);
  } catch (e) {
    c.error = e;
    console.log(`  ${c.runner.id}: error: ${firstLine(e)}`);
  }
}

for (const n of NETS) {
  console.log(`\n${n.label}`);
  const cases = [];
  for (const runner of ready) {
    const c = await prepare(n, runner);
    if (c) cases.push(c);
  }
  // Rounds alternate direction so drifts in background load spread over all backends.
  for (let round = 0; round < options.rounds; round++) {
    for (const c of round % 2 ? [...cases].reverse() : cases) await time(c);
  }
  for (const c of cases) {
    if (c.error) record(n, c.runner, { status: 'error', reason: firstLine(c.error) });
    else {
      // Lowest round median: background load on a shared machine only ever adds time.
      record(n, c.runner, {
        status: 'ok',
        msPerOp: Math.min(...c.medians),
        roundMediansMs: c.medians,
        samples: c.samples,
        warmupMs: c.warmupMs,
      });
    }
    try {
      await c.dispose();
    } catch (e) {
      console.log(`  ${c.runner.id}: dispose failed: ${firstLine(e)}`);
    }
  }
  n.load = os.loadavg();
}
for (const runner of ready) {
  try {
    await runner.close();
  } catch (e) {
    console.log(`${runner.id}: close failed: ${firstLine(e)}`);
  }
}

// Every output against ours on wasm at one thread: the same computation on every side, or the times mean nothing.
const BASE = 'ours-wasm-1t';
for (const n of NETS) {
  const outs = outputs[n.id] ?? {};
  if (!outs[BASE]) continue;
  for (const [id, out] of Object.entries(outs)) {
    if (id !== BASE && results[n.id]?.[id]) results[n.id][id].check = compareOutputs(out, outs[BASE]);
  }
}

env.loadEnd = os.loadavg();
const date = new Date();
const run = {
  date: date.toISOString(),
  env,
  options,
  totalS: Math.round((now() - started) / 1e3),
  runners: runners.map((r) => ({ id: r.id, label: r.label, kind: r.kind, info: r.info })),
  nets: NETS.map(({ id, label, kind, load }) => ({ id, label, kind, load: load ?? [] })),
  results,
  ratios: Object.fromEntries(
    NETS.map((n) => [n.id, Object.fromEntries(NET_RATIOS.map(([a, p]) => [`${a}/${p}`, ratio(results[n.id], a, p) ?? null]))]),
  ),
};
const t = netTables(run);
console.log(`\nLatency (ms, lowest round median)\n\n${t.times}`);
console.log(`\nRatios ours / peer (below 1: ours takes less time)\n\n${t.ratios}`);
console.log(`\nOutput check against ${BASE} (max |diff|)\n\n${t.checks}`);
if (t.notes) console.log(`\nNot measured:\n${t.notes}`);
console.log(`\nload average ${env.loadStart.map((x) => x.toFixed(2)).join(' ')} at the start, ${env.loadEnd.map((x) => x.toFixed(2)).join(' ')} at the end`);

if (!args['no-save']) {
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  const stem = `${dir}networks-${date.toISOString().slice(0, 10)}`;
  writeAtomic(`${stem}.md`, netMarkdown(run, t));
  writeAtomic(`${stem}.json`, `${JSON.stringify(run, null, 2)}\n`);
  console.log(`\nwrote ${stem}.md and ${stem}.json`);
}
console.log(`total ${run.totalS} s`);
// Dawn instances and worker threads keep the event loop alive.
process.exit(0);
