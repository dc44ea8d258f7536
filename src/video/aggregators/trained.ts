// The trained aggregators ('naive-lstm', 'rean-gru', 'rean-lstm') behind the Aggregator interface.
import type { Engine } from '../../runtime/engine.js';
import { InvalidArgumentError, InvalidModelFileError } from '../../runtime/errors.js';
import type { Aggregator, TrackFrame } from '../types.js';
import { CUES, packBatch, rawFeatures } from './features.js';
import { AggregatorNet, type TrainedKind } from './net.js';
import { checkTrack } from './pooling.js';
import type { ParsedWeights } from './weights.js';

export class TrainedAggregator implements Aggregator {
  private readonly net: AggregatorNet;

  constructor(
    engine: Engine,
    private readonly w: ParsedWeights,
  ) {
    this.net = new AggregatorNet(engine, { kind: w.kind, units: w.units, dim: w.dim, features: w.dim + CUES }, 0);
    const want = this.net.weights;
    const badShape = want.findIndex((x, i) => !w.shapes[i] || x.shape.join() !== w.shapes[i]!.join());
    if (w.values.length !== want.length || badShape >= 0) {
      this.net.dispose();
      const i = Math.max(0, badShape);
      throw new InvalidModelFileError(
        `aggregator '${w.kind}': the weights do not fit a ${w.units}-unit net on ${w.dim}-d embeddings (weight ${i} '${want[i]?.name}' needs [${want[i]?.shape.join(', ')}], the file has ${w.values.length} weights${w.shapes[i] ? `, [${w.shapes[i]!.join(', ')}]` : ''})`,
      );
    }
    this.net.setWeights(w.values);
  }

  get kind(): TrainedKind {
    return this.w.kind;
  }

  /** What the weights file says about its training (seed, epochs, loss...). */
  get training(): Record<string, unknown> | undefined {
    return this.w.training;
  }

  async aggregate(frames: readonly TrackFrame[]): Promise<Float32Array> {
    return (await this.aggregateBatch([frames]))[0]!;
  }

  /** Attention weight of each frame (REAN kinds; null for naive-lstm), and the track embedding. */
  async attend(frames: readonly TrackFrame[]): Promise<{ embedding: Float32Array; weights: Float32Array | null }> {
    const r = await this.run([frames]);
    return { embedding: r.out[0]!, weights: r.weights ? r.weights[0]! : null };
  }

  /** Many tracks in one pass (padded to the longest, masked). Same results as aggregate() per track. */
  async aggregateBatch(tracks: readonly (readonly TrackFrame[])[]): Promise<Float32Array[]> {
    return (await this.run(tracks)).out;
  }

  private async run(tracks: readonly (readonly TrackFrame[])[]): Promise<{ out: Float32Array[]; weights: Float32Array[] | null }> {
    const where = `aggregator '${this.kind}'`;
    if (!Array.isArray(tracks) || tracks.length === 0) throw new InvalidArgumentError(`${where}: needs at least one track`);
    tracks.forEach((t, i) => {
      const d = checkTrack(tracks.length > 1 ? `${where}: track ${i}` : where, t);
      if (d !== this.w.dim) throw new InvalidArgumentError(`${where}: embeddings must have ${this.w.dim} values, got ${d}`);
    });
    const { x, mask, e, T } = packBatch(tracks.map(rawFeatures), this.w.dim, this.w.standardizer);
    const padded = tracks.some((t) => t.length !== T);
    const B = tracks.length;
    const r = await this.net.aggregate(x, e, padded ? mask : null, B, T);
    const D = this.w.dim;
    return {
      out: tracks.map((_, b) => r.out.slice(b * D, (b + 1) * D)),
      weights: r.weights ? tracks.map((t, b) => r.weights!.slice(b * T, b * T + t.length)) : null,
    };
  }

  dispose(): void {
    this.net.dispose();
  }
}
