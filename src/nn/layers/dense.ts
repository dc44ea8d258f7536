import type { Engine } from '../../runtime/engine.js';
import { fail } from '../../runtime/errors.js';
import type { Tensor } from '../../runtime/tensor.js';
import { denseGrad } from '../../ops/dense-grad/index.js';
import { dense as denseOp } from '../../ops/matmul/index.js';
import { softmax } from '../../ops/softmax/index.js';
import type { Activation } from '../../ops/activation/spec.js';
import { initialize, toInitializer, type Initializer, type InitializerSpec } from '../initializers.js';
import type { Rng } from '../rng.js';
import { checkOptions, Layer, optBool, optInt, optShape, uniqueName, type BackwardResult, type CallResult, type LayerShape, type TrainContext } from './layer.js';

/** Dense activations (Keras names; 'none' = 'linear'). */
export const DENSE_ACTIVATIONS = ['linear', 'none', 'relu', 'relu6', 'sigmoid', 'tanh', 'softmax'] as const;
export type DenseActivation = (typeof DENSE_ACTIVATIONS)[number];

export interface DenseOptions {
  units: number;
  activation?: DenseActivation;
  useBias?: boolean;
  kernelInitializer?: Initializer;
  biasInitializer?: Initializer;
  /** First layer only: the input shape without batch, e.g. [128]. */
  inputShape?: LayerShape;
  name?: string;
  trainable?: boolean;
}

const KEYS = ['units', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer', 'inputShape', 'name', 'trainable'];

interface DenseCache {
  x: Tensor;
  y: Tensor;
}

/** Keras Dense: act(x @ kernel + bias) over the last dim (rank 3 input = TimeDistributed(Dense)). */
export class Dense extends Layer {
  readonly className: string = 'Dense';
  readonly units: number;
  readonly activation: DenseActivation;
  readonly useBias: boolean;
  readonly kernelInitializer: InitializerSpec;
  readonly biasInitializer: InitializerSpec;
  readonly trainable: boolean;

  constructor(options: DenseOptions) {
    const o = checkOptions('dense', options, KEYS);
    super(o.name as string | undefined, uniqueName('dense'));
    const where = `dense '${this.name}'`;
    this.units = optInt(where, 'units', o.units);
    const act = o.activation ?? 'linear';
    if (!(DENSE_ACTIVATIONS as readonly unknown[]).includes(act)) fail(where, `activation must be one of ${DENSE_ACTIVATIONS.join(', ')}, got ${JSON.stringify(act)}`);
    this.activation = act === 'none' ? 'linear' : (act as DenseActivation);
    this.useBias = optBool(where, 'useBias', o.useBias, true);
    this.trainable = optBool(where, 'trainable', o.trainable, true);
    this.kernelInitializer = toInitializer(where, o.kernelInitializer ?? 'glorotUniform');
    this.biasInitializer = toInitializer(where, o.biasInitializer ?? 'zeros');
    this.inputShape = optShape(where, 'inputShape', o.inputShape);
  }

  outputShape(inShape: LayerShape): LayerShape {
    if (inShape.length < 1) fail(`dense '${this.name}'`, 'needs an input with a feature dim');
    const f = inShape[inShape.length - 1];
    if (f === null || f === undefined) fail(`dense '${this.name}'`, `the last input dim must be known, got [${inShape.join(', ')}]`);
    const k = this.weights[0]?.shape[0];
    if (k !== undefined && f !== k) fail(`dense '${this.name}'`, `expects ${k} input features, got ${f}`);
    return [...inShape.slice(0, -1), this.units];
  }

  build(engine: Engine, inShape: LayerShape, rng: Rng): void {
    this.outputShape(inShape);
    const f = inShape[inShape.length - 1]!;
    const kShape = [f, this.units];
    this.weights = [{ name: `${this.name}/kernel`, shape: kShape, tensor: engine.tensor(initialize(this.kernelInitializer, kShape, rng), kShape), trainable: this.trainable }];
    if (this.useBias) {
      this.weights.push({ name: `${this.name}/bias`, shape: [this.units], tensor: engine.tensor(initialize(this.biasInitializer, [this.units], rng), [this.units]), trainable: this.trainable });
    }
    this.built = true;
  }

  call(engine: Engine, x: Tensor, mask: Tensor | undefined, ctx: TrainContext | null): CallResult {
    const [k, b] = [this.weights[0]!.tensor, this.useBias ? this.weights[1]!.tensor : undefined];
    let y: Tensor;
    if (this.activation === 'softmax') {
      const z = denseOp(engine, x, k, b);
      y = softmax(engine, z);
      z.dispose();
    } else {
      y = denseOp(engine, x, k, b, { activation: (this.activation === 'linear' ? 'none' : this.activation) as Activation });
    }
    if (ctx) ctx.keep(y);
    return { y, mask, cache: ctx ? ({ x, y } satisfies DenseCache) : undefined };
  }

  backward(ctx: TrainContext, dy: Tensor, cache: unknown, needDx: boolean, preActivation = false): BackwardResult {
    const { x, y } = cache as DenseCache;
    const act = preActivation || this.activation === 'linear' ? 'none' : this.activation;
    const [dK, dB, dx] = denseGrad(ctx.engine, x, this.weights[0]!.tensor, act === 'none' ? undefined : y, dy, { activation: act, inputGrad: needDx });
    if (!needDx) dx!.dispose();
    const grads: Tensor[] = [];
    if (this.trainable) {
      grads.push(dK!);
      if (this.useBias) grads.push(dB!);
      else dB!.dispose();
    } else {
      dK!.dispose();
      dB!.dispose();
    }
    return { dx: needDx ? dx : undefined, grads };
  }

  config(): Record<string, unknown> {
    return {
      name: this.name,
      trainable: this.trainable,
      units: this.units,
      activation: this.activation,
      use_bias: this.useBias,
      kernel_initializer: kerasInitializer(this.kernelInitializer),
      bias_initializer: kerasInitializer(this.biasInitializer),
      ...(this.inputShape ? { batch_input_shape: [null, ...this.inputShape] } : {}),
    };
  }
}

const CLASS: Record<string, string> = {
  zeros: 'Zeros',
  ones: 'Ones',
  constant: 'Constant',
  glorotUniform: 'GlorotUniform',
  glorotNormal: 'GlorotNormal',
  heUniform: 'HeUniform',
  heNormal: 'HeNormal',
  lecunUniform: 'LecunUniform',
  lecunNormal: 'LecunNormal',
  orthogonal: 'Orthogonal',
  randomUniform: 'RandomUniform',
  randomNormal: 'RandomNormal',
  truncatedNormal: 'TruncatedNormal',
};

/** An initialiser as a Keras { class_name, config } entry. */
export function kerasInitializer(s: InitializerSpec): Record<string, unknown> {
  const { name, ...rest } = s;
  return { class_name: CLASS[name], config: rest };
}
