// The built CLI (node dist/src/cli/main.js) end to end on shared images: detect writes annotated PNGs and JSON;
// enroll / identify / verify through a gallery file; --json; exit codes and messages for bad paths, bad images
// (corrupt JPEG, 0x0, 30000x30000), bad galleries, missing weights and bad command lines.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../..');
const MAIN = join(root, 'dist/src/cli/main.js');
const DATA = resolve(root, '../shared/data');
const FACES = join(DATA, 'face-api-js/test-images/faces.jpg');
const DOGS = join(DATA, 'detection-dev/dogs.jpg');
const MTCNN = join(DATA, 'weights/mtcnn');
const lfw = (name: string, i: number) => join(DATA, 'lfw-id40/images', name, `${name}_${String(i).padStart(4, '0')}.jpg`);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI; never throws on a non-zero exit. */
function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [MAIN, ...args],
      { cwd: tmp, env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp', FACEGPU_MTCNN_MODEL_PATH: '', ...env }, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Newest modification time under a folder (ms). */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

// ---- hand-made bad images -------------------------------------------------------------------------------------

function crc32(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const x of b) {
    c ^= x;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A PNG whose header claims width x height (RGBA), with one tiny IDAT: decoders reject it by its header. */
function pngWithHeader(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(5))),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

let tmp: string;
const bad: Record<string, string> = {};

beforeAll(async () => {
  // Build the CLI when dist is missing or older than the sources (npm test builds first; this is for running the
  // file on its own).
  if (!existsSync(MAIN) || statSync(MAIN).mtimeMs < newest(join(root, 'src'))) {
    try {
      execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], { stdio: 'pipe' });
    } catch (e) {
      // tsc emits even with type errors elsewhere in the tree; only a missing entry point is fatal.
      if (!existsSync(MAIN)) throw e;
    }
  }
  tmp = mkdtempSync(join(tmpdir(), 'facegpu-cli-'));
  const jpeg = readFileSync(FACES);
  bad.truncated = join(tmp, 'truncated.jpg');
  writeFileSync(bad.truncated, jpeg.subarray(0, Math.floor(jpeg.length / 3)));
  bad.garbage = join(tmp, 'garbage.jpg');
  writeFileSync(bad.garbage, Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('not really a JPEG at all')]));
  bad.empty = join(tmp, 'empty.png');
  writeFileSync(bad.empty, pngWithHeader(0, 0));
  bad.huge = join(tmp, 'huge.png');
  writeFileSync(bad.huge, pngWithHeader(30000, 30000));
  bad.zeroBytes = join(tmp, 'zero.jpg');
  writeFileSync(bad.zeroBytes, new Uint8Array(0));
  bad.dir = join(tmp, 'a-folder.jpg');
  mkdirSync(bad.dir);
}, 300_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('facegpu CLI: help and usage', () => {
  it('--help lists the commands and the exit codes; --version prints the version', async () => {
    const h = await cli(['--help']);
    expect(h.code).toBe(0);
    for (const c of ['detect', 'enroll', 'identify', 'verify', 'Exit codes']) expect(h.stdout).toContain(c);
    const d = await cli(['detect', '--help']);
    expect(d.code).toBe(0);
    for (const o of ['--out', '--detector', '--backend', '--json', '--input-size']) expect(d.stdout).toContain(o);
    const v = await cli(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toBe(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);
  });

  it('usage errors exit 2 with the reason', async () => {
    const cases: [string[], RegExp][] = [
      [[], /Usage: facegpu/],
      [['frobnicate'], /unknown command 'frobnicate'/],
      [['detect'], /missing required argument 'images'/],
      [['detect', '--backend', 'cuda', FACES], /Allowed choices are auto, wasm, webgpu/],
      [['detect', '--detector', 'ssd', FACES], /Allowed choices are tiny, mtcnn/],
      [['detect', '--input-size', '100', FACES], /--input-size must be an integer in \[128, 608\], got '100'/],
      [['detect', '--input-size', '300', FACES], /--input-size must be a multiple of 32/],
      [['detect', '--min-score', '2', FACES], /--min-score must be a number in \[0, 1\]/],
      [['detect', '--min-face', '30', FACES], /--min-face is an MTCNN option/],
      [['detect', '--no-such-option', FACES], /unknown option '--no-such-option'/],
      [['verify', FACES], /missing required argument 'b'/],
      [['identify', '--top', '0', 'g.fgg', FACES], /--top must be an integer in \[1, 100\]/],
    ];
    for (const [args, msg] of cases) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout + r.stderr, args.join(' ')).toMatch(msg);
    }
  });
});

describe('facegpu detect', () => {
  it('writes an annotated PNG and a JSON file per image, and prints a summary', async () => {
    const out = join(tmp, 'out');
    const r = await cli(['detect', '--backend', 'wasm', '--out', out, FACES, DOGS]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/faces\.jpg: 6 faces -> .*faces\.png, .*faces\.json/);
    expect(r.stdout).toMatch(/dogs\.jpg: 0 faces/);
    const json = JSON.parse(readFileSync(join(out, 'faces.json'), 'utf8'));
    expect(json.file).toBe(FACES);
    expect(json.detector).toBe('tiny');
    expect(json.faces).toHaveLength(6);
    for (const f of json.faces) {
      expect(f.score).toBeGreaterThan(0.5);
      expect(f.landmarks).toHaveLength(68);
      expect(Object.keys(f.box)).toEqual(['x', 'y', 'width', 'height']);
    }
    expect(JSON.parse(readFileSync(join(out, 'dogs.json'), 'utf8')).faces).toEqual([]);
    // The PNG is the image with the boxes drawn: same size, the box outline in the box colour.
    const src = await sharp(FACES).raw().ensureAlpha().toBuffer({ resolveWithObject: true });
    const png = await sharp(join(out, 'faces.png')).raw().ensureAlpha().toBuffer({ resolveWithObject: true });
    expect([png.info.width, png.info.height]).toEqual([src.info.width, src.info.height]);
    const b = json.faces[0].box;
    const px = (x: number, y: number) => [...png.data.subarray((y * png.info.width + x) * 4, (y * png.info.width + x) * 4 + 3)];
    const midX = Math.round(b.x + b.width / 2);
    expect(px(midX, Math.round(b.y))).toEqual([0, 230, 64]);
    expect(px(midX, Math.round(b.y + b.height) - 1)).toEqual([0, 230, 64]);
    // Away from every face the pixels are the source's.
    const o = (5 * src.info.width + src.info.width - 5) * 4;
    expect([...png.data.subarray(o, o + 3)]).toEqual([...src.data.subarray(o, o + 3)]);
    expect(readdirSync(out).sort()).toEqual(['dogs.json', 'dogs.png', 'faces.json', 'faces.png']);
  });

  it('--json prints one document; MTCNN gives 5 landmarks; same-named inputs get distinct outputs', async () => {
    const out = join(tmp, 'out-mtcnn');
    const copy = join(tmp, 'faces.jpg');
    writeFileSync(copy, readFileSync(FACES));
    const r = await cli(['detect', '--backend', 'wasm', '--json', '--detector', 'mtcnn', '--mtcnn-model-path', MTCNN, '-o', out, FACES, copy]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.command).toBe('detect');
    expect(doc.backend).toBe('wasm');
    expect(doc.files).toHaveLength(2);
    for (const f of doc.files) {
      expect(f.faces).toHaveLength(6);
      for (const face of f.faces) expect(face.landmarks).toHaveLength(5);
    }
    expect(doc.files.map((f: { png: string }) => f.png)).toEqual([join(out, 'faces.png'), join(out, 'faces-2.png')]);
    expect(existsSync(join(out, 'faces-2.json'))).toBe(true);
  });

  it('FACEGPU_MTCNN_MODEL_PATH gives the MTCNN weights; without them exit 4 says how to pass them', async () => {
    const ok = await cli(['detect', '--backend', 'wasm', '--json', '--detector', 'mtcnn', FACES], { FACEGPU_MTCNN_MODEL_PATH: MTCNN });
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).files[0].faces).toHaveLength(6);
    const r = await cli(['detect', '--backend', 'wasm', '--detector', 'mtcnn', FACES]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/--mtcnn-model-path/);
  });

  it('bad weights: exit 4 naming the file', async () => {
    const r = await cli(['detect', '--backend', 'wasm', '--model-path', tmp, FACES]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/tiny_face_detector_model-weights_manifest\.json/);
  });

  it('bad images: each reported with the reason, the good ones still processed, exit 3', async () => {
    const out = join(tmp, 'out-bad');
    const files = [bad.truncated, FACES, bad.garbage, bad.empty, bad.huge, bad.zeroBytes, bad.dir, join(tmp, 'missing.jpg')];
    const r = await cli(['detect', '--backend', 'wasm', '--json', '-o', out, ...files]);
    expect(r.code).toBe(3);
    const doc = JSON.parse(r.stdout);
    const byFile = new Map(doc.files.map((f: { file: string }) => [f.file, f]));
    expect((byFile.get(FACES) as { faces: unknown[] }).faces).toHaveLength(6);
    const err = (f: string) => (byFile.get(f) as { error: string; exitCode: number }).error;
    // libvips names the cause ("premature end of JPEG") or, when decodes race in its thread pool, not at all.
    expect(err(bad.truncated)).toMatch(/cannot decode \((.*premature end of JPEG.*|corrupt or truncated image data)\)/i);
    expect(err(bad.garbage)).toMatch(/cannot decode/);
    expect(err(bad.empty)).toMatch(/cannot decode|empty image/);
    expect(err(bad.huge)).toMatch(/too large/);
    expect(err(bad.zeroBytes)).toMatch(/cannot decode/);
    expect(err(bad.dir)).toMatch(/is a directory/);
    expect(err(join(tmp, 'missing.jpg'))).toMatch(/file not found/);
    for (const f of doc.files) if (f.error) expect(f.exitCode).toBe(3);
    expect(readdirSync(out).sort()).toEqual(['faces.json', 'faces.png']);
    // Without --json the reasons go to stderr, one line each, naming the file.
    const t = await cli(['detect', '--backend', 'wasm', bad.huge, join(tmp, 'missing.jpg')]);
    expect(t.code).toBe(3);
    expect(t.stderr).toMatch(/huge\.png.*too large/);
    expect(t.stderr).toMatch(/missing\.jpg.*file not found/);
  });

  it('--out that is a file: exit 3', async () => {
    const r = await cli(['detect', '--backend', 'wasm', '--out', FACES, FACES]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/--out/);
  });

  it('runs on webgpu too', async () => {
    const r = await cli(['detect', '--backend', 'webgpu', '--json', lfw('Abdullah_Gul', 1)]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.backend).toBe('webgpu');
    expect(doc.files[0].faces).toHaveLength(1);
  });
});

describe('facegpu enroll / identify / verify', () => {
  const people = ['Abdullah_Gul', 'Jennifer_Lopez', 'Tom_Ridge'];
  let gallery: string;

  beforeAll(() => {
    gallery = join(tmp, 'people.fgg');
  });

  it('enroll creates and extends a gallery file', async () => {
    for (const p of people) {
      const r = await cli(['enroll', '--backend', 'wasm', gallery, p, lfw(p, 2), lfw(p, 3), lfw(p, 4)]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`enrolled '${p}': 3 images -> ${gallery}`);
    }
    const j = await cli(['enroll', '--backend', 'wasm', '--json', gallery, 'Tom_Ridge', lfw('Tom_Ridge', 5)]);
    expect(j.code).toBe(0);
    const doc = JSON.parse(j.stdout);
    expect(doc).toMatchObject({ command: 'enroll', name: 'Tom_Ridge', added: 1, identities: 3, vectors: 10, saved: true, created: false });
  });

  it('identify names each face, or unknown, and ranks --top candidates', async () => {
    const probes = people.map((p) => lfw(p, 7));
    const r = await cli(['identify', '--backend', 'wasm', '--json', '--top', '2', gallery, ...probes, FACES]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.identities).toBe(3);
    people.forEach((p, i) => {
      const f = doc.files[i].faces;
      expect(f).toHaveLength(1);
      expect(f[0].name).toBe(p);
      expect(f[0].distance).toBeLessThan(doc.threshold);
    });
    const group = doc.files[3].faces;
    expect(group).toHaveLength(6);
    for (const f of group) {
      expect(f.name).toBeNull();
      expect(f.nearest.distance).toBeGreaterThanOrEqual(doc.threshold);
    }
    const t = await cli(['identify', '--backend', 'wasm', gallery, lfw('Jennifer_Lopez', 8)]);
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/face 1 \(x [\d.]+ y [\d.]+ w [\d.]+ h [\d.]+\): Jennifer_Lopez \(distance 0\.\d{4}\)/);
  });

  it('identify with the MTCNN pipeline (5-point alignment) finds the same people', async () => {
    const r = await cli(['identify', '--backend', 'wasm', '--json', '--detector', 'mtcnn', '--mtcnn-model-path', MTCNN, gallery, lfw('Tom_Ridge', 7)]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).files[0].faces[0].name).toBe('Tom_Ridge');
  });

  it('verify: same person / different people', async () => {
    const same = await cli(['verify', '--backend', 'wasm', lfw('Abdullah_Gul', 2), lfw('Abdullah_Gul', 8)]);
    expect(same.code).toBe(0);
    expect(same.stdout).toMatch(/^same person: distance 0\.\d{4} \(threshold 0\.6\)/);
    const diff = await cli(['verify', '--backend', 'wasm', '--json', lfw('Abdullah_Gul', 2), lfw('Jennifer_Lopez', 2)]);
    expect(diff.code).toBe(0);
    const doc = JSON.parse(diff.stdout);
    expect(doc.same).toBe(false);
    expect(doc.distance).toBeGreaterThan(0.6);
    expect(doc.a.face.landmarks).toHaveLength(68);
  });

  it('a failed enroll leaves the gallery file as it was (exit 5 for an image without a face)', async () => {
    const before = readFileSync(gallery);
    const r = await cli(['enroll', '--backend', 'wasm', gallery, 'Dog', lfw('Tom_Ridge', 9), DOGS]);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/dogs\.jpg: no face found/);
    expect(r.stdout).toMatch(/nothing enrolled.*unchanged.*--skip-bad/);
    expect(readFileSync(gallery).equals(before)).toBe(true);
    const bad1 = await cli(['enroll', '--backend', 'wasm', gallery, 'X', bad.truncated]);
    expect(bad1.code).toBe(3);
    expect(readFileSync(gallery).equals(before)).toBe(true);
    // --skip-bad enrols what worked and still reports the failure.
    const skip = await cli(['enroll', '--backend', 'wasm', '--json', '--skip-bad', gallery, 'Tom_Ridge', lfw('Tom_Ridge', 9), DOGS]);
    expect(skip.code).toBe(5);
    expect(JSON.parse(skip.stdout)).toMatchObject({ added: 1, saved: true, vectors: 11 });
    expect(readdirSync(tmp).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('verify with no face in one image: exit 5', async () => {
    const r = await cli(['verify', '--backend', 'wasm', DOGS, lfw('Abdullah_Gul', 2)]);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/dogs\.jpg: no face found/);
  });

  it('bad gallery files: missing, corrupt, not a gallery: exit 3 naming the problem', async () => {
    const missing = await cli(['identify', '--backend', 'wasm', join(tmp, 'none.fgg'), FACES]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/none\.fgg': file not found.*facegpu enroll/);
    const corrupt = join(tmp, 'corrupt.fgg');
    const bytes = readFileSync(gallery);
    bytes[bytes.length - 7] ^= 0xff;
    writeFileSync(corrupt, bytes);
    const c = await cli(['identify', '--backend', 'wasm', corrupt, FACES]);
    expect(c.code).toBe(3);
    expect(c.stderr).toMatch(/checksum mismatch/);
    const truncated = join(tmp, 'truncated.fgg');
    writeFileSync(truncated, readFileSync(gallery).subarray(0, 100));
    expect((await cli(['identify', '--backend', 'wasm', truncated, FACES])).stderr).toMatch(/truncated/);
    const e = await cli(['enroll', '--backend', 'wasm', FACES, 'X', FACES]);
    expect(e.code).toBe(3);
    expect(e.stderr).toMatch(/not a facegpu gallery file/);
    const m = await cli(['enroll', '--backend', 'wasm', '--metric', 'cosine', gallery, 'X', FACES]);
    expect(m.code).toBe(2);
    expect(m.stderr).toMatch(/uses metric euclidean/);
  });
});
