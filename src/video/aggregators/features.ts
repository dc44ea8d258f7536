// What the trained aggregators read per frame: the embedding plus quality cues, standardised with the
// training set's mean / std (stored with the weights), packed into [batch, T, F] with a padding mask.
import type { TrackFrame } from '../types.js';

/** Cues after the embedding: detector score, log face size, sharpness, agreement with the track's mean. */
export const CUE_NAMES = ['score', 'logFaceSize', 'sharpness', 'agreement'] as const;
export const CUES = CUE_NAMES.length;

/**
 * Per-frame features [T * (D + CUES)], unstandardised. agreement = cosine of the frame's embedding with the
 * mean of the track's unit embeddings: frames of another face or a broken crop stand out by it, which no
 * per-frame cue can tell.
 */
export function rawFeatures(frames: readonly TrackFrame[]): Float32Array {
  const T = frames.length;
  const D = frames[0]!.embedding.length;
  const F = D + CUES;
  const unit = frames.map((f) => {
    let s = 0;
    for (let i = 0; i < D; i++) s += f.embedding[i]! * f.embedding[i]!;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    return Float64Array.from(f.embedding, (v) => v * inv);
  });
  const mean = new Float64Array(D);
  for (const u of unit) for (let i = 0; i < D; i++) mean[i] += u[i]! / T;
  let mn = 0;
  for (let i = 0; i < D; i++) mn += mean[i]! * mean[i]!;
  mn = Math.sqrt(mn) || 1;
  const out = new Float32Array(T * F);
  frames.forEach((f, t) => {
    out.set(f.embedding, t * F);
    let c = 0;
    for (let i = 0; i < D; i++) c += unit[t]![i]! * mean[i]!;
    const q = f.quality;
    out[t * F + D] = q.score;
    out[t * F + D + 1] = Math.log2(Math.max(4, q.faceSize) / 64);
    out[t * F + D + 2] = q.sharpness;
    out[t * F + D + 3] = c / mn;
  });
  return out;
}

export interface Standardizer {
  mean: Float32Array;
  std: Float32Array;
}

/** Per-feature mean / std over every frame of the given raw feature blocks. */
export function fitStandardizer(blocks: readonly Float32Array[], F: number): Standardizer {
  const sum = new Float64Array(F);
  const sq = new Float64Array(F);
  let n = 0;
  for (const b of blocks) {
    for (let o = 0; o < b.length; o += F) {
      for (let i = 0; i < F; i++) {
        sum[i] += b[o + i]!;
        sq[i] += b[o + i]! * b[o + i]!;
      }
      n++;
    }
  }
  const mean = new Float32Array(F);
  const std = new Float32Array(F);
  for (let i = 0; i < F; i++) {
    mean[i] = sum[i]! / n;
    std[i] = Math.sqrt(Math.max(1e-12, sq[i]! / n - mean[i]! * mean[i]!)) || 1;
  }
  return { mean, std };
}

/**
 * Packs tracks into x [B, T, F] (standardised features, post-padded with zeros), mask [B, T] (1 = frame) and
 * e [B, T, D] (raw embeddings, what attention pools). T = the longest track.
 */
export function packBatch(tracks: readonly Float32Array[], D: number, st: Standardizer, T = Math.max(...tracks.map((t) => t.length / (D + CUES)))): { x: Float32Array; mask: Float32Array; e: Float32Array; T: number } {
  const F = D + CUES;
  const B = tracks.length;
  const x = new Float32Array(B * T * F);
  const mask = new Float32Array(B * T);
  const e = new Float32Array(B * T * D);
  tracks.forEach((raw, b) => {
    const len = raw.length / F;
    for (let t = 0; t < len; t++) {
      mask[b * T + t] = 1;
      const src = t * F;
      const dst = (b * T + t) * F;
      for (let i = 0; i < F; i++) x[dst + i] = (raw[src + i]! - st.mean[i]!) / st.std[i]!;
      e.set(raw.subarray(src, src + D), (b * T + t) * D);
    }
  });
  return { x, mask, e, T };
}
