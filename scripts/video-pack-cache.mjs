#!/usr/bin/env node
// Writes the committed copy of the track cache (test/video/fixtures/track-cache.{json,q8}.gz) from .cache/video,
// so a fresh clone trains and evaluates the aggregators without rebuilding the tracks (~20 min on 2 cores).
// Run after scripts/video-build-tracks.mjs.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_DIR, PACKED_CACHE, loadTrackCache, packTrackCache, writeFileAtomic } from './video-common.mjs';

if (!existsSync(join(CACHE_DIR, 'frames.f32'))) throw new Error(`no track cache in ${CACHE_DIR}: run node scripts/video-build-tracks.mjs first`);
const cache = loadTrackCache();
if (!cache) throw new Error(`the track cache in ${CACHE_DIR} is stale: rebuild it with node scripts/video-build-tracks.mjs`);
const { meta, frames } = packTrackCache(cache);
writeFileAtomic(PACKED_CACHE.meta, meta);
writeFileAtomic(PACKED_CACHE.frames, frames);
console.log(`packed ${cache.meta.frames} frames: ${(frames.length / 1024).toFixed(0)} KiB + ${(meta.length / 1024).toFixed(0)} KiB meta`);
