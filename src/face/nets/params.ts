// Weight tensors a face network owns: uploaded once at load, freed together in dispose().
import type { Engine } from '../../runtime/engine.js';
import { InvalidArgumentError } from '../../runtime/errors.js';
import type { Tensor } from '../../runtime/tensor.js';
import { takeWeight } from '../../nn/weights/take.js';
import type { NamedWeights } from '../../nn/weights/named.js';

export class ParamStore {
  private tensors: Tensor[] = [];
  private disposed = false;

  constructor(
    readonly engine: Engine,
    private readonly weights: NamedWeights,
  ) {}

  /** The named tensor's values (shape-checked, see takeWeight), on the host. */
  values(name: string, shape: readonly number[]): Float32Array {
    return takeWeight(this.weights, name, shape).data;
  }

  /** Uploads host values as a tensor of `shape` that this store owns. */
  upload(data: ArrayLike<number>, shape: readonly number[]): Tensor {
    const t = this.engine.tensor(data, shape);
    this.tensors.push(t);
    return t;
  }

  /** Takes the named tensor, checks its shape and uploads it (as `uploadShape`, same element order, if given). */
  take(name: string, shape: readonly number[], uploadShape: readonly number[] = shape): Tensor {
    return this.upload(this.values(name, shape), uploadShape);
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Throws if the network was disposed. */
  check(where: string): void {
    if (this.disposed) throw new InvalidArgumentError(`${where}: the network was disposed`);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.tensors.forEach((t) => t.dispose());
    this.tensors = [];
  }
}

/** Runs `fn` and disposes `inputs` afterwards (also when it throws): one step of a chain of intermediates. */
export function consume<T>(inputs: Tensor | readonly Tensor[], fn: () => T): T {
  try {
    return fn();
  } finally {
    (Array.isArray(inputs) ? inputs : [inputs as Tensor]).forEach((t) => t.dispose());
  }
}
