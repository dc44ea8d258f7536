// The joint detector's four experiments (issue 7), end to end on the built package (npm run build first; npm run
// joint:experiments does both), writing docs/joint-detector.md:
//   1. the joint detector + classifier on one-person images vs the separate pipeline (TinyFaceDetector -> 68
//      landmarks -> aligned FaceRecognitionNet -> gallery of mean descriptors) on the same split;
//   2. the head's last hidden layer (the 5x5 embed layer at the face's cell) as an identity embedding vs the 128-d
//      FaceRecognitionNet descriptor: verification on test pairs and identification of held-out people;
//   3. the 5x5 head on stitched multi-person canvases;
//   4. the multi-scale decoder (heads at 5, 11, 19 with trunk bridges) vs the 5x5 head on experiment 3's data, with
//      small faces separately.
// Usage: node scripts/joint-experiments.mjs [--parts 1,2,3,4] [--seed 7] [--backend wasm] | --report (rewrite the
// report from the saved results only)
// Data and trunk-feature caches: scripts/joint-build-data.mjs (.cache/joint/). Results of each part go to
// .cache/joint/results-<key>.json, so parts can be re-run alone; the report is rewritten from all of them.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ROOT, loadBuild, writeFileAtomic } from './eval-common.mjs';
import { CACHE, SETTINGS, buildJointData, setFeatures } from './joint-build-data.mjs';

const args = process.argv.slice(2);
const arg = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const PARTS = arg('parts', '1,2,3,4').split(',').map(Number);
const SEED = Number(arg('seed', '7'));
const BACKEND = arg('backend', 'wasm');
/** Training settings of every head (fixed: the report quotes them). */
const TRAIN = {
  single: { epochs: 30, batchSize: 16, learningRate: 1e-3 },
  multi5: { epochs: 25, batchSize: 16, learningRate: 1e-3 },
  multi: { epochs: 25, batchSize: 16, learningRate: 1e-3 },
};
/** Faces under this side (sqrt of the box area, canvas pixels of 196) are "small": under one 5x5 cell (39 px). */
const SMALL = 32;

if (args.includes('--report')) {
  // Only rewrite the report from the newest saved results (after editing its text).
  const files = readdirSync(CACHE).filter((f) => /^results-.*\.json$/.test(f)).map((f) => join(CACHE, f));
  if (!files.length) throw new Error(`no results in ${CACHE}: run the experiments first`);
  const newest = files.reduce((a, b) => (statSync(b).mtimeMs > statSync(a).mtimeMs ? b : a));
  writeFileAtomic(join(ROOT, 'docs/joint-detector.md'), report(JSON.parse(readFileSync(newest, 'utf8'))));
  console.log(`wrote docs/joint-detector.md from ${newest}`);
  process.exit(0);
}

const lib = await loadBuild();
const t00 = performance.now();
const log = (m) => console.log(`[${((performance.now() - t00) / 1000).toFixed(0).padStart(4)} s] ${m}`);
const engine = await lib.createEngine({ backend: BACKEND, log: null });
const trunk = await lib.JointTrunk.load(engine);
const data = await buildJointData(lib, { seed: SEED, log });
log(`data: ${data.classes.length} classes, ${data.train.length} train / ${data.test.length} test / ${data.held.length} held-out images (${data.dropped} of ${data.sources} dropped: no pseudo-label)`);
const resultsFile = join(CACHE, `results-${data.key}.json`);
const results = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : {};
const feats = {};
let featureSeconds = 0;
const features = async (name) => {
  if (!feats[name]) {
    const t0 = performance.now();
    feats[name] = await setFeatures(data, name, trunk, log);
    featureSeconds += (performance.now() - t0) / 1000;
  }
  return feats[name];
};
const truth = (name) => data.sets[name].map((c) => c.boxes);
const pct = (v) => `${(100 * v).toFixed(1)}%`;
const small = (b) => Math.sqrt(b.w * b.h) * 196 < SMALL;
const large = (b) => !small(b);

async function train(arch, setName, settings) {
  const f = await features(setName);
  const boxes = truth(setName);
  const anchors = lib.autoAnchors(boxes, SEED);
  const det = lib.JointDetector.create(engine, { arch, classes: data.classes, anchors }, SEED);
  const t0 = performance.now();
  const hist = await det.fit({ features: f, boxes }, { ...settings, seed: SEED, onEpoch: (e) => (e.epoch % 5 === 0 || e.epoch === 1) && log(`  ${arch} on ${setName}: epoch ${e.epoch} loss ${e.loss.toFixed(3)} (obj ${e.parts[0].toFixed(3)}, box ${e.parts[1].toFixed(3)}, cls ${e.parts[2].toFixed(3)}) ${e.seconds.toFixed(1)} s`) });
  const seconds = (performance.now() - t0) / 1000;
  const anchorIou = lib.meanAnchorIou(boxes.flat().map((b) => ({ width: b.w, height: b.h })), anchors);
  return { det, info: { arch, set: setName, images: f.n, anchors: anchors.map(([w, h]) => [+(w * 196).toFixed(1), +(h * 196).toFixed(1)]), anchorIou, ...settings, seconds, loss: hist.map((h) => +h.loss.toFixed(4)) } };
}

async function evalSet(det, name) {
  const dets = await det.predict(await features(name), { scoreThreshold: 0.01, maxResults: 20 });
  const t = truth(name);
  const all = lib.evaluateDetections(dets, t, 0.5);
  const out = { ap: all.ap, accuracy: all.accuracy, faces: all.faces, found: all.found };
  if (name.startsWith('multi')) {
    for (const [k, r] of [['small', small], ['large', large]]) {
      const e = lib.evaluateDetections(dets, t, 0.5, r);
      out[k] = { ap: e.ap, accuracy: e.accuracy, faces: e.faces };
    }
  }
  // One-person images: the class of the best-scored detection (top-1 per image, whatever its box).
  out.top1 = dets.filter((d, i) => d.length > 0 && d[0].cls === t[i][0]?.cls).length / dets.length;
  return { out, dets };
}

/** Experiment 1's baseline: the separate pipeline on the same canvases, gallery from the train images. */
async function separatePipeline(fr) {
  const gallery = fr.gallery({ matching: 'mean' });
  const t0 = performance.now();
  let noFace = 0;
  for (const id of data.classes) {
    const vs = [];
    for (const s of data.train.filter((s) => s.id === id)) {
      try {
        vs.push((await fr.largestFaceDescriptor(s.image, { detector: 'tiny', inputSize: 'auto', withLandmarks: true })).descriptor);
      } catch {
        noFace++;
      }
    }
    if (vs.length) gallery.add(id, vs);
  }
  const dets = [];
  for (const c of data.sets['single-test']) {
    const faces = await fr.detectAndEmbed(c.image, { detector: 'tiny', inputSize: 'auto', withLandmarks: true, scoreThreshold: 0.1 });
    const ds = [];
    for (const f of faces) {
      const r = await gallery.identify(f.descriptor);
      ds.push({ x: f.box.x / 196, y: f.box.y / 196, w: f.box.width / 196, h: f.box.height / 196, score: f.score, cls: data.classes.indexOf(r.nearest?.name), clsProb: 0 });
    }
    ds.sort((a, b) => b.score - a.score);
    dets.push(ds);
  }
  gallery.dispose();
  const t = truth('single-test');
  const e = lib.evaluateDetections(dets, t, 0.5);
  const top1 = dets.filter((d, i) => d.length > 0 && d[0].cls === t[i][0]?.cls).length / dets.length;
  return { ap: e.ap, accuracy: e.accuracy, top1, enrolNoFace: noFace, seconds: (performance.now() - t0) / 1000 };
}

let fr;
const recognizer = async () => (fr ??= await lib.createFaceRecognizer({ engine, log: null }));
let exp1Model;

if (PARTS.includes(1) || PARTS.includes(2)) {
  log('experiment 1: joint detector + classifier, one person a canvas');
  const t0 = performance.now();
  const { det, info } = await train('single', 'single-train', TRAIN.single);
  exp1Model = det;
  const { out } = await evalSet(det, 'single-test');
  log(`  joint: AP@0.5 ${pct(out.ap)}, per-face accuracy ${pct(out.accuracy)}, top-1 ${pct(out.top1)}`);
  let separate = results.exp1?.separate;
  if (PARTS.includes(1)) {
    separate = await separatePipeline(await recognizer());
    log(`  separate pipeline: AP@0.5 ${pct(separate.ap)}, per-face accuracy ${pct(separate.accuracy)}, top-1 ${pct(separate.top1)}`);
  }
  results.exp1 = { train: info, joint: out, separate, seconds: (performance.now() - t0) / 1000 };
}

if (PARTS.includes(2)) {
  log('experiment 2: embeddings (head embed layer vs FaceRecognitionNet 128-d)');
  const t0 = performance.now();
  const det = exp1Model;
  const nFit = data.train.length; // copy 0 of each train image comes first in single-train
  const trainF = await features('single-train');
  const fitF = { n: nFit, c256: trainF.c256.subarray(0, nFit * 6400) };
  const sets = {
    fit: { f: fitF, canvases: data.sets['single-train'].slice(0, nFit), srcs: data.train },
    test: { f: await features('single-test'), canvases: data.sets['single-test'], srcs: data.test },
    held: { f: await features('heldout'), canvases: data.sets.heldout, srcs: data.held },
  };
  const head = {};
  const frn = {};
  const r = await recognizer();
  for (const [k, s] of Object.entries(sets)) {
    const e = await det.embed(s.f, s.canvases.map((c) => c.boxes.slice(0, 1)));
    head[k] = e.map((v, i) => ({ id: s.srcs[i].id, index: s.srcs[i].index, e: lib.l2n(v[0]) }));
    frn[k] = [];
    for (let i = 0; i < s.canvases.length; i++) {
      const b = s.canvases[i].boxes[0];
      const box = { x: b.x * 196, y: b.y * 196, width: b.w * 196, height: b.h * 196 };
      frn[k].push({ id: s.srcs[i].id, index: s.srcs[i].index, e: await r.embed(s.canvases[i].image, box, { align: true }) });
    }
  }
  const score = (E) => {
    const enrol = E.held.filter((x) => x.index <= 5);
    const probe = E.held.filter((x) => x.index > 5);
    return {
      verifySeen: lib.verification(E.test, E.fit),
      verifyHeld: lib.verification(E.held, E.fit),
      identifyHeld: lib.identification(enrol, probe),
      enrolled: enrol.length,
      probes: probe.length,
    };
  };
  results.exp2 = { head: score(head), frn: score(frn), dims: { head: det.config.embed, frn: 128 }, seconds: (performance.now() - t0) / 1000 };
  for (const k of ['head', 'frn']) {
    const s = results.exp2[k];
    log(`  ${k}: verification seen ${pct(s.verifySeen.accuracy)} (${s.verifySeen.pairs} pairs), held-out ${pct(s.verifyHeld.accuracy)} (${s.verifyHeld.pairs} pairs), held-out identification ${pct(s.identifyHeld)}`);
  }
}
exp1Model?.dispose();

if (PARTS.includes(3) || PARTS.includes(4)) {
  log('experiment 3: the 5x5 head on stitched multi-person canvases');
  const t0 = performance.now();
  const { det, info } = await train('single', 'multi-train', TRAIN.multi5);
  const { out } = await evalSet(det, 'multi-test');
  det.dispose();
  log(`  5x5 head: AP@0.5 ${pct(out.ap)}, per-face accuracy ${pct(out.accuracy)} (small faces: AP ${pct(out.small.ap)}, accuracy ${pct(out.small.accuracy)})`);
  results.exp3 = { train: info, test: out, seconds: (performance.now() - t0) / 1000 };
}

if (PARTS.includes(4)) {
  log('experiment 4: multi-scale decoder (5 / 11 / 19 with bridges) on the same data');
  const t0 = performance.now();
  const { det, info } = await train('multi', 'multi-train', TRAIN.multi);
  const { out } = await evalSet(det, 'multi-test');
  det.dispose();
  log(`  multi-scale: AP@0.5 ${pct(out.ap)}, per-face accuracy ${pct(out.accuracy)} (small faces: AP ${pct(out.small.ap)}, accuracy ${pct(out.small.accuracy)})`);
  results.exp4 = { train: info, test: out, seconds: (performance.now() - t0) / 1000 };
}

fr?.dispose();
trunk.dispose();
engine.dispose();
results.meta = { seed: SEED, backend: BACKEND, key: data.key, settings: SETTINGS, small: SMALL, classes: data.classes.length, heldIds: data.heldIds, train: data.train.length, test: data.test.length, held: data.held.length, dropped: data.dropped, sources: data.sources, sets: Object.fromEntries(Object.entries(data.sets).map(([k, v]) => [k, { canvases: v.length, faces: v.reduce((s, c) => s + c.boxes.length, 0), small: v.reduce((s, c) => s + c.boxes.filter(small).length, 0) }])), node: process.version, date: new Date().toISOString().slice(0, 10), featureSeconds, cachedFeatures: featureSeconds < 20, totalSeconds: (performance.now() - t00) / 1000, parts: PARTS };
writeFileAtomic(resultsFile, JSON.stringify(results, null, 1));
writeFileAtomic(join(ROOT, 'docs/joint-detector.md'), report(results));
log(`wrote docs/joint-detector.md (results in ${resultsFile})`);

function report(r) {
  const m = r.meta;
  const p = (v) => (v === undefined ? 'n/a' : `${(100 * v).toFixed(1)}%`);
  const tr = (t) => (t ? `${t.arch === 'multi' ? 'multi-scale' : '5x5'} head, ${t.images} canvases, ${t.epochs} epochs, batch ${t.batchSize}, Adam lr ${t.learningRate}, anchors (px of 196) ${t.anchors.map((a) => a.join('x')).join(', ')} (mean best IoU ${t.anchorIou.toFixed(2)}), ${t.seconds.toFixed(0)} s; loss ${t.loss[0]} -> ${t.loss[t.loss.length - 1]}` : 'not run');
  const L = [];
  L.push('# Joint detection + recognition network: experiments', '');
  L.push(`Generated by \`npm run joint:experiments\` (scripts/joint-experiments.mjs) on ${m.date}, Node ${m.node}, backend ${m.backend}, seed ${m.seed}. Last run: parts ${m.parts.join(', ')} in ${(m.totalSeconds / 60).toFixed(1)} min (trunk features cached in .cache/joint/ after the first run).`, '');
  L.push('## Network and data', '');
  L.push(
    '- **Trunk** (frozen): FaceRecognitionNet (dlib ResNet-34-like, face-api weights) on a 196x196 input, cut before `conv256_down_out`: the last 256-channel map is 5x5 (the S = 5 grid); the 128-channel map is 11x11 and the 64-channel map 23x23 (resized to 19x19) for the decoder bridges. (At the net\'s own 150x150 input those maps would be 4x4 / 8x8 / 17x17.)',
    '- **5x5 head**: conv3x3 256->128 leaky(0.1), conv1x1 128->128 leaky (the *embed* layer), conv1x1 -> 3 x (5 + C). Slot: sigmoid centre offset in the cell, exp(tw, th) x anchor, objectness, class logits (softmax); decoded by the `detectionHead` kernel, NMS 0.45.',
    '- **Multi-scale**: the 5x5 head plus transposed conv 3x3/2 (5 -> 11) ++ trunk 11x11x128 -> conv3x3 -> head at 11; transposed conv 3x3/2 pads 2 (11 -> 19) ++ trunk 19x19x64 -> conv3x3 -> head at 19 (decoder channels 64, 32). Every head uses the same normalised anchors; one NMS over all heads.',
    '- **Loss**: `multiboxLoss` (objectness log loss, smooth L1 box, softmax cross-entropy; anchor matching by shape IoU, ignore IoU 0.6), weights box 5 (YOLO lambda_coord), objectness / no-object / class 1, summed over heads; backward through `conv2dBackpropFilter/Input`, `biasGrad`, `activationGrad`, `convTranspose2dBackpropFilter`, `sliceChannels`; Adam. Initialisation: seeded Glorot uniform, objectness bias -4.',
    `- **Data** (scripts/joint-build-data.mjs, seed ${m.seed}): lfw-id40 (boxes: **TinyFaceDetector pseudo-labels**, the detection nearest the centre at score > 0.3; ${m.dropped} of ${m.sources} source images had none and were dropped), dlib-johns (box = the whole 150x150 chip; one byte-identical duplicate dropped), face-api.js's 8 characters (TinyFaceDetector pseudo-labels). ${m.heldIds.length} lfw people held out of all training (experiment 2): ${m.heldIds.join(', ')}. The other ${m.classes} people are split by image, ${Math.round(m.settings.testFraction * 100)}% test: ${m.train} train / ${m.test} test images; ${m.held} held-out images.`,
    `- **Canvases** (196x196): train = ${m.settings.augCopies} augmented copies of each train image (scale ${m.settings.trainScale.join('-')} of the canvas, random shift, flip, colour jitter ${m.settings.jitter}); test / held-out = one seeded placement each (scale ${m.settings.testScale.join('-')}, no flip or jitter); multi-person = 2-4 images of different people stitched into a 2x2 layout (scale ${m.settings.multiScale.join('-')} of a 98-px cell), boxes and labels carried along.`,
    '',
  );
  L.push('| set | canvases | faces | small faces (< ' + m.small + ' px) |', '|---|---:|---:|---:|');
  for (const [k, v] of Object.entries(m.sets)) L.push(`| ${k} | ${v.canvases} | ${v.faces} | ${v.small} |`);
  L.push('');
  L.push('Metrics: AP@0.5 is class-agnostic face detection (VOC all-point AP, greedy matching by score). Per-face accuracy: a test face counts as correct when a detection matches it (IoU >= 0.5) and carries its class (missed faces count as wrong). Top-1: the class of the best-scored detection of a one-person canvas.', '');
  L.push('## 1. Joint detector + classifier vs the separate pipeline (one person a canvas)', '');
  if (r.exp1) {
    const j = r.exp1.joint;
    const s = r.exp1.separate;
    L.push(`Training: ${tr(r.exp1.train)}.`, '');
    L.push('| pipeline | AP@0.5 | per-face accuracy | top-1 |', '|---|---:|---:|---:|');
    L.push(`| joint 5x5 head (${m.classes} classes) | ${p(j.ap)} | ${p(j.accuracy)} | ${p(j.top1)} |`);
    if (s) L.push(`| separate: TinyFaceDetector -> 68 landmarks -> aligned FaceRecognitionNet -> gallery (mean of the train images) | ${p(s.ap)} | ${p(s.accuracy)} | ${p(s.top1)} |`);
    L.push('');
    L.push(`Test set: ${j.faces} faces on ${m.sets['single-test'].canvases} canvases. The separate pipeline's detector is the one that made the pseudo-labels (run on the original photos, here on the rescaled canvases), so its AP is an agreement-with-itself upper bound rather than an independent detector score.${s ? ` Its gallery enrolment found no face in ${s.enrolNoFace} train images.` : ''}`, '');
  } else L.push('Not run yet.', '');
  L.push('## 2. The head\'s last hidden layer as an identity embedding', '');
  if (r.exp2) {
    const rows = [
      ['joint head embed layer (' + r.exp2.dims.head + '-d, L2-normalised, at the face\'s 5x5 cell)', r.exp2.head],
      ['FaceRecognitionNet (128-d, aligned from 68 landmarks, Euclidean)', r.exp2.frn],
    ];
    L.push('Verification: every pair of a set, same / different person by distance < threshold; the threshold is fitted on the train canvases (copy 0 of each train image), and the accuracy is balanced (mean of same-pair and different-pair accuracy). Identification: the 10 held-out people (never trained on) enrolled from their images 1-5 (mean embedding), probed with images 6-10.', '');
    L.push('| embedding | verification, test images of trained people | verification, held-out people | identification, held-out people |', '|---|---:|---:|---:|');
    for (const [name, s] of rows) L.push(`| ${name} | ${p(s.verifySeen.accuracy)} (${s.verifySeen.pairs} pairs) | ${p(s.verifyHeld.accuracy)} (${s.verifyHeld.pairs} pairs) | ${p(s.identifyHeld)} (${s.probes} probes) |`);
    L.push('');
  } else L.push('Not run yet.', '');
  L.push('## 3. Multi-person canvases: the 5x5 head', '');
  if (r.exp3) {
    const t = r.exp3.test;
    L.push(`Training: ${tr(r.exp3.train)}.`, '');
    L.push('| head | AP@0.5 | per-face accuracy | faces |', '|---|---:|---:|---:|');
    L.push(`| 5x5 | ${p(t.ap)} | ${p(t.accuracy)} | ${t.faces} |`, '');
  } else L.push('Not run yet.', '');
  L.push('## 4. Multi-scale decoder vs the 5x5 head (experiment 3\'s data)', '');
  if (r.exp4 && r.exp3) {
    L.push(`Training: ${tr(r.exp4.train)}.`, '');
    L.push(`| head | AP@0.5 all | accuracy all | AP@0.5 small (< ${m.small} px) | accuracy small | AP@0.5 large | accuracy large |`, '|---|---:|---:|---:|---:|---:|---:|');
    for (const [name, t] of [['5x5 (experiment 3)', r.exp3.test], ['multi-scale 5 / 11 / 19', r.exp4.test]]) {
      L.push(`| ${name} | ${p(t.ap)} | ${p(t.accuracy)} | ${p(t.small.ap)} | ${p(t.small.accuracy)} | ${p(t.large.ap)} | ${p(t.large.accuracy)} |`);
    }
    L.push('', `Small faces: ${r.exp4.test.small.faces} of ${r.exp4.test.faces} test faces. Size-restricted AP treats faces outside the range as ignore regions (COCO style).`, '');
  } else L.push('Not run yet.', '');
  L.push('## Observations', '');
  if (r.exp1?.separate) {
    const j = r.exp1.joint;
    const s = r.exp1.separate;
    L.push(`- Detection and recognition sharing the trunk: the shared features are enough to *find* faces (AP@0.5 ${p(j.ap)} against the separate detector's ${p(s.ap)}), but not to *name* them: top-1 ${p(j.top1)} against ${p(s.top1)} for detector -> aligned FaceRecognitionNet -> gallery. The head reaches a near-zero training loss (classes included) while the test accuracy stays low: it memorises the training canvases. The trunk was trained on aligned 150x150 chips where the face fills the frame; on the 196x196 canvases faces are ${Math.round(0.4 * 196 * m.settings.trainScale[0])}-${Math.round(0.4 * 196 * m.settings.trainScale[1])} px wide, so the 5x5 map sees each face at a fraction of the scale its identity features were learnt at, through one or two cells.`);
  }
  if (r.exp2) {
    L.push(`- The last hidden layer as an embedding: ${p(r.exp2.head.verifyHeld.accuracy)} verification and ${p(r.exp2.head.identifyHeld)} identification on people it never saw, against ${p(r.exp2.frn.verifyHeld.accuracy)} / ${p(r.exp2.frn.identifyHeld)} for FaceRecognitionNet's 128-d descriptor (trained with a metric loss on millions of faces). A classifier head trained on ${m.classes} people does not learn a distance that carries over to new people.`);
  }
  if (r.exp3 && r.exp4) {
    L.push(`- Multi-scale: AP@0.5 on small faces ${p(r.exp3.test.small.ap)} (5x5) -> ${p(r.exp4.test.small.ap)} (5 / 11 / 19), all faces ${p(r.exp3.test.ap)} -> ${p(r.exp4.test.ap)}; per-face accuracy ${p(r.exp3.test.accuracy)} -> ${p(r.exp4.test.accuracy)}. The 5x5 grid gives one cell per 39 px and at most 3 faces per cell; the 11 and 19 grids with the 11x11x128 and 23x23x64 bridges see small faces at a finer stride.`);
  }
  L.push('- These are single runs with one seed. Rerunning the same configuration after float-rounding-level changes to the trunk kernels (other work in this repository) moved the APs by up to about 5 points (experiment 1: 89.7% vs 94.3%), so gaps of a few points are within run-to-run variation; the gaps above between the joint head and the separate pipeline for naming, between the two embeddings, and between the 5x5 and multi-scale heads on small faces are far larger than that.');
  L.push('');
  L.push('## API and CLI', '');
  L.push(
    '```sh',
    'facegpu train-detector --data <dir with images + labels.json> --grid 5 --anchors auto --epochs 30 --augment 3 --out heads.fgjd',
    'facegpu detect --model heads.fgjd photo.jpg --json',
    '```',
    '',
    '`--grid 5,11,19` trains the multi-scale decoder; `--anchors auto` runs k-means (k = 3, distance 1 - IoU, seeded) over the training boxes, or give `w,h;w,h;w,h` as fractions of the image. labels.json: `{"classes": [...], "images": [{"file": "a.jpg", "boxes": [{"x", "y", "width", "height", "label"}]}]}` (pixels; boxes outside the image, zero-size boxes, unknown classes and empty sets are InvalidDatasetError, exit code 3). The model file (magic `FGJD`, version 1, JSON header + f32 weights) is written atomically.',
    '',
    'Library: `JointTrunk.load(engine)`, `trainJointDetector(trunk, classes, images, { grid, anchors, epochs, seed, augment, onEpoch })` -> `{ detector, anchors, history }`, `detectJoint(trunk, detector, images)`, `saveJointDetector` / `loadJointDetector` (Node), `JointDetector.create / fit / predict / embed / toBytes / fromBytes`, `kmeansAnchors(boxes, k, seed)`, `evaluateDetections`. Source: src/detector/.',
    '',
  );
  L.push('## Timings', '');
  L.push(`Per part (wall clock on this 2-core machine, shared with other work; each includes its trunk features when they are computed): ${['exp1', 'exp2', 'exp3', 'exp4'].map((k) => `${k} ${r[k] ? `${r[k].seconds.toFixed(0)} s` : 'n/a'}`).join(', ')}. The last run took ${(m.totalSeconds / 60).toFixed(1)} min in all, of which ${m.featureSeconds.toFixed(0)} s trunk features (${m.cachedFeatures ? 'read from the cache' : 'computed: no cache, as from a clean clone'}); \`npm run joint:experiments\` adds \`npm run build\` (wasm, shaders, TypeScript: about 1.5 min here; a clean-cache run of everything took 7.2 min on 2026-11-22).`, '');
  return L.join('\n');
}
