// Kernel microbenchmark: facegpu (wasm, webgpu) against tfjs-backend-wasm, tfjs-backend-webgpu and
// onnxruntime-web (wasm) on ResNet-34 / detector layer shapes, all in one process and one run.
// Usage: node bench/kernels.mjs [--quick] [--runners=ours-wasm,tfjs-wasm,...] [--shapes=conv,matmul_512,...]
//        [--gpu-repeat=N] [--rounds=N] [--no-save]        (see bench/README.md)
// Measures; asserts nothing.
import os from 'node:os';
import v8 from 'node:v8';
import { fileURLToPath } from 'node:url';
import b from 'benny';
import { oursRunner } from './lib/ours.mjs';
import { ortRunner } from './lib/ort.mjs';
import { markdown, RATIOS, ratio, tables, writeAtomic } from './lib/report.mjs';
import { firstLine, initRunners, Skip } from './lib/runner.mjs';
import { makeData, relDiff, SHAPES } from './lib/shapes.mjs';
import { tfjsRunner } from './lib/tfjs.mjs';

const started = performance.now();

/**
 * Node 20's V8 validates relaxed-SIMD opcodes only behind --experimental-wasm-relaxed-simd (browsers and Node >= 22
 * ship it). Probe with a one-function module (f32x4.relaxed_madd) and set the flag at runtime when needed, before
 * anything compiles wasm, so the ours-wasm-relaxed column can be measured; on runtimes without it the column is n/a.
 */
function enableRelaxedSimd() {
  // (func (param v128 v128 v128) (result v128) local.get 0 local.get 1 local.get 2 f32x4.relaxed_madd)
  const probe = new Uint8Array([
    0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 8, 1, 0x60, 3, 0x7b, 0x7b, 0x7b, 1, 0x7b, 3, 2, 1, 0, 10, 13, 1, 11, 0, 0x20, 0,
    0x20, 1, 0x20, 2, 0xfd, 0x85, 2, 11,
  ]);
  if (WebAssembly.validate(probe)) return 'native';
  try {
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {}
  return WebAssembly.validate(probe) ? 'enabled with --experimental-wasm-relaxed-simd' : 'unavailable';
}
const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? true];
  }),
);
const KNOWN = ['quick', 'runners', 'shapes', 'gpu-repeat', 'rounds', 'no-save'];
for (const k of Object.keys(args)) {
  if (!KNOWN.includes(k)) {
    console.error(`bench: unknown option --${k} (known: ${KNOWN.map((x) => `--${x}`).join(', ')})`);
    process.exit(2);
  }
}

const options = {
  // Per case: sample until both minSamples and maxTime (seconds) are reached; each sample lasts >= 50 ms.
  minSamples: args.quick ? 3 : 5,
  maxTime: args.quick ? 0.3 : 1,
  // GPU ops per timed iteration: the readback (queue drain + map) is paid once per iteration.
  gpuRepeat: Number(args['gpu-repeat'] ?? 4),
  // Rounds over all backends per shape; the reported time is the lowest round median.
  rounds: Number(args.rounds ?? (args.quick ? 1 : 2)),
};

for (const k of ['gpuRepeat', 'rounds']) {
  if (!Number.isInteger(options[k]) || options[k] < 1) {
    console.error(`bench: ${k} must be a positive integer, got ${options[k]}`);
    process.exit(2);
  }
}

const list = (v) => (typeof v === 'string' ? v.split(',').filter(Boolean) : undefined);
const wantRunners = list(args.runners);
const wantShapes = list(args.shapes);

const runners = [
  oursRunner('wasm', 1, 'simd'),
  oursRunner('wasm', 1, 'relaxed-simd'),
  tfjsRunner('wasm', 1),
  ortRunner(1),
  oursRunner('webgpu', options.gpuRepeat),
  tfjsRunner('webgpu', options.gpuRepeat),
].filter((r) => !wantRunners || wantRunners.includes(r.id));
const shapes = SHAPES.filter((s) => !wantShapes || wantShapes.some((w) => s.id.includes(w)));

const env = {
  relaxedSimd: enableRelaxedSimd(),
  cpu: os.cpus()[0]?.model ?? 'unknown CPU',
  cores: os.cpus().length,
  os: `${os.type()} ${os.release()} ${os.arch()}`,
  node: process.version,
};
console.log(`machine: ${env.cpu}, ${env.cores} cores, ${env.os}, node ${env.node}; wasm relaxed SIMD: ${env.relaxedSimd}`);
console.log(
  `options: minSamples ${options.minSamples}, maxTime ${options.maxTime} s, rounds ${options.rounds}, gpu ops per readback ${options.gpuRepeat}`,
);

const results = {}; // shape id -> runner id -> result
const outputs = {}; // shape id -> runner id -> Float32Array (our layout)
const data = new Map();
const dataFor = (s) => {
  if (!data.has(s.id)) data.set(s.id, makeData(s));
  return data.get(s.id);
};
const record = (s, r, x) => ((results[s.id] ??= {})[r.id] = x);

/** benny may call a test before the suite starts without awaiting it: keep one iteration in flight at a time. */
function serialised(c) {
  let chain = Promise.resolve();
  return () =>
    (chain = chain
      .then(() => c.run())
      .catch((e) => {
        c.error ??= e;
      }));
}

// Shape-major order: all backends run one shape back to back, so background load on this shared machine hits
// the numbers being compared at about the same time.
const ready = await initRunners(runners, shapes, record);

/** prepare + warm-up + the output for the check; undefined (and recorded) when the runner cannot do the shape. */
async function prepare(s, runner) {
  let c;
  try {
    await runner.activate?.();
    c = await runner.prepare(s, dataFor(s));
    // Warm-up outside the timing: pipeline / shader compiles, pool growth, ORT's first-run allocations.
    await c.run();
    await c.run();
    (outputs[s.id] ??= {})[runner.id] = await c.output();
    c.runner = runner;
    c.medians = [];
    c.samples = 0;
    return c;
  } catch (e) {
    const skip = e instanceof Skip;
    record(s, runner, { status: skip ? 'n/a' : 'error', reason: firstLine(e) });
    console.log(`  ${runner.id}: ${skip ? 'n/a' : 'error'}: ${firstLine(e)}`);
    try {
      c?.dispose();
    } catch {}
    return undefined;
  }
}

/** One round: a one-case benny suite; keeps the round's median (seconds per iteration). */
async function time(s, c) {
  if (c.error) return;
  await c.runner.activate?.();
  const summary = await b.suite(
    `${s.id} on ${c.runner.id}`,
    b.configure({ cases: { minSamples: options.minSamples, maxTime: options.maxTime } }),
    b.add(c.runner.id, serialised(c)),
    b.cycle(() => {}),
  );
  const r = summary.results[0];
  if (c.error || !r?.completed) {
    c.error ??= new Error('no samples');
    return;
  }
  c.medians.push(r.details.median);
  c.samples += r.samples;
  c.rme = Math.max(c.rme ?? 0, r.details.relativeMarginOfError);
  const ms = (r.details.median * 1e3) / c.runner.repeat;
  console.log(`  ${c.runner.id}: ${ms.toFixed(3)} ms/op (${r.samples} samples, ±${r.details.relativeMarginOfError.toFixed(1)}%)`);
}

function finish(s, c) {
  const runner = c.runner;
  if (c.error) {
    record(s, runner, { status: 'error', reason: firstLine(c.error) });
  } else {
    // Lowest round median: background load on a shared machine only ever adds time.
    const ms = (Math.min(...c.medians) * 1e3) / runner.repeat;
    record(s, runner, {
      status: 'ok',
      msPerOp: ms,
      roundMediansMs: c.medians.map((m) => (m * 1e3) / runner.repeat),
      maxRmePct: c.rme,
      samples: c.samples,
      repeat: runner.repeat,
      gflops: s.flops / (ms * 1e6),
    });
  }
  try {
    c.dispose();
  } catch (e) {
    console.log(`  ${runner.id}: dispose failed: ${firstLine(e)}`);
  }
}

for (const s of shapes) {
  console.log(`\n${s.label}`);
  const cases = [];
  for (const runner of ready) {
    const c = await prepare(s, runner);
    if (c) cases.push(c);
  }
  // Rounds alternate direction so slow drifts in background load spread over all backends.
  for (let round = 0; round < options.rounds; round++) {
    for (const c of round % 2 ? [...cases].reverse() : cases) await time(s, c);
  }
  for (const c of cases) finish(s, c);
}
for (const runner of ready) await runner.close();

// Cross-library output check against the first available baseline (a sanity check of the bench, not a test).
const BASELINES = ['tfjs-wasm', 'ours-wasm', 'ours-wasm-relaxed', 'ort-wasm', 'tfjs-webgpu', 'ours-webgpu'];
const baselineOf = {};
for (const s of shapes) {
  const outs = outputs[s.id] ?? {};
  const base = BASELINES.find((id) => outs[id]);
  if (!base) continue;
  baselineOf[s.id] = base;
  for (const [id, out] of Object.entries(outs)) {
    if (results[s.id]?.[id]) results[s.id][id].relDiff = relDiff(out, outs[base]);
  }
}
const bases = [...new Set(Object.values(baselineOf))];

const date = new Date();
const run = {
  date: date.toISOString(),
  env,
  options,
  baseline: bases.length ? bases.join(' / ') : 'none',
  runners: runners.map((r) => ({ id: r.id, label: r.label, kind: r.kind, repeat: r.repeat, info: r.info })),
  shapes: shapes.map(({ id, label, kind, flops }) => ({ id, label, kind, flops })),
  results,
  ratios: Object.fromEntries(
    shapes.map((s) => [s.id, Object.fromEntries(RATIOS.map(([a, p]) => [`${a}/${p}`, ratio(results[s.id], a, p) ?? null]))]),
  ),
};
const t = tables(run);
console.log(`\nTime per op (lowest round median) and GFLOP/s\n\n${t.times}`);
console.log(`\nTime ratios ours / peer (below 1: ours takes less time)\n\n${t.ratios}`);
console.log(`\nOutput check vs ${run.baseline} (max |diff| / max |baseline|)\n\n${t.checks}`);
if (t.notes) console.log(`\nNot measured:\n${t.notes}`);

if (!args['no-save']) {
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  const stem = `${dir}kernels-${date.toISOString().slice(0, 10)}`;
  writeAtomic(`${stem}.md`, markdown(run, t));
  writeAtomic(`${stem}.json`, `${JSON.stringify(run, null, 2)}\n`);
  console.log(`\nwrote ${stem}.md and ${stem}.json`);
}
console.log(`total ${((performance.now() - started) / 1e3).toFixed(0)} s`);
// Dawn instances keep the event loop alive.
process.exit(0);
