#!/usr/bin/env node
// Writes test/video/fixtures/tracks-small.json: a small subset of the track cache (8 training identities x 6
// tracks x <= 12 frames), embeddings quantised to int8 with a per-frame scale, for the training tests.
import { join } from 'node:path';
import { EMB, ROOT, loadTrackCache, trackFrames, writeFileAtomic } from './video-common.mjs';

const cache = loadTrackCache();
if (!cache) throw new Error('no track cache: run node scripts/video-build-tracks.mjs first');
const ids = cache.meta.identities.map((id, k) => ({ id, k })).filter((x) => x.id.split === 'train').slice(0, 8);
const tracks = [];
const q = [];
const scale = [];
const cues = [];
ids.forEach(({ k }, label) => {
  for (const t of cache.meta.tracks.filter((t) => t.identity === k).slice(0, 6)) {
    const frames = trackFrames(cache, t).slice(0, 12);
    tracks.push({ label, frames: frames.length });
    for (const f of frames) {
      const m = Math.max(...f.embedding.map(Math.abs)) || 1;
      scale.push(+(m / 127).toPrecision(7));
      for (const v of f.embedding) q.push(Math.round((v / m) * 127));
      cues.push([+f.quality.score.toFixed(4), +f.quality.faceSize.toFixed(2), +f.quality.sharpness.toFixed(4)]);
    }
  }
});
const doc = { about: 'subset of .cache/video built by scripts/video-build-tracks.mjs; see scripts/video-fixture.mjs', dim: EMB, tracks, scale, cues, q: Buffer.from(Int8Array.from(q).buffer).toString('base64') };
writeFileAtomic(join(ROOT, 'test/video/fixtures/tracks-small.json'), JSON.stringify(doc));
console.log(`wrote ${tracks.length} tracks, ${scale.length} frames`);
