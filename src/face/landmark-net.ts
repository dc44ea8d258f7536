// FaceLandmark68Net and FaceLandmark68TinyNet (face-api's weights face_landmark_68_model*, face_landmark_68_tiny_model*):
// 112x112 RGB -> 68 (x, y) points, relative to the padded square input.
//
// Layers (face-api src/faceFeatureExtractor, src/faceProcessor): dense blocks (4 of them, 3 for tiny) of
//   out1 = relu(conv0(x))        conv0: a 3x3/2 conv in the first block, else a depthwise-separable 3x3/2 conv
//   out2 = sep(out1)             sep: depthwise 3x3 (no bias) then pointwise 1x1 + bias, no activation
//   out3 = sep(relu(out1 + out2))
//   out4 = sep(relu(out1 + out2 + out3))
//   y    = relu(out1 + out2 + out3 (+ out4))
// (sums, not concatenations), then the mean over the final 7x7 (14x14 tiny) map and fc -> 136. Every relu that
// feeds a depthwise conv runs inside it (conv2d inputRelu). Input: (rgb - mean)
// / 255 (unlike the recognition net's / 256). conv0 of the first block is a 'same' conv whose bottom / right zero
// padding lives in the normalised space, so the normalisation cannot fold into it: it runs as one 1x1 depthwise
// conv (bias -mean, bnScale 1/255), exactly (x - mean) * (1/255).
import type { Engine } from '../runtime/engine.js';
import { InvalidArgumentError } from '../runtime/errors.js';
import type { Tensor } from '../runtime/tensor.js';
import { shapeStr } from '../runtime/shape.js';
import { conv2d } from '../ops/conv2d/index.js';
import { globalAvgPool } from '../ops/pool/index.js';
import { matmul } from '../ops/matmul/index.js';
import { expectAllTaken } from '../nn/weights/take.js';
import type { RgbaImage } from './image.js';
import { FACE_MEAN_RGB, faceBatch, type CropGeometry, type FaceBox, type FaceCrop } from './nets/face-input.js';
import { consume, ParamStore } from './nets/params.js';
import { loadModelWeights, type ModelSource } from './nets/weights-source.js';

export const FACE_LANDMARK_INPUT = 112;
export const FACE_LANDMARK_POINTS = 68;

export interface FacePoint {
  x: number;
  y: number;
}

export interface FaceLandmarkNetOptions extends ModelSource {
  /** FaceLandmark68TinyNet (3 dense blocks of 3 convs, 128 features) instead of the full net. Default false. */
  tiny?: boolean;
}

/** Depthwise-separable conv: depthwise filter [3, 3, 1, c] (groups c), pointwise [1, 1, c, cout], bias [cout]. */
interface SepConv {
  depthwise: Tensor;
  pointwise: Tensor;
  bias: Tensor;
}

interface DenseBlock {
  /** Block 0: a plain 3x3 conv (filter + bias); the others: separable. */
  conv0: SepConv | { filter: Tensor; bias: Tensor };
  rest: SepConv[];
}

const OPTION_KEYS = ['weights', 'modelPath', 'fetch', 'tiny'];

function sepConv(p: ParamStore, prefix: string, cin: number, cout: number): SepConv {
  return {
    // tfjs stores depthwise filters [3, 3, c, 1]; with multiplier 1 that is our [3, 3, 1, c] element for element.
    depthwise: p.take(`${prefix}/depthwise_filter`, [3, 3, cin, 1], [3, 3, 1, cin]),
    pointwise: p.take(`${prefix}/pointwise_filter`, [1, 1, cin, cout]),
    bias: p.take(`${prefix}/bias`, [cout]),
  };
}

export class FaceLandmarkNet {
  private constructor(
    readonly engine: Engine,
    /** 'FaceLandmark68Net' or 'FaceLandmark68TinyNet'. */
    readonly name: string,
    private readonly params: ParamStore,
    private readonly norm: { filter: Tensor; bias: Tensor; scale: Tensor },
    private readonly blocks: DenseBlock[],
    private readonly fc: { weights: Tensor; bias: Tensor },
  ) {}

  /** Loads the full (default) or tiny net's weights (see ModelSource) onto `engine`. */
  static async load(engine: Engine, options?: FaceLandmarkNetOptions): Promise<FaceLandmarkNet> {
    if (options !== undefined && (options === null || typeof options !== 'object')) {
      throw new InvalidArgumentError('FaceLandmarkNet.load: options must be an object');
    }
    const opts = options ?? {};
    for (const k of Object.keys(opts)) {
      if (!OPTION_KEYS.includes(k)) throw new InvalidArgumentError(`FaceLandmarkNet.load: unknown option '${k}' (known: ${OPTION_KEYS.join(', ')})`);
    }
    if (opts.tiny !== undefined && typeof opts.tiny !== 'boolean') {
      throw new InvalidArgumentError(`FaceLandmarkNet.load: tiny must be a boolean, got ${JSON.stringify(opts.tiny)}`);
    }
    const tiny = opts.tiny ?? false;
    const name = tiny ? 'FaceLandmark68TinyNet' : 'FaceLandmark68Net';
    const weights = await loadModelWeights(`${name}.load`, tiny ? 'face_landmark_68_tiny_model' : 'face_landmark_68_model', opts);
    const p = new ParamStore(engine, weights);
    try {
      const norm = {
        filter: p.upload([1, 1, 1], [1, 1, 1, 3]),
        bias: p.upload(FACE_MEAN_RGB.map((m) => -m), [3]),
        scale: p.upload([1 / 255, 1 / 255, 1 / 255], [3]),
      };
      const widths = tiny ? [32, 64, 128] : [32, 64, 128, 256];
      const convs = tiny ? 3 : 4;
      const blocks = widths.map((cout, b): DenseBlock => {
        const cin = b === 0 ? 3 : widths[b - 1]!;
        const pre = `dense${b}`;
        const conv0 =
          b === 0
            ? { filter: p.take(`${pre}/conv0/filters`, [3, 3, 3, cout]), bias: p.take(`${pre}/conv0/bias`, [cout]) }
            : sepConv(p, `${pre}/conv0`, cin, cout);
        const rest = Array.from({ length: convs - 1 }, (_, i) => sepConv(p, `${pre}/conv${i + 1}`, cout, cout));
        return { conv0, rest };
      });
      const c = widths[widths.length - 1]!;
      const fc = { weights: p.take('fc/weights', [c, 2 * FACE_LANDMARK_POINTS]), bias: p.take('fc/bias', [2 * FACE_LANDMARK_POINTS]) };
      expectAllTaken(weights, name);
      return new FaceLandmarkNet(engine, name, p, norm, blocks, fc);
    } catch (e) {
      p.dispose();
      throw e;
    }
  }

  get tiny(): boolean {
    return this.blocks.length === 3;
  }

  /**
   * Depthwise-separable conv of relu(x) (inputRelu, fused into the depthwise conv) or of x, plus `residual` (fused
   * into the pointwise conv).
   */
  private sep(x: Tensor, c: SepConv, stride: number, act: 'relu' | 'none', inputRelu: boolean, residual?: Tensor): Tensor {
    const e = this.engine;
    const cin = x.shape[3]!;
    const d = conv2d(e, x, c.depthwise, { strides: stride, padding: 'same', groups: cin, inputRelu });
    return consume(d, () => conv2d(e, d, c.pointwise, { activation: act }, { bias: c.bias, residual }));
  }

  /**
   * One dense block on relu(x) (block 0: on x). Returns the block's raw running sum s; its output is relu(s),
   * which the next block's depthwise conv applies as it reads (inputRelu). The `last` block returns relu(s).
   */
  private dense(x: Tensor, b: DenseBlock, last: boolean): Tensor {
    const e = this.engine;
    const out1 =
      'filter' in b.conv0
        ? conv2d(e, x, b.conv0.filter, { strides: 2, padding: 'same', activation: 'relu' }, { bias: b.conv0.bias })
        : this.sep(x, b.conv0, 2, 'relu', true);
    // Running sum s_k = out1 + ... + out_k: each next conv reads relu(s_k) (s_1 = out1 is relu'd already) and
    // adds s_k to its output as it writes it.
    let sum = out1;
    b.rest.forEach((c, i) => {
      const s = sum;
      // The last block's last conv applies the net's final relu as it writes (no pass of its own).
      const act = last && i === b.rest.length - 1 ? 'relu' : 'none';
      sum = consume(s, () => this.sep(s, c, 1, act, s !== out1, s));
    });
    return sum;
  }

  /**
   * The net on a batch already on the device: x [n, 112, 112, 3] f32 RGB 0..255 -> [n, 1, 1, 136]: x0, y0, x1, ...
   * as fractions of the input square. x stays the caller's; the result is the caller's to dispose.
   */
  forward(x: Tensor): Tensor {
    this.params.check(`${this.name}.forward`);
    const s = FACE_LANDMARK_INPUT;
    if (x.rank !== 4 || x.shape[1] !== s || x.shape[2] !== s || x.shape[3] !== 3) {
      throw new InvalidArgumentError(`${this.name}.forward: input must be [n, ${s}, ${s}, 3] RGB 0..255, got ${shapeStr(x.shape)}`);
    }
    const e = this.engine;
    let out = conv2d(e, x, this.norm.filter, { groups: 3 }, { bias: this.norm.bias, bnScale: this.norm.scale });
    this.blocks.forEach((b, i) => {
      const inp = out;
      out = consume(inp, () => this.dense(inp, b, i === this.blocks.length - 1));
    });
    const last = out;
    // face-api's avgPool 7x7/2 (14x14/2 tiny) 'valid' covers the whole final map: a global mean.
    const pooled = consume(last, () => globalAvgPool(e, last));
    return consume(pooled, () => matmul(e, pooled, this.fc.weights, {}, { bias: this.fc.bias }));
  }

  /** 68 points, in image pixels, of the face in `box` (default: the whole image). One readback. */
  async detect(image: RgbaImage, box?: FaceBox): Promise<FacePoint[]> {
    return (await this.detectBatch([{ image, box }]))[0]!;
  }

  /** 68 points per face, run as one batch. One readback. */
  async detectBatch(crops: readonly FaceCrop[]): Promise<FacePoint[][]> {
    this.params.check(`${this.name}.detect`);
    const { x, geoms } = faceBatch(this.engine, `${this.name}.detect`, crops, FACE_LANDMARK_INPUT);
    const y = consume(x, () => this.forward(x));
    let data: Float32Array;
    try {
      data = await y.data();
    } finally {
      y.dispose();
    }
    return geoms.map((g, i) => toImagePoints(data.subarray(i * 2 * FACE_LANDMARK_POINTS, (i + 1) * 2 * FACE_LANDMARK_POINTS), g));
  }

  /** Frees the weights. */
  dispose(): void {
    this.params.dispose();
  }
}

/**
 * Net output (fractions of the padded square) -> image pixels. face-api subtracts half the padding, |w - h| / 2;
 * we subtract the padding actually put before the crop (floor of that: they differ by 0.5 px for odd differences).
 */
export function toImagePoints(out: ArrayLike<number>, g: CropGeometry): FacePoint[] {
  const pts: FacePoint[] = [];
  for (let i = 0; i < FACE_LANDMARK_POINTS; i++) {
    pts.push({ x: out[2 * i]! * g.side - g.padLeft + g.x, y: out[2 * i + 1]! * g.side - g.padTop + g.y });
  }
  return pts;
}
