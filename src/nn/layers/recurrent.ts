import type { Engine } from '../../runtime/engine.js';
import { fail, UnsupportedError } from '../../runtime/errors.js';
import type { Tensor } from '../../runtime/tensor.js';
import { gruOp, lstmOp, recurrentInputs, simpleRnnOp } from '../../ops/recurrent/index.js';
import { GATES, RNN_ACTIVATIONS, type RnnActivation, type RnnCell } from '../../ops/recurrent/spec.js';
import { recurrentGrad, recurrentTrain } from '../../ops/recurrent-grad/index.js';
import { reshapeCopy } from '../../ops/recurrent-grad/reshape.js';
import { matmul } from '../../ops/matmul/index.js';
import { maskMaps } from './mask-maps.js';
import { initialize, toInitializer, type Initializer, type InitializerSpec } from '../initializers.js';
import type { Rng } from '../rng.js';
import { kerasInitializer } from './dense.js';
import { checkOptions, Layer, optBool, optInt, optNum, optShape, uniqueName, type BackwardResult, type CallOptions, type CallResult, type LayerShape, type TrainContext } from './layer.js';

export interface RecurrentOptions {
  units: number;
  /** Output every step ([batch, T, units]) instead of the last ([batch, units]). */
  returnSequences?: boolean;
  goBackwards?: boolean;
  /** Default tanh. */
  activation?: RnnActivation | 'hardSigmoid';
  /** LSTM / GRU gate activation; default sigmoid (Keras 2.3+; tfjs-layers defaults to hard_sigmoid). */
  recurrentActivation?: RnnActivation | 'hardSigmoid';
  useBias?: boolean;
  kernelInitializer?: Initializer;
  recurrentInitializer?: Initializer;
  biasInitializer?: Initializer;
  /** LSTM: forget-gate bias starts at 1 (Keras default true). */
  unitForgetBias?: boolean;
  /** GRU: reset gate after the recurrent product (Keras 2 default true; false is the original GRU / ONNX). */
  resetAfter?: boolean;
  /** Keras input / recurrent dropout: identity at inference; training rejects them (use a Dropout layer). */
  dropout?: number;
  recurrentDropout?: number;
  /** First layer only: [T, features] (T may be null). */
  inputShape?: LayerShape;
  name?: string;
  trainable?: boolean;
}

const COMMON = ['units', 'returnSequences', 'goBackwards', 'activation', 'useBias', 'kernelInitializer', 'recurrentInitializer', 'biasInitializer', 'dropout', 'recurrentDropout', 'inputShape', 'name', 'trainable'];
const KEYS: Record<RnnCell, string[]> = {
  lstm: [...COMMON, 'recurrentActivation', 'unitForgetBias'],
  gru: [...COMMON, 'recurrentActivation', 'resetAfter'],
  simpleRnn: COMMON,
};
const CLASS: Record<RnnCell, string> = { lstm: 'LSTM', gru: 'GRU', simpleRnn: 'SimpleRNN' };
const BASE: Record<RnnCell, string> = { lstm: 'lstm', gru: 'gru', simpleRnn: 'simple_rnn' };
const OPS = { lstm: lstmOp, gru: gruOp, simpleRnn: simpleRnnOp } as const;

function activation(where: string, name: string, v: unknown, dflt: RnnActivation): RnnActivation {
  if (v === undefined) return dflt;
  if (v === 'hardSigmoid') return 'hard_sigmoid';
  if (!(RNN_ACTIVATIONS as readonly unknown[]).includes(v)) fail(where, `${name} must be one of ${RNN_ACTIVATIONS.join(', ')}, got ${JSON.stringify(v)}`);
  return v as RnnActivation;
}

interface RnnCache {
  /** The sequence the training kernels ran on (x, or its packed valid steps). */
  x: Tensor;
  hseq: Tensor;
  /** The training forward's saved state (activated gates; LSTM c / GRU's reset input), for the backward. */
  gates: Tensor;
  aux?: Tensor;
  /** Masked / re-ordered training: the index maps of mask-maps.ts ([B, T, T] and [B, T | 1, T]). */
  P?: Tensor;
  Q?: Tensor;
}

/** Recurrent call extras: initial states, and the output order / masking Bidirectional asks of its halves. */
export interface RecurrentCallOptions extends CallOptions {
  /** Sequence output in input-time order although the layer runs backwards (Keras Bidirectional's backward half). */
  flipOut?: boolean;
  /** Masked steps output zeros (Keras Bidirectional with return_sequences). */
  zeroOutputForMask?: boolean;
}

/** Keras LSTM / GRU / SimpleRNN over the recurrent ops; training through the recurrent-grad ops (BPTT). */
export class Recurrent extends Layer {
  readonly className: string;
  readonly units: number;
  readonly returnSequences: boolean;
  readonly goBackwards: boolean;
  readonly activation: RnnActivation;
  readonly recurrentActivation: RnnActivation;
  readonly useBias: boolean;
  readonly unitForgetBias: boolean;
  readonly resetAfter: boolean;
  readonly dropout: number;
  readonly recurrentDropout: number;
  readonly trainable: boolean;
  readonly kernelInitializer: InitializerSpec;
  readonly recurrentInitializer: InitializerSpec;
  readonly biasInitializer: InitializerSpec;

  constructor(
    readonly cell: RnnCell,
    options: RecurrentOptions,
  ) {
    const o = checkOptions(BASE[cell], options, KEYS[cell]);
    super(o.name as string | undefined, uniqueName(BASE[cell]));
    this.className = CLASS[cell];
    const where = `${BASE[cell]} '${this.name}'`;
    this.units = optInt(where, 'units', o.units);
    this.returnSequences = optBool(where, 'returnSequences', o.returnSequences, false);
    this.goBackwards = optBool(where, 'goBackwards', o.goBackwards, false);
    this.activation = activation(where, 'activation', o.activation, 'tanh');
    this.recurrentActivation = cell === 'simpleRnn' ? 'sigmoid' : activation(where, 'recurrentActivation', o.recurrentActivation, 'sigmoid');
    this.useBias = optBool(where, 'useBias', o.useBias, true);
    this.unitForgetBias = cell === 'lstm' && optBool(where, 'unitForgetBias', o.unitForgetBias, true);
    this.resetAfter = cell === 'gru' && optBool(where, 'resetAfter', o.resetAfter, true);
    this.dropout = optNum(where, 'dropout', o.dropout, 0, 0, 1);
    this.recurrentDropout = optNum(where, 'recurrentDropout', o.recurrentDropout, 0, 0, 1);
    this.trainable = optBool(where, 'trainable', o.trainable, true);
    this.kernelInitializer = toInitializer(where, o.kernelInitializer ?? 'glorotUniform');
    this.recurrentInitializer = toInitializer(where, o.recurrentInitializer ?? 'orthogonal');
    this.biasInitializer = toInitializer(where, o.biasInitializer ?? 'zeros');
    this.inputShape = optShape(where, 'inputShape', o.inputShape);
  }

  private get where(): string {
    return `${BASE[this.cell]} '${this.name}'`;
  }

  get gates(): number {
    return GATES[this.cell];
  }

  /** Bias shape: [G * units], GRU resetAfter [2, 3 * units] (input and recurrent biases). */
  get biasShape(): number[] {
    return this.cell === 'gru' && this.resetAfter ? [2, 3 * this.units] : [this.gates * this.units];
  }

  outputShape(inShape: LayerShape): LayerShape {
    if (inShape.length !== 2) fail(this.where, `expects input [T, features] (rank 3 with the batch), got [${inShape.join(', ')}] without the batch`);
    const [T, f] = inShape;
    if (f === null) fail(this.where, 'the feature dim of the input must be known');
    const k = this.weights[0]?.shape[0];
    if (k !== undefined && f !== k) fail(this.where, `expects ${k} input features, got ${f}`);
    return this.returnSequences ? [T ?? null, this.units] : [this.units];
  }

  build(engine: Engine, inShape: LayerShape, rng: Rng): void {
    this.outputShape(inShape);
    const f = inShape[1]!;
    const GU = this.gates * this.units;
    const mk = (suffix: string, shape: number[], data: Float32Array) => ({ name: `${this.name}/${suffix}`, shape, tensor: engine.tensor(data, shape), trainable: this.trainable });
    this.weights = [mk('kernel', [f, GU], initialize(this.kernelInitializer, [f, GU], rng)), mk('recurrent_kernel', [this.units, GU], initialize(this.recurrentInitializer, [this.units, GU], rng))];
    if (this.useBias) {
      const b = initialize(this.biasInitializer, this.biasShape, rng);
      if (this.unitForgetBias) b.fill(1, this.units, 2 * this.units);
      this.weights.push(mk('bias', this.biasShape, b));
    }
    this.built = true;
  }

  private opAttrs(returnSequences: boolean, returnState: boolean): Record<string, unknown> {
    const a: Record<string, unknown> = { units: this.units, returnSequences, returnState, goBackwards: this.goBackwards, activation: this.activation };
    if (this.cell !== 'simpleRnn') a.recurrentActivation = this.recurrentActivation;
    if (this.cell === 'gru') a.resetAfter = this.resetAfter;
    return a;
  }

  private weightsOf() {
    return { kernel: this.weights[0]!.tensor, recurrentKernel: this.weights[1]!.tensor, bias: this.useBias ? this.weights[2]!.tensor : undefined };
  }

  /** The attributes of the recurrent op for this layer (inference). */
  inferenceAttrs(): Record<string, unknown> {
    return this.opAttrs(this.returnSequences, false);
  }

  /** The layer's weights as the recurrent op takes them. */
  opWeights() {
    return this.weightsOf();
  }

  call(engine: Engine, x: Tensor, mask: Tensor | undefined, ctx: TrainContext | null, options: RecurrentCallOptions = {}): CallResult {
    if (x.rank !== 3) fail(this.where, `expects x [batch, T, features], got ${x}`);
    if (options.initialState) this.checkStates(options.initialState.length, 1);
    if (!ctx) {
      const attrs = this.opAttrs(this.returnSequences, false);
      if (options.zeroOutputForMask) attrs.zeroOutputForMask = true;
      if (options.flipOut) {
        if (!this.goBackwards) fail(this.where, 'flipOut (output in input-time order) applies to a goBackwards layer');
        attrs.alignBackwards = true;
      }
      const outs = engine.run(OPS[this.cell], recurrentInputs(this.cell, x, this.weightsOf(), { mask, initialState: options.initialState }), attrs as never);
      return { y: outs[0]!, mask: this.returnSequences ? mask : undefined };
    }
    if (options.initialState) throw new UnsupportedError(`${this.where}: training with initial states is not supported (predict takes them)`);
    if (this.dropout > 0 || this.recurrentDropout > 0) {
      throw new UnsupportedError(`${this.where}: training with dropout / recurrentDropout inside the cell is not supported; put a Dropout layer before it`);
    }
    const attrs: Record<string, unknown> = { units: this.units, goBackwards: this.goBackwards, activation: this.activation };
    if (this.cell !== 'simpleRnn') attrs.recurrentActivation = this.recurrentActivation;
    if (this.cell === 'gru') attrs.resetAfter = this.resetAfter;
    const keep = (t: Tensor) => ctx.keep(t);
    if (!mask && !options.flipOut) {
      // The training forward keeps every step's h and gates, so the backward recomputes nothing.
      const [hseq, last, gates, aux] = recurrentTrain(engine, this.cell, x, this.weightsOf(), attrs as never).map(keep);
      return { y: this.returnSequences ? hseq! : last!, cache: { x, hseq: hseq!, gates: gates!, aux: this.cell === 'simpleRnn' ? undefined : aux } satisfies RnnCache };
    }
    // Masked or re-ordered: the training kernels run on each sample's valid steps packed in processing order.
    const host = mask ? ctx.hostMasks?.get(mask) : null;
    if (mask && !host) throw new UnsupportedError(`${this.where}: training with a mask needs the mask of a Masking layer that takes the model input`);
    const [B, T] = x.shape as [number, number, number];
    const maps = maskMaps(B, T, host ?? null, {
      goBackwards: this.goBackwards,
      flipOut: !!options.flipOut,
      zeroOutputForMask: !!options.zeroOutputForMask,
      returnSequences: this.returnSequences,
    });
    const P = keep(engine.tensor(maps.P, [B, T, T]));
    const Q = keep(engine.tensor(maps.Q, [B, this.returnSequences ? T : 1, T]));
    const xc = keep(matmul(engine, P, x));
    const [hseq, , gates, aux] = recurrentTrain(engine, this.cell, xc, this.weightsOf(), { ...attrs, goBackwards: false } as never).map(keep);
    let y = keep(matmul(engine, Q, hseq!));
    if (!this.returnSequences) y = keep(reshapeCopy(engine, y, [B, this.units]));
    const cache: RnnCache = { x: xc, hseq: hseq!, gates: gates!, aux: this.cell === 'simpleRnn' ? undefined : aux, P, Q };
    return { y, mask: this.returnSequences ? mask : undefined, cache };
  }

  backward(ctx: TrainContext, dy: Tensor, cache: unknown, needDx: boolean): BackwardResult {
    const { x, hseq, gates, aux, P, Q } = cache as RnnCache;
    const { engine } = ctx;
    const w = this.weightsOf();
    const packed = !!(P && Q);
    const attrs: Record<string, unknown> = {
      units: this.units,
      // Packed: the gradient of every packed step's h (Q's transpose spreads dy over them), in processing order.
      returnSequences: packed || this.returnSequences,
      goBackwards: packed ? false : this.goBackwards,
      activation: this.activation,
      inputGrad: needDx,
    };
    if (this.cell !== 'simpleRnn') attrs.recurrentActivation = this.recurrentActivation;
    if (this.cell === 'gru') attrs.resetAfter = this.resetAfter;
    let d = dy;
    if (packed) {
      const [B] = x.shape as [number];
      const dy3 = this.returnSequences ? dy : ctx.keep(reshapeCopy(engine, dy, [B, 1, this.units]));
      d = ctx.keep(matmul(engine, Q, dy3, { transposeA: true }));
    }
    const [dK, dR, dB, dxc] = recurrentGrad(engine, this.cell, { x, kernel: w.kernel, recurrentKernel: w.recurrentKernel, bias: w.bias, hseq, dy: d, gates, aux }, attrs as never);
    let dx: Tensor | undefined;
    if (!needDx) dxc!.dispose();
    else if (packed) dx = matmul(engine, P, ctx.keep(dxc!), { transposeA: true });
    else dx = dxc;
    const grads = [dK!, dR!];
    if (this.useBias) grads.push(dB!);
    else dB!.dispose();
    if (!this.trainable) {
      grads.forEach((g) => g.dispose());
      return { dx, grads: [] };
    }
    return { dx, grads };
  }

  /** Keras's state count: [h, c] (LSTM) or [h], per direction. */
  checkStates(n: number, dirs: number): void {
    const want = (this.cell === 'lstm' ? 2 : 1) * dirs;
    const what = this.cell === 'lstm' ? '[h, c]' : '[h]';
    if (n !== want) fail(this.where, `takes ${want} initial states (${dirs === 2 ? `${what} forward, then backward` : what}), got ${n}`);
  }

  /** The same layer running the other way (Bidirectional's backward half): fresh weights, name given. */
  reversed(name: string): Recurrent {
    const o: RecurrentOptions = {
      units: this.units,
      returnSequences: this.returnSequences,
      goBackwards: !this.goBackwards,
      activation: this.activation,
      useBias: this.useBias,
      kernelInitializer: this.kernelInitializer,
      recurrentInitializer: this.recurrentInitializer,
      biasInitializer: this.biasInitializer,
      dropout: this.dropout,
      recurrentDropout: this.recurrentDropout,
      name,
      trainable: this.trainable,
    };
    if (this.cell !== 'simpleRnn') o.recurrentActivation = this.recurrentActivation;
    if (this.cell === 'lstm') o.unitForgetBias = this.unitForgetBias;
    if (this.cell === 'gru') o.resetAfter = this.resetAfter;
    return new Recurrent(this.cell, o);
  }

  config(): Record<string, unknown> {
    const c: Record<string, unknown> = {
      name: this.name,
      trainable: this.trainable,
      units: this.units,
      activation: this.activation,
      use_bias: this.useBias,
      kernel_initializer: kerasInitializer(this.kernelInitializer),
      recurrent_initializer: kerasInitializer(this.recurrentInitializer),
      bias_initializer: kerasInitializer(this.biasInitializer),
      dropout: this.dropout,
      recurrent_dropout: this.recurrentDropout,
      return_sequences: this.returnSequences,
      return_state: false,
      go_backwards: this.goBackwards,
      stateful: false,
      unroll: false,
    };
    if (this.cell !== 'simpleRnn') c.recurrent_activation = this.recurrentActivation;
    if (this.cell === 'lstm') c.unit_forget_bias = this.unitForgetBias;
    if (this.cell === 'gru') c.reset_after = this.resetAfter;
    if (this.inputShape) c.batch_input_shape = [null, ...this.inputShape];
    return c;
  }
}
