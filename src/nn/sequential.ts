// Sequential: a stack of layers on one engine. predict runs the layers' inference ops; compile + fit train on
// the device (forward ops, the backward ops of src/ops/*-grad, in-place optimiser updates), reading back only
// the epoch's loss / accuracy sums once per epoch.
import { Engine } from '../runtime/engine.js';
import { DeviceLostError, fail, InvalidArgumentError, InvalidModelFileError, UnsupportedError } from '../runtime/errors.js';
import { Tensor } from '../runtime/tensor.js';
import { softmaxCrossEntropy } from '../ops/loss-grad/index.js';
import { sumSquares } from '../ops/optimizer-grad/index.js';
import { gatherRows, sliceRows, toHost, toHostAsync, type DataInput, type HostData } from './data.js';
import { Dense } from './layers/dense.js';
import { checkOptions, Layer, optShape, type LayerShape, type TrainContext } from './layers/layer.js';
import { TimeDistributed } from './layers/misc.js';
import { toOptimizer, type Optimizer } from './optimizers.js';
import { randomSeed, Rng } from './rng.js';

export interface SequentialOptions {
  /** The engine every weight and activation lives on (createEngine()). */
  engine: Engine;
  /** Input shape without the batch, e.g. [10, 128] or [null, 128]; else the first layer's inputShape, else the first data seen. */
  inputShape?: LayerShape;
  /** Seed for the initialisers (and the default for fit's shuffling and dropout). Default: random. */
  seed?: number;
  name?: string;
}

export type LossName = 'categoricalCrossentropy' | 'sparseCategoricalCrossentropy';

export interface CompileOptions {
  /** 'adam', 'sgd', or optimizers.adam({ learningRate, clipNorm, ... }) / optimizers.sgd({ ... }). */
  optimizer: 'adam' | 'sgd' | Optimizer;
  /** categoricalCrossentropy (one-hot labels) or sparseCategoricalCrossentropy (class indices); the model must end in a softmax Dense. */
  loss: LossName | 'categorical_crossentropy' | 'sparse_categorical_crossentropy';
  /** ['accuracy'] (or 'acc') adds acc / val_acc to the history. */
  metrics?: string[];
}

export interface EpochLogs {
  loss: number;
  acc?: number;
  val_loss?: number;
  val_acc?: number;
}

export interface FitOptions {
  epochs?: number;
  /** Default 32. */
  batchSize?: number;
  /** Fraction of the samples, taken from the end before shuffling (as Keras), held out for validation. */
  validationSplit?: number;
  /** Explicit validation data [x, y] (takes precedence over validationSplit). */
  validationData?: [DataInput, DataInput];
  /** Shuffle the training samples every epoch (default true), seeded. */
  shuffle?: boolean;
  /** Seed for shuffling and dropout (default: derived from the model's seed). */
  seed?: number;
  /** Called after every epoch (awaited). */
  onEpochEnd?: (epoch: number, logs: EpochLogs) => void | Promise<void>;
  /** 1: one console line per epoch. Default 0. */
  verbose?: 0 | 1;
}

export interface History {
  epoch: number[];
  history: { loss: number[]; acc?: number[]; val_loss?: number[]; val_acc?: number[] };
  /** Wall time per epoch in ms (training and validation). */
  epochTimeMs: number[];
}

export interface SequentialPredictOptions {
  /** x's shape, when x is a flat Float32Array. */
  shape?: readonly number[];
  /**
   * Keras initial_state, by recurrent layer name: [h] (GRU, SimpleRNN) or [h, c] (LSTM), each [batch, units];
   * a Bidirectional layer takes the forward direction's states, then the backward's. Unnamed layers start at zeros.
   */
  initialState?: Record<string, readonly DataInput[]>;
}

export interface EvaluateResult {
  loss: number;
  acc: number;
}

/** tfjs-style weights: specs plus one buffer of float32 values in spec order. */
export interface WeightsArtifacts {
  weightSpecs: { name: string; shape: number[]; dtype: 'float32' }[];
  weightData: ArrayBuffer;
}

/** A whole model: Keras topology (model.json's modelTopology) plus its weights. */
export interface ModelArtifacts extends WeightsArtifacts {
  modelTopology: Record<string, unknown>;
  format: 'layers-model';
  generatedBy: string;
}

let modelCount = 0;

export class Sequential {
  readonly engine: Engine;
  readonly layers: Layer[];
  readonly name: string;
  readonly seed: number;
  inputShape?: LayerShape;
  private built = false;
  private compiled: { optimizer: Optimizer; sparse: boolean; accuracy: boolean } | null = null;
  private disposed = false;

  constructor(layers: Layer[], options: SequentialOptions) {
    const o = checkOptions('sequential', options, ['engine', 'inputShape', 'seed', 'name']);
    if (!(o.engine instanceof Engine)) fail('sequential', 'needs { engine } (from createEngine())');
    if (!Array.isArray(layers) || layers.length === 0) fail('sequential', 'needs a non-empty array of layers');
    layers.forEach((l, i) => {
      if (!(l instanceof Layer)) fail('sequential', `layer ${i} is not a layer (use layers.lstm(...), layers.dense(...), ...)`);
    });
    const names = new Set<string>();
    for (const l of layers) {
      if (names.has(l.name)) fail('sequential', `two layers are named '${l.name}' (names must be unique)`);
      names.add(l.name);
    }
    layers.slice(1).forEach((l) => {
      if (l.inputShape && l.className !== 'InputLayer') fail('sequential', `only the first layer takes inputShape ('${l.name}' has one)`);
    });
    if (o.seed !== undefined && (typeof o.seed !== 'number' || !Number.isFinite(o.seed))) fail('sequential', `seed must be a finite number, got ${String(o.seed)}`);
    this.engine = o.engine as Engine;
    this.layers = layers;
    this.name = (o.name as string | undefined) ?? `sequential_${++modelCount}`;
    this.seed = (o.seed as number | undefined) ?? randomSeed();
    this.inputShape = optShape('sequential', 'inputShape', o.inputShape) ?? layers[0]!.inputShape;
    if (this.inputShape) this.build(this.inputShape);
  }

  private checkOpen(where: string): void {
    if (this.disposed) fail(where, 'the model was disposed');
  }

  /** Creates every layer's weights for an input shape without the batch ([T, features]). */
  build(inputShape: LayerShape): void {
    this.checkOpen('build');
    const shape = optShape('build', 'inputShape', inputShape)!;
    const rng = new Rng(this.seed);
    let s = shape;
    for (const l of this.layers) {
      // Each layer draws from its own stream: adding a layer does not change the others' weights.
      const lr = new Rng(rng.int());
      if (!l.built) l.build(this.engine, s, lr);
      s = l.outputShape(s);
    }
    this.inputShape = shape;
    this.built = true;
  }

  /** Output shape without the batch. */
  get outputShape(): LayerShape {
    if (!this.inputShape) fail('sequential', 'the model is not built yet (give inputShape or call predict / fit)');
    return this.layers.reduce((s, l) => l.outputShape(s), this.inputShape);
  }

  /** Validates a batch shape against the model input; builds the model on first use. */
  private checkBatchShape(where: string, shape: readonly number[]): void {
    const want = this.inputShape;
    const rank = (want?.length ?? shape.length - 1) + 1;
    if (shape.length !== rank) {
      fail(where, `x must be rank ${rank} [batch, ${want ? want.map((d) => d ?? '?').join(', ') : '...'}], got shape [${shape.join(', ')}]`);
    }
    if (shape[0] === 0) fail(where, 'x is an empty batch (0 samples)');
    if (rank === 3 && shape[1] === 0) fail(where, `x has T = 0 steps (shape [${shape.join(', ')}]); sequences need at least one step`);
    if (want) {
      want.forEach((d, i) => {
        if (d !== null && d !== shape[i + 1]) {
          const what = rank === 3 ? (i === 0 ? 'steps' : 'features') : 'features';
          fail(where, `the model expects ${d} ${what}, got x of shape [${shape.join(', ')}] (expected [batch, ${want.map((v) => v ?? '?').join(', ')}])`);
        }
      });
    } else {
      this.build(shape.slice(1));
    }
    if (shape.some((d) => d === 0)) fail(where, `x has an empty dim: [${shape.join(', ')}]`);
  }

  /** The layers' inference path. Frees intermediates; the caller's x is kept. */
  private forward(x: Tensor, states?: Map<Layer, Tensor[]>): Tensor {
    let cur = x;
    let mask: Tensor | undefined;
    for (const l of this.layers) {
      const initialState = states?.get(l);
      const r = l.call(this.engine, cur, mask, null, initialState ? { initialState } : undefined);
      if (mask && mask !== r.mask) mask.dispose();
      if (cur !== x && cur !== r.y) cur.dispose();
      cur = r.y;
      mask = r.mask;
    }
    if (mask) mask.dispose();
    // A model of identity layers hands back its input: return a tensor the caller owns.
    return cur;
  }

  /**
   * Runs the model: x is a tensor [batch, ...inputShape], host data (a Float32Array with `shape`, or nested
   * arrays), validated first (rank, steps, features; host data also for ragged rows and NaN / Infinity).
   * `options`: x's shape (for a flat Float32Array), or { shape?, initialState? } (Keras initial_state by
   * recurrent layer name). Returns the output tensor (read it with `.data()`, dispose it when done).
   */
  predict(x: DataInput, options?: readonly number[] | SequentialPredictOptions): Tensor {
    this.checkOpen('predict');
    const o: SequentialPredictOptions =
      Array.isArray(options) || ArrayBuffer.isView(options) ? { shape: Array.from(options as ArrayLike<number>) } : ((checkOptions('predict', options, ['shape', 'initialState']) as SequentialPredictOptions) ?? {});
    const made: Tensor[] = [];
    try {
      let t: Tensor;
      if (x instanceof Tensor) {
        if (x.disposed) fail('predict', `x ${x} was disposed`);
        this.checkBatchShape('predict', x.shape);
        t = x;
      } else {
        const d = toHost('predict', 'x', x, o.shape);
        this.checkBatchShape('predict', d.shape);
        t = this.engine.tensor(d.data, d.shape);
        made.push(t);
      }
      const y = this.forward(t, this.initialStates(o.initialState, made));
      if (y === x) fail('predict', 'the model has no layer that computes anything');
      return y;
    } finally {
      made.forEach((m) => m.dispose());
    }
  }

  /** predict's initialState: layer name -> tensors (host data is uploaded; `made` collects what to free). */
  private initialStates(spec: SequentialPredictOptions['initialState'], made: Tensor[]): Map<Layer, Tensor[]> | undefined {
    if (spec === undefined) return undefined;
    if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) fail('predict', 'initialState must be an object { layerName: [h] | [h, c] | [h, c, hBackward, cBackward] }');
    const out = new Map<Layer, Tensor[]>();
    for (const [name, states] of Object.entries(spec)) {
      const l = this.layers.find((x) => x.name === name);
      if (!l) fail('predict', `initialState names layer '${name}', which is not in the model (layers: ${this.layers.map((x) => x.name).join(', ')})`);
      if (!['LSTM', 'GRU', 'SimpleRNN', 'Bidirectional'].includes(l.className)) fail('predict', `initialState is for recurrent layers; '${name}' is a ${l.className}`);
      if (!Array.isArray(states) || states.length === 0) fail('predict', `initialState '${name}' must be a non-empty array of states [batch, units]`);
      out.set(
        l,
        states.map((s, i) => {
          if (s instanceof Tensor) {
            if (s.disposed) fail('predict', `initialState '${name}' [${i}] was disposed`);
            return s;
          }
          const d = toHost('predict', `initialState '${name}' [${i}]`, s as Exclude<DataInput, Tensor>);
          const t = this.engine.tensor(d.data, d.shape);
          made.push(t);
          return t;
        }),
      );
    }
    return out;
  }

  /** Chooses optimizer and loss for fit / evaluate. The model must end in a softmax Dense (or TimeDistributed Dense). */
  compile(options: CompileOptions): void {
    this.checkOpen('compile');
    const o = checkOptions('compile', options, ['optimizer', 'loss', 'metrics']);
    const optimizer = toOptimizer(o.optimizer);
    const loss = o.loss;
    const known = ['categoricalCrossentropy', 'categorical_crossentropy', 'sparseCategoricalCrossentropy', 'sparse_categorical_crossentropy'];
    if (typeof loss !== 'string' || !known.includes(loss)) {
      throw new UnsupportedError(`compile: loss ${JSON.stringify(loss)} is not supported (supported: categoricalCrossentropy, sparseCategoricalCrossentropy)`);
    }
    const metrics = o.metrics ?? [];
    if (!Array.isArray(metrics)) fail('compile', `metrics must be an array, got ${JSON.stringify(metrics)}`);
    for (const m of metrics) {
      if (!['accuracy', 'acc', 'categoricalAccuracy', 'categorical_accuracy'].includes(m as string)) {
        throw new UnsupportedError(`compile: metric ${JSON.stringify(m)} is not supported (supported: accuracy)`);
      }
    }
    const last = this.layers[this.layers.length - 1]!;
    const dense = last instanceof TimeDistributed ? last.layer : last;
    if (!(dense instanceof Dense) || dense.activation !== 'softmax') {
      throw new UnsupportedError(`compile: cross-entropy needs the model to end in a Dense (or TimeDistributed Dense) with activation 'softmax'; '${last.name}' is a ${last.className}${dense instanceof Dense ? ` with activation '${dense.activation}'` : ''}`);
    }
    this.compiled?.optimizer.dispose();
    this.compiled = { optimizer, sparse: loss.startsWith('sparse'), accuracy: metrics.length > 0 };
  }

  /** Labels as one-hot host data matching the model output for n samples. */
  private labels(where: string, y: HostData, n: number): HostData {
    const out = this.outputShape as number[];
    const C = out[out.length - 1]!;
    if (y.shape[0] !== n) fail(where, `y has ${y.shape[0]} samples but x has ${n}`);
    if (this.compiled!.sparse) {
      const want = [n, ...out.slice(0, -1)];
      const ok = y.shape.length === want.length ? y.shape.every((d, i) => d === want[i]) : y.shape.length === want.length + 1 && y.shape.at(-1) === 1;
      if (!ok) fail(where, `sparse labels must be [${want.join(', ')}] class indices, got [${y.shape.join(', ')}]`);
      const rows = y.data.length;
      const hot = new Float32Array(rows * C);
      for (let i = 0; i < rows; i++) {
        const c = y.data[i]!;
        if (!Number.isInteger(c) || c < 0 || c >= C) fail(where, `sparse label ${i} is ${c}; class indices are integers in [0, ${C})`);
        hot[i * C + c] = 1;
      }
      return { data: hot, shape: [n, ...out.slice(0, -1), C] };
    }
    const want = [n, ...out];
    if (y.shape.length !== want.length || y.shape.some((d, i) => d !== want[i])) {
      fail(where, `y must be [${want.join(', ')}] (one-hot over ${C} classes), got [${y.shape.join(', ')}]`);
    }
    return y;
  }

  private async prepareXY(where: string, x: DataInput, y: DataInput): Promise<{ xs: HostData; ys: HostData }> {
    if (!this.compiled) fail(where, 'call compile({ optimizer, loss }) first');
    const xs = await toHostAsync(where, 'x', x);
    this.checkBatchShape(where, xs.shape);
    const ysRaw = await toHostAsync(where, 'y', y);
    return { xs, ys: this.labels(where, ysRaw, xs.shape[0]!) };
  }

  /** Rows of loss per sample (TimeDistributed outputs: one per step). */
  private rowsPerSample(): number {
    const out = this.outputShape as number[];
    return out.slice(0, -1).reduce((a, b) => a * b, 1);
  }

  /** Forward + loss over batches into acc [2] (loss sum, hits); no gradient. */
  private evaluateInto(xs: HostData, ys: HostData, batchSize: number, acc: Tensor): void {
    const n = xs.shape[0]!;
    for (let i = 0; i < n; i += batchSize) {
      const j = Math.min(n, i + batchSize);
      const xb = sliceRows(xs, i, j);
      const yb = sliceRows(ys, i, j);
      const xt = this.engine.tensor(xb.data, xb.shape);
      const yt = this.engine.tensor(yb.data, yb.shape);
      const p = this.forward(xt);
      const [dl, stats] = softmaxCrossEntropy(this.engine, p, yt, {}, acc);
      [xt, yt, p, dl!, stats!].forEach((t) => t.dispose());
      this.engine.flush();
    }
  }

  /**
   * Forward (training mode), fused softmax cross-entropy (its sums added to acc), backward: the trainable
   * parameters and their gradients. Every tensor made on the way is registered with ctx.keep or in `owned`.
   */
  private backprop(ctx: TrainContext, owned: Tensor[], xb: HostData, yb: HostData, acc: Tensor): { params: Tensor[]; grads: Tensor[] } {
    const { engine } = this;
    let x = ctx.keep(engine.tensor(xb.data, xb.shape));
    const labels = ctx.keep(engine.tensor(yb.data, yb.shape));
    const caches: unknown[] = [];
    let mask: Tensor | undefined;
    for (const l of this.layers) {
      const r = l.call(engine, x, mask, ctx);
      caches.push(r.cache);
      x = r.y;
      mask = r.mask;
    }
    // Keras would mask the loss of a masked sequence output; this loss does not, so it refuses.
    if (mask) throw new UnsupportedError('training: the mask of a Masking layer reaches the loss (a sequence output); Keras masks the loss there, which is not supported: end with a recurrent layer without returnSequences');
    const [dl, stats] = softmaxCrossEntropy(engine, x, labels, {}, acc);
    stats!.dispose();
    let g: Tensor | undefined = dl!;
    owned.push(dl!);
    const first = this.layers.findIndex((l) => l.trainableWeights.length > 0);
    const params: Tensor[] = [];
    const grads: Tensor[] = [];
    for (let i = this.layers.length - 1; i >= Math.max(first, 0) && g; i--) {
      const l = this.layers[i]!;
      // The last layer's dy is w.r.t. its pre-softmax logits (softmax and cross-entropy fused).
      const r = l.backward(ctx, g, caches[i], i > first, i === this.layers.length - 1);
      owned.push(...r.grads);
      params.unshift(...l.trainableWeights.map((w) => w.tensor));
      grads.unshift(...r.grads);
      g = r.dx;
      if (g) owned.push(g);
    }
    return { params, grads };
  }

  private stepContext(rng: Rng): { ctx: TrainContext; kept: Tensor[]; owned: Tensor[]; free: () => void } {
    const kept: Tensor[] = [];
    const owned: Tensor[] = [];
    const ctx: TrainContext = {
      engine: this.engine,
      rng,
      keep: (t: Tensor) => {
        kept.push(t);
        return t;
      },
      hostMasks: new Map(),
    };
    const free = () => {
      for (const t of new Set([...kept, ...owned])) t.dispose();
      // Submit now: the pool gets this step's buffers back for the next one.
      this.engine.flush();
    };
    return { ctx, kept, owned, free };
  }

  /** One optimisation step on a batch: backprop, clipping by global norm, in-place optimiser update. */
  private trainStep(xb: HostData, yb: HostData, acc: Tensor, rng: Rng): void {
    const { engine } = this;
    const { ctx, owned, free } = this.stepContext(rng);
    try {
      const { params, grads } = this.backprop(ctx, owned, xb, yb, acc);
      const opt = this.compiled!.optimizer;
      let normSq: Tensor | undefined;
      if (opt.clipNorm > 0) {
        normSq = engine.tensor([0], [1]);
        owned.push(normSq);
        for (const gr of grads) sumSquares(engine, gr, normSq).dispose();
      }
      opt.apply(engine, params, grads, normSq);
    } finally {
      free();
    }
  }

  /**
   * Gradients of the compiled loss (mean over the batch) w.r.t. every trainable weight, for one batch, in
   * `weights` order of the trainable ones; no update. Dropout layers are active, as in training.
   */
  async gradients(x: DataInput, y: DataInput, options: { seed?: number } = {}): Promise<{ name: string; grad: Float32Array }[]> {
    this.checkOpen('gradients');
    this.checkTrainable('gradients');
    const { xs, ys } = await this.prepareXY('gradients', x, y);
    const { ctx, owned, free } = this.stepContext(new Rng(options.seed ?? this.seed + 1));
    const acc = this.engine.tensor([0, 0], [2]);
    owned.push(acc);
    try {
      const { params, grads } = this.backprop(ctx, owned, xs, ys, acc);
      const names = new Map(this.weights.map((w) => [w.tensor, w.name]));
      const values = await Promise.all(grads.map((g) => g.data()));
      return params.map((p, i) => ({ name: names.get(p)!, grad: values[i]! }));
    } finally {
      free();
    }
  }

  private checkTrainable(where: string): void {
    // A Masking layer trains only where it sees the model input (its mask comes from the host batch).
    const at = this.layers.findIndex((l) => l.className === 'Masking');
    if (at > 0 && this.layers.slice(0, at).some((l) => l.className !== 'InputLayer')) {
      throw new UnsupportedError(`${where}: training through a Masking layer needs it first (after an optional InputLayer); '${this.layers[at]!.name}' is layer ${at}`);
    }
  }

  /**
   * Trains the model. x / y: tensors (read back once), host data or nested arrays; y one-hot (or class indices
   * with sparseCategoricalCrossentropy). Returns the history of loss / acc / val_loss / val_acc per epoch.
   */
  async fit(x: DataInput, y: DataInput, options: FitOptions = {}): Promise<History> {
    this.checkOpen('fit');
    const o = checkOptions('fit', options, ['epochs', 'batchSize', 'validationSplit', 'validationData', 'shuffle', 'seed', 'onEpochEnd', 'verbose']) as FitOptions;
    const epochs = o.epochs ?? 1;
    const batchSize = o.batchSize ?? 32;
    if (!Number.isInteger(epochs) || epochs < 1) fail('fit', `epochs must be an integer >= 1, got ${String(o.epochs)}`);
    if (!Number.isInteger(batchSize) || batchSize < 1) fail('fit', `batchSize must be an integer >= 1, got ${String(o.batchSize)}`);
    const split = o.validationSplit ?? 0;
    if (typeof split !== 'number' || !(split >= 0 && split < 1)) fail('fit', `validationSplit must be in [0, 1), got ${String(o.validationSplit)}`);
    if (o.shuffle !== undefined && typeof o.shuffle !== 'boolean') fail('fit', `shuffle must be a boolean, got ${JSON.stringify(o.shuffle)}`);
    if (o.onEpochEnd !== undefined && typeof o.onEpochEnd !== 'function') fail('fit', 'onEpochEnd must be a function');
    if (o.seed !== undefined && (typeof o.seed !== 'number' || !Number.isFinite(o.seed))) fail('fit', `seed must be a finite number, got ${String(o.seed)}`);
    this.checkTrainable('fit');
    const { xs, ys } = await this.prepareXY('fit', x, y);
    const n = xs.shape[0]!;
    let trainX = xs;
    let trainY = ys;
    let valX: HostData | null = null;
    let valY: HostData | null = null;
    if (o.validationData) {
      if (!Array.isArray(o.validationData) || o.validationData.length !== 2) fail('fit', 'validationData must be [x, y]');
      const v = await this.prepareXY('fit (validationData)', o.validationData[0], o.validationData[1]);
      valX = v.xs;
      valY = v.ys;
    } else if (split > 0) {
      const at = Math.floor(n * (1 - split));
      if (at < 1 || at >= n) fail('fit', `validationSplit ${split} of ${n} samples leaves an empty training or validation set`);
      trainX = sliceRows(xs, 0, at);
      trainY = sliceRows(ys, 0, at);
      valX = sliceRows(xs, at, n);
      valY = sliceRows(ys, at, n);
    }
    const nTrain = trainX.shape[0]!;
    const rps = this.rowsPerSample();
    const rng = new Rng(o.seed ?? this.seed + 1);
    const order = Uint32Array.from({ length: nTrain }, (_, i) => i);
    const { accuracy } = this.compiled!;
    const history: History = { epoch: [], history: { loss: [] }, epochTimeMs: [] };
    if (accuracy) history.history.acc = [];
    if (valX) {
      history.history.val_loss = [];
      if (accuracy) history.history.val_acc = [];
    }
    // Optimiser steps update the weights in place on the device, which a device loss would undo silently (the
    // engine recomputes lost tensors from how they were made). So the weights are re-made from host values
    // after every epoch, and an epoch during which the engine moved to another backend is run again from there.
    let snapshot = await this.getWeights();
    this.rebase(snapshot);
    let retried = false;
    for (let epoch = 0; epoch < epochs; epoch++) {
      const t0 = performance.now();
      const backend0 = this.engine.backendName;
      if (o.shuffle ?? true) rng.shuffle(order);
      const acc = this.engine.tensor([0, 0], [2]);
      const valAcc = valX ? this.engine.tensor([0, 0], [2]) : null;
      try {
        for (let i = 0; i < nTrain; i += batchSize) {
          const j = Math.min(nTrain, i + batchSize);
          this.trainStep(gatherRows(trainX, order, i, j), gatherRows(trainY, order, i, j), acc, rng);
        }
        if (valX && valAcc) this.evaluateInto(valX, valY!, batchSize, valAcc);
        const [sums, valSums] = await Promise.all([acc.data(), valAcc ? valAcc.data() : Promise.resolve(null)]);
        if (this.engine.backendName !== backend0) {
          if (retried) throw new DeviceLostError(`fit: the ${backend0} device was lost twice during training`);
          retried = true;
          this.rebase(snapshot);
          this.compiled!.optimizer.reset();
          epoch--;
          continue;
        }
        snapshot = await this.getWeights();
        this.rebase(snapshot);
        const logs: EpochLogs = { loss: sums[0]! / (nTrain * rps) };
        if (accuracy) logs.acc = sums[1]! / (nTrain * rps);
        if (valSums && valX) {
          const nv = valX.shape[0]! * rps;
          logs.val_loss = valSums[0]! / nv;
          if (accuracy) logs.val_acc = valSums[1]! / nv;
        }
        const ms = performance.now() - t0;
        history.epoch.push(epoch);
        history.epochTimeMs.push(ms);
        history.history.loss.push(logs.loss);
        if (logs.acc !== undefined) history.history.acc!.push(logs.acc);
        if (logs.val_loss !== undefined) history.history.val_loss!.push(logs.val_loss);
        if (logs.val_acc !== undefined) history.history.val_acc!.push(logs.val_acc);
        if (o.verbose) {
          const parts = Object.entries(logs).map(([k, v]) => `${k}: ${(v as number).toFixed(4)}`);
          console.log(`Epoch ${epoch + 1}/${epochs} - ${ms.toFixed(0)} ms - ${parts.join(' - ')}`);
        }
        if (!Number.isFinite(logs.loss)) throw new InvalidArgumentError(`fit: the loss became ${logs.loss} in epoch ${epoch + 1} (learning rate too high?)`);
        await o.onEpochEnd?.(epoch, logs);
      } finally {
        acc.dispose();
        valAcc?.dispose();
      }
    }
    return history;
  }

  /** Mean loss and accuracy over x / y (compiled loss), in batches. */
  async evaluate(x: DataInput, y: DataInput, options: { batchSize?: number } = {}): Promise<EvaluateResult> {
    this.checkOpen('evaluate');
    const o = checkOptions('evaluate', options, ['batchSize']);
    const batchSize = (o.batchSize as number | undefined) ?? 32;
    if (!Number.isInteger(batchSize) || batchSize < 1) fail('evaluate', `batchSize must be an integer >= 1, got ${String(o.batchSize)}`);
    const { xs, ys } = await this.prepareXY('evaluate', x, y);
    const acc = this.engine.tensor([0, 0], [2]);
    try {
      this.evaluateInto(xs, ys, batchSize, acc);
      const s = await acc.data();
      const rows = xs.shape[0]! * this.rowsPerSample();
      return { loss: s[0]! / rows, acc: s[1]! / rows };
    } finally {
      acc.dispose();
    }
  }

  /** Every weight, in layer order (Keras get_weights order). */
  get weights(): { name: string; shape: number[]; tensor: Tensor }[] {
    return this.layers.flatMap((l) => l.weights);
  }

  /** The weights' values, read back. */
  async getWeights(): Promise<Float32Array[]> {
    this.checkOpen('getWeights');
    return Promise.all(this.weights.map((w) => w.tensor.data()));
  }

  /** Re-creates every weight tensor from host values (so a device loss recovers them), keeping optimiser slots. */
  private rebase(values: readonly Float32Array[]): void {
    const opt = this.compiled?.optimizer;
    this.weights.forEach((w, i) => {
      const fresh = this.engine.tensor(values[i]!, w.shape);
      opt?.rekey(w.tensor, fresh);
      w.tensor.dispose();
      w.tensor = fresh;
    });
  }

  /** Replaces the weights' values (Keras set_weights order); optimiser slots restart. */
  setWeights(values: readonly Float32Array[]): void {
    this.checkOpen('setWeights');
    if (!this.built) fail('setWeights', 'the model is not built yet (give inputShape or call predict / build first)');
    const ws = this.weights;
    if (!Array.isArray(values) || values.length !== ws.length) fail('setWeights', `expects ${ws.length} arrays, got ${Array.isArray(values) ? values.length : typeof values}`);
    ws.forEach((w, i) => {
      const v = values[i];
      if (!(v instanceof Float32Array) || v.length !== w.tensor.size) fail('setWeights', `weight ${i} '${w.name}' needs ${w.tensor.size} float32 values (shape [${w.shape.join(', ')}]), got ${v instanceof Float32Array ? v.length : typeof v}`);
      toHost('setWeights', `weight '${w.name}'`, v, w.shape);
    });
    this.compiled?.optimizer.reset();
    ws.forEach((w, i) => {
      const fresh = this.engine.tensor(values[i]!, w.shape);
      w.tensor.dispose();
      w.tensor = fresh;
    });
  }

  /** Weights as tfjs weight specs + one ArrayBuffer (what the browser stores; Node: saveModel writes files). */
  async saveWeights(): Promise<WeightsArtifacts> {
    this.checkOpen('saveWeights');
    if (!this.built) fail('saveWeights', 'the model is not built yet');
    const values = await this.getWeights();
    const total = values.reduce((a, v) => a + v.length, 0);
    const data = new Float32Array(total);
    let off = 0;
    for (const v of values) {
      data.set(v, off);
      off += v.length;
    }
    return { weightSpecs: this.weights.map((w) => ({ name: w.name, shape: [...w.shape], dtype: 'float32' as const })), weightData: data.buffer };
  }

  /**
   * Loads weights saved by saveWeights / save (or a tfjs-layers model of the same architecture): matched by
   * name, else by order; shapes must agree (InvalidModelFileError naming the weight otherwise).
   */
  loadWeights(artifacts: WeightsArtifacts): void {
    this.checkOpen('loadWeights');
    if (!this.built) fail('loadWeights', 'the model is not built yet (give inputShape or call build first)');
    const specs = artifacts?.weightSpecs;
    const buf = artifacts?.weightData;
    if (!Array.isArray(specs) || !(buf instanceof ArrayBuffer)) throw new InvalidModelFileError('loadWeights: expects { weightSpecs, weightData: ArrayBuffer }');
    const byName = new Map<string, Float32Array>();
    const ordered: Float32Array[] = [];
    let off = 0;
    for (const s of specs) {
      if (s.dtype !== undefined && s.dtype !== 'float32') throw new InvalidModelFileError(`loadWeights: weight '${s.name}' is ${s.dtype}; only float32 is supported here`);
      const n = (s.shape ?? []).reduce((a: number, b: number) => a * b, 1);
      if ((off + n) * 4 > buf.byteLength) throw new InvalidModelFileError(`loadWeights: weightData holds ${buf.byteLength} bytes, too few for weight '${s.name}' at float ${off}`);
      const v = new Float32Array(buf.slice(off * 4, (off + n) * 4));
      byName.set(s.name, v);
      ordered.push(v);
      off += n;
    }
    const ws = this.weights;
    const allNamed = ws.every((w) => byName.has(w.name));
    if (!allNamed && ordered.length !== ws.length) {
      const missing = ws.filter((w) => !byName.has(w.name)).map((w) => w.name);
      throw new InvalidModelFileError(`loadWeights: the file has ${ordered.length} weights, the model ${ws.length}; not found by name: ${missing.join(', ')}`);
    }
    const values = ws.map((w, i) => {
      const v = allNamed ? byName.get(w.name)! : ordered[i]!;
      if (v.length !== w.tensor.size) throw new InvalidModelFileError(`loadWeights: weight '${w.name}' needs ${w.tensor.size} values (shape [${w.shape.join(', ')}]), the file has ${v.length}`);
      return v;
    });
    try {
      this.setWeights(values);
    } catch (e) {
      if (e instanceof InvalidArgumentError) throw new InvalidModelFileError(`loadWeights: ${e.message}`);
      throw e;
    }
  }

  /** The Keras topology (model.json modelTopology), loadable by loadModel and tfjs-layers. */
  toJSON(): Record<string, unknown> {
    const layers = this.layers.map((l, i) => {
      const config = l.config();
      if (i === 0 && this.inputShape && l.className !== 'InputLayer') config.batch_input_shape = [null, ...this.inputShape];
      return { class_name: l.className, config };
    });
    return { class_name: 'Sequential', config: { name: this.name, layers }, keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' };
  }

  /** Topology and weights (browsers keep the ArrayBuffer; Node: saveModel writes model.json + weights.bin). */
  async save(): Promise<ModelArtifacts> {
    const w = await this.saveWeights();
    return { ...w, modelTopology: this.toJSON(), format: 'layers-model', generatedBy: 'facegpu' };
  }

  /** One line per layer: name, class, output shape, parameters. */
  summary(): string {
    const lines = [`Model: ${this.name}`, 'Layer (type)                      Output shape          Params'];
    let s = this.inputShape;
    let total = 0;
    for (const l of this.layers) {
      s = s ? l.outputShape(s) : undefined;
      const n = l.weights.reduce((a, w) => a + w.tensor.size, 0);
      total += n;
      lines.push(`${`${l.name} (${l.className})`.padEnd(34)}${(s ? `[null, ${s.map((d) => d ?? 'null').join(', ')}]` : '?').padEnd(22)}${n}`);
    }
    lines.push(`Total params: ${total}`);
    return lines.join('\n');
  }

  /** Frees weights and optimiser slots; the model cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    for (const l of this.layers) l.dispose();
    this.compiled?.optimizer.dispose();
    this.compiled = null;
    this.disposed = true;
  }
}

/** Keras-style constructor: sequential([layers.lstm({...}), layers.dense({...})], { engine }). */
export function sequential(layers: Layer[], options: SequentialOptions): Sequential {
  return new Sequential(layers, options);
}
