// The joint detector's labelled data, built from ../shared/data (deterministic for a seed), with the frozen
// trunk's features cached under .cache/joint/ so the experiments (scripts/joint-experiments.mjs) train in minutes.
//
// Sources (all 150x150): lfw-id40 (40 people x 10), dlib-johns (5 people x 11 chips; a byte-identical duplicate
// dropped), face-api.js's 8 characters x 5. Boxes: lfw and the characters get TinyFaceDetector pseudo-labels (the
// detection nearest the image centre, score > 0.3, clipped to the image; none found: the image is dropped); a dlib
// chip's box is the whole chip. Split by image, seeded: 10 lfw people held out entirely (experiment 2); of every
// other person 30% of the images (rounded) go to test. Sets (196x196 canvases):
//   single-train: 3 augmented copies of each train image (scale 0.45-1 of the canvas, shift, flip, colour jitter)
//   single-test, heldout: one canvas per image (seeded scale and shift, no flip, no jitter)
//   multi-train / multi-test: 2-4 images of different people stitched into a 2x2 layout (scale 0.5-1 of a cell)
// Run alone: node scripts/joint-build-data.mjs (after npm run build) prints the set sizes.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATA, LFW_DIR, ROOT, loadBuild, readLfw } from './eval-common.mjs';

export const CACHE = join(ROOT, '.cache/joint');
/** Bump when the data recipe changes: it keys the caches. */
const RECIPE = 3;
export const SETTINGS = {
  heldOut: 10,
  testFraction: 0.3,
  augCopies: 3,
  trainScale: [0.45, 1],
  testScale: [0.45, 1],
  jitter: 0.15,
  multiTrain: 500,
  multiTest: 150,
  multiScale: [0.5, 1],
};
const CHARACTERS = ['amy', 'bernadette', 'howard', 'leonard', 'penny', 'raj', 'sheldon', 'stuart'];

async function importDist(rel) {
  return import(join(ROOT, 'dist/src', rel));
}

function sources() {
  const out = [];
  for (const r of readLfw()) out.push({ path: r.path, id: r.identity, set: 'lfw', index: r.index });
  const johns = join(DATA, 'dlib-johns');
  const seen = new Set();
  for (const person of readdirSync(johns).filter((d) => d.startsWith('John_')).sort()) {
    readdirSync(join(johns, person))
      .filter((f) => f.endsWith('.jpg'))
      .sort()
      .forEach((f, i) => {
        const path = join(johns, person, f);
        const h = createHash('sha1').update(readFileSync(path)).digest('hex');
        if (seen.has(h)) return; // John_Shimkus has two identical files: keep one, or it could be in train and test
        seen.add(h);
        out.push({ path, id: person, set: 'johns', index: i + 1 });
      });
  }
  for (const c of CHARACTERS) {
    for (let i = 1; i <= 5; i++) out.push({ path: join(DATA, 'face-api-js/examples-images', c, `${c}${i}.png`), id: c, set: 'chars', index: i });
  }
  return out;
}

/** The detection nearest the image centre (pseudo-label), clipped to the image; null when none. */
async function pseudoLabel(fr, img) {
  const faces = await fr.detect(img, { detector: 'tiny', inputSize: 'auto', scoreThreshold: 0.3 });
  if (faces.length === 0) return null;
  const c = (f) => Math.hypot(f.box.x + f.box.width / 2 - img.width / 2, f.box.y + f.box.height / 2 - img.height / 2);
  const f = faces.reduce((a, b) => (c(b) < c(a) ? b : a));
  const x0 = Math.max(0, f.box.x);
  const y0 = Math.max(0, f.box.y);
  const x1 = Math.min(img.width, f.box.x + f.box.width);
  const y1 = Math.min(img.height, f.box.y + f.box.height);
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0, score: f.score };
}

function writeJsonAtomic(path, obj) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(obj));
  renameSync(tmp, path);
}

/** Labels (cached: the detector run is the slow part) for every source image. */
async function labelSources(lib, srcs, log) {
  mkdirSync(CACHE, { recursive: true });
  const file = join(CACHE, `pseudo-labels-r${RECIPE}.json`);
  const cached = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
  if (cached && cached.count === srcs.length) return cached.boxes;
  const fr = await lib.createFaceRecognizer({ backend: 'wasm', log: null });
  const boxes = {};
  try {
    for (const s of srcs) {
      if (s.set === 'johns') {
        boxes[s.path] = { x: 0, y: 0, width: 150, height: 150, score: 1 };
        continue;
      }
      boxes[s.path] = await pseudoLabel(fr, await lib.decodeImage(s.path));
    }
  } finally {
    fr.dispose();
  }
  writeJsonAtomic(file, { count: srcs.length, boxes });
  log?.(`pseudo-labels: ${Object.values(boxes).filter((b) => !b).length} of ${srcs.length} images without a face (dropped)`);
  return boxes;
}

/**
 * Everything the experiments need: source images (decoded), their labels and split, the canvases of each set
 * with boxes (normalised, class index), and a cache key. Canvases are rebuilt (fast, deterministic); the trunk
 * features are cached by key.
 */
export async function buildJointData(lib, { seed = 7, log = console.log } = {}) {
  const { Rng } = await importDist('nn/rng.js');
  const srcs = sources();
  const labels = await labelSources(lib, srcs, log);
  const items = [];
  for (const s of srcs) {
    const b = labels[s.path];
    if (!b) continue;
    items.push({ ...s, image: await lib.decodeImage(s.path), box: { x: b.x, y: b.y, width: b.width, height: b.height, label: s.id } });
  }
  const rng = new Rng(seed);
  const lfwIds = [...new Set(items.filter((i) => i.set === 'lfw').map((i) => i.id))].sort();
  const heldIds = new Set(rng.shuffle([...lfwIds]).slice(0, SETTINGS.heldOut));
  const classes = [...new Set(items.map((i) => i.id))].filter((id) => !heldIds.has(id)).sort();
  const train = [];
  const test = [];
  const held = items.filter((i) => heldIds.has(i.id));
  for (const id of classes) {
    const mine = rng.shuffle(items.filter((i) => i.id === id));
    const nTest = Math.round(SETTINGS.testFraction * mine.length);
    test.push(...mine.slice(0, nTest));
    train.push(...mine.slice(nTest));
  }
  const cls = (id) => classes.indexOf(id);
  const norm = (boxes) => boxes.map((b) => ({ x: b.x / 196, y: b.y / 196, w: b.width / 196, h: b.height / 196, cls: cls(b.label) }));
  const one = (src, o) => {
    const a = lib.augment(src.image, [src.box], rng, { size: 196, ...o });
    return { image: a.image, boxes: norm(a.boxes), ids: a.boxes.map((b) => b.label), src: [src.path] };
  };
  const sets = { 'single-train': [], 'single-test': [], heldout: [], 'multi-train': [], 'multi-test': [] };
  // The fit copy (copy 0 of each train image) comes first: experiment 2 fits verification thresholds on it.
  for (let c = 0; c < SETTINGS.augCopies; c++) for (const s of train) sets['single-train'].push(one(s, { scale: SETTINGS.trainScale, jitter: SETTINGS.jitter }));
  for (const s of test) sets['single-test'].push(one(s, { scale: SETTINGS.testScale, jitter: 0, flip: false }));
  for (const s of held) sets.heldout.push(one(s, { scale: SETTINGS.testScale, jitter: 0, flip: false }));
  const multi = (pool, count, out) => {
    for (let k = 0; k < count; k++) {
      const m = 2 + Math.floor(rng.next() * 3);
      const picked = [];
      const ids = new Set();
      for (const s of rng.shuffle([...pool])) {
        if (ids.has(s.id)) continue;
        ids.add(s.id);
        picked.push(s);
        if (picked.length === m) break;
      }
      const st = lib.stitch(picked.map((p) => ({ image: p.image, boxes: [p.box] })), rng, { size: 196, scale: SETTINGS.multiScale });
      out.push({ image: st.image, boxes: norm(st.boxes), ids: st.boxes.map((b) => b.label), src: picked.map((p) => p.path) });
    }
  };
  multi(train, SETTINGS.multiTrain, sets['multi-train']);
  multi(test, SETTINGS.multiTest, sets['multi-test']);
  for (const [name, set] of Object.entries(sets)) set.forEach((c, i) => {
    if (c.boxes.length === 0) log?.(`warning: ${name} canvas ${i} lost every box`);
  });
  const key = createHash('sha1').update(JSON.stringify({ RECIPE, seed, SETTINGS, n: items.length, classes })).digest('hex').slice(0, 12);
  return { seed, key, classes, heldIds: [...heldIds].sort(), train, test, held, sets, dropped: srcs.length - items.length, sources: srcs.length };
}

const LEVELS = { 'single-train': ['c256'], 'single-test': ['c256'], heldout: ['c256'], 'multi-train': ['c256', 'c128', 'c64'], 'multi-test': ['c256', 'c128', 'c64'] };
const SIZES = { c256: 5 * 5 * 256, c128: 11 * 11 * 128, c64: 19 * 19 * 64 };

/** Trunk features of a set: from .cache/joint/<key>/ when there, else computed with `trunk` and written there. */
export async function setFeatures(data, name, trunk, log = console.log) {
  const dir = join(CACHE, data.key);
  mkdirSync(dir, { recursive: true });
  const set = data.sets[name];
  const levels = LEVELS[name];
  const files = levels.map((l) => join(dir, `${name}.${l}.f32`));
  if (files.every((f) => existsSync(f))) {
    const f = { n: set.length };
    levels.forEach((l, i) => {
      const b = readFileSync(files[i]);
      f[l] = new Float32Array(b.buffer, b.byteOffset, b.length / 4);
      if (f[l].length !== set.length * SIZES[l]) throw new Error(`${files[i]}: stale cache (size); delete ${dir}`);
    });
    return f;
  }
  const t0 = performance.now();
  const f = await trunk.features(set.map((c) => c.image), levels, 8);
  levels.forEach((l, i) => {
    const tmp = `${files[i]}.${process.pid}.tmp`;
    writeFileSync(tmp, new Uint8Array(f[l].buffer, f[l].byteOffset, f[l].byteLength));
    renameSync(tmp, files[i]);
  });
  log?.(`trunk features ${name}: ${set.length} images in ${((performance.now() - t0) / 1000).toFixed(1)} s (cached in ${dir})`);
  return f;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const lib = await loadBuild();
  const t0 = performance.now();
  const d = await buildJointData(lib);
  console.log(`classes ${d.classes.length}, held out ${d.heldIds.length}, train ${d.train.length}, test ${d.test.length}, held ${d.held.length}, dropped ${d.dropped}/${d.sources}`);
  for (const [k, v] of Object.entries(d.sets)) console.log(k, v.length, 'canvases', v.reduce((s, c) => s + c.boxes.length, 0), 'boxes');
  console.log(`built in ${((performance.now() - t0) / 1000).toFixed(1)} s; LFW dir ${LFW_DIR}`);
}
