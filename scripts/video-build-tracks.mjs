#!/usr/bin/env node
// Builds the synthetic video tracks' cache (.cache/video/, git-ignored) that the aggregators train and are evaluated
// on; see scripts/video-tracks.mjs for what a track is. Needs the build (npm run build).
//
//   node scripts/video-build-tracks.mjs [--backend wasm] [--train-tracks 16] [--eval-tracks 20] [--out dir] [--force]
//                                       [--aligned: embed 68-point aligned chips, into .cache/video-aligned by default]
import { join } from 'node:path';
import { argValue, loadBuild } from './eval-common.mjs';
import { ALIGNED_CACHE_DIR, CACHE_DIR, ROOT } from './video-common.mjs';
import { EVAL_TRACKS, TRAIN_TRACKS, buildTrackCache } from './video-tracks.mjs';

const argv = process.argv.slice(2);
const lib = await loadBuild();
const { sharpness } = await import(join(ROOT, 'dist/src/video/quality.js'));
await buildTrackCache({
  lib,
  sharpness,
  outDir: argValue(argv, 'out', argv.includes('--aligned') ? ALIGNED_CACHE_DIR : CACHE_DIR),
  backend: argValue(argv, 'backend', 'wasm'),
  trainTracks: Number(argValue(argv, 'train-tracks', String(TRAIN_TRACKS))),
  evalTracks: Number(argValue(argv, 'eval-tracks', String(EVAL_TRACKS))),
  aligned: argv.includes('--aligned'),
  force: argv.includes('--force'),
});
