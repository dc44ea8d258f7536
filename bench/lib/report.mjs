// Tables (markdown, printed and saved) and the atomic JSON/markdown write.
import fs from 'node:fs';
import path from 'node:path';

/** Our/peer pairs in the ratio table: same kind of backend on both sides. */
export const RATIOS = [
  ['ours-wasm', 'tfjs-wasm'],
  ['ours-wasm', 'ort-wasm'],
  ['ours-wasm-relaxed', 'tfjs-wasm'],
  ['ours-webgpu', 'tfjs-webgpu'],
];

/** Above this max |diff| / max |baseline| an output is flagged (f32 sums in different orders stay far below). */
export const CHECK_FLAG = 1e-3;

const fmtMs = (ms) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3));
const fmtG = (g) => (g >= 10 ? g.toFixed(1) : g >= 1 ? g.toFixed(2) : g.toFixed(3));

function cell(r) {
  if (!r) return '-';
  if (r.status === 'ok') return `${fmtMs(r.msPerOp)} ms · ${fmtG(r.gflops)} GFLOP/s`;
  return r.status; // 'n/a' / 'error': reasons listed under the table
}

function table(header, rows) {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(3, ...all.map((r) => String(r[i]).length)));
  const line = (r) => `| ${r.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n');
}

/** The three tables as markdown: medians, our/peer ratios, cross-library output check. */
export function tables(run) {
  const { shapes, runners, results } = run;
  const times = table(
    ['shape', 'GFLOP', ...runners.map((r) => r.id)],
    shapes.map((s) => [s.label, (s.flops / 1e9).toFixed(4), ...runners.map((r) => cell(results[s.id]?.[r.id]))]),
  );
  const ratios = table(
    ['shape', ...RATIOS.map(([a, b]) => `${a} / ${b}`)],
    shapes.map((s) => [s.label, ...RATIOS.map(([a, b]) => fmtRatio(ratio(results[s.id], a, b)))]),
  );
  const checks = table(
    ['shape', ...runners.map((r) => r.id)],
    shapes.map((s) => [
      s.label,
      ...runners.map((r) => {
        const x = results[s.id]?.[r.id];
        if (x?.relDiff === undefined) return '-';
        return `${x.relDiff.toExponential(1)}${x.relDiff > CHECK_FLAG || Number.isNaN(x.relDiff) ? ' MISMATCH' : ''}`;
      }),
    ]),
  );
  const notes = [];
  for (const s of shapes) {
    for (const r of runners) {
      const x = results[s.id]?.[r.id];
      if (x && x.status !== 'ok') notes.push(`- ${s.label}, ${r.id}: ${x.status}: ${x.reason}`);
    }
  }
  return { times, ratios, checks, notes: notes.join('\n') };
}

export function ratio(byRunner, ours, peer) {
  const a = byRunner?.[ours];
  const b = byRunner?.[peer];
  if (a?.status !== 'ok' || b?.status !== 'ok') return undefined;
  return a.msPerOp / b.msPerOp;
}

const fmtRatio = (x) => (x === undefined ? '-' : `${x.toFixed(2)}x`);

export function markdown(run, t) {
  const env = run.env;
  return `# Kernel microbenchmark, ${run.date}

Machine: ${env.cpu} (${env.cores} cores), ${env.os}, Node ${env.node}; wasm relaxed SIMD: ${env.relaxedSimd}.
Options: minSamples ${run.options.minSamples}, maxTime ${run.options.maxTime} s per case and round, rounds ${run.options.rounds}.
Ops per timed iteration (one readback each): ${run.runners.map((r) => `${r.id} ${r.repeat}`).join(', ')}.

Backends:
${run.runners.map((r) => `- ${r.id}: ${r.info ?? 'not initialised'}`).join('\n')}

## Time per op (ms, lowest of the per-round medians) and GFLOP/s (2 x MACs / time)

${t.times}

## Time ratios, ours / peer (below 1: ours takes less time)

${t.ratios}

## Output check: max |out - baseline| / max |baseline|, baseline ${run.baseline}

${t.checks}
${t.notes ? `\nNot measured:\n\n${t.notes}\n` : ''}`;
}

/** Writes `file` through a temp file + rename, so a reader never sees half a file. */
export function writeAtomic(file, text) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}
