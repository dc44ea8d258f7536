// Builds the synthetic "video tracks" the temporal aggregators train and are evaluated on, and caches what the
// aggregators read: per frame the FaceRecognitionNet descriptor and the quality cues (detector score, face size,
// sharpness), in .cache/video/ (git-ignored).
//
// A track = 8-32 frames of one still photo of one identity, each frame degraded by processes that drift over time
// (a latent "badness" b(t), an AR(1) walk in [0, 1], drives most of them, so bad frames come in bursts as in real
// video): affine jitter (rotation, scale, translation), defocus blur, motion blur, low light, sensor noise, JPEG
// artefacts (sharp), partial occlusion; plus bursts where the tracker grabbed a nearby other face, and missed
// detections (the previous box is embedded, score 0). Each frame then goes through our TinyFaceDetector (the
// detection nearest the frame centre) and FaceRecognitionNet (box crop).
//
// The builder, shared by scripts/video-build-tracks.mjs (the CLI) and the held-out test (which builds the cache
// itself when it is missing). `lib` is the facegpu module (dist/ or src/), `sharpness` the quality cue.
import { join } from 'node:path';
import sharp from 'sharp';
import { CACHE_VERSION, EMB, ENROL_IMAGES, FRAME_STRIDE, TRACK_SEED, ensureDir, identities, loadTrackCache, rng, writeFileAtomic } from './video-common.mjs';
import { writeFileSync, renameSync, openSync, fsyncSync, closeSync } from 'node:fs';

const SIDE = 150;

/** RGBA 150x150 of a source photo; dlib chips (face fills the chip) are mirror-padded to LFW's framing first. */
async function loadSource(path, source) {
  let img = sharp(path);
  if (source === 'johns') img = sharp(await img.extend({ top: 45, bottom: 45, left: 45, right: 45, extendWith: 'mirror' }).toBuffer());
  const { data } = await img.resize(SIDE, SIDE).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return new Uint8Array(data);
}

/** Bilinear warp: rotate by `deg` and scale by `s` about the centre, then shift by (dx, dy); edges clamp. */
function jitter(src, deg, s, dx, dy) {
  const out = new Uint8Array(src.length);
  const c = Math.cos((deg * Math.PI) / 180) / s;
  const sn = Math.sin((deg * Math.PI) / 180) / s;
  const m = SIDE / 2;
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const u = x - m - dx;
      const v = y - m - dy;
      const sx = Math.min(SIDE - 1.001, Math.max(0, c * u + sn * v + m));
      const sy = Math.min(SIDE - 1.001, Math.max(0, -sn * u + c * v + m));
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const o = (y * SIDE + x) * 4;
      for (let k = 0; k < 3; k++) {
        const p = (yy, xx) => src[(yy * SIDE + xx) * 4 + k];
        out[o + k] = (1 - fy) * ((1 - fx) * p(y0, x0) + fx * p(y0, x0 + 1)) + fy * ((1 - fx) * p(y0 + 1, x0) + fx * p(y0 + 1, x0 + 1)) + 0.5;
      }
      out[o + 3] = 255;
    }
  }
  return out;
}

/** A normalised line kernel of `len` px at `deg` (motion blur). */
function motionKernel(len, deg) {
  const n = 2 * Math.ceil(len / 2) + 1;
  const k = new Array(n * n).fill(0);
  const c = Math.cos((deg * Math.PI) / 180);
  const s = Math.sin((deg * Math.PI) / 180);
  const h = (n - 1) / 2;
  for (let i = -len / 2; i <= len / 2; i += 0.25) {
    const x = Math.round(h + i * c);
    const y = Math.round(h + i * s);
    k[y * n + x] += 1;
  }
  const sum = k.reduce((a, b) => a + b, 0);
  return { width: n, height: n, kernel: k.map((v) => v / sum) };
}

/** One degraded frame (RGBA) from the parameters of that frame. */
async function degrade(src, p, r) {
  let px = jitter(src, p.rot, p.scale, p.dx, p.dy);
  if (p.occlude) {
    const { x, y, w, h, grey } = p.occlude;
    for (let j = y; j < Math.min(SIDE, y + h); j++) for (let i = x; i < Math.min(SIDE, x + w); i++) px.fill(grey, (j * SIDE + i) * 4, (j * SIDE + i) * 4 + 3);
  }
  let img = sharp(px, { raw: { width: SIDE, height: SIDE, channels: 4 } });
  if (p.motion >= 2) img = img.convolve(motionKernel(p.motion, p.motionAngle));
  if (p.defocus >= 0.4) img = img.blur(p.defocus);
  px = new Uint8Array(await img.raw().toBuffer());
  // Low light (gain + gamma), then sensor noise, which low light makes relatively stronger.
  for (let i = 0; i < px.length; i += 4) {
    for (let k = 0; k < 3; k++) {
      const v = 255 * Math.pow(px[i + k] / 255, p.gamma) * p.gain + p.noise * r.normal();
      px[i + k] = Math.max(0, Math.min(255, v));
    }
  }
  const jpg = await sharp(px, { raw: { width: SIDE, height: SIDE, channels: 4 } }).jpeg({ quality: p.jpeg }).toBuffer();
  const { data } = await sharp(jpg).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: SIDE, height: SIDE, data: new Uint8Array(data) };
}

/** Per-frame degradation parameters of one track: smooth drifts plus bursts. */
function trackPlan(r, T) {
  const sev = r.uniform(0.3, 1); // how rough this clip is overall
  let b = r.uniform(0, 0.6);
  const walk = (sd) => {
    let v = 0;
    return () => (v = 0.8 * v + sd * r.normal());
  };
  const wx = walk(1.5);
  const wy = walk(1.5);
  const wr = walk(2.5);
  const ws = walk(0.03);
  const motionAngle = r.uniform(0, 180);
  const plan = [];
  let occ = 0;
  let occRect = null;
  let other = 0;
  for (let t = 0; t < T; t++) {
    b = Math.min(1, Math.max(0, 0.75 * b + 0.25 * r.uniform(0, 1) + 0.15 * r.normal()));
    const bad = sev * b;
    if (occ === 0 && r.next() < 0.06 * sev) {
      occ = r.int(2, 6);
      const w = r.int(40, 90);
      const h = r.int(35, 75);
      occRect = { x: r.int(20, 130 - w / 2), y: r.int(30, 120 - h / 2), w, h, grey: r.int(0, 255) };
    }
    if (other === 0 && r.next() < 0.035 * sev) other = r.int(1, 4);
    plan.push({
      rot: wr(),
      scale: 1 + ws(),
      dx: wx(),
      dy: wy(),
      defocus: bad > 0.35 ? 4 * (bad - 0.35) / 0.65 + 0.4 * r.next() : 0,
      motion: r.next() < 0.3 * bad ? r.uniform(3, 13) : 0,
      motionAngle,
      gain: 1 - 0.75 * Math.max(0, bad - 0.2) * r.uniform(0.5, 1),
      gamma: 1 + 0.8 * bad,
      noise: 2 + 22 * bad * r.next(),
      jpeg: Math.round(90 - 80 * bad * r.uniform(0.6, 1)),
      occlude: occ > 0 ? occRect : null,
      other: other > 0,
      missed: r.next() < 0.04 + 0.06 * bad,
    });
    if (occ > 0) occ--;
    if (other > 0) other--;
  }
  return plan;
}

/** Default track counts per identity. */
export const TRAIN_TRACKS = 16;
export const EVAL_TRACKS = 20;

/**
 * Builds the cache in outDir unless an up-to-date one is there (or force). Returns the cache ({ meta, frames }).
 */
export async function buildTrackCache({ lib, sharpness, outDir, backend = 'wasm', trainTracks: nTrain = TRAIN_TRACKS, evalTracks: nEval = EVAL_TRACKS, aligned = false, force = false, log = console.log }) {
  ensureDir(outDir);
  // `aligned`: embed the 68-point aligned chip (what fr.video does by default) instead of the box crop the shipped
  // aggregators were trained on; a cache of its own (the key is absent for box crops, so their caches stay valid).
  const settings = { version: CACHE_VERSION, seed: TRACK_SEED, trainTracksPerIdentity: nTrain, evalTracksPerIdentity: nEval, enrolImages: ENROL_IMAGES, ...(aligned ? { embedding: 'aligned-68' } : {}) };
  const old = loadTrackCache(outDir);
  if (old && !force && JSON.stringify(old.meta.settings) === JSON.stringify(settings)) {
    log(`track cache up to date in ${outDir} (${old.meta.tracks.length} tracks); --force rebuilds it`);
    return old;
  }
  const fr = await lib.createFaceRecognizer({ backend, log: null });
  const ids = identities();
  const sources = new Map();
  const src = async (id, i) => {
    const key = `${id.name}#${i}`;
    if (!sources.has(key)) sources.set(key, await loadSource(id.images[i], id.source));
    return sources.get(key);
  };
  const detectOpts = { detector: 'tiny', inputSize: 'auto', scoreThreshold: 0.3, ...(aligned ? { withLandmarks: true } : {}) };
  // Box crop, or the aligned chip when the face has landmarks (a missed detection embeds the previous box's crop).
  const embedFace = (img, face, box) => (aligned && face ? fr.embed(img, face) : fr.embed(img, box, { align: false }));
  const centred = (faces, w, h) =>
    faces.length ? faces.reduce((a, f) => (Math.hypot(f.box.x + f.box.width / 2 - w / 2, f.box.y + f.box.height / 2 - h / 2) < Math.hypot(a.box.x + a.box.width / 2 - w / 2, a.box.y + a.box.height / 2 - h / 2) ? f : a)) : null;
  const t0 = performance.now();

  // Clean stills: every image once, for enrolment (held-out) and class centroids (training).
  const stills = [];
  for (const [k, id] of ids.entries()) {
    for (let i = 0; i < id.images.length; i++) {
      const px = await src(id, i);
      const img = { width: SIDE, height: SIDE, data: px };
      const face = centred(await fr.detect(img, detectOpts), SIDE, SIDE);
      const box = face?.box ?? { x: 40, y: 40, width: 70, height: 70 };
      stills.push({ identity: k, image: i, detected: !!face, embedding: Array.from(await embedFace(img, face, box), (v) => +v.toFixed(6)) });
    }
  }
  log(`clean stills: ${stills.length} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const tracks = [];
  const chunks = [];
  let nFrames = 0;
  const r = rng(TRACK_SEED + 1);
  const trainIds = ids.map((id, k) => ({ id, k })).filter((x) => x.id.split === 'train');
  const evalIds = ids.map((id, k) => ({ id, k })).filter((x) => x.id.split === 'eval');
  const jobs = [];
  for (const { id, k } of trainIds) for (let n = 0; n < nTrain; n++) jobs.push({ id, k, split: 'train', pool: trainIds, images: id.images.map((_, i) => i) });
  for (const { id, k } of evalIds) for (let n = 0; n < nEval; n++) jobs.push({ id, k, split: 'eval', pool: evalIds, images: id.images.map((_, i) => i).slice(ENROL_IMAGES) });
  for (const [j, job] of jobs.entries()) {
    const T = r.int(8, 32);
    const image = r.pick(job.images);
    const plan = trackPlan(r, T);
    const others = job.pool.filter((x) => x.k !== job.k);
    const otherId = r.pick(others);
    const otherImage = r.int(0, otherId.id.images.length - 1);
    const buf = new Float32Array(T * FRAME_STRIDE);
    let prevBox = { x: 40, y: 38, width: 70, height: 70 };
    for (let t = 0; t < T; t++) {
      const p = plan[t];
      const base = p.other ? await src(otherId.id, otherImage) : await src(job.id, image);
      const img = await degrade(base, p, r);
      const face = p.missed ? null : centred(await fr.detect(img, detectOpts), SIDE, SIDE);
      const box = face ? face.box : prevBox;
      const emb = await embedFace(img, face, box);
      const o = t * FRAME_STRIDE;
      buf.set(emb, o);
      buf[o + EMB] = face ? face.score : 0;
      buf[o + EMB + 1] = box.width;
      buf[o + EMB + 2] = sharpness(img, box);
      buf[o + EMB + 3] = face ? 0 : 1;
      buf[o + EMB + 4] = p.other ? 1 : 0;
      if (face) prevBox = face.box;
    }
    tracks.push({ identity: job.k, split: job.split, image, start: nFrames, length: T });
    chunks.push(buf);
    nFrames += T;
    if ((j + 1) % 25 === 0) log(`tracks ${j + 1}/${jobs.length}, ${nFrames} frames, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  const all = new Float32Array(nFrames * FRAME_STRIDE);
  let off = 0;
  for (const c of chunks) {
    all.set(c, off);
    off += c.length;
  }
  // frames.f32 first, then tracks.json (the cache counts as present only when the metadata names it).
  const binPath = join(outDir, 'frames.f32');
  const tmp = `${binPath}.${process.pid}.tmp`;
  writeFileSync(tmp, Buffer.from(all.buffer));
  const fd = openSync(tmp, 'r');
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, binPath);
  const meta = { version: CACHE_VERSION, settings, backend, identities: ids.map((id) => ({ name: id.name, source: id.source, split: id.split, images: id.images.length })), stills, tracks, frames: nFrames, frameStride: FRAME_STRIDE, seconds: (performance.now() - t0) / 1000 };
  writeFileAtomic(join(outDir, 'tracks.json'), JSON.stringify(meta));
  log(`wrote ${tracks.length} tracks, ${nFrames} frames to ${outDir} in ${meta.seconds.toFixed(0)} s`);
  fr.dispose();
  return loadTrackCache(outDir);
}
