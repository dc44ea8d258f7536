// Tables of the network benchmark (printed and saved as markdown): medians, ours / peer ratios against the issue's
// targets, the output check against ours-wasm-1t. Uses ./report.mjs's ratio() and the same result record shape.
import { ratio } from './report.mjs';

/** [ours, peer, target]: the target is the issue's (ours <= target x peer); null: reported without a target. */
export const NET_RATIOS = [
  ['ours-wasm-1t', 'ort-wasm-1t', 0.8],
  ['ours-wasm-2t', 'ort-wasm-2t', 0.8],
  ['ours-wasm-1t', 'faceapi-wasm', 0.5],
  ['ours-wasm-2t', 'faceapi-wasm', null],
  ['ours-webgpu', 'faceapi-webgpu', 0.2],
];

const fmtMs = (ms) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));

export function table(header, rows) {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(3, ...all.map((r) => String(r[i]).length)));
  const line = (r) => `| ${r.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n');
}

/**
 * Output check of `out` against `base` (ours-wasm-1t). Tensors: max |out - base| (and max |base| for scale).
 * Detections (arrays of rows [x, y, w, h, score, landmarks...]): each base face paired with the unused face of
 * `out` of highest IoU; max |diff| over the paired rows (pixels and score), and unpaired faces counted.
 */
export function compareOutputs(out, base) {
  if (Array.isArray(base)) {
    const used = new Set();
    let diff = 0;
    let unmatched = 0;
    for (const b of base) {
      let best = -1;
      let bestIou = 0.5;
      out.forEach((o, i) => {
        const v = iou(o, b);
        if (!used.has(i) && v > bestIou) [best, bestIou] = [i, v];
      });
      if (best < 0) {
        unmatched++;
        continue;
      }
      used.add(best);
      for (let k = 0; k < b.length; k++) diff = Math.max(diff, Math.abs(out[best][k] - b[k]));
    }
    return { kind: 'detections', faces: out.length, baseFaces: base.length, unmatched: unmatched + out.length - used.size, maxAbsDiff: diff };
  }
  if (out.length !== base.length) return { kind: 'tensor', maxAbsDiff: Infinity, note: `${out.length} vs ${base.length} values` };
  let diff = 0;
  let mag = 0;
  for (let i = 0; i < base.length; i++) {
    const d = Math.abs(out[i] - base[i]);
    if (!(d <= diff)) diff = d; // NaN propagates
    mag = Math.max(mag, Math.abs(base[i]));
  }
  return { kind: 'tensor', maxAbsDiff: diff, maxAbsBase: mag };
}

function iou(a, b) {
  const w = Math.max(0, Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]));
  const h = Math.max(0, Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]));
  const inter = w * h;
  return inter / (a[2] * a[3] + b[2] * b[3] - inter);
}

/**
 * Flagged when the outputs are not the same computation: tensors beyond 1e-3 of max |base| (f32 sums in other
 * orders stay near 1e-6), detections with other faces or boxes / scores more than 0.5 (px) apart.
 */
export function mismatch(c) {
  if (c.kind === 'tensor') return !(c.maxAbsDiff <= 1e-3 * Math.max(c.maxAbsBase ?? 0, 1));
  return c.unmatched > 0 || c.faces !== c.baseFaces || !(c.maxAbsDiff <= 0.5);
}

function checkCell(c) {
  if (!c) return '-';
  const flag = mismatch(c) ? ' MISMATCH' : '';
  if (c.kind === 'tensor') return `${c.note ?? `${c.maxAbsDiff.toExponential(1)} (max ${c.maxAbsBase.toPrecision(3)})`}${flag}`;
  const faces = c.faces === c.baseFaces ? `${c.faces} faces` : `${c.faces} vs ${c.baseFaces} faces`;
  return `${faces}, ${c.maxAbsDiff.toExponential(1)}${c.unmatched ? `, ${c.unmatched} unpaired` : ''}${flag}`;
}

export function netTables(run) {
  const { nets, runners, results } = run;
  const cell = (r) => (!r ? '-' : r.status === 'ok' ? `${fmtMs(r.msPerOp)}` : r.status);
  const times = table(
    ['network', ...runners.map((r) => r.id)],
    nets.map((n) => [n.label, ...runners.map((r) => cell(results[n.id]?.[r.id]))]),
  );
  const ratios = table(
    ['network', ...NET_RATIOS.map(([a, b, t]) => `${a} / ${b}${t ? ` (target <= ${t})` : ''}`)],
    nets.map((n) => [
      n.label,
      ...NET_RATIOS.map(([a, b, t]) => {
        const x = ratio(results[n.id], a, b);
        if (x === undefined) return '-';
        return `${x.toFixed(2)}x${t ? (x <= t ? ' met' : ' missed') : ''}`;
      }),
    ]),
  );
  const checks = table(
    ['network', ...runners.map((r) => r.id)],
    nets.map((n) => [n.label, ...runners.map((r) => checkCell(results[n.id]?.[r.id]?.check))]),
  );
  const notes = [];
  for (const n of nets) {
    for (const r of runners) {
      const x = results[n.id]?.[r.id];
      if (x && x.status !== 'ok') notes.push(`- ${n.label}, ${r.id}: ${x.status}: ${x.reason}`);
    }
  }
  return { times, ratios, checks, notes: notes.join('\n') };
}

const load = (l) => l.map((x) => x.toFixed(2)).join(' / ');

export function netMarkdown(run, t) {
  const env = run.env;
  return `# Network benchmark, ${run.date}

Machine: ${env.cpu} (${env.cores} cores), ${env.os}, Node ${env.node}.
Load average (1 / 5 / 15 min): ${load(env.loadStart)} at the start, ${load(env.loadEnd)} at the end; per network:
${run.nets.map((n) => `${n.id} ${load(n.load)}`).join(', ')}.
Options: minSamples ${run.options.minSamples}, maxTime ${run.options.maxTime} s per case and round, rounds ${run.options.rounds};
one network call per sample, each ending in its output's readback. Total ${run.totalS} s.

Backends:
${run.runners.map((r) => `- ${r.id}: ${r.info ?? 'not initialised'}`).join('\n')}

## Latency (ms, lowest of the per-round medians)

${t.times}

## Ratios ours / peer (below 1: ours takes less time)

${t.ratios}

## Output check against ours-wasm-1t (max |diff|; detections: box pixels and scores of paired faces)

${t.checks}
${t.notes ? `\nNot measured:\n\n${t.notes}\n` : ''}`;
}
