// The trained aggregators' network on an engine:
//   rean-gru / rean-lstm  x [B,T,F] -> GRU / LSTM (every step) -> Dense(1) per step = attention scores ->
//                         masked softmax over time -> weighted mean of the embeddings -> L2 normalise
//   naive-lstm            x [B,T,F] -> LSTM (last step) -> Dense(D) -> L2 normalise
// Training (trainStep): a scaled-cosine softmax over the training identities' fixed centroids, on frozen
// embeddings; backward through attentionPoolGrad, Dense and the recurrent-grad ops; Adam updates in place.
import type { Engine } from '../../runtime/engine.js';
import { InvalidArgumentError } from '../../runtime/errors.js';
import type { Tensor } from '../../runtime/tensor.js';
import { attentionPool, attentionPoolGrad } from '../../ops/attention-pool/index.js';
import { dense as denseOp } from '../../ops/matmul/index.js';
import { softmax } from '../../ops/softmax/index.js';
import { softmaxCrossEntropy } from '../../ops/loss-grad/index.js';
import { sumSquares } from '../../ops/optimizer-grad/index.js';
import { Dense } from '../../nn/layers/dense.js';
import { Recurrent } from '../../nn/layers/recurrent.js';
import type { TrainContext } from '../../nn/layers/layer.js';
import type { Optimizer } from '../../nn/optimizers.js';
import { Rng } from '../../nn/rng.js';

export type TrainedKind = 'naive-lstm' | 'rean-gru' | 'rean-lstm';
export const TRAINED_KINDS: readonly TrainedKind[] = ['naive-lstm', 'rean-gru', 'rean-lstm'];

export interface NetConfig {
  kind: TrainedKind;
  /** Recurrent units. */
  units: number;
  /** Embedding size D; the input has D + cues features. */
  dim: number;
  features: number;
}

export class AggregatorNet {
  readonly rnn: Recurrent;
  readonly head: Dense;
  private disposed = false;

  constructor(
    readonly engine: Engine,
    readonly config: NetConfig,
    seed: number,
  ) {
    const { kind, units, dim, features } = config;
    const rean = kind !== 'naive-lstm';
    const cell = kind === 'rean-gru' ? 'gru' : 'lstm';
    this.rnn = new Recurrent(cell, { units, returnSequences: rean, name: `${kind}_rnn` });
    this.head = new Dense({ units: rean ? 1 : dim, name: `${kind}_head` });
    const rng = new Rng(seed);
    this.rnn.build(engine, [null, features], new Rng(rng.int()));
    this.head.build(engine, rean ? [null, units] : [units], new Rng(rng.int()));
  }

  get rean(): boolean {
    return this.config.kind !== 'naive-lstm';
  }

  /** Weights in a fixed order: rnn kernel, recurrent kernel, bias, head kernel, head bias. */
  get weights(): { name: string; shape: number[]; tensor: Tensor }[] {
    return [...this.rnn.weights, ...this.head.weights];
  }

  /** Replaces the weight values (same order and sizes as `weights`). */
  setWeights(values: readonly Float32Array[]): void {
    const ws = this.weights;
    if (values.length !== ws.length) throw new InvalidArgumentError(`aggregator '${this.config.kind}': expects ${ws.length} weight arrays, got ${values.length}`);
    ws.forEach((w, i) => {
      if (values[i]!.length !== w.tensor.size) throw new InvalidArgumentError(`aggregator '${this.config.kind}': weight '${w.name}' needs ${w.tensor.size} values, got ${values[i]!.length}`);
    });
    ws.forEach((w, i) => {
      const fresh = this.engine.tensor(values[i]!, w.shape);
      w.tensor.dispose();
      w.tensor = fresh;
    });
  }

  async getWeights(): Promise<Float32Array[]> {
    return Promise.all(this.weights.map((w) => w.tensor.data()));
  }

  /**
   * Inference: x [B,T,F] standardised features, e [B,T,D] embeddings, mask [B,T] (post-padding; optional).
   * Returns the L2-normalised track embeddings [B, D] and (REAN) the attention weights [B, T].
   */
  async aggregate(x: Float32Array, e: Float32Array, mask: Float32Array | null, B: number, T: number): Promise<{ out: Float32Array; weights: Float32Array | null }> {
    if (this.disposed) throw new InvalidArgumentError(`aggregator '${this.config.kind}': used after dispose()`);
    const { engine } = this;
    const { dim: D, features: F } = this.config;
    const owned: Tensor[] = [];
    const keep = (t: Tensor) => (owned.push(t), t);
    try {
      const xt = keep(engine.tensor(x, [B, T, F]));
      const mt = mask ? keep(engine.tensor(mask, [B, T])) : undefined;
      const h = keep(this.rnn.call(engine, xt, mt, null).y);
      const y = keep(this.head.call(engine, h, undefined, null).y);
      if (this.rean) {
        const et = keep(engine.tensor(e, [B, T, D]));
        const [out, w, n] = attentionPool(engine, y, et, mt).map(keep);
        void n;
        const [o, wv] = await Promise.all([out!.data(), w!.data()]);
        return { out: o, weights: wv };
      }
      const zero = keep(engine.tensor(new Float32Array(B), [B, 1]));
      const [out] = attentionPool(engine, zero, y).map(keep);
      return { out: await out!.data(), weights: null };
    } finally {
      for (const t of owned) t.dispose();
    }
  }

  /**
   * One training step on a batch without padding: x [B,T,F], e [B,T,D], labels one-hot [B,K]; centroidsT =
   * scale * unit centroids, [D,K]; centroids = the same [K,D]. The loss sum and hit count are added to acc [2].
   */
  trainStep(opt: Optimizer, batch: { x: Float32Array; e: Float32Array; labels: Float32Array; B: number; T: number }, centroidsT: Tensor, centroids: Tensor, acc: Tensor, rng: Rng): void {
    const { engine } = this;
    const { dim: D, features: F } = this.config;
    const { B, T } = batch;
    const owned: Tensor[] = [];
    const keep = (t: Tensor) => (owned.push(t), t);
    const ctx: TrainContext = { engine, rng, keep };
    try {
      const x = keep(engine.tensor(batch.x, [B, T, F]));
      const rnnOut = this.rnn.call(engine, x, undefined, ctx);
      const headOut = this.head.call(engine, rnnOut.y, undefined, ctx);
      const values = this.rean ? keep(engine.tensor(batch.e, [B, T, D])) : headOut.y;
      const scores = this.rean ? headOut.y : keep(engine.tensor(new Float32Array(B), [B, 1]));
      const [z, w, n] = attentionPool(engine, scores, values).map(keep);
      const logits = keep(denseOp(engine, z!, centroidsT));
      const probs = keep(softmax(engine, logits));
      const labels = keep(engine.tensor(batch.labels, [B, centroidsT.shape[1]!]));
      const [dl, stats] = softmaxCrossEntropy(engine, probs, labels, {}, acc).map(keep);
      void stats;
      const dz = keep(denseOp(engine, dl!, centroids));
      const [dScores, dValues] = attentionPoolGrad(engine, w!, values, z!, n!, dz).map(keep);
      const headB = this.head.backward(ctx, this.rean ? dScores! : dValues!, headOut.cache, true);
      headB.grads.forEach(keep);
      keep(headB.dx!);
      const rnnB = this.rnn.backward(ctx, headB.dx!, rnnOut.cache, false);
      rnnB.grads.forEach(keep);
      const params = [...this.rnn.trainableWeights, ...this.head.trainableWeights].map((wt) => wt.tensor);
      const grads = [...rnnB.grads, ...headB.grads];
      let normSq: Tensor | undefined;
      if (opt.clipNorm > 0) {
        normSq = keep(engine.tensor([0], [1]));
        for (const g of grads) sumSquares(engine, g, normSq).dispose();
      }
      opt.apply(engine, params, grads, normSq);
    } finally {
      for (const t of owned) t.dispose();
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.rnn.dispose();
    this.head.dispose();
  }
}
