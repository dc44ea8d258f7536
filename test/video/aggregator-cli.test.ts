// facegpu train-aggregator, run in-process (runCli) on a tiny labelled folder: identities as folders of frames,
// a frame-folder clip and an animated GIF clip. The weights file is written atomically, loads through
// createAggregator, and bad data folders / options exit with the documented codes.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { createEngine } from '../../src/index.node.js';
import { createAggregator, parseWeights } from '../../src/video/aggregators/index.js';

const DATA = resolve(__dirname, '../../../shared/data');
const lfw = (name: string, i: number) => join(DATA, 'lfw-id40/images', name, `${name}_${String(i).padStart(4, '0')}.jpg`);
let dir: string;

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    return { code: await runCli(args), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'facegpu-train-agg-'));
  const data = join(dir, 'clips');
  // Identity A: frames directly in its folder plus a frame-folder clip; B: frames; C: an animated GIF.
  mkdirSync(join(data, 'Abdullah_Gul', 'clip2'), { recursive: true });
  for (let i = 1; i <= 4; i++) copyFileSync(lfw('Abdullah_Gul', i), join(data, 'Abdullah_Gul', `f${i}.jpg`));
  for (let i = 5; i <= 7; i++) copyFileSync(lfw('Abdullah_Gul', i), join(data, 'Abdullah_Gul', 'clip2', `f${i}.jpg`));
  mkdirSync(join(data, 'Jeb_Bush'));
  for (let i = 1; i <= 5; i++) copyFileSync(lfw('Jeb_Bush', i), join(data, 'Jeb_Bush', `${i}.jpg`));
  mkdirSync(join(data, 'Elon'));
  copyFileSync(join(DATA, 'video/elon-musk-smoke.gif'), join(data, 'Elon', 'smoke.gif'));
  mkdirSync(join(dir, 'one', 'Only'), { recursive: true });
  copyFileSync(lfw('Jeb_Bush', 1), join(dir, 'one', 'Only', '1.jpg'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('facegpu train-aggregator', () => {
  it('trains rean-gru on labelled clips and writes a loadable weights file', async () => {
    const out = join(dir, 'w.json');
    const r = await cli(['train-aggregator', '--data', join(dir, 'clips'), '--kind', 'rean-gru', '--epochs', '3', '--units', '8', '--max-track', '12', '--out', out, '--backend', 'wasm', '--align', 'none', '--json']);
    expect(r.code, r.err).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.kind).toBe('rean-gru');
    expect(doc.identities.map((x: { identity: string }) => x.identity)).toEqual(['Abdullah_Gul', 'Elon', 'Jeb_Bush']);
    // Abdullah_Gul: two clips (4 + 3 frames); the GIF's 35 frames cut into tracks of <= 12.
    expect(doc.identities[0].tracks).toBe(2);
    expect(doc.identities[1].tracks).toBeGreaterThanOrEqual(2);
    expect(doc.epochs).toHaveLength(3);
    doc.epochs.forEach((e: { loss: number; ms: number }) => {
      expect(Number.isFinite(e.loss)).toBe(true);
      expect(e.ms).toBeGreaterThan(0);
    });
    // Atomic write: no temp files left beside it.
    expect(readdirSync(dir).filter((f) => f.includes('tmp'))).toEqual([]);
    const w = parseWeights(readFileSync(out, 'utf8'));
    expect(w.kind).toBe('rean-gru');
    expect(w.units).toBe(8);
    expect(w.training?.identities).toEqual(['Abdullah_Gul', 'Elon', 'Jeb_Bush']);
    const engine = await createEngine({ backend: 'wasm', log: null });
    try {
      const agg = await createAggregator(engine, 'rean-gru', { weights: JSON.parse(readFileSync(out, 'utf8')) });
      const v = await agg.aggregate([{ embedding: new Float32Array(128).fill(0.1), quality: { score: 0.9, faceSize: 80, sharpness: 0.5 } }]);
      expect(Math.hypot(...v)).toBeCloseTo(1, 5);
      agg.dispose();
    } finally {
      engine.dispose();
    }
  }, 180_000);

  it('bad data folders and options exit with their codes', async () => {
    const out = join(dir, 'x.json');
    const one = await cli(['train-aggregator', '--data', join(dir, 'one'), '--out', out, '--backend', 'wasm']);
    expect(one.code).toBe(3);
    expect(one.err).toMatch(/needs at least 2 identity folders \(found 1\)/);
    const missing = await cli(['train-aggregator', '--data', join(dir, 'nope'), '--out', out, '--backend', 'wasm']);
    expect(missing.code).toBe(3);
    expect(missing.err).toMatch(/not a folder/);
    expect((await cli(['train-aggregator', '--data', join(dir, 'clips'), '--out', out, '--kind', 'mean'])).code).toBe(2);
    expect((await cli(['train-aggregator', '--data', join(dir, 'clips')])).code).toBe(2);
    expect((await cli(['train-aggregator', '--data', join(dir, 'clips'), '--out', out, '--epochs', '0'])).code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });
});
