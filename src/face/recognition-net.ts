// FaceRecognitionNet: dlib's ResNet-34-like face embedder (face-api's port, weights face_recognition_model*):
// 150x150 RGB -> 128-d descriptor (Euclidean distance < ~0.6: same person).
//
// Layers (face-api src/faceRecognitionNet): conv 7x7/2 valid + scale + relu, maxPool 3/2, residual blocks
// 32 x3, 64 (down) + x3, 128 (down) + x2, 256 (down) + x2, 256 (down), mean over H, W, fc 256 -> 128. Each conv is
// conv + bias, then a "scale layer" (x * w + b): that is exactly conv2d's fused epilogue ((conv + bias) * bnScale +
// bnShift, then the activation). The input normalisation (rgb - mean) / 256 is folded into the first conv: it is a
// 'valid' conv, so every tap sees a real (or zero-padded raw) pixel and W / 256 (a power of two: exact) with
// bias - sum(W * mean) / 256 gives the same function.
import type { Engine } from '../runtime/engine.js';
import { InvalidArgumentError } from '../runtime/errors.js';
import type { Tensor } from '../runtime/tensor.js';
import { shapeStr } from '../runtime/shape.js';
import { conv2d, type Conv2dAttrs } from '../ops/conv2d/index.js';
import { avgPool, globalAvgPool, maxPool } from '../ops/pool/index.js';
import { add } from '../ops/binary/index.js';
import { activation } from '../ops/activation/index.js';
import { pad } from '../ops/pad/index.js';
import { matmul } from '../ops/matmul/index.js';
import { expectAllTaken } from '../nn/weights/take.js';
import type { RgbaImage } from './image.js';
import { FACE_MEAN_RGB, faceBatch, type FaceBox, type FaceCrop } from './nets/face-input.js';
import { consume, ParamStore } from './nets/params.js';
import { loadModelWeights, type ModelSource } from './nets/weights-source.js';

export const FACE_RECOGNITION_INPUT = 150;
export const FACE_DESCRIPTOR_SIZE = 128;

export interface FaceRecognitionNetOptions extends ModelSource {
  /**
   * The mean-subtracted pixels are divided by this: 256 (dlib, face-api.js 0.22: default) or 255
   * (@vladmandic/face-api 1.x, whose descriptors the tests match with 255): a 0.4% input scale, a small shift.
   */
  inputDivisor?: number;
}

/**
 * One conv + scale layer in one of three forms, picked at load for the engine's backend and the layer's (fixed)
 * input size:
 * - 'conv': conv2d with the fused epilogue ((conv + bias) * scale + shift), exactly face-api's op order;
 * - 'centre': a 3x3 'same' conv on a 1x1 map, where only the centre tap meets data: exactly a 1x1 conv;
 * - 'gemm' (WebGPU, maps of <= 8x8 with 128+ input channels): im2col as a grouped conv with one-hot 3x3 filters
 *   (each input channel to its 9 taps), then one matmul with the scale folded into the weights and bias
 *   (w * s, b * s + t: the same function, rounded once more). conv2d's WebGPU kernels parallelise over output
 *   pixels, so 16 pixels x 2304 taps x 256 channels runs on a handful of invocations: 19-38 ms on lavapipe, the
 *   im2col + matmul pair 6-13 ms (8x8x128: 3.0 vs 2.5 ms min; from 17x17x64 on the conv wins). On WASM the
 *   direct conv is faster (1 vs 2 ms at 4x4x256), so there it stays a conv.
 */
type ConvLayer =
  | { form: 'conv' | 'centre'; filter: Tensor; bias: Tensor; scale: Tensor; shift: Tensor }
  | { form: 'gemm'; im2col: Tensor; weights: Tensor; bias: Tensor; cin: number };

interface Residual {
  conv1: ConvLayer;
  conv2: ConvLayer;
  down: boolean;
}

const OPTION_KEYS = ['weights', 'modelPath', 'fetch', 'inputDivisor'];
const where = 'FaceRecognitionNet';

/** Builds layers of one net on one engine; shares the one-hot im2col filters between layers. */
class LayerBuilder {
  private oneHot = new Map<number, Tensor>();

  constructor(
    private readonly p: ParamStore,
    private readonly gpu: boolean,
  ) {}

  /** A 3x3 layer `prefix` whose output map is `outSide` square. */
  layer(prefix: string, cin: number, cout: number, inSide: number, outSide: number): ConvLayer {
    const p = this.p;
    const name = `${prefix}/conv/filters`;
    if (inSide === 1) {
      // 'same' 3x3 on 1x1: the centre tap [1, 1, cin, cout] of the HWIO filter.
      const w = p.values(name, [3, 3, cin, cout]);
      return { form: 'centre', filter: p.upload(w.subarray(4 * cin * cout, 5 * cin * cout), [1, 1, cin, cout]), ...this.epilogue(prefix, cout) };
    }
    if (this.gpu && outSide <= 8 && cin >= 128) return this.gemm(prefix, cin, cout);
    return { form: 'conv', filter: p.take(name, [3, 3, cin, cout]), ...this.epilogue(prefix, cout) };
  }

  private epilogue(prefix: string, cout: number): { bias: Tensor; scale: Tensor; shift: Tensor } {
    const p = this.p;
    return {
      bias: p.take(`${prefix}/conv/bias`, [cout]),
      scale: p.take(`${prefix}/scale/weights`, [cout]),
      shift: p.take(`${prefix}/scale/biases`, [cout]),
    };
  }

  private gemm(prefix: string, cin: number, cout: number): ConvLayer {
    const p = this.p;
    const w = p.values(`${prefix}/conv/filters`, [3, 3, cin, cout]);
    const b = p.values(`${prefix}/conv/bias`, [cout]);
    const s = p.values(`${prefix}/scale/weights`, [cout]);
    const t = p.values(`${prefix}/scale/biases`, [cout]);
    // im2col channel ci * 9 + tap (grouped conv order) <- HWIO row tap * cin + ci; columns scaled.
    const weights = new Float32Array(9 * cin * cout);
    for (let tap = 0; tap < 9; tap++) {
      for (let ci = 0; ci < cin; ci++) {
        const src = (tap * cin + ci) * cout;
        const dst = (ci * 9 + tap) * cout;
        for (let co = 0; co < cout; co++) weights[dst + co] = w[src + co]! * s[co]!;
      }
    }
    let im2col = this.oneHot.get(cin);
    if (!im2col) {
      // Filter [3, 3, 1, cin * 9], groups cin: output channel ci * 9 + tap copies input channel ci at that tap.
      const f = new Float32Array(9 * cin * 9);
      for (let tap = 0; tap < 9; tap++) for (let ci = 0; ci < cin; ci++) f[tap * cin * 9 + ci * 9 + tap] = 1;
      im2col = p.upload(f, [3, 3, 1, cin * 9]);
      this.oneHot.set(cin, im2col);
    }
    return {
      form: 'gemm',
      im2col,
      weights: p.upload(weights, [9 * cin, cout]),
      bias: p.upload(Array.from(b, (v, c) => v * s[c]! + t[c]!), [cout]),
      cin,
    };
  }
}

/** conv32_down with the input normalisation folded in (see the file comment). */
function firstLayer(p: ParamStore, divisor: number): ConvLayer {
  const prefix = 'conv32_down';
  const k = 7;
  const cout = 32;
  const w = p.values(`${prefix}/conv/filters`, [k, k, 3, cout]);
  const b = p.values(`${prefix}/conv/bias`, [cout]);
  const folded = new Float32Array(w.length);
  const shift = new Float64Array(cout);
  for (let i = 0; i < w.length; i++) {
    const ci = Math.floor(i / cout) % 3;
    folded[i] = w[i]! / divisor;
    shift[i % cout] += (w[i]! * FACE_MEAN_RGB[ci]!) / divisor;
  }
  return {
    form: 'conv',
    filter: p.upload(folded, [k, k, 3, cout]),
    bias: p.upload(Array.from(b, (v, c) => v - shift[c]!), [cout]),
    scale: p.take(`${prefix}/scale/weights`, [cout]),
    shift: p.take(`${prefix}/scale/biases`, [cout]),
  };
}

function checkOptions(o: unknown): FaceRecognitionNetOptions {
  if (o === undefined) return {};
  if (o === null || typeof o !== 'object') throw new InvalidArgumentError(`${where}.load: options must be an object`);
  for (const k of Object.keys(o)) {
    if (!OPTION_KEYS.includes(k)) throw new InvalidArgumentError(`${where}.load: unknown option '${k}' (known: ${OPTION_KEYS.join(', ')})`);
  }
  const d = (o as FaceRecognitionNetOptions).inputDivisor;
  if (d !== undefined && (typeof d !== 'number' || !Number.isFinite(d) || d <= 0)) {
    throw new InvalidArgumentError(`${where}.load: inputDivisor must be a finite number > 0, got ${String(d)}`);
  }
  return o as FaceRecognitionNetOptions;
}

export class FaceRecognitionNet {
  private constructor(
    readonly engine: Engine,
    private readonly params: ParamStore,
    private readonly first: ConvLayer,
    private readonly blocks: Residual[],
    private readonly fc: Tensor,
  ) {}

  /** Loads the weights (see ModelSource; default: @vladmandic/face-api's model folder in Node) onto `engine`. */
  static async load(engine: Engine, options?: FaceRecognitionNetOptions): Promise<FaceRecognitionNet> {
    const opts = checkOptions(options);
    const weights = await loadModelWeights(`${where}.load`, 'face_recognition_model', opts);
    const p = new ParamStore(engine, weights);
    try {
      const first = firstLayer(p, opts.inputDivisor ?? 256);
      const lb = new LayerBuilder(p, engine.backendName === 'webgpu');
      const blocks: Residual[] = [];
      // Map sides at the fixed 150x150 input: 35 after the stem; a down block's 3x3/2 'valid' conv1 makes
      // floor((side - 3) / 2) + 1 (35 -> 17 -> 8 -> 3, then 4 -> 1), its shortcut pool (side - 2) / 2 + 1.
      let side = 35;
      const stage = (name: string, cin: number, cout: number, down: boolean): void => {
        const out = down ? Math.floor((side - 3) / 2) + 1 : side;
        blocks.push({ conv1: lb.layer(`${name}/conv1`, cin, cout, side, out), conv2: lb.layer(`${name}/conv2`, cout, cout, out, out), down });
        side = down ? Math.floor((side - 2) / 2) + 1 : side;
      };
      ['conv32_1', 'conv32_2', 'conv32_3'].forEach((n) => stage(n, 32, 32, false));
      stage('conv64_down', 32, 64, true);
      ['conv64_1', 'conv64_2', 'conv64_3'].forEach((n) => stage(n, 64, 64, false));
      stage('conv128_down', 64, 128, true);
      ['conv128_1', 'conv128_2'].forEach((n) => stage(n, 128, 128, false));
      stage('conv256_down', 128, 256, true);
      ['conv256_1', 'conv256_2'].forEach((n) => stage(n, 256, 256, false));
      stage('conv256_down_out', 256, 256, true);
      const fc = p.take('fc', [256, FACE_DESCRIPTOR_SIZE]);
      expectAllTaken(weights, where);
      return new FaceRecognitionNet(engine, p, first, blocks, fc);
    } catch (e) {
      p.dispose();
      throw e;
    }
  }

  private conv(x: Tensor, l: ConvLayer, attrs: Conv2dAttrs, residual?: Tensor): Tensor {
    const e = this.engine;
    if (l.form === 'gemm') {
      const { strides, padding } = attrs;
      const cols = conv2d(e, x, l.im2col, { strides, padding, groups: l.cin });
      return consume(cols, () => matmul(e, cols, l.weights, { activation: attrs.activation }, { bias: l.bias }));
    }
    const a: Conv2dAttrs = l.form === 'centre' ? { ...attrs, padding: 'valid' } : attrs;
    return conv2d(e, x, l.filter, a, { bias: l.bias, bnScale: l.scale, bnShift: l.shift, residual });
  }

  /** relu(conv2(conv1(x)) + shortcut): the shortcut is x, or for a down block x avg-pooled 2x2 and zero-padded. */
  private residual(x: Tensor, b: Residual): Tensor {
    const e = this.engine;
    const h = this.conv(x, b.conv1, b.down ? { strides: 2, padding: 'valid', activation: 'relu' } : { padding: 'same', activation: 'relu' });
    if (!b.down && b.conv2.form !== 'gemm') {
      // relu(conv2 + x) in one conv: the shortcut rides in as conv2d's residual.
      return consume(h, () => this.conv(h, b.conv2, { padding: 'same', activation: 'relu' }, x));
    }
    let out = consume(h, () => this.conv(h, b.conv2, { padding: 'same' }));
    let short = x;
    if (b.down) {
      short = avgPool(e, x, { windowSize: 2, strides: 2, padding: 'valid' });
      // A 'valid' 3x3/2 conv can come out one smaller than the 2x2/2 pool (8 -> 3 vs 4): face-api pads the conv
      // output with a zero row and column at the bottom / right.
      const dh = short.shape[1]! - out.shape[1]!;
      const dw = short.shape[2]! - out.shape[2]!;
      if (dh || dw) {
        const o = out;
        out = consume(o, () => pad(e, o, { paddings: [[0, 0], [0, dh], [0, dw], [0, 0]] }));
      }
      const dc = out.shape[3]! - short.shape[3]!;
      if (dc) {
        const s = short;
        short = consume(s, () => pad(e, s, { paddings: [[0, 0], [0, 0], [0, 0], [0, dc]] }));
      }
    }
    const sum = consume(short === x ? [out] : [out, short], () => add(e, out, short));
    return consume(sum, () => activation(e, sum, { activation: 'relu' }));
  }

  /**
   * The net on a batch already on the device: x [n, 150, 150, 3] f32 RGB 0..255 (e.g. aligned face chips) ->
   * descriptors [n, 1, 1, 128]. x stays the caller's; the result is the caller's to dispose.
   */
  forward(x: Tensor): Tensor {
    this.params.check(`${where}.forward`);
    const s = FACE_RECOGNITION_INPUT;
    if (x.rank !== 4 || x.shape[1] !== s || x.shape[2] !== s || x.shape[3] !== 3) {
      throw new InvalidArgumentError(`${where}.forward: input must be [n, ${s}, ${s}, 3] RGB 0..255, got ${shapeStr(x.shape)}`);
    }
    const e = this.engine;
    const c = this.conv(x, this.first, { strides: 2, padding: 'valid', activation: 'relu' });
    let out = consume(c, () => maxPool(e, c, { windowSize: 3, strides: 2, padding: 'valid' }));
    for (const b of this.blocks) {
      const inp = out;
      out = consume(inp, () => this.residual(inp, b));
    }
    const last = out;
    const pooled = consume(last, () => globalAvgPool(e, last));
    return consume(pooled, () => matmul(e, pooled, this.fc));
  }

  /**
   * The trunk's feature maps, for heads trained on top of the frozen net (src/detector): x [n, s, s, 3] RGB 0..255
   * of any side s >= 64 (the trunk is fully convolutional). Returns the outputs of the last 64-, 128- and
   * 256-channel residual blocks (the 256 map is the last one before conv256_down_out and the pooling): at s = 196
   * they are 23x23x64, 11x11x128 and 5x5x256 (at 150: 17, 8, 4). x stays the caller's; the maps are the caller's.
   */
  features(x: Tensor): { c64: Tensor; c128: Tensor; c256: Tensor } {
    this.params.check(`${where}.features`);
    if (x.rank !== 4 || x.shape[1]! < 64 || x.shape[2]! < 64 || x.shape[3] !== 3) {
      throw new InvalidArgumentError(`${where}.features: input must be [n, h >= 64, w >= 64, 3] RGB 0..255, got ${shapeStr(x.shape)}`);
    }
    const e = this.engine;
    const c = this.conv(x, this.first, { strides: 2, padding: 'valid', activation: 'relu' });
    let out = consume(c, () => maxPool(e, c, { windowSize: 3, strides: 2, padding: 'valid' }));
    // Blocks 0-6: the 32 and 64 stages, 7-9: 128, 10-12: 256 (13 is conv256_down_out).
    const taps: Tensor[] = [];
    try {
      for (let i = 0; i <= 12; i++) {
        const inp = out;
        out = [6, 9].includes(i - 1) ? this.residual(inp, this.blocks[i]!) : consume(inp, () => this.residual(inp, this.blocks[i]!));
        if (i === 6 || i === 9) taps.push(out);
      }
    } catch (err) {
      taps.forEach((t) => t.dispose());
      throw err;
    }
    return { c64: taps[0]!, c128: taps[1]!, c256: out };
  }

  /** The 128-d descriptor of the face in `box` (default: the whole image is the face). One readback. */
  async embed(image: RgbaImage, box?: FaceBox): Promise<Float32Array> {
    return (await this.embedBatch([{ image, box }]))[0]!;
  }

  /** Descriptors of several faces, run as one batch. One readback. */
  async embedBatch(crops: readonly FaceCrop[]): Promise<Float32Array[]> {
    this.params.check(`${where}.embedBatch`);
    const { x } = faceBatch(this.engine, `${where}.embed`, crops, FACE_RECOGNITION_INPUT);
    const y = consume(x, () => this.forward(x));
    let data: Float32Array;
    try {
      data = await y.data();
    } finally {
      y.dispose();
    }
    const n = FACE_DESCRIPTOR_SIZE;
    return crops.map((_, i) => data.slice(i * n, (i + 1) * n));
  }

  /** Frees the weights. */
  dispose(): void {
    this.params.dispose();
  }
}
