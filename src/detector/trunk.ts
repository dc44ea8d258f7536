// The frozen trunk of the joint detector: FaceRecognitionNet's residual stages on a 196x196 input, where the last
// 256-channel map (before conv256_down_out and the pooling) is 5x5: the S = 5 grid. The 128-channel 11x11 map and
// the 64-channel 23x23 map (resized to 19x19) are the multi-scale decoder's bridges. Frozen, so its maps are
// computed once per image and kept (in memory as host arrays; the Node scripts also cache them on disk).
import type { Engine } from '../runtime/engine.js';
import { InvalidArgumentError } from '../runtime/errors.js';
import type { Tensor } from '../runtime/tensor.js';
import { resize } from '../ops/resize/index.js';
import { FaceRecognitionNet, type FaceRecognitionNetOptions } from '../face/recognition-net.js';
import type { RgbaImage } from '../face/image.js';
import { consume } from '../face/nets/params.js';
import { rgbFloats, stretch } from './canvas.js';

/** Trunk input side: 196 gives the 5 / 11 / 23 maps (150, the net's own input, gives 4 / 8 / 17). */
export const JOINT_INPUT = 196;
/** Side, channels of each trunk level at JOINT_INPUT (c64 resized from 23 to 19 for the decoder's 19x19 bridge). */
export const TRUNK_LEVELS = { c256: [5, 256], c128: [11, 128], c64: [19, 64] } as const;
export type TrunkLevel = keyof typeof TRUNK_LEVELS;

/** Host copies of trunk maps for a set of images: one Float32Array [n, side, side, channels] per level. */
export type TrunkFeatures = Partial<Record<TrunkLevel, Float32Array>> & { n: number };

export const levelSize = (l: TrunkLevel): number => TRUNK_LEVELS[l][0] * TRUNK_LEVELS[l][0] * TRUNK_LEVELS[l][1];

export class JointTrunk {
  private constructor(
    readonly engine: Engine,
    readonly net: FaceRecognitionNet,
    private readonly owned: boolean,
  ) {}

  /** Loads FaceRecognitionNet (default weights: @vladmandic/face-api's) or wraps a loaded one (kept by the caller). */
  static async load(engine: Engine, net?: FaceRecognitionNet, options?: FaceRecognitionNetOptions): Promise<JointTrunk> {
    if (net) return new JointTrunk(engine, net, false);
    return new JointTrunk(engine, await FaceRecognitionNet.load(engine, options), true);
  }

  /** Device maps of a [n, 196, 196, 3] batch for the levels asked for; the caller owns them. */
  forward(x: Tensor, levels: readonly TrunkLevel[]): Partial<Record<TrunkLevel, Tensor>> {
    const f = this.net.features(x);
    const out: Partial<Record<TrunkLevel, Tensor>> = {};
    out.c256 = f.c256;
    if (levels.includes('c128')) out.c128 = f.c128;
    else f.c128.dispose();
    if (levels.includes('c64')) {
      const s = TRUNK_LEVELS.c64[0];
      out.c64 = consume(f.c64, () => resize(this.engine, f.c64, { size: [s, s], mode: 'bilinear', coordinateTransform: 'half_pixel' }));
    } else {
      f.c64.dispose();
    }
    if (!levels.includes('c256')) {
      out.c256.dispose();
      delete out.c256;
    }
    return out;
  }

  /**
   * Host maps of `images` (any size: stretched to 196x196 first), in batches of `batch`; `onBatch` reports progress
   * (images done, total).
   */
  async features(images: readonly RgbaImage[], levels: readonly TrunkLevel[] = ['c256'], batch = 8, onBatch?: (done: number, total: number) => void): Promise<TrunkFeatures> {
    if (images.length === 0) throw new InvalidArgumentError('JointTrunk.features: no images');
    const n = images.length;
    const out: TrunkFeatures = { n };
    for (const l of levels) out[l] = new Float32Array(n * levelSize(l));
    const s = JOINT_INPUT;
    for (let i = 0; i < n; i += batch) {
      const m = Math.min(batch, n - i);
      const px = new Float32Array(m * s * s * 3);
      for (let j = 0; j < m; j++) rgbFloats(stretch(images[i + j]!, s).image, px, j * s * s * 3);
      const x = this.engine.tensor(px, [m, s, s, 3]);
      const maps = consume(x, () => this.forward(x, levels));
      try {
        for (const l of levels) out[l]!.set(await maps[l]!.data(), i * levelSize(l));
      } finally {
        Object.values(maps).forEach((t) => t?.dispose());
      }
      onBatch?.(i + m, n);
    }
    return out;
  }

  dispose(): void {
    if (this.owned) this.net.dispose();
  }
}

/** Rows [from, from + count) of host features (a batch), or the rows in `index` order. */
export function takeRows(f: TrunkFeatures, level: TrunkLevel, index: readonly number[]): Float32Array {
  const k = levelSize(level);
  const src = f[level];
  if (!src) throw new InvalidArgumentError(`trunk features hold no ${level} level`);
  const out = new Float32Array(index.length * k);
  index.forEach((r, i) => out.set(src.subarray(r * k, (r + 1) * k), i * k));
  return out;
}
