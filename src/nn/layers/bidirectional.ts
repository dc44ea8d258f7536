// Keras Bidirectional around an LSTM / GRU / SimpleRNN: the layer and a copy running the other way, outputs
// merged (concat, sum, mul, ave). Inference is one fused op (both directions, the merge included); training runs
// the two halves' training kernels and merges with concat / add / mul ops.
import type { Engine } from '../../runtime/engine.js';
import { fail } from '../../runtime/errors.js';
import type { Tensor } from '../../runtime/tensor.js';
import { add, mul } from '../../ops/binary/index.js';
import { concat } from '../../ops/concat/index.js';
import { gruOp, lstmOp, recurrentInputs, simpleRnnOp } from '../../ops/recurrent/index.js';
import { MERGE_MODES, type MergeMode } from '../../ops/recurrent/spec.js';
import { sliceChannels } from '../../ops/slice/index.js';
import type { Rng } from '../rng.js';
import { checkOptions, Layer, optShape, uniqueName, type BackwardResult, type CallOptions, type CallResult, type LayerShape, type TrainContext } from './layer.js';
import { Recurrent } from './recurrent.js';

export interface BidirectionalOptions {
  /** The recurrent layer (its weights become the forward half; a mirrored copy is the backward half). */
  layer: Recurrent;
  /** How the two outputs combine (default 'concat', as Keras). */
  mergeMode?: MergeMode;
  /** First layer only: [T, features]. */
  inputShape?: LayerShape;
  name?: string;
}

const OPS = { lstm: lstmOp, gru: gruOp, simpleRnn: simpleRnnOp } as const;

interface BiCache {
  f: unknown;
  b: unknown;
  yf: Tensor;
  yb: Tensor;
}

export class Bidirectional extends Layer {
  readonly className = 'Bidirectional';
  readonly forwardLayer: Recurrent;
  readonly backwardLayer: Recurrent;
  readonly mergeMode: MergeMode;
  /** The wrapped layer's own name (Keras config), before the forward_ / backward_ prefixes. */
  private readonly innerName: string;

  constructor(options: BidirectionalOptions) {
    const o = checkOptions('bidirectional', options, ['layer', 'mergeMode', 'inputShape', 'name']);
    super(o.name as string | undefined, uniqueName('bidirectional'));
    const where = `bidirectional '${this.name}'`;
    const layer = o.layer;
    if (!(layer instanceof Recurrent)) fail(where, 'wraps a recurrent layer (layers.lstm / gru / simpleRnn)');
    if (layer.built) fail(where, `layer '${layer.name}' is already built (in a model?); give a fresh layer`);
    const merge = o.mergeMode ?? 'concat';
    if (!(MERGE_MODES as readonly unknown[]).includes(merge)) fail(where, `mergeMode must be one of ${MERGE_MODES.join(', ')}, got ${JSON.stringify(merge)}`);
    this.mergeMode = merge as MergeMode;
    this.innerName = layer.name;
    this.forwardLayer = layer;
    this.backwardLayer = layer.reversed(`backward_${layer.name}`);
    layer.name = `forward_${layer.name}`;
    this.inputShape = optShape(where, 'inputShape', o.inputShape) ?? layer.inputShape;
  }

  get units(): number {
    return this.forwardLayer.units;
  }

  get returnSequences(): boolean {
    return this.forwardLayer.returnSequences;
  }

  outputShape(inShape: LayerShape): LayerShape {
    const s = this.forwardLayer.outputShape(inShape);
    return this.mergeMode === 'concat' ? [...s.slice(0, -1), 2 * this.units] : s;
  }

  build(engine: Engine, inShape: LayerShape, rng: Rng): void {
    this.outputShape(inShape);
    this.forwardLayer.build(engine, inShape, rng);
    this.backwardLayer.build(engine, inShape, rng);
    // Keras / tfjs names: bidirectional/forward_lstm/kernel, bidirectional/backward_lstm/kernel, ...
    for (const w of [...this.forwardLayer.weights, ...this.backwardLayer.weights]) w.name = `${this.name}/${w.name}`;
    this.weights = [...this.forwardLayer.weights, ...this.backwardLayer.weights];
    this.built = true;
  }

  call(engine: Engine, x: Tensor, mask: Tensor | undefined, ctx: TrainContext | null, options: CallOptions = {}): CallResult {
    if (x.rank !== 3) fail(`bidirectional '${this.name}'`, `expects x [batch, T, features], got ${x}`);
    // Keras sets zero_output_for_mask on both halves when they return sequences.
    const zeroOutputForMask = this.returnSequences;
    if (options.initialState) this.forwardLayer.checkStates(options.initialState.length, 2);
    if (!ctx) {
      const attrs = { ...this.forwardLayer.inferenceAttrs(), bidirectional: this.mergeMode, zeroOutputForMask };
      const inputs = recurrentInputs(this.forwardLayer.cell, x, this.forwardLayer.opWeights(), { mask, initialState: options.initialState, backward: this.backwardLayer.opWeights() });
      const y = engine.run(OPS[this.forwardLayer.cell], inputs, attrs as never)[0]!;
      return { y, mask: this.returnSequences ? mask : undefined };
    }
    if (options.initialState) fail(`bidirectional '${this.name}'`, 'training with initial states is not supported');
    const rf = this.forwardLayer.call(engine, x, mask, ctx, { zeroOutputForMask });
    // The backward half's sequence comes back in input-time order (Keras reverses it).
    const rb = this.backwardLayer.call(engine, x, mask, ctx, { zeroOutputForMask, flipOut: this.returnSequences });
    const yf = rf.y;
    const yb = rb.y;
    let y: Tensor;
    if (this.mergeMode === 'concat') y = concat(engine, [yf, yb], { axis: -1 });
    else if (this.mergeMode === 'sum') y = add(engine, yf, yb);
    else if (this.mergeMode === 'mul') y = mul(engine, yf, yb);
    else y = mul(engine, ctx.keep(add(engine, yf, yb)), ctx.keep(engine.tensor([0.5], [1])));
    return { y: ctx.keep(y), mask: this.returnSequences ? mask : undefined, cache: { f: rf.cache, b: rb.cache, yf, yb } satisfies BiCache };
  }

  backward(ctx: TrainContext, dy: Tensor, cache: unknown, needDx: boolean): BackwardResult {
    const { engine } = ctx;
    const c = cache as BiCache;
    const u = this.units;
    let dyf = dy;
    let dyb = dy;
    if (this.mergeMode === 'concat') {
      dyf = ctx.keep(sliceChannels(engine, dy, 0, u));
      dyb = ctx.keep(sliceChannels(engine, dy, u, u));
    } else if (this.mergeMode === 'mul') {
      dyf = ctx.keep(mul(engine, dy, c.yb));
      dyb = ctx.keep(mul(engine, dy, c.yf));
    } else if (this.mergeMode === 'ave') {
      dyf = dyb = ctx.keep(mul(engine, dy, ctx.keep(engine.tensor([0.5], [1]))));
    }
    const gf = this.forwardLayer.backward(ctx, dyf, c.f, needDx);
    const gb = this.backwardLayer.backward(ctx, dyb, c.b, needDx);
    let dx: Tensor | undefined;
    if (needDx) dx = add(engine, ctx.keep(gf.dx!), ctx.keep(gb.dx!));
    return { dx, grads: [...gf.grads, ...gb.grads] };
  }

  config(): Record<string, unknown> {
    const inner: Record<string, unknown> = { ...this.forwardLayer.config(), name: this.innerName };
    delete inner.batch_input_shape;
    return { name: this.name, trainable: this.forwardLayer.trainable, layer: { class_name: this.forwardLayer.className, config: inner }, merge_mode: this.mergeMode };
  }

  dispose(): void {
    this.forwardLayer.dispose();
    this.backwardLayer.dispose();
    this.weights = [];
    this.built = false;
  }
}
