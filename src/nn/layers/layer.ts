// The layer contract behind Sequential: shapes without the batch dim, weights as engine tensors, an inference
// call, and (for training) a forward that keeps what the backward needs plus the backward itself.
import type { Engine } from '../../runtime/engine.js';
import { fail } from '../../runtime/errors.js';
import type { Tensor } from '../../runtime/tensor.js';
import type { Rng } from '../rng.js';

/** A shape without its batch dim; null where any size goes (Keras None), e.g. [null, 128] for any T. */
export type LayerShape = (number | null)[];

export interface Weight {
  /** Keras weight name, e.g. "lstm_1/recurrent_kernel". */
  name: string;
  shape: number[];
  tensor: Tensor;
  trainable: boolean;
}

/** Per training step: tensors to free at its end, and randomness for dropout. */
export interface TrainContext {
  engine: Engine;
  rng: Rng;
  /** Registers a tensor the step frees when it ends; returns it. */
  keep(t: Tensor): Tensor;
  /**
   * Host copies of this step's masks ([batch, T], 1 keep): a Masking layer computes its mask from the host batch
   * and files it here, so recurrent layers can build their masked-training index maps without a readback.
   */
  hostMasks?: Map<Tensor, Float32Array>;
}

/** Per-call extras a layer may take (Sequential.predict's initialState). */
export interface CallOptions {
  /** Keras initial_state: [h] or [h, c] per direction, each [batch, units]. */
  initialState?: readonly Tensor[];
}

export interface CallResult {
  y: Tensor;
  /** [batch, T] (1 keep, 0 masked) passed on to the next layer. */
  mask?: Tensor;
  /** What backward needs (training only). */
  cache?: unknown;
}

export interface BackwardResult {
  /** Gradient w.r.t. the layer input (absent when not asked for). */
  dx?: Tensor;
  /** One gradient per trainable weight, in `trainableWeights` order. */
  grads: Tensor[];
}

export abstract class Layer {
  /** Keras class name (model.json). */
  abstract readonly className: string;
  name: string;
  built = false;
  weights: Weight[] = [];
  /** Declared input shape (first layer): Keras inputShape / batch_input_shape without the batch. */
  inputShape?: LayerShape;

  constructor(name: string | undefined, defaultName: string) {
    this.name = name ?? defaultName;
  }

  get trainableWeights(): Weight[] {
    return this.weights.filter((w) => w.trainable);
  }

  /** Output shape for an input shape (both without batch); throws InvalidArgumentError on a mismatch. */
  abstract outputShape(inShape: LayerShape): LayerShape;

  /** Creates the weights for an input shape (default: none). */
  build(_engine: Engine, inShape: LayerShape, _rng: Rng): void {
    this.outputShape(inShape);
    this.built = true;
  }

  /** Inference (ctx null) or the training forward (ctx given, cache for backward). */
  abstract call(engine: Engine, x: Tensor, mask: Tensor | undefined, ctx: TrainContext | null, options?: CallOptions): CallResult;

  /** Backward from dy; `preActivation`: dy is w.r.t. the pre-activation (fused softmax + cross-entropy). */
  backward(_ctx: TrainContext, _dy: Tensor, _cache: unknown, _needDx: boolean, _preActivation = false): BackwardResult {
    throw fail(this.name, `${this.className} cannot be trained`);
  }

  /** Keras config (snake_case) for model.json. */
  abstract config(): Record<string, unknown>;

  /** Frees the weights. */
  dispose(): void {
    for (const w of this.weights) w.tensor.dispose();
    this.weights = [];
    this.built = false;
  }
}

/** Makes a Keras-style unique default name per class (lstm, lstm_1, ...), per process like Keras. */
const counters = new Map<string, number>();
export function uniqueName(base: string): string {
  const n = counters.get(base) ?? 0;
  counters.set(base, n + 1);
  return n === 0 ? base : `${base}_${n}`;
}

/** Checks a layer options object: an object with known keys only. */
export function checkOptions(layer: string, opts: unknown, known: readonly string[]): Record<string, unknown> {
  if (opts === undefined) return {};
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) fail(layer, `options must be an object, got ${JSON.stringify(opts)}`);
  for (const k of Object.keys(opts)) {
    if (!known.includes(k) && (opts as Record<string, unknown>)[k] !== undefined) fail(layer, `unknown option '${k}' (known: ${known.join(', ')})`);
  }
  return opts as Record<string, unknown>;
}

export function optInt(layer: string, name: string, v: unknown, dflt?: number, min = 1): number {
  if (v === undefined && dflt !== undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) fail(layer, `${name} must be an integer >= ${min}, got ${String(v)}`);
  return v;
}

export function optNum(layer: string, name: string, v: unknown, dflt: number, lo = -Infinity, hi = Infinity): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi) fail(layer, `${name} must be a finite number in [${lo}, ${hi}], got ${String(v)}`);
  return v;
}

export function optBool(layer: string, name: string, v: unknown, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') fail(layer, `${name} must be a boolean, got ${JSON.stringify(v)}`);
  return v;
}

/** A declared input shape: integers >= 1 or null (any). */
export function optShape(layer: string, name: string, v: unknown): LayerShape | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length === 0) fail(layer, `${name} must be a non-empty array of sizes (null for any), got ${JSON.stringify(v)}`);
  for (const d of v) {
    if (d !== null && (typeof d !== 'number' || !Number.isInteger(d) || d < 1)) fail(layer, `${name} ${JSON.stringify(v)} has a bad size ${String(d)} (integers >= 1, or null)`);
  }
  return [...v] as LayerShape;
}
