// facegpu train-detector and detect --model, run in-process (runCli) on a tiny labelled folder of dlib-johns chips:
// the model file is written, detect --model finds one named face a chip, and bad labels exit with code 3.
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/program.js';

const JOHNS = resolve(__dirname, '../../../shared/data/dlib-johns');
let dir: string;
let chips: string[];

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    const code = await runCli(args);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'facegpu-train-det-'));
  const people = ['John_Salley', 'John_Simm'];
  const images: object[] = [];
  chips = [];
  for (const p of people) {
    for (const f of readdirSync(join(JOHNS, p)).filter((f) => f.endsWith('.jpg')).sort().slice(0, 3)) {
      const name = `${p}-${f}`;
      copyFileSync(join(JOHNS, p, f), join(dir, name));
      chips.push(join(dir, name));
      images.push({ file: name, boxes: [{ x: 0, y: 0, width: 150, height: 150, label: p }] });
    }
  }
  writeFileSync(join(dir, 'labels.json'), JSON.stringify({ classes: people, images }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('facegpu train-detector / detect --model', () => {
  it('trains, writes the model, and detect --model uses it', async () => {
    const model = join(dir, 'heads.fgjd');
    const t = await cli(['train-detector', '--data', dir, '--grid', '5', '--anchors', 'auto', '--epochs', '6', '--batch-size', '4', '--augment', '1', '--out', model, '--backend', 'wasm', '--json', '--no-progress']);
    expect(t.err).toBe('');
    expect(t.code).toBe(0);
    const doc = JSON.parse(t.out);
    expect(doc.command).toBe('train-detector');
    expect(doc.images).toBe(6);
    expect(doc.anchors).toHaveLength(3);
    expect(doc.loss).toHaveLength(6);
    console.info(`train-detector loss curve ${doc.loss.join(', ')}`);
    expect(doc.loss[5]).toBeLessThan(0.7 * doc.loss[0]);
    expect(existsSync(model)).toBe(true);
    const out = join(dir, 'out');
    const d = await cli(['detect', '--model', model, chips[0]!, '--min-score', '0.01', '--json', '--no-progress', '--backend', 'wasm', '--out', out]);
    expect(d.code).toBe(0);
    const det = JSON.parse(d.out);
    expect(existsSync(det.files[0].png)).toBe(true);
    expect(JSON.parse(readFileSync(det.files[0].json, 'utf8')).faces).toEqual(det.files[0].faces);
    expect(det.files).toHaveLength(1);
    expect(det.files[0].faces.length).toBeGreaterThan(0);
    expect(['John_Salley', 'John_Simm']).toContain(det.files[0].faces[0].label);
  });

  it('bad labels: exit code 3 with the reason; a bad model file: exit code 4', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'facegpu-train-det-bad-'));
    try {
      copyFileSync(chips[0]!, join(bad, 'a.jpg'));
      writeFileSync(join(bad, 'labels.json'), JSON.stringify({ classes: ['x'], images: [{ file: 'a.jpg', boxes: [{ x: 100, y: 0, width: 80, height: 80, label: 'x' }] }] }));
      const r = await cli(['train-detector', '--data', bad, '--epochs', '1', '--out', join(bad, 'm'), '--backend', 'wasm', '--no-progress']);
      expect(r.code).toBe(3);
      expect(r.err).toMatch(/reaches outside the 150x150 image/);
      writeFileSync(join(bad, 'm'), 'not a model');
      const d = await cli(['detect', '--model', join(bad, 'm'), chips[0]!, '--backend', 'wasm', '--no-progress']);
      expect(d.code).toBe(4);
      expect(d.err).toMatch(/bad magic/);
      const u = await cli(['train-detector', '--data', bad, '--epochs', '1', '--out', join(bad, 'm'), '--anchors', '1,2,3']);
      expect(u.code).toBe(2);
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });
});
