// Types shared by the video pipeline (frame sources, tracker, recogniser) and the temporal aggregators.
// The aggregators turn one track's per-frame face embeddings into one track embedding.

/** Per-frame quality cues an aggregator may weigh (REAN reads them next to the embedding). */
export interface FrameQuality {
  /** The detector's confidence in [0, 1]. */
  score: number;
  /** Face box side in pixels of the source frame. */
  faceSize: number;
  /** Sharpness: variance of the Laplacian of the grey face crop, scaled to about [0, 1] (see quality.ts). */
  sharpness: number;
}

/** One frame of a track: its 128-d FaceRecognitionNet descriptor and its quality cues. */
export interface TrackFrame {
  embedding: Float32Array;
  quality: FrameQuality;
}

export type AggregatorKind = 'best-frame' | 'mean' | 'quality' | 'naive-lstm' | 'rean-gru' | 'rean-lstm';
export const AGGREGATOR_KINDS: readonly AggregatorKind[] = ['best-frame', 'mean', 'quality', 'naive-lstm', 'rean-gru', 'rean-lstm'];

/** Turns a track's frames (oldest first) into one L2-normalised embedding. Owns its weights; dispose() frees them. */
export interface Aggregator {
  readonly kind: AggregatorKind;
  aggregate(frames: readonly TrackFrame[]): Promise<Float32Array>;
  dispose(): void;
}
