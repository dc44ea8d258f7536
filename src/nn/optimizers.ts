// Optimisers on device: one in-place update op per parameter (src/ops/optimizer-grad), slots (Adam m / v, SGD
// velocity) as engine tensors created on first use, clipping by global norm from a device-side squared norm.
import type { Engine } from '../runtime/engine.js';
import { fail } from '../runtime/errors.js';
import type { Tensor } from '../runtime/tensor.js';
import { adamUpdate, sgdUpdate } from '../ops/optimizer-grad/index.js';
import { checkOptions, optBool, optNum } from './layers/layer.js';

export interface Optimizer {
  readonly name: 'adam' | 'sgd';
  /** Clip gradients by their global norm (Keras global_clipnorm); 0 = off. */
  readonly clipNorm: number;
  /** Applies one step to every parameter in place; normSq: the squared global norm (clipping). */
  apply(engine: Engine, params: readonly Tensor[], grads: readonly Tensor[], normSq?: Tensor): void;
  /** Steps taken. */
  readonly iterations: number;
  /** Keras-style config. */
  config(): Record<string, unknown>;
  /** Moves a parameter's slots to a replacement tensor (the model re-created its weight). */
  rekey(old: Tensor, fresh: Tensor): void;
  /** Drops every slot (they restart at zero). */
  reset(): void;
  /** Frees the slots. */
  dispose(): void;
}

export interface AdamOptions {
  learningRate?: number;
  beta1?: number;
  beta2?: number;
  /** Default 1e-7 (Keras / tfjs). */
  epsilon?: number;
  clipNorm?: number;
}

export interface SgdOptions {
  learningRate?: number;
  momentum?: number;
  nesterov?: boolean;
  clipNorm?: number;
}

function zerosLike(engine: Engine, t: Tensor): Tensor {
  return engine.tensor(new Float32Array(t.size), t.shape);
}

class Slots {
  private map = new Map<Tensor, Tensor[]>();
  get(engine: Engine, p: Tensor, n: number): Tensor[] {
    let s = this.map.get(p);
    if (!s || s.some((t) => t.disposed)) {
      s = Array.from({ length: n }, () => zerosLike(engine, p));
      this.map.set(p, s);
    }
    return s;
  }
  rekey(old: Tensor, fresh: Tensor): void {
    const s = this.map.get(old);
    if (!s) return;
    this.map.delete(old);
    this.map.set(fresh, s);
  }
  dispose(): void {
    for (const s of this.map.values()) s.forEach((t) => t.dispose());
    this.map.clear();
  }
}

export class Adam implements Optimizer {
  readonly name = 'adam';
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly clipNorm: number;
  iterations = 0;
  private slots = new Slots();

  constructor(options: AdamOptions = {}) {
    const o = checkOptions('adam', options, ['learningRate', 'beta1', 'beta2', 'epsilon', 'clipNorm']);
    this.learningRate = optNum('adam', 'learningRate', o.learningRate, 0.001, 0);
    this.beta1 = optNum('adam', 'beta1', o.beta1, 0.9, 0, 0.999999);
    this.beta2 = optNum('adam', 'beta2', o.beta2, 0.999, 0, 0.999999999);
    this.epsilon = optNum('adam', 'epsilon', o.epsilon, 1e-7, 0);
    this.clipNorm = optNum('adam', 'clipNorm', o.clipNorm, 0, 0);
  }

  apply(engine: Engine, params: readonly Tensor[], grads: readonly Tensor[], normSq?: Tensor): void {
    this.iterations++;
    const attrs = { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, step: this.iterations, clipNorm: normSq ? this.clipNorm : 0 };
    params.forEach((p, i) => {
      const [m, v] = this.slots.get(engine, p, 2);
      adamUpdate(engine, p, grads[i]!, m!, v!, attrs, normSq);
    });
  }

  config(): Record<string, unknown> {
    return { learning_rate: this.learningRate, beta_1: this.beta1, beta_2: this.beta2, epsilon: this.epsilon, global_clipnorm: this.clipNorm || null };
  }

  rekey(old: Tensor, fresh: Tensor): void {
    this.slots.rekey(old, fresh);
  }

  reset(): void {
    this.slots.dispose();
  }

  dispose(): void {
    this.slots.dispose();
  }
}

export class SGD implements Optimizer {
  readonly name = 'sgd';
  readonly learningRate: number;
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly clipNorm: number;
  iterations = 0;
  private slots = new Slots();

  constructor(options: SgdOptions = {}) {
    const o = checkOptions('sgd', options, ['learningRate', 'momentum', 'nesterov', 'clipNorm']);
    this.learningRate = optNum('sgd', 'learningRate', o.learningRate, 0.01, 0);
    this.momentum = optNum('sgd', 'momentum', o.momentum, 0, 0, 0.999999);
    this.nesterov = optBool('sgd', 'nesterov', o.nesterov, false);
    this.clipNorm = optNum('sgd', 'clipNorm', o.clipNorm, 0, 0);
  }

  apply(engine: Engine, params: readonly Tensor[], grads: readonly Tensor[], normSq?: Tensor): void {
    this.iterations++;
    const attrs = { learningRate: this.learningRate, momentum: this.momentum, nesterov: this.nesterov, clipNorm: normSq ? this.clipNorm : 0 };
    params.forEach((p, i) => {
      const vel = this.momentum > 0 ? this.slots.get(engine, p, 1)[0] : undefined;
      sgdUpdate(engine, p, grads[i]!, attrs, vel, normSq);
    });
  }

  config(): Record<string, unknown> {
    return { learning_rate: this.learningRate, momentum: this.momentum, nesterov: this.nesterov, global_clipnorm: this.clipNorm || null };
  }

  rekey(old: Tensor, fresh: Tensor): void {
    this.slots.rekey(old, fresh);
  }

  reset(): void {
    this.slots.dispose();
  }

  dispose(): void {
    this.slots.dispose();
  }
}

export const optimizers = {
  adam: (options?: AdamOptions): Adam => new Adam(options),
  sgd: (options?: SgdOptions): SGD => new SGD(options),
};

/** An optimizer from a name ('adam', 'sgd') or an instance. */
export function toOptimizer(v: unknown): Optimizer {
  if (v === 'adam') return new Adam();
  if (v === 'sgd') return new SGD();
  if (v instanceof Adam || v instanceof SGD) return v;
  return fail('compile', `optimizer must be 'adam', 'sgd' or optimizers.adam({...}) / optimizers.sgd({...}), got ${JSON.stringify(v)}`);
}
