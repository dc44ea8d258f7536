// Layers without weights: Dropout, Masking, InputLayer; and the TimeDistributed wrapper (around Dense).
import type { Engine } from '../../runtime/engine.js';
import { fail, UnsupportedError } from '../../runtime/errors.js';
import type { Tensor } from '../../runtime/tensor.js';
import { mul } from '../../ops/binary/index.js';
import { sequenceMask } from '../../ops/sequence-mask/index.js';
import type { Rng } from '../rng.js';
import { Dense } from './dense.js';
import { checkOptions, Layer, optNum, optShape, uniqueName, type BackwardResult, type CallResult, type LayerShape, type TrainContext } from './layer.js';

export interface DropoutOptions {
  /** Fraction of inputs dropped while training (0 <= rate < 1). Identity at inference. */
  rate: number;
  /** Seed for the training masks (default: drawn from the model's seed). */
  seed?: number;
  inputShape?: LayerShape;
  name?: string;
}

/** Keras Dropout: identity at inference; while training, inputs zeroed with probability rate, the rest scaled 1 / (1 - rate). */
export class Dropout extends Layer {
  readonly className = 'Dropout';
  readonly rate: number;
  readonly seed?: number;

  constructor(options: DropoutOptions) {
    const o = checkOptions('dropout', options, ['rate', 'seed', 'inputShape', 'name']);
    super(o.name as string | undefined, uniqueName('dropout'));
    this.rate = optNum(`dropout '${this.name}'`, 'rate', o.rate, NaN, 0, 0.999999);
    if (Number.isNaN(this.rate)) fail(`dropout '${this.name}'`, 'needs a rate');
    this.seed = o.seed === undefined ? undefined : optNum(`dropout '${this.name}'`, 'seed', o.seed, 0);
    this.inputShape = optShape(`dropout '${this.name}'`, 'inputShape', o.inputShape);
  }

  outputShape(inShape: LayerShape): LayerShape {
    return inShape;
  }

  call(engine: Engine, x: Tensor, mask: Tensor | undefined, ctx: TrainContext | null): CallResult {
    if (!ctx || this.rate === 0) return { y: x, mask, cache: null };
    const keep = 1 - this.rate;
    const m = new Float32Array(x.size);
    for (let i = 0; i < m.length; i++) m[i] = ctx.rng.next() < keep ? 1 / keep : 0;
    const mt = ctx.keep(engine.tensor(m, x.shape));
    return { y: ctx.keep(mul(engine, x, mt)), mask, cache: mt };
  }

  backward(ctx: TrainContext, dy: Tensor, cache: unknown, needDx: boolean): BackwardResult {
    if (!needDx) return { grads: [] };
    if (cache === null) return { dx: dy, grads: [] };
    return { dx: mul(ctx.engine, dy, cache as Tensor), grads: [] };
  }

  config(): Record<string, unknown> {
    return { name: this.name, trainable: true, rate: this.rate, noise_shape: null, seed: this.seed ?? null };
  }
}

export interface MaskingOptions {
  /** Steps whose features all equal this are skipped by the recurrent layers after it (default 0). */
  maskValue?: number;
  inputShape?: LayerShape;
  name?: string;
}

/** Keras Masking: zeroes masked steps and hands the mask [batch, T] to the layers after it. */
export class Masking extends Layer {
  readonly className = 'Masking';
  readonly maskValue: number;

  constructor(options: MaskingOptions = {}) {
    const o = checkOptions('masking', options, ['maskValue', 'inputShape', 'name']);
    super(o.name as string | undefined, uniqueName('masking'));
    this.maskValue = optNum(`masking '${this.name}'`, 'maskValue', o.maskValue, 0);
    this.inputShape = optShape(`masking '${this.name}'`, 'inputShape', o.inputShape);
  }

  outputShape(inShape: LayerShape): LayerShape {
    if (inShape.length !== 2) fail(`masking '${this.name}'`, `expects [T, features] inputs (rank 3 with the batch), got [${inShape.join(', ')}]`);
    return inShape;
  }

  call(engine: Engine, x: Tensor, _mask: Tensor | undefined, ctx: TrainContext | null): CallResult {
    const [y, m] = sequenceMask(engine, x, { maskValue: this.maskValue });
    if (ctx) {
      ctx.keep(y!);
      ctx.keep(m!);
      // Training: the recurrent layers after this one need the mask on the host (mask-maps.ts); it comes from
      // the batch's host values, so no readback.
      const host = x.lineage.kind === 'host' && x.dtype === 'f32' ? (x.lineage.data as Float32Array) : null;
      if (!host) throw new UnsupportedError(`masking '${this.name}': training through a Masking layer needs it to take the model input (make it the first layer)`);
      ctx.hostMasks?.set(m!, hostMask(host, x.shape as [number, number, number], this.maskValue));
    }
    return { y: y!, mask: m };
  }

  config(): Record<string, unknown> {
    return { name: this.name, trainable: true, mask_value: this.maskValue };
  }
}

export interface InputLayerOptions {
  /** Shape without the batch, e.g. [10, 128] or [null, 128]. */
  inputShape: LayerShape;
  name?: string;
}

/** Keras's mask on host values [B, T, F]: 1 where any feature differs from maskValue. */
export function hostMask(x: Float32Array, [B, T, F]: readonly [number, number, number], maskValue: number): Float32Array {
  const m = new Float32Array(B * T);
  for (let r = 0; r < B * T; r++) {
    for (let f = 0; f < F; f++) {
      if (x[r * F + f] !== maskValue) {
        m[r] = 1;
        break;
      }
    }
  }
  return m;
}

/** Keras InputLayer: declares the input shape; identity. */
export class InputLayer extends Layer {
  readonly className = 'InputLayer';

  constructor(options: InputLayerOptions) {
    const o = checkOptions('inputLayer', options, ['inputShape', 'name']);
    super(o.name as string | undefined, uniqueName('input'));
    this.inputShape = optShape(`inputLayer '${this.name}'`, 'inputShape', o.inputShape);
    if (!this.inputShape) fail(`inputLayer '${this.name}'`, 'needs inputShape');
  }

  outputShape(inShape: LayerShape): LayerShape {
    return inShape;
  }

  call(_engine: Engine, x: Tensor, mask: Tensor | undefined): CallResult {
    return { y: x, mask, cache: null };
  }

  backward(_ctx: TrainContext, dy: Tensor, _cache: unknown, needDx: boolean): BackwardResult {
    return { dx: needDx ? dy : undefined, grads: [] };
  }

  config(): Record<string, unknown> {
    return { name: this.name, batch_input_shape: [null, ...this.inputShape!], dtype: 'float32', sparse: false };
  }
}

/** Keras TimeDistributed around a Dense: the same Dense on every step (Dense on the last dim of [batch, T, f]). */
export class TimeDistributed extends Layer {
  readonly className = 'TimeDistributed';

  constructor(
    readonly layer: Dense,
    options: { name?: string; inputShape?: LayerShape } = {},
  ) {
    const o = checkOptions('timeDistributed', options, ['name', 'inputShape']);
    super(o.name as string | undefined, uniqueName('time_distributed'));
    if (!(layer instanceof Dense)) fail(`timeDistributed '${this.name}'`, 'wraps a Dense layer (the only one supported)');
    this.inputShape = optShape(`timeDistributed '${this.name}'`, 'inputShape', o.inputShape) ?? layer.inputShape;
  }

  outputShape(inShape: LayerShape): LayerShape {
    if (inShape.length !== 2) fail(`timeDistributed '${this.name}'`, `expects [T, features] inputs (rank 3 with the batch), got [${inShape.join(', ')}]`);
    return [inShape[0]!, ...this.layer.outputShape(inShape.slice(1))];
  }

  build(engine: Engine, inShape: LayerShape, rng: Rng): void {
    this.outputShape(inShape);
    this.layer.name = this.name;
    this.layer.build(engine, inShape.slice(1), rng);
    this.weights = this.layer.weights;
    this.built = true;
  }

  call(engine: Engine, x: Tensor, mask: Tensor | undefined, ctx: TrainContext | null): CallResult {
    if (x.rank !== 3) fail(`timeDistributed '${this.name}'`, `expects x [batch, T, features], got ${x}`);
    return this.layer.call(engine, x, mask, ctx);
  }

  backward(ctx: TrainContext, dy: Tensor, cache: unknown, needDx: boolean, preActivation = false): BackwardResult {
    return this.layer.backward(ctx, dy, cache, needDx, preActivation);
  }

  config(): Record<string, unknown> {
    return { name: this.name, trainable: true, layer: { class_name: 'Dense', config: this.layer.config() } };
  }

  dispose(): void {
    this.layer.dispose();
    this.weights = [];
    this.built = false;
  }
}
