// The joint detection + recognition head on the frozen FaceRecognitionNet trunk (src/detector/trunk.ts): a
// YOLO-style S x S grid, A anchors a cell, each slot (tx, ty, tw, th, objectness, class scores), trained with the
// MultiBox loss (smooth L1 boxes, log-loss objectness and classes, anchors matched by IoU) and Adam, all on device.
//
// 'single': trunk c256 (5x5x256) -> conv3x3 leaky (hidden) -> conv1x1 leaky (embed: the identity embedding) ->
//           conv1x1 to A * (5 + C): the 5x5 head.
// 'multi':  that, plus a decoder: the hidden 5x5 map -> transposed conv 3x3/2 (-> 11x11) ++ trunk c128 (bridge)
//           -> conv3x3 leaky -> head at 11; -> transposed conv 3x3/2, pads 2 (-> 19x19) ++ trunk c64 (23x23
//           resized to 19) -> conv3x3 leaky -> head at 19. Each head decodes with the same (normalised) anchors.
import type { Engine } from '../runtime/engine.js';
import { InvalidArgumentError, InvalidModelFileError } from '../runtime/errors.js';
import type { Tensor } from '../runtime/tensor.js';
import { add } from '../ops/binary/index.js';
import { concat } from '../ops/concat/index.js';
import { detectionHead } from '../ops/detection-head/index.js';
import { nonMaxSuppression } from '../ops/nms/index.js';
import { Adam } from '../nn/optimizers.js';
import { Rng } from '../nn/rng.js';
import { initialize } from '../nn/initializers.js';
import { filterShape, Layer, type LayerSpec } from './layers.js';
import { headLoss, sliceChannels } from './loss.js';
import type { NormBox } from './labels.js';
import type { Detection } from './metrics.js';
import { levelSize, takeRows, TRUNK_LEVELS, type TrunkFeatures, type TrunkLevel } from './trunk.js';

export type JointArch = 'single' | 'multi';

export interface JointDetectorConfig {
  arch: JointArch;
  /** Class names, in the head's class order. */
  classes: string[];
  /** Anchor [width, height] pairs as fractions of the input side (k-means: kmeansAnchors). */
  anchors: [number, number][];
  /** Channels of the 5x5 hidden conv and of the embedding layer. */
  hidden: number;
  embed: number;
  /** Channels of the decoder at 11x11 and 19x19 ('multi'). */
  decoder: [number, number];
  /** Predictions of a box that overlap a face by more than this are not pushed to "no object" (YOLOv2's 0.6). */
  ignoreIou: number;
  /** MultiBox loss weights: objectness (faces), no-object, box, class. Default box 5 (YOLO's lambda_coord): at 1 the
   * boxes regress too loosely for IoU 0.5 (train AP 0.69 vs 0.94 on the test's subset). */
  lambdas: { obj: number; noObj: number; box: number; cls: number };
}

export const JOINT_DEFAULTS = { hidden: 128, embed: 128, decoder: [64, 32] as [number, number], ignoreIou: 0.6, lambdas: { obj: 1, noObj: 1, box: 5, cls: 1 } };

/** One output head: its grid side and the trunk levels its branch needs. */
export interface HeadInfo {
  grid: number;
  out: string;
}

export interface FitOptions {
  epochs: number;
  /** Default 16. */
  batchSize?: number;
  /** Adam step size (default 1e-3). */
  learningRate?: number;
  /** Shuffling seed (default 0). Initialisation has its own seed (createJointDetector). */
  seed?: number;
  /** Called after each epoch (await-ed: it may write progress). */
  onEpoch?: (e: EpochLog) => void | Promise<void>;
}

export interface EpochLog {
  epoch: number;
  /** Mean total loss per image over the epoch, and its parts (objectness, box, class). */
  loss: number;
  parts: number[];
  seconds: number;
}

export interface PredictOptions {
  /** Keep boxes with objectness > scoreThreshold (default 0.05: AP wants the low-scored tail too). */
  scoreThreshold?: number;
  /** NMS IoU threshold (default 0.45). */
  iouThreshold?: number;
  /** Boxes per image at most (default 20). */
  maxResults?: number;
  /** Images per forward batch (default 32). */
  batchSize?: number;
}

/** Trunk data + boxes: what fit() trains on and predict() / embed() read. */
export interface JointData {
  features: TrunkFeatures;
  boxes: NormBox[][];
}

const FORMAT = 'facegpu-joint-detector';
export const JOINT_MODEL_VERSION = 1;
const MAGIC = [0x46, 0x47, 0x4a, 0x44]; // "FGJD"

function layerSpecs(c: JointDetectorConfig): LayerSpec[] {
  const k = c.anchors.length * (5 + c.classes.length);
  const L: LayerSpec[] = [
    { name: 'h5', kind: 'conv', k: 3, cin: TRUNK_LEVELS.c256[1], cout: c.hidden, leaky: true },
    { name: 'e5', kind: 'conv', k: 1, cin: c.hidden, cout: c.embed, leaky: true },
    { name: 'o5', kind: 'conv', k: 1, cin: c.embed, cout: k, leaky: false },
  ];
  if (c.arch === 'multi') {
    const [d1, d2] = c.decoder;
    L.push(
      { name: 'u11', kind: 'deconv', k: 3, cin: c.hidden, cout: d1, leaky: true, pad: 0 },
      { name: 'h11', kind: 'conv', k: 3, cin: d1 + TRUNK_LEVELS.c128[1], cout: d1, leaky: true },
      { name: 'o11', kind: 'conv', k: 1, cin: d1, cout: k, leaky: false },
      { name: 'u19', kind: 'deconv', k: 3, cin: d1, cout: d2, leaky: true, pad: 2 },
      { name: 'h19', kind: 'conv', k: 3, cin: d2 + TRUNK_LEVELS.c64[1], cout: d2, leaky: true },
      { name: 'o19', kind: 'conv', k: 1, cin: d2, cout: k, leaky: false },
    );
  }
  return L;
}

/** Checks a config (from the caller or a model file) and fills defaults. */
export function checkConfig(where: string, raw: Partial<JointDetectorConfig>, Err: typeof InvalidArgumentError = InvalidArgumentError): JointDetectorConfig {
  const arch = raw.arch ?? 'single';
  if (arch !== 'single' && arch !== 'multi') throw new Err(`${where}: arch must be 'single' or 'multi', got ${JSON.stringify(arch)}`);
  const classes = raw.classes;
  if (!Array.isArray(classes) || classes.length === 0 || classes.some((c) => typeof c !== 'string')) {
    throw new Err(`${where}: classes must be a non-empty array of names`);
  }
  const anchors = raw.anchors;
  if (!Array.isArray(anchors) || anchors.length === 0 || anchors.some((a) => !Array.isArray(a) || a.length !== 2 || !(a[0] > 0) || !(a[1] > 0) || a[0] > 4 || a[1] > 4)) {
    throw new Err(`${where}: anchors must be [width, height] pairs, fractions of the input side (0 < v <= 4), got ${JSON.stringify(anchors)}`);
  }
  const pos = (name: string, v: unknown): number => {
    if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > 4096) throw new Err(`${where}: ${name} must be an integer in [1, 4096], got ${String(v)}`);
    return v as number;
  };
  const dec = raw.decoder ?? JOINT_DEFAULTS.decoder;
  if (!Array.isArray(dec) || dec.length !== 2) throw new Err(`${where}: decoder must be [channels at 11, channels at 19]`);
  const ignoreIou = raw.ignoreIou ?? JOINT_DEFAULTS.ignoreIou;
  if (typeof ignoreIou !== 'number' || !(ignoreIou > 0 && ignoreIou <= 1)) throw new Err(`${where}: ignoreIou must be in (0, 1], got ${String(ignoreIou)}`);
  const lam = { ...JOINT_DEFAULTS.lambdas, ...(raw.lambdas ?? {}) };
  for (const [k, v] of Object.entries(lam)) {
    if (!['obj', 'noObj', 'box', 'cls'].includes(k) || typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Err(`${where}: lambdas.${k} must be a finite number >= 0 (keys obj, noObj, box, cls), got ${String(v)}`);
  }
  return {
    arch,
    classes: [...classes],
    anchors: anchors.map(([w, h]) => [w, h] as [number, number]),
    hidden: pos('hidden', raw.hidden ?? JOINT_DEFAULTS.hidden),
    embed: pos('embed', raw.embed ?? JOINT_DEFAULTS.embed),
    decoder: [pos('decoder[0]', dec[0]), pos('decoder[1]', dec[1])],
    ignoreIou,
    lambdas: lam,
  };
}

/** Forward intermediates kept for backward (all owned by the step). */
type Acts = Map<string, Tensor>;

export class JointDetector {
  readonly layers: Map<string, Layer>;
  private optimizer: Adam | null = null;
  private disposed = false;

  private constructor(
    readonly engine: Engine,
    readonly config: JointDetectorConfig,
    layers: Layer[],
  ) {
    this.layers = new Map(layers.map((l) => [l.spec.name, l]));
  }

  /**
   * A new head with seeded Glorot-uniform weights and zero biases, except the objectness biases: -4 (a prior of
   * about 2% per slot, as most slots hold no face), so early training is not swamped by the no-object loss.
   */
  static create(engine: Engine, config: Partial<JointDetectorConfig> & Pick<JointDetectorConfig, 'classes' | 'anchors'>, seed = 0): JointDetector {
    const c = checkConfig('createJointDetector', config);
    const rng = new Rng(seed);
    const layers = layerSpecs(c).map((s) => {
      const w = initialize({ name: 'glorotUniform' }, filterShape(s), rng);
      const b = new Float32Array(s.cout);
      if (s.name.startsWith('o')) for (let a = 0; a < c.anchors.length; a++) b[a * (5 + c.classes.length) + 4] = -4;
      return new Layer(s, engine.tensor(w, filterShape(s)), engine.tensor(b, [s.cout]));
    });
    return new JointDetector(engine, c, layers);
  }

  /** The trunk levels the architecture reads. */
  get levels(): TrunkLevel[] {
    return this.config.arch === 'multi' ? ['c256', 'c128', 'c64'] : ['c256'];
  }

  get heads(): HeadInfo[] {
    return this.config.arch === 'multi'
      ? [
          { grid: 5, out: 'o5' },
          { grid: 11, out: 'o11' },
          { grid: 19, out: 'o19' },
        ]
      : [{ grid: 5, out: 'o5' }];
  }

  private check(where: string): void {
    if (this.disposed) throw new InvalidArgumentError(`${where}: the detector was disposed`);
  }

  private L(name: string): Layer {
    return this.layers.get(name)!;
  }

  /** Forward on device inputs (level -> [n, s, s, c]); returns every intermediate by name (the caller's). */
  private forward(inputs: Partial<Record<TrunkLevel, Tensor>>): Acts {
    const e = this.engine;
    const a: Acts = new Map();
    const run = (name: string, x: Tensor): Tensor => {
      const y = this.L(name).forward(e, x);
      a.set(name, y);
      return y;
    };
    try {
      const h5 = run('h5', inputs.c256!);
      run('o5', run('e5', h5));
      if (this.config.arch === 'multi') {
        const u11 = run('u11', h5);
        const b11 = concat(e, [u11, inputs.c128!], { axis: 3 });
        a.set('b11', b11);
        const h11 = run('h11', b11);
        run('o11', h11);
        const u19 = run('u19', h11);
        const b19 = concat(e, [u19, inputs.c64!], { axis: 3 });
        a.set('b19', b19);
        run('o19', run('h19', b19));
      }
    } catch (err) {
      a.forEach((t) => t.dispose());
      throw err;
    }
    return a;
  }

  /** Gradients of every layer's weights and bias from the heads' output gradients; order = this.params(). */
  private backward(inputs: Partial<Record<TrunkLevel, Tensor>>, a: Acts, dOut: Map<string, Tensor>): Tensor[] {
    const e = this.engine;
    const grads = new Map<string, [Tensor, Tensor]>();
    const temps: Tensor[] = [];
    const x = (name: string): Tensor => a.get(name)!;
    /** Backward through one layer; returns dx (owned by temps) when asked. */
    const back = (name: string, input: Tensor, dy: Tensor, wantDx: boolean): Tensor | undefined => {
      const g = this.L(name).backward(e, input, x(name), dy, wantDx);
      grads.set(name, [g.dw, g.db]);
      if (g.dx) temps.push(g.dx);
      return g.dx;
    };
    const sum = (p: Tensor, q: Tensor): Tensor => {
      const s = add(e, p, q);
      temps.push(s);
      return s;
    };
    const slice = (t: Tensor, size: number): Tensor => {
      const s = sliceChannels(e, t, 0, size);
      temps.push(s);
      return s;
    };
    try {
      const de5 = back('o5', x('e5'), dOut.get('o5')!, true)!;
      let dh5 = back('e5', x('h5'), de5, true)!;
      if (this.config.arch === 'multi') {
        const [d1, d2] = this.config.decoder;
        const dh19 = back('o19', x('h19'), dOut.get('o19')!, true)!;
        const db19 = back('h19', x('b19'), dh19, true)!;
        const dh11b = back('u19', x('h11'), slice(db19, d2), true)!;
        const dh11a = back('o11', x('h11'), dOut.get('o11')!, true)!;
        const db11 = back('h11', x('b11'), sum(dh11a, dh11b), true)!;
        const dh5b = back('u11', x('h5'), slice(db11, d1), true)!;
        dh5 = sum(dh5, dh5b);
      }
      back('h5', inputs.c256!, dh5, false);
    } catch (err) {
      grads.forEach(([w, b]) => (w.dispose(), b.dispose()));
      throw err;
    } finally {
      temps.forEach((t) => t.dispose());
    }
    return this.paramNames().flatMap((n) => grads.get(n)!);
  }

  private paramNames(): string[] {
    return [...this.layers.keys()];
  }

  /** Weight and bias tensors, layer by layer (the optimizer's parameter order). */
  params(): Tensor[] {
    return [...this.layers.values()].flatMap((l) => [l.w, l.b]);
  }

  /** Device batch of trunk levels for rows `index` of `f`. */
  private upload(f: TrunkFeatures, index: readonly number[]): Partial<Record<TrunkLevel, Tensor>> {
    const out: Partial<Record<TrunkLevel, Tensor>> = {};
    for (const l of this.levels) {
      if (!f[l]) throw new InvalidArgumentError(`JointDetector: the '${this.config.arch}' head needs trunk level ${l}; the features hold ${Object.keys(f).filter((k) => k !== 'n').join(', ')}`);
      const [s, c] = TRUNK_LEVELS[l];
      out[l] = this.engine.tensor(takeRows(f, l, index), [index.length, s, s, c]);
    }
    return out;
  }

  /** Anchors in grid-cell units for a grid of side s (detectionHead's and the loss's units). */
  anchorsFor(grid: number): [number, number][] {
    return this.config.anchors.map(([w, h]) => [w * grid, h * grid]);
  }

  /**
   * Trains the head (the trunk stays frozen) with Adam. Batches are drawn in a seeded shuffle, so the same seed,
   * data and backend give the same loss curve. Returns one log per epoch.
   */
  async fit(data: JointData, options: FitOptions): Promise<EpochLog[]> {
    this.check('JointDetector.fit');
    const where = 'JointDetector.fit';
    checkData(where, data, this.config.classes.length);
    const epochs = options.epochs;
    if (!Number.isInteger(epochs) || epochs < 1) throw new InvalidArgumentError(`${where}: epochs must be an integer >= 1, got ${String(epochs)}`);
    const bs = options.batchSize ?? 16;
    if (!Number.isInteger(bs) || bs < 1) throw new InvalidArgumentError(`${where}: batchSize must be an integer >= 1, got ${String(bs)}`);
    const lr = options.learningRate ?? 1e-3;
    if (!(lr > 0)) throw new InvalidArgumentError(`${where}: learningRate must be > 0, got ${String(lr)}`);
    if (!this.optimizer || this.optimizer.learningRate !== lr) {
      this.optimizer?.dispose();
      this.optimizer = new Adam({ learningRate: lr });
    }
    const rng = new Rng(options.seed ?? 0);
    const n = data.features.n;
    const logs: EpochLog[] = [];
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const t0 = performance.now();
      const order = rng.shuffle(Array.from({ length: n }, (_, i) => i));
      const parts = [0, 0, 0, 0];
      for (let i = 0; i < n; i += bs) {
        const index = order.slice(i, i + bs);
        const p = await this.step(data, index);
        p.forEach((v, j) => (parts[j] += v));
      }
      const log: EpochLog = { epoch, loss: parts[0]! / n, parts: parts.slice(1).map((v) => v / n), seconds: (performance.now() - t0) / 1000 };
      logs.push(log);
      await options.onEpoch?.(log);
    }
    return logs;
  }

  /** One Adam step on the rows `index`; resolves to the loss parts summed over the batch. */
  private async step(data: JointData, index: readonly number[]): Promise<number[]> {
    return this.lossAndGrads(data, index, (grads) => this.optimizer!.apply(this.engine, this.params(), grads));
  }

  /** Forward, loss and backward on rows `index`; `use` gets the gradients (params() order) before they are freed. */
  private async lossAndGrads(data: JointData, index: readonly number[], use?: (grads: Tensor[]) => void | Promise<void>): Promise<number[]> {
    const e = this.engine;
    const inputs = this.upload(data.features, index);
    const owned: Tensor[] = Object.values(inputs) as Tensor[];
    let acts: Acts | undefined;
    const dOut = new Map<string, Tensor>();
    const sums: Tensor[] = [];
    try {
      acts = this.forward(inputs);
      const boxes = index.map((r) => data.boxes[r]!);
      for (const h of this.heads) {
        const { obj, noObj, box, cls } = this.config.lambdas;
        const lambdas = { lambdaObj: obj, lambdaNoObj: noObj, lambdaBox: box, lambdaCls: cls };
        const [s, d] = headLoss(e, acts.get(h.out)!, boxes, { grid: h.grid, anchors: this.config.anchors, classes: this.config.classes.length, ignoreIou: this.config.ignoreIou, lambdas });
        sums.push(s);
        dOut.set(h.out, d);
      }
      if (use) {
        const grads = this.backward(inputs, acts, dOut);
        try {
          await use(grads);
        } finally {
          grads.forEach((g) => g.dispose());
        }
      }
      const parts = [0, 0, 0, 0];
      for (const s of sums) (await s.data()).forEach((v, j) => (parts[j] += v));
      return parts;
    } finally {
      owned.forEach((t) => t.dispose());
      acts?.forEach((t) => t.dispose());
      dOut.forEach((t) => t.dispose());
      sums.forEach((t) => t.dispose());
    }
  }

  /**
   * The mean loss (total / n, summed over heads) on rows `index` and its gradient for every parameter (params()
   * order), read back: what a gradient check compares with finite differences. Changes nothing.
   */
  async gradients(data: JointData, index: readonly number[], withGrads = true): Promise<{ loss: number; grads: Float32Array[] }> {
    this.check('JointDetector.gradients');
    checkData('JointDetector.gradients', data, this.config.classes.length);
    const grads: Float32Array[] = [];
    const parts = await this.lossAndGrads(data, index, withGrads ? async (gs) => {
      for (const g of gs) grads.push(await g.data());
    } : undefined);
    return { loss: parts[0]! / index.length, grads };
  }

  /** Runs the head on rows of `f` in batches; `use` reads the activations of each batch (then they are freed). */
  private async batches<T>(f: TrunkFeatures, batchSize: number, use: (acts: Acts, index: number[]) => Promise<T[]>): Promise<T[]> {
    const out: T[] = [];
    for (let i = 0; i < f.n; i += batchSize) {
      const index = Array.from({ length: Math.min(batchSize, f.n - i) }, (_, j) => i + j);
      const inputs = this.upload(f, index);
      let acts: Acts | undefined;
      try {
        acts = this.forward(inputs);
        out.push(...(await use(acts, index)));
      } finally {
        Object.values(inputs).forEach((t) => t?.dispose());
        acts?.forEach((t) => t.dispose());
      }
    }
    return out;
  }

  /**
   * Detections per image (normalised boxes, objectness score, best class and its softmax probability): each head
   * decoded on the device (detectionHead), then one NMS per image over every head's boxes.
   */
  async predict(f: TrunkFeatures, options: PredictOptions = {}): Promise<Detection[][]> {
    this.check('JointDetector.predict');
    const scoreThreshold = options.scoreThreshold ?? 0.05;
    const iouThreshold = options.iouThreshold ?? 0.45;
    const maxResults = options.maxResults ?? 20;
    const C = this.config.classes.length;
    const K = 5 + C;
    return this.batches(f, options.batchSize ?? 32, async (acts, index) => {
      const perHead: Float32Array[] = [];
      for (const h of this.heads) {
        const dec = detectionHead(this.engine, acts.get(h.out)!, { anchors: this.anchorsFor(h.grid), classes: C, classActivation: 'softmax' });
        try {
          perHead.push(await dec.data());
        } finally {
          dec.dispose();
        }
      }
      return index.map((_, i) => {
        const rows: number[] = [];
        for (let hi = 0; hi < this.heads.length; hi++) {
          const g = this.heads[hi]!.grid;
          const per = g * g * this.config.anchors.length;
          const d = perHead[hi]!;
          for (let r = 0; r < per; r++) {
            const o = (i * per + r) * K;
            if (d[o + 4]! > scoreThreshold) rows.push(o, hi);
          }
        }
        const m = rows.length / 2;
        const boxes = new Float32Array(m * 4);
        const scores = new Float32Array(m);
        for (let j = 0; j < m; j++) {
          const d = perHead[rows[2 * j + 1]!]!;
          const o = rows[2 * j]!;
          boxes.set(d.subarray(o, o + 4), j * 4);
          scores[j] = d[o + 4]!;
        }
        const keep = nonMaxSuppression(boxes, scores, { iouThreshold, maxBoxes: maxResults });
        return keep.indices.map((j) => {
          const d = perHead[rows[2 * j + 1]!]!;
          const o = rows[2 * j]!;
          let cls = -1;
          let p = -1;
          for (let c = 0; c < C; c++) if (d[o + 5 + c]! > p) [p, cls] = [d[o + 5 + c]!, c];
          const [x0, y0, x1, y1] = [d[o]!, d[o + 1]!, d[o + 2]!, d[o + 3]!];
          return { x: x0, y: y0, w: x1 - x0, h: y1 - y0, score: d[o + 4]!, cls, clsProb: p };
        });
      });
    });
  }

  /**
   * The identity embedding of each given face: the embed layer's vector (the last hidden layer, `embed` values) at
   * the 5x5 cell holding the face's centre. boxes[i]: the faces of image i (normalised). One array per face.
   */
  async embed(f: TrunkFeatures, boxes: readonly (readonly { x: number; y: number; w: number; h: number }[])[], batchSize = 32): Promise<Float32Array[][]> {
    this.check('JointDetector.embed');
    if (boxes.length !== f.n) throw new InvalidArgumentError(`JointDetector.embed: ${boxes.length} box lists for ${f.n} images`);
    const E = this.config.embed;
    const S = 5;
    return this.batches(f, batchSize, async (acts, index) => {
      const v = await acts.get('e5')!.data();
      return index.map((r, i) =>
        boxes[r]!.map((b) => {
          const col = Math.min(S - 1, Math.max(0, Math.floor((b.x + b.w / 2) * S)));
          const row = Math.min(S - 1, Math.max(0, Math.floor((b.y + b.h / 2) * S)));
          const o = ((i * S + row) * S + col) * E;
          return v.slice(o, o + E);
        }),
      );
    });
  }

  /** The model file: magic, version, a JSON header (config, parameter names and shapes), then f32 weights. */
  async toBytes(): Promise<Uint8Array> {
    this.check('JointDetector.toBytes');
    const params: { name: string; shape: number[] }[] = [];
    const chunks: Float32Array[] = [];
    for (const l of this.layers.values()) {
      params.push({ name: `${l.spec.name}/w`, shape: [...l.w.shape] }, { name: `${l.spec.name}/b`, shape: [...l.b.shape] });
      chunks.push(await l.w.data(), await l.b.data());
    }
    const header = new TextEncoder().encode(JSON.stringify({ format: FORMAT, version: JOINT_MODEL_VERSION, config: this.config, params }));
    const headLen = Math.ceil(header.length / 4) * 4;
    const total = chunks.reduce((s, c) => s + c.length, 0);
    const out = new Uint8Array(12 + headLen + total * 4);
    const dv = new DataView(out.buffer);
    out.set(MAGIC, 0);
    dv.setUint32(4, JOINT_MODEL_VERSION, true);
    dv.setUint32(8, header.length, true);
    out.set(header, 12);
    out.fill(0x20, 12 + header.length, 12 + headLen);
    let at = 12 + headLen;
    for (const c of chunks) {
      new Float32Array(out.buffer, at, c.length).set(c);
      at += c.length * 4;
    }
    return out;
  }

  /** Reads toBytes()'s format; InvalidModelFileError (naming `source`) for anything malformed. */
  static fromBytes(engine: Engine, bytes: Uint8Array, source = 'joint detector model'): JointDetector {
    const bad = (what: string): never => {
      throw new InvalidModelFileError(`${source}: ${what}`);
    };
    if (!(bytes instanceof Uint8Array)) bad('expected the bytes of a model file');
    if (bytes.length < 12 || MAGIC.some((m, i) => bytes[i] !== m)) bad('not a facegpu joint detector file (bad magic)');
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const version = dv.getUint32(4, true);
    if (version !== JOINT_MODEL_VERSION) bad(`version ${version} is not supported (this build reads version ${JOINT_MODEL_VERSION})`);
    const hl = dv.getUint32(8, true);
    const headLen = Math.ceil(hl / 4) * 4;
    if (12 + headLen > bytes.length) bad('truncated header');
    let header: { format?: unknown; version?: unknown; config?: Partial<JointDetectorConfig>; params?: { name: string; shape: number[] }[] };
    try {
      header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + hl)));
    } catch {
      return bad('the header is not valid JSON');
    }
    if (header.format !== FORMAT || header.version !== version) bad('the header does not describe a joint detector');
    const config = checkConfig(source, header.config ?? {}, InvalidModelFileError);
    const specs = layerSpecs(config);
    const want = specs.flatMap((s) => [
      { name: `${s.name}/w`, shape: filterShape(s) },
      { name: `${s.name}/b`, shape: [s.cout] },
    ]);
    const got = header.params;
    if (!Array.isArray(got) || got.length !== want.length || got.some((p, i) => p?.name !== want[i]!.name || JSON.stringify(p.shape) !== JSON.stringify(want[i]!.shape))) {
      bad(`the parameter list does not match the config (want ${want.map((p) => `${p.name} [${p.shape}]`).join(', ')})`);
    }
    const total = want.reduce((s, p) => s + p.shape.reduce((a, b) => a * b, 1), 0);
    if (bytes.length !== 12 + headLen + total * 4) bad(`expected ${12 + headLen + total * 4} bytes, got ${bytes.length} (truncated or padded)`);
    const data = new Float32Array(bytes.slice(12 + headLen).buffer);
    for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i]!)) bad(`weight ${i} is not finite`);
    let at = 0;
    const tensors: Tensor[] = [];
    try {
      const layers = specs.map((s) => {
        const fs = filterShape(s);
        const nw = fs.reduce((a, b) => a * b, 1);
        const w = engine.tensor(data.subarray(at, at + nw), fs);
        tensors.push(w);
        at += nw;
        const b = engine.tensor(data.subarray(at, at + s.cout), [s.cout]);
        tensors.push(b);
        at += s.cout;
        return new Layer(s, w, b);
      });
      return new JointDetector(engine, config, layers);
    } catch (e) {
      tensors.forEach((t) => t.dispose());
      throw e;
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.layers.forEach((l) => l.dispose());
    this.optimizer?.dispose();
  }
}

/** Checks that features and boxes agree and every class index is in range. */
export function checkData(where: string, data: JointData, classes: number): void {
  if (!data || typeof data !== 'object' || !data.features || !Array.isArray(data.boxes)) throw new InvalidArgumentError(`${where}: data must be { features, boxes }`);
  if (data.features.n === 0) throw new InvalidArgumentError(`${where}: empty dataset`);
  if (data.boxes.length !== data.features.n) throw new InvalidArgumentError(`${where}: ${data.boxes.length} box lists for ${data.features.n} images`);
  for (const l of Object.keys(TRUNK_LEVELS) as TrunkLevel[]) {
    const f = data.features[l];
    if (f && f.length !== data.features.n * levelSize(l)) throw new InvalidArgumentError(`${where}: trunk level ${l} holds ${f.length} values, not ${data.features.n} x ${levelSize(l)}`);
  }
  data.boxes.forEach((bs, i) =>
    bs.forEach((b, j) => {
      if (!(b.w > 0 && b.h > 0)) throw new InvalidArgumentError(`${where}: image ${i} box ${j} has zero size`);
      if (!Number.isInteger(b.cls) || b.cls < 0 || b.cls >= classes) throw new InvalidArgumentError(`${where}: image ${i} box ${j} has class ${b.cls}, not in [0, ${classes})`);
    }),
  );
}
